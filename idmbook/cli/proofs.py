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
