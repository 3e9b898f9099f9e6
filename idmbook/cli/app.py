"""The command line's application: the Typer app, its consoles, the options the commands
share, and how diagnostics and paths are printed."""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from idmbook import __version__

if TYPE_CHECKING:
    from idmbook.diagnostics import Report

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).

app = typer.Typer(
    name="idmbook",
    help="Compile rapporteur notes and stakeholder contributions into a publication.",
    epilog="Example: [bold]idmbook validate[/], [bold]idmbook status[/], then [bold]idmbook "
    "build --draft[/]. Shell completion: [bold]idmbook --install-completion[/].",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
# soft_wrap: messages are never hard-wrapped, so paths stay whole in CI logs and pipes.
# Diagnostics about the user's files and the commands' results go to stdout (out_console);
# stderr (err_console) is kept for progress and idmbook's own failures.
err_console = Console(stderr=True, emoji=False, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, emoji=False, soft_wrap=True)
_state = {"debug": False}


@dataclass
class Verbosity:
    """How much the command line says: ``-q`` errors only, ``-v`` everything, with timings."""

    quiet: bool = False
    verbose: bool = False


verbosity = Verbosity()
"""This run's, from the options given before the command."""
SHOWN_PER_CODE = 3
"""Warnings of one code shown in full before the rest are summed up (without -v)."""
SUMMED_FROM = 10
"""How many warnings of one code make them be summed up."""


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
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Errors only: no progress, no warnings.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Every warning, and how long each stage of a build took."
        ),
    ] = False,
) -> None:
    """idmbook: the International Dialogue on Migration publication compiler."""
    if quiet and verbose:
        raise typer.BadParameter("--quiet and --verbose cannot be used together")
    _state["debug"] = debug
    verbosity.quiet, verbosity.verbose = quiet, verbose


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
        shown, notes = visible(report)
        if shown.diagnostics:
            out_console.print(
                format_human(shown, color=out_console.is_terminal),
                soft_wrap=True,
                highlight=False,
                markup=out_console.is_terminal,
            )
        elif not report.diagnostics and not verbosity.quiet:
            out_console.print("no problems found")
        for note in notes:
            out_console.print(note, highlight=False, markup=False)
    elif fmt is OutputFormat.json:
        sys.stdout.write(format_json(report) + "\n")
    elif fmt is OutputFormat.github:
        text = format_github(report)
        if text:
            sys.stdout.write(text + "\n")
    else:
        sys.stdout.write(format_sarif(report, list(RULES.values())) + "\n")


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


def visible(report: Report) -> tuple[Report, list[str]]:
    """The diagnostics a person is shown, and one line for each code whose repeated
    warnings were summed up: with ``-q`` errors only, with ``-v`` everything, otherwise the
    first few warnings of a code that has many."""
    from idmbook.diagnostics import Diagnostic, Report, Severity

    if verbosity.verbose:
        return report, []
    if verbosity.quiet:
        errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
        return Report(errors, report.sources), []
    counts = Counter(d.code for d in report.diagnostics if d.severity is Severity.WARNING)
    many = {code for code, count in counts.items() if count >= SUMMED_FROM}
    if not many:
        return report, []
    kept: list[Diagnostic] = []
    shown: Counter[str] = Counter()
    for diagnostic in report.sorted():
        if diagnostic.code in many and diagnostic.severity is Severity.WARNING:
            shown[diagnostic.code] += 1
            if shown[diagnostic.code] > SHOWN_PER_CODE:
                continue
        kept.append(diagnostic)
    notes = [
        f"{counts[code] - SHOWN_PER_CODE} more warnings {code} not shown (see them all with -v)"
        for code in sorted(many)
    ]
    return Report(kept, report.sources), notes
