"""`python -m idmbook.cli`."""

from idmbook.cli import main

main()
