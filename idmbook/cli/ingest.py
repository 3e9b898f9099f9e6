"""`idmbook ingest` on the command line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from idmbook.cli.app import (
    ProjectOption,
    app,
    err_console,
    out_console,
    verbosity,
)
from idmbook.errors import IdmbookError

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Submitted files, or folders of them.")],
    register: Annotated[
        Path | None,
        typer.Option(help="Submissions register (CSV or XLSX): a row per file, column 'file'."),
    ] = None,
    workshop: Annotated[str | None, typer.Option(help="Workshop id for every file.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Submitting organisation.")] = None,
    stakeholder_type: Annotated[
        str | None, typer.Option("--type", help="Stakeholder type, e.g. civil_society.")
    ] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code, e.g. MX.")] = None,
    theme: Annotated[
        list[str] | None, typer.Option("--theme", help="Theme id (repeat for several).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language tag, e.g. fr.")] = None,
    received: Annotated[str | None, typer.Option(help="Date received, 2017-05-02.")] = None,
    consent: Annotated[
        bool | None, typer.Option("--consent/--no-consent", help="Consent to publish.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title of the submission.")] = None,
    sample: Annotated[bool, typer.Option(help="Mark as sample content.")] = False,
    as_kind: Annotated[
        str, typer.Option("--as", help="contribution (default) or note (a Word rapporteur note).")
    ] = "contribution",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    accept_suggested_themes: Annotated[
        bool,
        typer.Option(
            "--accept-suggested-themes",
            help="When nothing gives a file's themes, take those suggested from its text.",
        ),
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", help="human (default) or json, for scripts.")
    ] = "human",
    project: ProjectOption = None,
) -> None:
    """Turn submitted files (.docx, .odt, .rtf, .html, .md, .txt) into contributions.

    Example: [bold]idmbook ingest inbox/ --register inbox/register.csv[/]
    """
    from idmbook.commands.ingest import IngestOptions
    from idmbook.commands.ingest import ingest as run
    from idmbook.ingest.report import print_report, report_json

    if as_kind not in ("contribution", "note"):
        raise IdmbookError(f"--as {as_kind}: use contribution or note")
    if fmt not in ("human", "json"):
        raise IdmbookError(f"--format {fmt}: use human or json")
    given: dict[str, object] = {
        "title": title,
        "organisation": organisation,
        "stakeholder_type": stakeholder_type,
        "country": country,
        "workshop": workshop,
        "themes": theme or None,
        "language": language,
        "consent": consent,
        "sample": True if sample else None,
    }
    if received is not None:
        try:
            given["received"] = dt.date.fromisoformat(received)
        except ValueError:
            raise IdmbookError(f"--received {received}: write the date as 2017-05-02") from None
    options = IngestOptions(
        register=register,
        metadata={k: v for k, v in given.items() if v is not None},
        dry_run=dry_run,
        kind="note" if as_kind == "note" else "contribution",
        accept_suggested_themes=accept_suggested_themes,
    )
    shown = fmt == "human" and not verbosity.quiet
    result = run(paths, options, project or Path.cwd(), console=err_console if shown else None)
    if fmt == "json":
        sys.stdout.write(report_json(result) + "\n")
    elif shown or result.exit_code:
        print_report(result, out_console)
    raise typer.Exit(result.exit_code)
