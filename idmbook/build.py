"""`idmbook build`: validate, assemble, render every format, write outputs atomically.

Everything is read and checked before anything is written; outputs appear only complete.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook import __version__
from idmbook.assemble import Assembled, assemble, contributors_figure, place_figure
from idmbook.buildinfo import BuildInfo, build_info
from idmbook.config import Config
from idmbook.defaults import project_templates
from idmbook.diagnostics import Report, Severity
from idmbook.errors import IdmbookError, ProblemsFound
from idmbook.i18n import draft_note, load_labels, localize_config
from idmbook.manifest import MANIFEST_SUFFIX, input_hashes, make_manifest, sha256, up_to_date
from idmbook.markdown import READER
from idmbook.output import build_lock, write_all
from idmbook.project import Project
from idmbook.render.common import BookMeta, pandoc_version, run_pandoc
from idmbook.sanitize import sanitize
from idmbook.validate import validate

FORMATS = ("docx", "pdf", "html")
Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    """What the user asked for."""

    formats: tuple[str, ...] | None = None
    out: Path | None = None
    draft: bool = False
    final: bool = False
    force: bool = False
    pdf_standard: str | None = None
    language: str | None = None
    """Build the book in this language (en, fr, es...) instead of the config's `language`;
    the outputs are then named BASENAME-LANG."""
    lock_timeout: float = 600.0
    """How long to wait for another build of the same output folder."""


@dataclass
class BuildResult:
    """What a build produced."""

    outputs: dict[str, Path] = field(default_factory=dict)
    manifest: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    up_to_date: bool = False


def _nothing(_: str) -> None:
    return None


def check_for_build(project: Project, report: Report, final: bool) -> Report:
    """The validation report as the build sees it: --final makes drafts errors."""
    if not final:
        return report
    promoted = [
        d.with_severity(Severity.ERROR) if d.code == "IDM045" else d for d in report.diagnostics
    ]
    return Report(promoted, report.sources)


def book_meta(
    project: Project,
    assembled: Assembled,
    info: BuildInfo,
    options: BuildOptions,
    images: dict[str, Path],
) -> BookMeta:
    config = project.config
    labels = assembled.labels
    series_line = (
        str(labels["series_line"]).format(name=config.series.name, number=config.series.number)
        if config.series
        else None
    )
    return BookMeta(
        title=config.title,
        subtitle=config.subtitle,
        series_line=series_line,
        publisher=config.publisher.name,
        year=config.year,
        language=config.language,
        author=", ".join(config.editors) or config.publisher.name,
        subject=series_line or config.title,
        keywords=assembled.themes or tuple(t.title for t in project.taxonomy.themes),
        imprint=assembled.imprint,
        contents_label=str(assembled.labels.get("contents", "Contents")),
        draft=options.draft,
        watermark=str(labels.get("draft_watermark") or "DRAFT"),
        footer_note=draft_note(labels, info.version, info.date, info.commit)
        if options.draft
        else None,
        running_header=series_line or config.title,
        pdf_standard=options.pdf_standard or config.output.pdf_standard,
        timestamp=info.timestamp,
        images=images,
    )


def in_language(config: Config, language: str | None) -> Config:
    """The config of the book in ``language`` (its own when None): translated words from its
    ``translations``, and outputs named BASENAME-LANG when the language is not the config's."""
    localized = localize_config(config, language)
    if language and language != config.language:
        basename = f"{config.output.basename}-{language}"
        output = config.output.model_copy(update={"basename": basename})
        localized = localized.model_copy(update={"output": output})
    return localized


@dataclass
class Figures:
    """Figures the build draws itself (not project files), in a temporary folder."""

    blocks: list[Any]
    """The AST blocks that replace the figure's slot in the book."""
    images: dict[str, Path]
    """Picture names used in ``blocks`` -> their files in ``folder``."""
    folder: tempfile.TemporaryDirectory[str]


def generated_figures(assembled: Assembled) -> Figures | None:
    """The chart of who contributed (output.contributors_chart), drawn into a temporary
    folder, or None when the book has none."""
    if not assembled.contributors:
        return None
    from idmbook.charts import contributors_chart

    folder = tempfile.TemporaryDirectory(prefix="idmbook-figures-")
    path = Path(folder.name) / "contributors.png"
    contributors_chart(assembled.contributors, path, str(assembled.labels["contributors_axis"]))
    name = f"media/{sha256(path.read_bytes())[:16]}.png"
    markdown = contributors_figure(assembled.contributors, assembled.labels, name)
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8")))
    return Figures(blocks["blocks"], {name: path}, folder)


def _tools() -> dict[str, str]:
    import importlib.metadata as md

    return {"idmbook": __version__, "pandoc": pandoc_version(), "typst": md.version("typst")}


def _render(fmt: str, ast: dict[str, Any], meta: BookMeta, templates: Path) -> bytes:
    if fmt == "docx":
        from idmbook.render.docx import render_docx

        return render_docx(ast, meta, templates)
    if fmt == "pdf":
        from idmbook.render.pdf import render_pdf

        return render_pdf(ast, meta, templates)
    from idmbook.render.html import render_html

    return render_html(ast, meta, templates)


def build(start: Path, options: BuildOptions, progress: Progress = _nothing) -> BuildResult:
    """Build the publication of the project containing ``start``."""
    progress("validating sources")
    project, report = validate(start)
    if project is None:
        raise ProblemsFound("idmbook.yaml has errors; nothing was built", report=report)
    report = check_for_build(project, report, options.final)
    result = BuildResult(report=report)
    if report.has_errors:
        what = "--final build refused" if options.final else "build stopped"
        raise ProblemsFound(f"{what}: validation found errors; nothing was written", report=report)
    source_language = project.config.language
    project.config = in_language(project.config, options.language)
    config = project.config
    formats = options.formats or tuple(config.output.formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise IdmbookError(f"unknown format {', '.join(unknown)}; choose from docx, pdf, html")
    root = project.root
    out_dir = (options.out or root / config.output.directory).absolute()
    templates = project_templates(root)
    load_labels(templates, config.language)  # a language without words stops here
    template_files = sorted(p for p in templates.rglob("*") if p.is_file())
    info = build_info(root, project.inputs)
    inputs = input_hashes(root, project.inputs)
    for path in template_files:
        inputs[f"templates/{path.relative_to(templates).as_posix()}"] = sha256(path.read_bytes())
    inputs = dict(sorted(inputs.items()))
    tools = _tools()
    opts = {
        "formats": list(formats),
        "draft": options.draft,
        "final": options.final,
        "pdf_standard": options.pdf_standard or config.output.pdf_standard,
        "source_date_epoch": info.timestamp,
        "commit": info.commit if options.draft else None,
        "language": config.language,
    }
    with build_lock(
        out_dir,
        wait=options.lock_timeout,
        on_wait=lambda: progress("waiting for another build to finish"),
    ):
        return _build_locked(
            project,
            options,
            progress,
            result,
            formats,
            out_dir,
            templates,
            info,
            inputs,
            tools,
            opts,
            source_language=source_language,
        )


def _build_locked(
    project: Project,
    options: BuildOptions,
    progress: Progress,
    result: BuildResult,
    formats: tuple[str, ...],
    out_dir: Path,
    templates: Path,
    info: BuildInfo,
    inputs: dict[str, str],
    tools: dict[str, str],
    opts: dict[str, Any],
    source_language: str | None = None,
) -> BuildResult:
    root, config = project.root, project.config
    base = config.output.basename
    manifest_path = out_dir / f"{base}{MANIFEST_SUFFIX}"
    if not options.force and up_to_date(manifest_path, inputs, tools, opts):
        result.up_to_date = True
        result.outputs = {f: out_dir / f"{base}.{f}" for f in formats}
        result.manifest = manifest_path
        result.stats = json.loads(manifest_path.read_text("utf-8")).get("stats", {})
        return result

    progress("assembling the book")
    assembled = assemble(
        config,
        project.taxonomy,
        project.documents,
        templates,
        draft=options.draft,
        footer_note=draft_note(
            load_labels(templates, config.language), info.version, info.date, info.commit
        ),
        source_language=source_language,
    )
    progress("parsing the assembled text")
    ast = json.loads(run_pandoc(["-f", READER, "-t", "json"], assembled.markdown.encode("utf-8")))
    ast, images = sanitize(ast, root)
    meta = book_meta(project, assembled, info, options, images)
    for image in images.values():
        rel = image.resolve().relative_to(root.resolve()).as_posix()
        inputs.setdefault(rel, input_hashes(root, [image])[rel])
    figures = generated_figures(assembled)
    if figures is not None:
        ast = place_figure(ast, figures.blocks)
        meta = dataclasses.replace(meta, images={**meta.images, **figures.images})
    progress(f"rendering {', '.join(formats)}")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {f: pool.submit(_render, f, ast, meta, templates) for f in formats}
        rendered = {f: fut.result() for f, fut in futures.items()}
    if figures is not None:
        figures.folder.cleanup()
    stats = dict(assembled.stats)
    if "pdf" in rendered:
        stats["pages"] = _page_count(rendered["pdf"])
    outputs = {f"{base}.{fmt}": data for fmt, data in rendered.items()}
    manifest = make_manifest(inputs, tools, opts, outputs, stats)
    progress("writing outputs")
    files = {out_dir / name: data for name, data in outputs.items()}
    files[manifest_path] = manifest
    write_all(files)
    result.outputs = {fmt: out_dir / f"{base}.{fmt}" for fmt in rendered}
    result.manifest = manifest_path
    result.stats = stats
    return result


def _page_count(pdf: bytes) -> int | None:
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 - a statistic must never fail a build
        return None
