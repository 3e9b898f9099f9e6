"""The command line: Typer commands that parse options and call one library function each.

Errors become exit codes here and only here (:func:`main`): 0 no errors, 1 problems found, 2
idmbook could not run (a command that builds run without the build extra among them), 130
interrupted. Each command imports the stages it runs inside its function, so that `idmbook
--help` and `idmbook validate` start fast (tests/test_startup.py measures what they load).
"""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.markup import escape

from idmbook import gcpause
from idmbook.cli import (  # noqa: F401 - the commands
    build,
    check,
    ingest,
    project,
    proofs,
    recommendations,
    reference,
    translate,
)
from idmbook.cli.app import _state, app, err_console
from idmbook.errors import IdmbookError, extra_missing, require_build
from idmbook.stopping import stop_everything

__all__ = ["app", "main"]


def _command(args: list[str]) -> str | None:
    """The command named in ``args`` (the first word after the options of ``idmbook``)."""
    return next((arg for arg in args if not arg.startswith("-")), None)


NEEDS_BUILD = frozenset(
    {
        "build",
        "watch",
        "proof",
        "init",
        "ingest",
        "corrections",
        "diff",
        "translate",
        "recommendations",
        "status",
    }
)
"""The commands that need the build extra (``pip install 'idmbook[build]'``): checked before
they start, so that one without it writes nothing. ``validate`` needs only ``pip install
idmbook``."""


def _needs_build(args: list[str]) -> str | None:
    """``idmbook COMMAND`` when ``args`` run a command of :data:`NEEDS_BUILD` (not its help)."""
    command = _command(args)
    if command not in NEEDS_BUILD or "--help" in args or "-h" in args:
        return None
    return f"idmbook {command}"


def _by_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while handling a KeyboardInterrupt (Ctrl-C, SIGTERM)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _interrupted() -> NoReturn:
    """Stop what still runs for the command (pandoc) and say so."""
    stop_everything()
    err_console.print("interrupted")
    sys.exit(130)


def main() -> None:
    """Entry point: run the app and turn errors into exit codes in one place.

    Typer's standalone mode reports usage errors itself (exit 2); idmbook's own errors and
    anything unexpected are caught here, so no traceback reaches the user without --debug.
    """
    try:
        with gcpause.for_command(_command(sys.argv[1:])):
            needing = _needs_build(sys.argv[1:])
            if needing is not None:
                require_build(needing)
            app()
    except IdmbookError as exc:
        err_console.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False)
        if exc.hint:
            err_console.print(f"  hint: {escape(exc.hint)}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exc:
        if _by_interrupt(exc):  # Typer turns Ctrl-C into a silent exit 130
            _interrupted()
        raise
    except Exception as exc:
        if _state["debug"]:
            raise
        # a package of the build extra, imported by a command it is not checked for
        missing = extra_missing(exc, f"idmbook {_command(sys.argv[1:])}")
        if missing is not None:
            err_console.print(f"[bold red]error:[/] {escape(missing.message)}", highlight=False)
            sys.exit(missing.exit_code)
        err_console.print(
            f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
            "  this is a bug in idmbook; run again with --debug for details and report it",
            highlight=False,
        )
        sys.exit(2)
