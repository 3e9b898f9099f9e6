"""Write templates/rapporteur-note.docx: the Word template for a rapporteur's note.

A metadata table at the top (one row per front-matter field), then the headings Summary,
Key messages and Recommendations (see idmbook/ingest/notetemplate.py, which `idmbook init`
also uses to write a new project's template from its own config). `idmbook validate
note.docx` checks a note written from it, and `idmbook ingest --as note note.docx` turns it
into chapters/notes/WORKSHOP/SESSION.md.

Usage: python scripts/make_note_template.py [templates/rapporteur-note.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

from idmbook.ingest.notetemplate import note_template

FIELDS = [
    ("Title", "Opening session"),
    ("Workshop", "new-york"),
    ("Session", "opening"),
    ("Rapporteur", "Your name"),
    ("Status", "draft"),
    ("Themes", "safe-orderly-regular; rights-wellbeing"),
    ("Levels", "national; global"),
    ("SDG targets", "10.7"),
    ("Thematic sessions", ""),
    ("Language", "en"),
]
"""The repository's own template: a session of its New York workshop."""


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/rapporteur-note.docx")
    path.write_bytes(note_template(FIELDS))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
