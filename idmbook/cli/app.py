"""The command line's application: the Typer app, its consoles, the options the commands
share, and how diagnostics and paths are printed."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from idmbook import __version__

app = typer.Typer(
    name="idmbook",
    help="Compile rapporteur notes and stakeholder contributions into a publication.",
    epilog="Example: [bold]idmbook validate[/], [bold]idmbook status[/], then [bold]idmbook "
    "build --draft[/]. Shell completion: [bold]idmbook --install-completion[/].",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
# soft_wrap: messages are never hard-wrapped, so paths stay whole in CI logs and pipes.
# Diagnostics about the user's files and the commands' results go to stdout (out_console);
# stderr (err_console) is kept for progress and idmbook's own failures.
err_console = Console(stderr=True, emoji=False, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, emoji=False, soft_wrap=True)
_state = {"debug": False}


class OutputFormat(StrEnum):
    auto = "auto"
    human = "human"
    json = "json"
    github = "github"
    sarif = "sarif"


ProjectOption = Annotated[
    Path | None, typer.Option("--project", "-C", help="Project folder (default: here).")
]
DiagnosticsOption = Annotated[
    OutputFormat, typer.Option("--diagnostics", help="Format of validation messages.")
]


class StatusFormat(StrEnum):
    human = "human"
    json = "json"


def _version(value: bool) -> None:
    if value:
        out_console.print(f"idmbook {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show Python tracebacks for internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """idmbook: the International Dialogue on Migration publication compiler."""
    _state["debug"] = debug


def emit_report(report: object, fmt: OutputFormat) -> None:
    from idmbook.diagnostics import (
        Report,
        format_github,
        format_human,
        format_json,
        format_sarif,
    )
    from idmbook.rules import RULES

    assert isinstance(report, Report)
    if fmt is OutputFormat.auto:
        on_github = os.environ.get("GITHUB_ACTIONS", "").lower() == "true"
        fmt = OutputFormat.github if on_github else OutputFormat.human
    if fmt is OutputFormat.human:  # on stdout, as compilers and linters print them
        if report.diagnostics:
            out_console.print(
                format_human(report, color=out_console.is_terminal),
                soft_wrap=True,
                highlight=False,
                markup=out_console.is_terminal,
            )
        else:
            out_console.print("no problems found")
    elif fmt is OutputFormat.json:
        sys.stdout.write(format_json(report) + "\n")
    elif fmt is OutputFormat.github:
        text = format_github(report)
        if text:
            sys.stdout.write(text + "\n")
    else:
        rules = [(r.code, r.summary) for r in RULES.values()]
        sys.stdout.write(format_sarif(report, rules) + "\n")


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def report_build_problems(report: object, fmt: OutputFormat) -> None:
    from idmbook.diagnostics import Report, Severity

    assert isinstance(report, Report)
    shown = Report(
        [d for d in report.diagnostics if d.severity is not Severity.INFO], report.sources
    )
    if shown.diagnostics:
        emit_report(shown, fmt)
