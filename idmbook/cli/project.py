"""The project on the command line: `idmbook status`, `init` and `new`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from idmbook.cli.app import (
    OutputFormat,
    ProjectOption,
    StatusFormat,
    app,
    emit_report,
    err_console,
    out_console,
    shown,
)
from idmbook.cli.build import run_and_report
from idmbook.errors import IdmbookError

if TYPE_CHECKING:
    from idmbook.model.config import Config, Taxonomy

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).


@app.command()
def status(
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="human (tables) or json.")
    ] = StatusFormat.human,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            help="Also draw the coverage matrix and the contributions by stakeholder type "
            "into this .png or .svg file.",
        ),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Show what has come in, which themes lack material, and what blocks a --final build.

    Notes per workshop session (status, rapporteur, words, recommendations), contributions
    by stakeholder type, theme, workshop and language, the theme coverage matrices with
    their gaps, and each problem that would stop `idmbook build --final` with the command
    that shows its details.

    Example: [bold]idmbook status --chart coverage.png[/]
    """
    from idmbook.commands.status import project_status
    from idmbook.commands.statustables import render_tables

    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise IdmbookError(f"cannot draw a chart as '{chart.name}'", "name the file .png or .svg")
    result = project_status(project or Path.cwd())
    if chart is not None:
        from idmbook.commands.statuschart import status_chart

        status_chart(result, chart)
    if fmt is StatusFormat.json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        for renderable in render_tables(result):
            out_console.print(renderable)
            out_console.print()
    if chart is not None:
        err_console.print(f"wrote {shown(chart)}")
    if not result.config_ok:
        raise typer.Exit(1)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project.")],
    no_build: Annotated[
        bool, typer.Option("--no-build", help="Do not build the example book.")
    ] = False,
) -> None:
    """Create a new publication project, validate it and build its example book.

    Example: [bold]idmbook init idm-2018[/]
    """
    from idmbook.check.validate import validate as run
    from idmbook.commands.build import BuildOptions
    from idmbook.commands.scaffold import init_project

    created = init_project(directory)
    for path in created:
        out_console.print(f"created {shown(path)}")
    _, report = run(directory)
    emit_report(report, OutputFormat.human)
    if report.has_errors:
        raise typer.Exit(1)
    if not no_build:  # the build's own problems only: validation's are printed above
        run_and_report(
            directory,
            BuildOptions(draft=True),
            OutputFormat.human,
            already=frozenset(report.diagnostics),
        )
    out_console.print(
        f"next: cd {directory}, fill in the TODOs in idmbook.yaml, then "
        "`idmbook validate` and `idmbook build`"
    )


new_app = typer.Typer(
    help="Create a note or a contribution with its front matter filled in.\n\n"
    "Example: [bold]idmbook new note --workshop geneva --session children[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(new_app, name="new")


def _open(project: Path | None) -> tuple[Config, Taxonomy, Path]:
    from idmbook.diagnostics import Report
    from idmbook.load.project import open_project

    opened = open_project(project or Path.cwd())
    if isinstance(opened, Report):
        emit_report(opened, OutputFormat.human)
        raise typer.Exit(1)
    return opened.config, opened.taxonomy, opened.root


@new_app.command("note")
def new_note(
    workshop: Annotated[str, typer.Option(help="Workshop id from idmbook.yaml.")],
    session: Annotated[str, typer.Option(help="Session id from the workshop's agenda.")],
    rapporteur: Annotated[str | None, typer.Option(help="Your name.")] = None,
    project: ProjectOption = None,
) -> None:
    """Create a rapporteur note for one session, with the sections in place.

    Example: [bold]idmbook new note --workshop new-york --session opening[/]
    """
    from idmbook.commands.scaffold import new_note as create

    config, taxonomy, root = _open(project)
    path = create(root, config, taxonomy, workshop, session, rapporteur)
    out_console.print(f"created {shown(path)}")


@new_app.command("contribution")
def new_contribution(
    workshop: Annotated[str, typer.Option(help="Workshop id from idmbook.yaml.")],
    organisation: Annotated[str, typer.Option(help="The submitting organisation.")],
    stakeholder_type: Annotated[
        str,
        typer.Option(
            "--type",
            help="government, local_authority, "
            "international_organisation, civil_society, migrant_diaspora, "
            "private_sector, academia or other.",
        ),
    ],
    title: Annotated[str | None, typer.Option(help="Title of the submission.")] = None,
    language: Annotated[str, typer.Option(help="Language tag, e.g. en, fr, es.")] = "en",
    project: ProjectOption = None,
) -> None:
    """Create a stakeholder contribution with its front matter filled in.

    Example: [bold]idmbook new contribution --workshop geneva --organisation "City of Milan"
    --type local_authority[/]
    """
    from idmbook.commands.scaffold import new_contribution as create

    config, taxonomy, root = _open(project)
    path = create(
        root,
        config,
        taxonomy,
        workshop,
        organisation,
        stakeholder_type,
        title,
        language,
    )
    out_console.print(f"created {shown(path)}")
