"""Proofs on the command line: `idmbook proof`, `idmbook corrections`, `idmbook review`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from idmbook.cli.app import (
    OutputFormat,
    ProjectOption,
    app,
    err_console,
    report_build_problems,
    shown,
)


@app.command("proof")
def proof(
    paths: Annotated[list[Path], typer.Argument(help="Notes or contributions to proof.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder of the proofs (default: proofs/).")
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Make a Word proof of each note or contribution, to send to its author.

    Example: [bold]idmbook proof chapters/notes/geneva/children.md --out proofs[/]
    """
    from idmbook.commands.proof import make_proofs
    from idmbook.errors import ProblemsFound

    try:
        written = make_proofs(project or Path.cwd(), paths, out)
    except ProblemsFound as exc:
        if exc.report is not None:
            report_build_problems(exc.report, OutputFormat.human)
        raise
    for path in written:
        err_console.print(f"wrote {shown(path)}")


@app.command("corrections")
def corrections(
    file: Annotated[Path, typer.Argument(help="A returned proof (DOCX).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show the changes; write nothing.")
    ] = False,
    project: ProjectOption = None,
) -> None:
    """Carry a returned proof's tracked changes and edits back into its sources.

    Example: [bold]idmbook corrections inbox/notes-geneva-children.docx --dry-run[/]
    """
    import sys

    from idmbook.commands.corrections import apply_corrections, read_corrections
    from idmbook.errors import ProblemsFound

    try:
        found = read_corrections(project or Path.cwd(), file)
    except ProblemsFound as exc:
        if exc.report is not None:
            report_build_problems(exc.report, OutputFormat.human)
        raise
    for change in found.changes:
        sys.stdout.write(change.diff())
    if not dry_run:
        apply_corrections(found)
    verb = "would correct" if dry_run else "corrected"
    for change in found.changes:
        lines = ", ".join(str(line) for line in change.changed)
        err_console.print(f"{verb} {change.rel} (lines {lines})", markup=False)
    for problem in found.unplaced:
        where = f"{problem.source}:{problem.line}" if problem.source else shown(file)
        quoted = f': "{problem.text}"' if problem.text else ""
        err_console.print(f"{where}: cannot place a change: {problem.reason}{quoted}", markup=False)
    for rel in sorted(found.blocked):
        err_console.print(f"{rel}: nothing changed (see above)", markup=False)
    if not found.changes and not found.unplaced:
        err_console.print(f"{shown(file)}: no corrections found", markup=False)
    if found.unplaced:
        raise ProblemsFound(f"{len(found.unplaced)} changes could not be placed")
