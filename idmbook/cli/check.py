"""`idmbook validate` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from idmbook.cli.app import (
    OutputFormat,
    ProjectOption,
    app,
    emit_report,
)
from idmbook.errors import IdmbookError, ProjectNotFound

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check; the whole project when none is given."),
    ] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="human, json, github (annotations) or sarif."),
    ] = OutputFormat.auto,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    project: ProjectOption = None,
) -> None:
    """Check notes, contributions and the config, and report problems with their lines.

    Example: [bold]idmbook validate chapters/notes/new-york/opening.md[/]
    """
    from idmbook.check.validate import validate as run

    targets = None
    if paths:
        targets = []
        for p in paths:
            if not p.exists():
                raise IdmbookError(f"{p}: no such file")
            if p.is_dir():
                targets.extend(sorted(p.rglob("*.md")))
            elif p.name != "idmbook.yaml":  # the config is checked on every run anyway
                targets.append(p)
    start = project or _start(paths)
    loaded, report = run(start, targets, strict=strict)
    emit_report(report, fmt)
    if loaded is None and any(d.code <= "IDM009" for d in report.diagnostics):
        raise typer.Exit(2)  # idmbook.yaml could not even be read: nothing was validated
    if report.has_errors:
        raise typer.Exit(1)


def _start(paths: list[Path] | None) -> Path:
    """Where to look for the project: the first file's folder when it is in a project, else
    the current folder (a Word note in ~/Downloads is checked against the project the command
    is run in; it is converted in memory, nothing is written)."""
    from idmbook.load.sources import find_root

    if not paths:
        return Path.cwd()
    try:
        return find_root(paths[0].parent)
    except ProjectNotFound:
        pass
    try:
        return find_root(Path.cwd())
    except ProjectNotFound:
        raise ProjectNotFound(
            f"{paths[0]} is in no project, and neither is the current folder",
            "run `idmbook validate FILE` inside the project the file is for, or give it "
            "with -C PROJECT: a note is checked against its workshops and themes",
        ) from None
