"""`idmbook build` and `idmbook watch` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from idmbook.cli.app import (
    DiagnosticsOption,
    OutputFormat,
    ProjectOption,
    app,
    emit_report,
    err_console,
    out_console,
    report_build_problems,
    shown,
    verbosity,
)
from idmbook.errors import IdmbookError, ProblemsFound

if TYPE_CHECKING:
    from collections.abc import Collection

    from idmbook.commands.build import BuildOptions, BuildResult
    from idmbook.diagnostics import Diagnostic

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).


def _book_languages() -> list[str]:
    from idmbook.compose.i18n import BOOK_LANGUAGES

    return list(BOOK_LANGUAGES)


@app.command()
def build(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Comma-separated formats: docx, pdf, html (default: the config's output.formats).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default: dist/).")
    ] = None,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft", help="Watermark every page DRAFT; version and commit in the footer."
        ),
    ] = False,
    final: Annotated[
        bool,
        typer.Option(
            "--final", help="Refuse to build if any note is a draft or any error is found."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even when the outputs are up to date.")
    ] = False,
    pdf_standard: Annotated[
        str | None, typer.Option("--pdf-standard", help="ua-1 (default), a-2a or a-2b.")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the book's own words: en, fr or es (default: the config's "
            "language). Outputs are then named BASENAME-LANG.",
            autocompletion=_book_languages,
        ),
    ] = None,
    print_edition: Annotated[
        bool,
        typer.Option(
            "--print",
            help="Make the PDF for printing: chapters open on right-hand pages, wider inner "
            "margins (as output.print: true in idmbook.yaml).",
        ),
    ] = False,
    diagnostics: DiagnosticsOption = OutputFormat.auto,
    project: ProjectOption = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", "-w", help="Keep running and rebuild whenever a source changes (Ctrl-C)."
        ),
    ] = False,
) -> None:
    """Build the publication as DOCX and PDF (and HTML on request) into dist/.

    Example: [bold]idmbook build --draft[/] or [bold]idmbook build --lang fr[/]
    """

    options = _options(fmt, out, draft, final, force, pdf_standard, lang)
    options.print_edition = print_edition
    if watch:
        _watch(project or Path.cwd(), options, diagnostics)
        return
    run_and_report(project or Path.cwd(), options, diagnostics)


def run_and_report(
    start: Path,
    options: BuildOptions,
    diagnostics: OutputFormat,
    already: Collection[Diagnostic] = (),
) -> None:
    """Build with its stages shown on stderr, then print the build's problems (those not in
    ``already``, printed by the caller) on stdout and what was written. The problems
    are printed once the live stages have stopped: on a terminal they route stdout to stderr."""
    from idmbook.cli.progress import stage_log
    from idmbook.commands.build import build as run_build
    from idmbook.diagnostics import Report

    failed: ProblemsFound | None = None
    with stage_log(err_console, verbosity) as log:
        try:
            result = run_build(start, options, log)
        except ProblemsFound as exc:
            failed = exc
    report = getattr(failed, "report", None) if failed is not None else result.report
    if isinstance(report, Report):
        fresh = Report([d for d in report.diagnostics if d not in already], report.sources)
        report_build_problems(fresh, diagnostics)
    if failed is not None:
        raise failed
    if not verbosity.quiet:
        _print_outcome(result)


def _options(
    fmt: str | None,
    out: Path | None,
    draft: bool,
    final: bool,
    force: bool,
    pdf_standard: str | None,
    lang: str | None,
) -> BuildOptions:
    """The build's options from the command line's, checked."""
    from idmbook.commands.build import BuildOptions
    from idmbook.model.config import PDF_STANDARDS

    if draft and final:
        raise IdmbookError("--draft and --final cannot be used together")
    if pdf_standard is not None and pdf_standard not in PDF_STANDARDS:
        choices = ", ".join(PDF_STANDARDS)
        raise IdmbookError(f"unknown PDF standard '{pdf_standard}'; use one of {choices}")
    if lang is not None:
        import langcodes

        if not langcodes.tag_is_valid(lang):
            raise IdmbookError(f"'{lang}' is not a language tag", "use en, fr or es")
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip()) if fmt else None
    return BuildOptions(
        formats=formats,
        out=out,
        draft=draft,
        final=final,
        force=force,
        pdf_standard=pdf_standard,
        language=lang,
    )


def _print_outcome(result: BuildResult) -> None:
    """The files written (or up to date) and the book's figures, by theme."""
    from idmbook.publish.manifest import FORMATS

    stats = result.stats
    if result.up_to_date:
        err_console.print("outputs are up to date (use --force to rebuild)")
    verb = "up to date" if result.up_to_date else "wrote"
    for path in [*result.outputs.values(), result.manifest]:
        if path is not None and path.exists():
            out_console.print(f"{verb} {shown(path)} ({path.stat().st_size / 1024:,.0f} KB)")
    for path in result.kept.values():
        out_console.print(
            f"kept {escape(shown(path))} in the manifest: built before from the same inputs"
        )
    for name, why in result.dropped.items():
        fmt = name.rsplit(".", 1)[-1]
        again = f" (build it again with -f {fmt})" if fmt in FORMATS else ""
        out_console.print(f"left {escape(name)} out of the manifest: {escape(why)}{again}")
    themes = Table(title="By theme")
    themes.add_column("theme")
    for col in ("notes", "contributions", "recommendations"):
        themes.add_column(col, justify="right")
    for theme in stats.get("themes", {}).values():
        themes.add_row(
            theme["title"],
            str(theme["notes"]),
            str(theme["contributions"]),
            str(theme["recommendations"]),
        )
    out_console.print(themes)
    pages = stats.get("pages")
    out_console.print(
        (f"{pages} pages, " if pages else "") + f"{stats.get('words', 0):,} words, "
        f"{stats.get('notes', 0)} notes, {stats.get('contributions_published', 0)} "
        f"contributions published ({stats.get('contributions_withheld', 0)} withheld without "
        f"consent), {stats.get('recommendations', 0)} recommendations"
    )


def _watch(start: Path, options: object, diagnostics: OutputFormat) -> None:
    """Run the watch loop, printing what happens as it happens; Ctrl-C ends it with status 0."""
    from idmbook.commands.build import BuildOptions
    from idmbook.commands.watch import WatchEvent
    from idmbook.commands.watch import watch as run_watch

    assert isinstance(options, BuildOptions)

    def show(event: WatchEvent) -> None:
        if event.report is not None and event.report.diagnostics:
            emit_report(event.report, diagnostics)
        if event.kind == "watching":
            err_console.print(f"watching {escape(event.message)} for changes (Ctrl-C to stop)")
        elif event.kind == "changed":
            err_console.print(f"changed: {escape(', '.join(event.changed))}")
        elif event.kind in ("built", "unchanged") and event.result is not None:
            names = ", ".join(shown(p) for p in event.result.outputs.values())
            verb = "up to date:" if event.kind == "unchanged" else "[green]wrote[/]"
            err_console.print(f"{verb} {escape(names)} ({event.seconds:.1f} s)")
        elif event.kind == "failed":
            err_console.print(f"[bold red]build failed:[/] {escape(event.message)}")
            if event.hint:
                err_console.print(f"  hint: {escape(event.hint)}")

    code = run_watch(start, options, show)
    err_console.print("stopped watching")
    raise typer.Exit(code)


@app.command("watch")
def watch_command(
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Comma-separated formats (default: the config's)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default: dist/).")
    ] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Watermark every page DRAFT.")] = False,
    pdf_standard: Annotated[
        str | None, typer.Option("--pdf-standard", help="ua-1 (default), a-2a or a-2b.")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the book's own words: en, fr or es."),
    ] = None,
    diagnostics: DiagnosticsOption = OutputFormat.auto,
    project: ProjectOption = None,
) -> None:
    """Build, then rebuild whenever a note, contribution, chapter, template or the config
    changes; problems are shown at once and a broken change keeps the previous outputs.

    Same as [bold]idmbook build --watch[/]. Example: [bold]idmbook watch -f pdf[/]
    """
    build(
        fmt=fmt,
        out=out,
        draft=draft,
        final=False,
        force=False,
        pdf_standard=pdf_standard,
        lang=lang,
        diagnostics=diagnostics,
        project=project,
        watch=True,
    )
