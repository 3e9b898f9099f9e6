"""`idmbook build`: validate, assemble, render every format, write outputs atomically.

Everything is read and checked before anything is written; outputs appear only complete.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idmbook import __version__
from idmbook.cache import Cache
from idmbook.diagnostics import Report, Severity
from idmbook.errors import IdmbookError, OutputError, ProblemsFound
from idmbook.gcpause import cycle_collection_paused
from idmbook.load.defaults import project_templates
from idmbook.pandoc.run import (
    BookMeta,
    link_targets,
    pandoc_path,
    pandoc_version,
)
from idmbook.publish.buildinfo import BuildInfo, build_info
from idmbook.publish.manifest import (
    MANIFEST_SUFFIX,
    input_hashes,
    make_manifest,
    path_hashes,
    published,
    record_inputs,
    recorded_inputs,
    sha256,
    up_to_date,
)

if TYPE_CHECKING:
    from idmbook.compose.assemble import Assembled
    from idmbook.load.memo import LoadMemo
    from idmbook.load.project import Project
    from idmbook.model.config import Config
    from idmbook.render.pdf import TypstSession

# The models, the templates and the validator are imported where a build needs them: an
# up-to-date check (`idmbook build` with nothing changed) needs none of them.

FORMATS = ("docx", "pdf", "html")
MAX_MANIFEST = 64 * 1024 * 1024
"""The largest manifest the up-to-date check reads."""
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
    cache: bool = True
    """Keep pandoc's work in idmbook's cache folder (see :mod:`idmbook.cache`) and reuse it."""
    markdown_out: Path | None = None
    """Also write the assembled Markdown there (what pandoc parses; for the benchmark)."""


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
    from idmbook.compose.i18n import draft_note

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
        root=project.root,
    )


def in_language(config: Config, language: str | None) -> Config:
    """The config of the book in ``language`` (its own when None): translated words from its
    ``translations``, and outputs named BASENAME-LANG when the language is not the config's."""
    from idmbook.compose.i18n import localize_config

    localized = localize_config(config, language)
    if language and language != config.language:
        basename = f"{config.output.basename}-{language}"
        output = config.output.model_copy(update={"basename": basename})
        localized = localized.model_copy(update={"output": output})
    return localized


def _tools(cache: Cache | None = None) -> dict[str, str]:
    """The versions of idmbook, pandoc and Typst, for the manifest.

    Asking them (running pandoc, reading Typst's package metadata) takes 0.03-0.04 s, a
    seventh of an up-to-date check: ``cache`` keeps them under the identity of the programs
    (see :func:`_tools_key`).
    """
    key = _tools_key() if cache is not None else None
    if cache is not None and key is not None:
        found = cache.get("tools", key)
        try:
            tools = json.loads(found) if found is not None else None
        except ValueError:
            tools = None
        if isinstance(tools, dict) and {"pandoc", "typst"} <= tools.keys():
            return {**tools, "idmbook": __version__}
    import importlib.metadata as md

    tools = {"idmbook": __version__, "pandoc": pandoc_version(), "typst": md.version("typst")}
    if cache is not None and key is not None:
        cache.put("tools", key, json.dumps(tools).encode())
        cache.flush()
    return tools


def _tools_key() -> str | None:
    """A cache key for the tools' versions: the size, time and inode of the pandoc program and
    of Typst's package folder, which an upgrade changes (None when they cannot be found)."""
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec("typst")
        if spec is None:
            return None
        places = [pandoc_path(), *(spec.submodule_search_locations or [])]
        places += [spec.origin] if spec.origin else []
        stats = [os.stat(place) for place in places]
    except (OSError, ImportError, ValueError):
        return None
    identities = (f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}" for st in stats)
    return Cache.key("tools", __version__, *places, *identities)


def _render(
    fmt: str, ast: dict[str, Any], meta: BookMeta, templates: Path, cache: Cache | None
) -> bytes:
    if fmt == "docx":
        from idmbook.render.docx import render_docx

        return render_docx(ast, meta, templates, cache)
    from idmbook.render.html import render_html

    return render_html(ast, meta, templates)


def render_all(
    formats: tuple[str, ...],
    ast: dict[str, Any],
    meta: BookMeta,
    templates: Path,
    cache: Cache | None = None,
    session: TypstSession | None = None,
    on_consumed: Callable[[], None] | None = None,
) -> dict[str, bytes]:
    """Every format of the book, in parallel threads (pandoc and Typst release the GIL).

    Python's own work (one thread at a time) goes first to the format whose tools take
    longest. In a fresh build that is the PDF: its Typst files are made first, with every
    processor, and the other formats start when Typst starts typesetting the whole book. With a
    long-lived ``session`` (watch mode) Typst redoes only what changed while pandoc still
    converts the whole book to Word, so Word's file goes first.

    ``on_consumed`` is called on this thread once no format needs ``ast`` any more, while
    the tools still work: the caller can free it then rather than after them.
    """
    from idmbook.render.pdf import render_pdf

    pdf_first = session is None
    typesetting, converting = threading.Event(), threading.Event()
    if "pdf" not in formats:
        typesetting.set()
    if "docx" not in formats:
        converting.set()

    def pdf() -> bytes:
        try:
            if not pdf_first:
                converting.wait()
            return render_pdf(ast, meta, templates, cache, session, typesetting.set)
        finally:
            typesetting.set()

    def other(fmt: str) -> bytes:
        try:
            if pdf_first:
                typesetting.wait()
            if fmt == "docx":
                # imported here, not before the PDF's Typst files are made: python-docx takes
                # a twentieth of a second to import, which would hold Typst back
                from idmbook.render.docx import render_docx

                return render_docx(ast, meta, templates, cache, converting.set)
            return _render(fmt, ast, meta, templates, cache)
        finally:
            if fmt == "docx":
                converting.set()

    with ThreadPoolExecutor(max_workers=len(formats)) as pool:
        futures = {f: pool.submit(pdf) if f == "pdf" else pool.submit(other, f) for f in formats}
        if on_consumed is not None and set(formats) <= {"pdf", "docx"}:
            # both have made what they send their tools (or given up) once these are set
            typesetting.wait()
            converting.wait()
            on_consumed()
        return {f: future.result() for f, future in futures.items()}


def build(
    start: Path,
    options: BuildOptions,
    progress: Progress = _nothing,
    session: TypstSession | None = None,
    on_validated: Callable[[Report], None] | None = None,
    memo: LoadMemo | None = None,
) -> BuildResult:
    """Build the publication of the project containing ``start``.

    ``session`` is a long-lived Typst compiler and ``memo`` remembers what loading each source
    gave, for builds one after another (watch mode); ``on_validated`` receives the validation
    report as soon as it is known, before rendering.
    """
    from idmbook.stopping import signals_stop_cleanly

    with cycle_collection_paused(), signals_stop_cleanly():
        return _build(start, options, progress, session, on_validated, memo)


def _build(
    start: Path,
    options: BuildOptions,
    progress: Progress,
    session: TypstSession | None,
    on_validated: Callable[[Report], None] | None,
    memo: LoadMemo | None,
) -> BuildResult:
    started = time.perf_counter()
    hashed: dict[Path, tuple[str, str]] = {}
    if not options.force and options.markdown_out is None:
        unchanged = _unchanged(start, options, hashed)
        if unchanged is not None:
            return unchanged
    progress("validating sources")
    from idmbook.check.validate import validate

    project, report = validate(start, memo=memo)
    if project is None:
        raise ProblemsFound("idmbook.yaml has errors; nothing was built", report=report)
    report = check_for_build(project, report, options.final)
    result = BuildResult(report=report, timings={"validate": time.perf_counter() - started})
    if on_validated is not None:
        on_validated(report)
    if report.has_errors:
        what = "--final build refused" if options.final else "build stopped"
        raise ProblemsFound(f"{what}: validation found errors; nothing was written", report=report)
    source_language = project.config.language
    project.config = in_language(project.config, options.language)
    plan = _plan(
        project.root,
        _Settings.of(project.config),
        project.inputs,
        options,
        known=hashed,
        cache=_cache(project.root, options),
    )
    formats, out_dir, templates = plan.formats, plan.out_dir, plan.templates
    info, inputs, tools, opts = plan.info, plan.inputs, plan.tools, plan.opts
    from idmbook.publish.output import build_lock

    _make_output_folder(project.root, out_dir, options)
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
            session=session,
        )


@dataclass
class _Plan:
    """What a build of a project with these options will read and write."""

    formats: tuple[str, ...]
    out_dir: Path
    templates: Path
    info: BuildInfo
    inputs: dict[str, str]
    """Hashes of the config, the sources and the templates (not yet the pictures)."""
    tools: dict[str, str]
    opts: dict[str, Any]


@dataclass(frozen=True)
class _Settings:
    """What the plan of a build takes from the config (in the language of the build)."""

    formats: tuple[str, ...]
    directory: str
    basename: str
    pdf_standard: str
    language: str
    taxonomy: str | None

    @classmethod
    def of(cls, config: Config) -> _Settings:
        output = config.output
        return cls(
            tuple(output.formats),
            output.directory,
            output.basename,
            output.pdf_standard,
            config.language,
            config.taxonomy,
        )


def _plan(
    root: Path,
    settings: _Settings,
    sources: list[Path],
    options: BuildOptions,
    inputs: dict[str, str] | None = None,
    known: Mapping[Path, tuple[str, str]] | None = None,
    cache: Cache | None = None,
) -> _Plan:
    """The plan of a build; ``inputs`` when the caller has hashed them already (the fast
    up-to-date check, which does not check the labels either: the last build did), ``known``
    when it has hashed some of the sources (see :func:`input_hashes`); ``cache`` keeps the
    tools' versions (see :func:`_tools`)."""
    formats = options.formats or settings.formats
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise IdmbookError(f"unknown format {', '.join(unknown)}; choose from docx, pdf, html")
    out_dir = output_folder(root, settings.directory, options)
    templates = project_templates(root)
    if inputs is None:
        from idmbook.compose.i18n import load_labels

        load_labels(templates, settings.language)  # a language without words stops here
        inputs = _input_hashes(root, sources, templates, known)
    info = build_info(root, sources)
    opts = {
        "formats": list(formats),
        "draft": options.draft,
        "final": options.final,
        "pdf_standard": options.pdf_standard or settings.pdf_standard,
        "source_date_epoch": info.timestamp,
        "commit": info.commit if options.draft else None,
        "language": settings.language,
    }
    return _Plan(formats, out_dir, templates, info, inputs, _tools(cache), opts)


def output_folder(root: Path, directory: str, options: BuildOptions) -> Path:
    """Where the outputs go: ``--out`` (the user's choice: anywhere), else the config's
    folder, which must be a folder of the project or not exist yet (see
    :func:`idmbook.load.confine.folder_problem`): never a link to a place elsewhere."""
    if options.out is not None:
        return options.out.absolute()
    from idmbook.load.confine import folder_problem

    out_dir = (root / directory).absolute()
    problem = folder_problem(out_dir, root, may_be_missing=True)
    if problem is not None:
        raise OutputError(
            f"cannot write the outputs into {directory}: {problem}",
            f"delete or rename what is at {directory} (idmbook makes the folder itself), or "
            "choose another folder with output.directory or `--out`",
        )
    return out_dir


def _make_output_folder(root: Path, out_dir: Path, options: BuildOptions) -> None:
    """Make the config's output folder as real folders inside the project (``--out`` is
    made by the lock, where the user said)."""
    if options.out is not None:
        return
    from idmbook.load.confine import Unconfined, make_folders

    try:
        make_folders(out_dir, root)
    except Unconfined as exc:
        raise OutputError(f"cannot write the outputs into {out_dir}: {exc.why}") from None
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out_dir}: {exc.strerror}") from None


def _input_hashes(
    root: Path,
    sources: list[Path],
    templates: Path,
    known: Mapping[Path, tuple[str, str]] | None = None,
) -> dict[str, str]:
    """Hashes of the sources and of every template file (pictures are added by the build);
    ``known``: the sources' hashes found already (see :func:`_unchanged`)."""
    from idmbook.load.confine import read_file

    inputs = input_hashes(root, sources, known)
    acronyms = root / "acronyms.yaml"  # the list of acronyms (idmbook.load.acronyms)
    if acronyms.is_file():
        inputs["acronyms.yaml"] = sha256(read_file(acronyms))
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        # (a project's templates/ holds only regular files: checked by project_templates)
        inputs[f"templates/{path.relative_to(templates).as_posix()}"] = sha256(read_file(path))
    return dict(sorted(inputs.items()))


def _cache(root: Path, options: BuildOptions) -> Cache | None:
    """idmbook's cache (never a folder of the project: see :mod:`idmbook.cache`), unless the
    build was told not to use one."""
    return Cache.default() if options.cache else None


def _settings(root: Path, cache: Cache | None, options: BuildOptions) -> _Settings | None:
    """The config's settings for this build, from the cache when idmbook.yaml is the same
    (reading the YAML is most of an up-to-date check); None when the config is invalid."""
    from idmbook.load.confine import read_file
    from idmbook.load.sources import CONFIG_NAME

    key = Cache.key("settings", __version__, read_file(root / CONFIG_NAME), options.language or "")
    found = cache.get("settings", key) if cache is not None else None
    if found is not None:
        data = json.loads(found)
        return _Settings(**{**data, "formats": tuple(data["formats"])})
    from idmbook.load.project import open_project

    opened = open_project(root)
    if isinstance(opened, Report):
        return None
    settings = _Settings.of(in_language(opened.config, options.language))
    if cache is not None:
        cache.put("settings", key, json.dumps(dataclasses.asdict(settings)).encode())
    return settings


def _unchanged(
    start: Path, options: BuildOptions, hashed: dict[Path, tuple[str, str]] | None = None
) -> BuildResult | None:
    """The last build's result when its manifest lists the same inputs (every source, template
    and picture, hashed), tools and options, and its outputs are intact; else None.

    Checked before validating: validation depends on nothing else, and a build only writes a
    manifest when validation found no errors. Diagnostics are therefore not shown again. The
    inputs are compared first: after an edit, that is all this check costs. The sources'
    hashes are left in ``hashed`` for the build's manifest: taken before validation reads the
    files, so a file changed in between is out of date for the next build, never taken as
    built.
    """
    from idmbook.load.confine import read_file
    from idmbook.load.sources import CONFIG_NAME, discover, find_root

    try:
        root = find_root(start)
        cache = _cache(root, options)
        settings = _settings(root, cache, options)
        if settings is None or settings.taxonomy is not None:
            return None  # (the manifest does not list a taxonomy file)
        found = Report()
        sources = [root / CONFIG_NAME, *(path for path, _ in discover(root, found))]
        if found.has_errors:
            return None  # a link out of the project, two names for one file: validate says so
        hashed = {} if hashed is None else hashed
        hashed.update(path_hashes(root, sources))
        out_dir = output_folder(root, settings.directory, options)
        manifest_path = out_dir / f"{settings.basename}{MANIFEST_SUFFIX}"
        raw = read_file(manifest_path, MAX_MANIFEST)
        manifest = json.loads(raw)
        recorded = recorded_inputs(raw, manifest, cache)
        if recorded is None:
            return None  # (its withheld inputs are not known without the cache)
        inputs = _input_hashes(root, sources, project_templates(root), hashed)
        for rel in recorded:
            if rel not in inputs:  # a picture the last build placed
                picture = (root / rel).resolve()
                picture.relative_to(root.resolve())
                inputs[rel] = sha256(read_file(picture))
        inputs = dict(sorted(inputs.items()))
        if inputs != recorded:
            return None
        plan = _plan(root, settings, sources, options, inputs, cache=cache)
    except (IdmbookError, OSError, ValueError, KeyError, TypeError):
        return None
    if not up_to_date(manifest_path, inputs, plan.tools, plan.opts, cache):
        return None
    base = settings.basename
    return BuildResult(
        outputs={f: plan.out_dir / f"{base}.{f}" for f in plan.formats},
        manifest=manifest_path,
        stats=manifest.get("stats", {}),
        up_to_date=True,
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
    session: TypstSession | None = None,
) -> BuildResult:
    root, config = project.root, project.config
    from idmbook.compose.assemble import assemble
    from idmbook.compose.i18n import draft_note, load_labels
    from idmbook.parse.body import drawn_figure, parse_body
    from idmbook.parse.crossref import number as number_apparatus
    from idmbook.publish.output import write_all

    cache = _cache(root, options)
    try:
        clock = time.perf_counter()
        base = config.output.basename
        manifest_path = out_dir / f"{base}{MANIFEST_SUFFIX}"
        if not options.force and up_to_date(manifest_path, inputs, tools, opts, cache):
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
        if options.markdown_out is not None:
            options.markdown_out.write_text(assembled.markdown, encoding="utf-8")
        result.timings["assemble"] = time.perf_counter() - clock
        progress("parsing the assembled text")
        clock = time.perf_counter()
        figure = drawn_figure(assembled)
        body = parse_body(assembled.markdown, root, cache, figure)
        ast, images = number_apparatus(body.ast, assembled.labels)[0], body.images
        result.timings["parse"] = time.perf_counter() - clock
        meta = book_meta(project, assembled, info, options, images)
        meta = dataclasses.replace(meta, link_targets=link_targets(body.ids))
        for rel, digest in path_hashes(root, images.values()).values():
            inputs.setdefault(rel, digest)
        if figure is not None:
            meta = dataclasses.replace(meta, images={**meta.images, **figure.images})
        progress(f"rendering {', '.join(formats)}")
        clock = time.perf_counter()

        pruning = False

        def consumed() -> None:
            # Freeing a long book's AST takes a fifth of a second (the compendium's millions
            # of nodes): done while Typst typesets, not after it; so is pruning the cache.
            nonlocal pruning
            ast["blocks"] = []
            if cache is not None:
                cache.prune_later()
                pruning = True

        rendered = render_all(formats, ast, meta, templates, cache, session, on_consumed=consumed)
        result.timings["render"] = time.perf_counter() - clock
        if figure is not None:
            figure.folder.cleanup()
        stats = dict(assembled.stats)
        if "pdf" in rendered:
            stats["pages"] = _page_count(rendered["pdf"])
        outputs = {f"{base}.{fmt}": data for fmt, data in rendered.items()}
        withheld = (c.rel for c in project.documents.contributions if not c.meta.consent)
        manifest = make_manifest(published(inputs, withheld), tools, opts, outputs, stats)
        progress("writing outputs")
        files = {out_dir / name: data for name, data in outputs.items()}
        files[manifest_path] = manifest
        write_all(files)
        record_inputs(cache, manifest, dict(sorted(inputs.items())))
        result.outputs = {fmt: out_dir / f"{base}.{fmt}" for fmt in rendered}
        result.manifest = manifest_path
        result.stats = stats
        if cache is not None and not pruning:
            cache.prune()
        return result
    finally:
        if cache is not None:
            cache.flush()  # entries written in the background


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
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 - a statistic must never fail a build
        return None
