"""`idmbook recommendations` on the command line: every recommendation as data."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from idmbook.cli.app import (
    OutputFormat,
    ProjectOption,
    app,
    emit_report,
    err_console,
    out_console,
    shown,
)
from idmbook.errors import IdmbookError

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).


class RecommendationsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@app.command("recommendations")
def recommendations_command(
    fmt: Annotated[
        RecommendationsFormat,
        typer.Option("--format", "-f", help="table, json, csv (UTF-8 with BOM) or xlsx."),
    ] = RecommendationsFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    project: ProjectOption = None,
) -> None:
    """List every recommendation with its id, provenance, themes, levels, actors, SDG targets
    and global compact objectives, and the near-duplicates among them.

    Example: [bold]idmbook recommendations --format xlsx --out recommendations.xlsx[/]
    """
    from idmbook.commands import recommendations as recs

    if fmt is RecommendationsFormat.xlsx and out is None:
        raise IdmbookError("an XLSX workbook is not written to a terminal", "add --out FILE.xlsx")
    export, report = recs.collect(project or Path.cwd())
    if export is None:
        emit_report(report, OutputFormat.human)
        raise typer.Exit(1)
    if fmt is RecommendationsFormat.table and out is None:
        for renderable in recs.table(export):
            out_console.print(renderable)
        return
    data = recs.render(export, "json" if fmt is RecommendationsFormat.table else fmt.value)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    recs.write_atomically(out, data)
    err_console.print(f"wrote {shown(out)} ({len(export.rows)} recommendations)")
