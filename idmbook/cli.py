"""The command line: Typer commands that parse options and call one library function each.

Errors become exit codes here and only here: 0 no errors, 1 problems found, 2 idmbook could
not run. Heavy modules (pandoc, typst, python-docx) are imported inside the commands that need
them, so that `idmbook --help` and `idmbook validate` start fast.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from idmbook import __version__
from idmbook.errors import IdmbookError
from idmbook.gcpause import age_everything, cycle_collection_paused

if TYPE_CHECKING:
    from idmbook.model.config import Config, Taxonomy

app = typer.Typer(
    name="idmbook",
    help="Compile rapporteur notes and stakeholder contributions into a publication.",
    epilog="Example: [bold]idmbook validate[/], [bold]idmbook status[/], then [bold]idmbook "
    "build --draft[/]. Shell completion: [bold]idmbook --install-completion[/].",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
# soft_wrap: messages are never hard-wrapped, so paths stay whole in CI logs and pipes
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


def _emit_report(report: object, fmt: OutputFormat) -> None:
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
    if fmt is OutputFormat.human:
        if report.diagnostics:
            err_console.print(
                format_human(report, color=err_console.is_terminal),
                soft_wrap=True,
                highlight=False,
                markup=err_console.is_terminal,
            )
        else:
            err_console.print("no problems found")
    elif fmt is OutputFormat.json:
        sys.stdout.write(format_json(report) + "\n")
    elif fmt is OutputFormat.github:
        text = format_github(report)
        if text:
            sys.stdout.write(text + "\n")
    else:
        rules = [(r.code, r.summary) for r in RULES.values()]
        sys.stdout.write(format_sarif(report, rules) + "\n")


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
    start = project or (paths[0].parent if paths else Path.cwd())
    loaded, report = run(start, targets, strict=strict)
    _emit_report(report, fmt)
    if loaded is None and any(d.code <= "IDM009" for d in report.diagnostics):
        raise typer.Exit(2)  # idmbook.yaml could not even be read: nothing was validated
    if report.has_errors:
        raise typer.Exit(1)


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _report_build_problems(report: object, fmt: OutputFormat) -> None:
    from idmbook.diagnostics import Report, Severity

    assert isinstance(report, Report)
    shown = Report(
        [d for d in report.diagnostics if d.severity is not Severity.INFO], report.sources
    )
    if shown.diagnostics:
        _emit_report(shown, fmt)


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
    from rich.table import Table

    from idmbook.commands.build import BuildOptions
    from idmbook.commands.build import build as run_build
    from idmbook.errors import ProblemsFound

    if draft and final:
        raise IdmbookError("--draft and --final cannot be used together")
    if pdf_standard not in (None, "ua-1", "a-2a", "a-2b"):
        raise IdmbookError(f"unknown PDF standard '{pdf_standard}'; use ua-1, a-2a or a-2b")
    if lang is not None:
        import langcodes

        if not langcodes.tag_is_valid(lang):
            raise IdmbookError(f"'{lang}' is not a language tag", "use en, fr or es")
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip()) if fmt else None
    options = BuildOptions(
        formats=formats,
        out=out,
        draft=draft,
        final=final,
        force=force,
        pdf_standard=pdf_standard,
        language=lang,
    )
    if watch:
        _watch(project or Path.cwd(), options, diagnostics)
        return
    with err_console.status("building…") as status:
        try:
            result = run_build(
                project or Path.cwd(), options, progress=lambda m: status.update(m + "…")
            )
        except ProblemsFound as exc:
            report = getattr(exc, "report", None)
            if report is not None:
                _report_build_problems(report, diagnostics)
            raise
    _report_build_problems(result.report, diagnostics)
    stats = result.stats
    if result.up_to_date:
        err_console.print("outputs are up to date (use --force to rebuild)")
    verb = "up to date" if result.up_to_date else "wrote"
    for path in [*result.outputs.values(), result.manifest]:
        if path is not None and path.exists():
            out_console.print(f"{verb} {_shown(path)} ({path.stat().st_size / 1024:,.0f} KB)")
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


class StatusFormat(StrEnum):
    human = "human"
    json = "json"


def _watch(start: Path, options: object, diagnostics: OutputFormat) -> None:
    """Run the watch loop, printing what happens as it happens; Ctrl-C ends it with status 0."""
    from idmbook.commands.build import BuildOptions
    from idmbook.commands.watch import WatchEvent
    from idmbook.commands.watch import watch as run_watch

    assert isinstance(options, BuildOptions)

    def show(event: WatchEvent) -> None:
        if event.report is not None and event.report.diagnostics:
            _emit_report(event.report, diagnostics)
        if event.kind == "watching":
            err_console.print(f"watching {escape(event.message)} for changes (Ctrl-C to stop)")
        elif event.kind == "changed":
            err_console.print(f"changed: {escape(', '.join(event.changed))}")
        elif event.kind in ("built", "unchanged") and event.result is not None:
            names = ", ".join(_shown(p) for p in event.result.outputs.values())
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
    from idmbook.commands.status import project_status, render_tables

    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise IdmbookError(f"cannot draw a chart as '{chart.name}'", "name the file .png or .svg")
    result = project_status(project or Path.cwd())
    if chart is not None:
        from idmbook.compose.charts import status_chart

        status_chart(result, chart)
    if fmt is StatusFormat.json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        for renderable in render_tables(result):
            out_console.print(renderable)
            out_console.print()
    if chart is not None:
        err_console.print(f"wrote {_shown(chart)}")
    if not result.config_ok:
        raise typer.Exit(1)


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
        _emit_report(report, OutputFormat.human)
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
    err_console.print(f"wrote {_shown(out)} ({len(export.rows)} recommendations)")


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
    from idmbook.commands.scaffold import init_project

    created = init_project(directory)
    for path in created:
        out_console.print(f"created {path}")
    _, report = run(directory)
    _emit_report(report, OutputFormat.human)
    if report.has_errors:
        raise typer.Exit(1)
    if not no_build:
        build(
            fmt=None,
            out=None,
            draft=True,
            final=False,
            force=False,
            pdf_standard=None,
            diagnostics=OutputFormat.human,
            project=directory,
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
        _emit_report(opened, OutputFormat.human)
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
    out_console.print(f"created {path}")


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
    out_console.print(f"created {path}")


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
    project: ProjectOption = None,
) -> None:
    """Turn submitted files (.docx, .odt, .rtf, .html, .md, .txt) into contributions.

    Example: [bold]idmbook ingest inbox/ --register inbox/register.csv[/]
    """
    import datetime as dt

    from idmbook.ingest import IngestOptions, print_report
    from idmbook.ingest import ingest as run

    if as_kind not in ("contribution", "note"):
        raise IdmbookError(f"--as {as_kind}: use contribution or note")
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
    result = run(paths, options, project or Path.cwd(), console=err_console)
    print_report(result, out_console)
    raise typer.Exit(result.exit_code)


@app.command()
def rules(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    themes: Annotated[
        bool,
        typer.Option("--themes", help="List the theme ids of the project's taxonomy instead."),
    ] = False,
) -> None:
    """List every diagnostic code with its explanation (or, with --themes, the theme ids).

    Example: [bold]idmbook rules[/], [bold]idmbook rules --themes[/]
    """
    from idmbook.rules import RULES

    if themes:
        _print_themes()
        return
    if fmt == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "explanation": r.explanation,
            }
            for r in RULES.values()
        ]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    for r in RULES.values():
        out_console.print(f"[bold]{r.code}[/] {r.name} ({r.severity.value})", highlight=False)
        out_console.print(f"  {r.summary}", highlight=False, markup=False)
        for line in r.explanation.splitlines():
            out_console.print(f"    {line}", highlight=False, markup=False)


def _print_themes() -> None:
    """The taxonomy of the project here, or the built-in one outside a project."""
    from idmbook.errors import ProjectNotFound
    from idmbook.load.defaults import DATA
    from idmbook.load.project import open_project
    from idmbook.model.config import Taxonomy

    taxonomy: Taxonomy | None = None
    try:
        opened = open_project(Path.cwd())
        taxonomy = getattr(opened, "taxonomy", None)
    except ProjectNotFound:
        pass
    if taxonomy is None:
        from ruamel.yaml import YAML

        data = YAML(typ="safe", pure=True).load((DATA / "themes.yaml").read_text("utf-8"))
        taxonomy = Taxonomy.model_validate(data)
    for theme in taxonomy.themes:
        out_console.print(f"[bold]{theme.id}[/]  {theme.title}", highlight=False, soft_wrap=True)
        for sub in theme.subthemes:
            out_console.print(
                f"    {sub.id}  {sub.title}", highlight=False, markup=False, soft_wrap=True
            )
    if taxonomy.thematic_sessions:
        out_console.print("[bold]thematic_sessions[/]", highlight=False, soft_wrap=True)
        for v in taxonomy.thematic_sessions:
            out_console.print(
                f"    {v.id}  {v.title}", highlight=False, markup=False, soft_wrap=True
            )
    if taxonomy.sdg_targets:
        out_console.print("[bold]sdg_targets[/]", highlight=False, soft_wrap=True)
        for v in taxonomy.sdg_targets:
            out_console.print(
                f"    {v.id}  {v.title}", highlight=False, markup=False, soft_wrap=True
            )


@app.command()
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the JSON Schema files.")
    ] = Path("schemas"),
) -> None:
    """Write JSON Schemas of the front matter and config, for editor completion.

    Example: [bold]idmbook schema --out schemas[/]
    """
    from idmbook.model.schemas import write_schemas

    for path in write_schemas(out):
        out_console.print(f"wrote {path}")


def _exit_quickly() -> None:
    """Spare the process the cycle collector's walks over every object while Python shuts
    down: the process is ending, so they free nothing that matters, and they cost a build
    from the command line 0.06 s (a fiftieth of the IDM book's build, measured with
    ``bench/run_idmbook.py``). Files and the cache are closed before this runs."""
    gc.freeze()


ONE_BURST = frozenset({"build", "validate", "status"})
"""Commands run with the cycle collector paused to the end. Not ``watch`` (it collects between
builds) nor ``ingest`` (each Word file read leaves cycles that must not pile up)."""


def _command(args: list[str]) -> str | None:
    """The command named in ``args`` (the first word after the options of ``idmbook``)."""
    return next((arg for arg in args if not arg.startswith("-")), None)


def main() -> None:
    """Entry point: run the app and turn errors into exit codes in one place.

    Typer's standalone mode reports usage errors itself (exit 2); idmbook's own errors and
    anything unexpected are caught here, so no traceback reaches the user without --debug.
    """
    atexit.unregister(_exit_quickly)  # once, however often main() runs in one process
    atexit.register(_exit_quickly)
    try:
        if _command(sys.argv[1:]) in ONE_BURST:
            # One burst of work, then the end of the process: the cycle collector, resumed
            # after a build, would first walk everything the build left alive (0.1 s after
            # the compendium's build), for nothing: what the command made is counted as old
            # before the collector resumes, however the command ends.
            with cycle_collection_paused():
                try:
                    app()
                finally:
                    age_everything()
        else:
            app()
    except IdmbookError as exc:
        err_console.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False)
        if exc.hint:
            err_console.print(f"  hint: {escape(exc.hint)}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if _state["debug"]:
            raise
        err_console.print(
            f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
            "  this is a bug in idmbook; run again with --debug for details and report it",
            highlight=False,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
