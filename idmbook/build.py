"""`idmbook build`: validate, assemble, render every format, write outputs atomically.

Everything is read and checked before anything is written; outputs appear only complete.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook import __version__
from idmbook.assemble import Assembled, assemble
from idmbook.buildinfo import BuildInfo, build_info
from idmbook.defaults import project_templates
from idmbook.diagnostics import Report, Severity
from idmbook.errors import IdmbookError, ProblemsFound
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
    series_line = f"{config.series.name} No. {config.series.number}" if config.series else None
    return BookMeta(
        title=config.title,
        subtitle=config.subtitle,
        series_line=series_line,
        publisher=config.publisher.name,
        year=config.year,
        language=config.language,
        author=", ".join(config.editors) or config.publisher.name,
        subject=series_line or config.title,
        keywords=tuple(t.title for t in project.taxonomy.themes),
        imprint=assembled.imprint,
        contents_label=str(assembled.labels.get("contents", "Contents")),
        draft=options.draft,
        footer_note=info.footer_note() if options.draft else None,
        running_header=series_line or config.title,
        pdf_standard=options.pdf_standard or config.output.pdf_standard,
        timestamp=info.timestamp,
        images=images,
    )


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
    config = project.config
    formats = options.formats or tuple(config.output.formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise IdmbookError(f"unknown format {', '.join(unknown)}; choose from docx, pdf, html")
    root = project.root
    out_dir = (options.out or root / config.output.directory).absolute()
    templates = project_templates(root)
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
        footer_note=info.footer_note(),
    )
    progress("parsing the assembled text")
    ast = json.loads(run_pandoc(["-f", READER, "-t", "json"], assembled.markdown.encode("utf-8")))
    ast, images = sanitize(ast, root)
    meta = book_meta(project, assembled, info, options, images)
    for image in images.values():
        rel = image.resolve().relative_to(root.resolve()).as_posix()
        inputs.setdefault(rel, input_hashes(root, [image])[rel])
    progress(f"rendering {', '.join(formats)}")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {f: pool.submit(_render, f, ast, meta, templates) for f in formats}
        rendered = {f: fut.result() for f, fut in futures.items()}
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
