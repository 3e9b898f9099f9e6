"""`idmbook build`: the pipeline, top to bottom.

Validate every source (check/), plan what the build reads and writes (publish/plan.py),
assemble the book's Markdown (compose/), parse and sanitise it (parse/), render every format
(render/), then write the outputs and their manifest atomically (publish/). Everything is read
and checked before anything is written; outputs appear only complete.
"""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook.check.memo import LoadMemo
from idmbook.check.validate import for_build, validate
from idmbook.commands.events import QUIET, BuildEvents
from idmbook.compose.assemble import Assembled, assemble
from idmbook.compose.editions import edition_check
from idmbook.compose.i18n import draft_note, load_labels
from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError, ProblemsFound
from idmbook.load.project import Project
from idmbook.load.reviews import OPEN, read_reviews
from idmbook.load.sources import find_root
from idmbook.pandoc.ast import link_targets
from idmbook.parse.body import Body, drawn_figure, parse_body
from idmbook.parse.citations import book_citations
from idmbook.parse.crossref import number as number_apparatus
from idmbook.publish.manifest import (
    FORMATS,
    Carried,
    carried_outputs,
    make_manifest,
    path_hashes,
    published,
    record_inputs,
)
from idmbook.publish.output import build_lock, write_all
from idmbook.publish.plan import (
    BuildOptions,
    Plan,
    in_language,
    last_build,
    make_output_folder,
    make_plan,
)
from idmbook.render.formats import render_all
from idmbook.render.meta import book_meta
from idmbook.render.pdf import TypstSession
from idmbook.stopping import signals_stop_cleanly

__all__ = ["FORMATS", "BuildOptions", "BuildResult", "build", "render_all"]


@dataclass
class BuildResult:
    """What a build produced."""

    outputs: dict[str, Path] = field(default_factory=dict)
    manifest: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    up_to_date: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage (not in the manifest: it would not be reproducible)."""
    kept: dict[str, Path] = field(default_factory=dict)
    """Outputs of an earlier build still current, listed in the manifest with those written."""
    dropped: dict[str, str] = field(default_factory=dict)
    """Outputs the last manifest listed that are not current (file name: why); their files
    are left where they are, out of the manifest."""


def build(
    start: Path,
    options: BuildOptions,
    events: BuildEvents = QUIET,
    session: TypstSession | None = None,
    memo: LoadMemo | None = None,
) -> BuildResult:
    """Build the publication of the project containing ``start``.

    ``session`` is a long-lived Typst compiler and ``memo`` remembers what loading each source
    gave, for builds one after another (watch mode).
    """
    with signals_stop_cleanly():
        hashed: dict[Path, tuple[str, str]] = {}
        if not options.force and options.markdown_out is None and not _reviews_open(start, options):
            last = last_build(start, options)
            if last.plan is not None:
                return _already_built(last.plan)
            hashed = last.hashed
        started = time.perf_counter()
        events.stage("validating sources")
        project, report = _validated(start, options, memo, events)
        result = BuildResult(report=report, timings={"validate": time.perf_counter() - started})
        source_language = project.config.language
        project.config = in_language(project.config, options.language)
        plan = make_plan(project.root, project.config, project.inputs, options, hashed)
        make_output_folder(plan, options)
        waiting = lambda: events.stage("waiting for another build to finish")  # noqa: E731
        with build_lock(plan.out_dir, wait=options.lock_timeout, on_wait=waiting):
            if not options.force and plan.is_built():
                return _already_built(plan, result)
            try:
                return _make_book(project, plan, options, result, events, session, source_language)
            finally:
                if plan.cache is not None:
                    plan.cache.flush()


def _reviews_open(start: Path, options: BuildOptions) -> bool:
    """Whether a --final build must validate again although its inputs did not change: a
    review item is open (reviews/ is not among the book's inputs)."""
    if not options.final:
        return False

    try:
        items, problems = read_reviews(find_root(start))
    except IdmbookError:
        return False  # no project here: the build says so
    return bool(problems) or any(item.status == OPEN for item in items)


def _validated(
    start: Path, options: BuildOptions, memo: LoadMemo | None, events: BuildEvents
) -> tuple[Project, Report]:
    """The project, validated as the build sees it; ProblemsFound when it has errors."""
    project, report = validate(start, memo=memo)
    if project is None:
        raise ProblemsFound("idmbook.yaml has errors; nothing was built", report=report)
    report = for_build(report, options.final)
    report = edition_check(project, report, options.language, options.final)
    events.validated(report)
    if report.has_errors:
        what = "--final build refused" if options.final else "build stopped"
        raise ProblemsFound(f"{what}: validation found errors; nothing was written", report=report)
    return project, report


def _make_book(
    project: Project,
    plan: Plan,
    options: BuildOptions,
    result: BuildResult,
    events: BuildEvents,
    session: TypstSession | None,
    source_language: str,
) -> BuildResult:
    clock = time.perf_counter()
    events.stage("assembling the book")
    assembled = _assembled(project, plan, options, source_language)
    result.timings["assemble"] = time.perf_counter() - clock

    clock = time.perf_counter()
    events.stage("parsing the assembled text")
    figure = drawn_figure(assembled, project.config.language)
    citations = book_citations(project, assembled.labels)
    body = parse_body(assembled.markdown, project.root, plan.cache, figure, citations)
    body.ast = number_apparatus(body.ast, assembled.labels)[0]
    result.timings["parse"] = time.perf_counter() - clock

    clock = time.perf_counter()
    events.stage(f"rendering {', '.join(plan.formats)}")
    try:
        images = {**body.images, **(figure.images if figure is not None else {})}
        rendered = _rendered(project, plan, options, assembled, body, images, session)
    finally:
        if figure is not None:
            figure.folder.cleanup()
    result.timings["render"] = time.perf_counter() - clock

    events.stage("writing outputs")
    stats = dict(assembled.stats)
    if "pdf" in rendered:
        stats["pages"] = _page_count(rendered["pdf"])
    for rel, digest in path_hashes(project.root, body.images.values()).values():
        plan.inputs.setdefault(rel, digest)
    carried = _write(project, plan, rendered, stats)
    result.outputs = {fmt: plan.output_path(fmt) for fmt in rendered}
    result.kept = {name.rsplit(".", 1)[1]: plan.out_dir / name for name in carried.outputs}
    result.dropped = carried.dropped
    result.manifest = plan.manifest_path
    result.stats = stats
    if plan.cache is not None:
        plan.cache.prune()
    return result


def _assembled(
    project: Project, plan: Plan, options: BuildOptions, source_language: str
) -> Assembled:
    info, config = plan.info, project.config
    assembled = assemble(
        config,
        project.taxonomy,
        project.documents,
        plan.templates,
        draft=options.draft,
        footer_note=draft_note(
            load_labels(plan.templates, config.language), info.version, info.date, info.commit
        ),
        source_language=source_language,
    )
    if options.markdown_out is not None:
        options.markdown_out.write_text(assembled.markdown, encoding="utf-8")
    return assembled


def _rendered(
    project: Project,
    plan: Plan,
    options: BuildOptions,
    assembled: Assembled,
    body: Body,
    images: dict[str, Path],
    session: TypstSession | None,
) -> dict[str, bytes]:
    """Every format of the book; ``images``: the pictures its body places."""
    info = plan.info
    footer = draft_note(assembled.labels, info.version, info.date, info.commit)
    meta = book_meta(
        project,
        assembled,
        draft_footer=footer if options.draft else None,
        timestamp=info.timestamp,
        pdf_standard=options.pdf_standard,
        images=images,
        link_targets=link_targets(body.ids),
        print_edition=options.print_edition,
    )
    return render_all(plan.formats, body.ast, meta, plan.templates, plan.cache, session)


def _write(
    project: Project, plan: Plan, rendered: dict[str, bytes], stats: dict[str, Any]
) -> Carried:
    """The outputs and their manifest, written together (see :func:`write_all`); the manifest
    lists too the outputs of the last build here that are still current (returned)."""
    outputs = {f"{plan.basename}.{fmt}": data for fmt, data in rendered.items()}
    every_input = dict(sorted(plan.inputs.items()))
    carried = carried_outputs(
        plan.manifest_path, outputs, every_input, plan.tools, plan.opts, plan.cache
    )
    kept = [name.rsplit(".", 1)[1] for name in carried.outputs]
    if "pdf" in kept and "pages" in carried.stats:
        stats["pages"] = carried.stats["pages"]
    withheld = (c.rel for c in project.documents.contributions if not c.meta.consent)
    inputs = published(plan.inputs, withheld)
    options = {**plan.opts, "formats": [*plan.formats, *kept]}
    manifest = make_manifest(inputs, plan.tools, options, outputs, stats, carried.outputs)
    files = {plan.out_dir / name: data for name, data in outputs.items()}
    files[plan.manifest_path] = manifest
    write_all(files)
    record_inputs(plan.cache, manifest, every_input)
    return carried


def _already_built(plan: Plan, result: BuildResult | None = None) -> BuildResult:
    """The result of a build whose outputs are up to date (their manifest says so)."""
    result = result or BuildResult()
    result.up_to_date = True
    result.outputs = {fmt: plan.output_path(fmt) for fmt in plan.formats}
    result.manifest = plan.manifest_path
    result.stats = json.loads(plan.manifest_path.read_text("utf-8")).get("stats", {})
    return result


_PAGE_TREE = re.compile(rb"/Type\s*/Pages\b")


def _page_count(pdf: bytes) -> int | None:
    """Pages of ``pdf``: from the root of its page tree when it is plain text (Typst writes it
    so), else with pypdf."""
    roots = []
    for match in _PAGE_TREE.finditer(pdf):
        start = pdf.rfind(b" obj", 0, match.start())
        end = pdf.find(b"endobj", match.end())
        body = pdf[start:end] if start != -1 and end != -1 else b""
        count = re.search(rb"/Count\s+(\d+)", body)
        if count is not None and b"/Parent" not in body:
            roots.append(int(count.group(1)))
    if len(roots) == 1:
        return roots[0]
    try:  # pypdf imported here: only a PDF whose page tree is not plain text needs it
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 - a statistic must never fail a build
        return None
