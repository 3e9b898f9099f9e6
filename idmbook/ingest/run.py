"""`idmbook ingest`: turn submitted files into contributions (or Word notes into notes).

For each file: read it (never trusting its name), refuse or neutralise what is unsafe,
convert it through pandoc, merge its metadata, check that metadata, then write the
contribution and its pictures in one step and validate it. A file already ingested (same
SHA-256) is skipped; a file that fails leaves nothing behind; --dry-run writes nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from idmbook import __version__
from idmbook.diagnostics import Diagnostic, Report, Severity
from idmbook.errors import IdmbookError
from idmbook.ingest.archive import DEFAULT_LIMITS, Limits
from idmbook.ingest.convert import (
    Cleaner,
    Node,
    check_markdown,
    normalise_headings,
    plain_text,
    tidy_headings,
    to_markdown,
)
from idmbook.ingest.direction import mark_rtl_paragraphs
from idmbook.ingest.document import Document, read_document
from idmbook.ingest.findings import Finding, Refused
from idmbook.ingest.leftout import findings as left_out_findings
from idmbook.ingest.leftout import has_text, refuse_empty
from idmbook.ingest.metadata import OPTIONS, ORDER, Metadata, check, document_values, front_matter
from idmbook.ingest.pictures import check_picture
from idmbook.ingest.plan import ProjectIndex, index_project, install, note_sha, slugify
from idmbook.ingest.register import Register, load_register
from idmbook.ingest.report import FileResult, IngestResult, progress_bar
from idmbook.ingest.sniff import SUPPORTED, Sniffed, is_junk, sniff
from idmbook.ingest.tables import prepare_tables
from idmbook.ingest.titleblock import ORIGIN_AUTHORS, place
from idmbook.load.project import Project, open_project
from idmbook.load.sources import rel_path
from idmbook.rules import diag

if TYPE_CHECKING:
    from rich.console import Console

_HINTS = {
    "pdf": "ask the sender for the Word (.docx) or LibreOffice (.odt) file the PDF was made "
    "from; text taken from a PDF loses its paragraphs, footnotes and tables",
    "encrypted": "ask the sender for a copy without a password",
    "pages": "ask the sender to export it from Pages as Word (File > Export To > Word)",
    "zip": "unpack the archive and ingest the files inside it",
    "image": "ask the sender for the text as a Word document (.docx); a picture goes inside it",
    "empty": "ask the sender to send the file again",
}
_ASK_DOCX = "ask the sender for the text saved as a Word document (.docx)"


@dataclass
class IngestOptions:
    """What the editor asked for."""

    register: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    """Front-matter values given on the command line; they apply to every file."""
    dry_run: bool = False
    kind: Literal["contribution", "note"] = "contribution"
    limits: Limits = DEFAULT_LIMITS
    accept_suggested_themes: bool = False
    """Take the themes suggested from the text when nothing else gives any."""


@dataclass
class _Run:
    project: Project
    options: IngestOptions
    index: ProjectIndex
    register: Register | None
    names: list[str]
    seen: dict[str, str] = field(default_factory=dict)


def ingest(
    paths: list[Path],
    options: IngestOptions,
    start: Path | None = None,
    console: Console | None = None,
) -> IngestResult:
    """Ingest ``paths`` (files or folders) into the project found at or above ``start``."""
    opened = open_project(start or Path.cwd())
    if isinstance(opened, Report):
        first = next((d for d in opened.diagnostics if d.severity is Severity.ERROR), None)
        raise IdmbookError(
            "the project's idmbook.yaml has errors" + (f": {first.message}" if first else ""),
            "run `idmbook validate` and correct idmbook.yaml first",
        )
    project = opened
    root = project.root
    _writable_inside(root, root / "contributions" / "x.md", root / "chapters" / "notes" / "x.md")
    register = None
    if options.register is not None:
        register = load_register(options.register, rel_path(options.register, root), options.limits)
    entries = _collect(paths, root, options.register)
    result = IngestResult(dry_run=options.dry_run)
    if register is not None:
        result.report.extend(register.diagnostics)
    index = index_project(root, recover=not options.dry_run)
    for folder, message in index.recovered:
        result.report.add(diag("IDM127", folder, 0, 0, message))
    run = _Run(project, options, index, register, [p.name for p in entries])
    with progress_bar(console, len(entries)) as advance:
        for path in entries:
            item = _one(path, run)
            result.files.append(item)
            result.report.extend(item.diagnostics)
            advance(path.name)  # type: ignore[operator]
    if register is not None:
        result.report.extend(register.unused(run.names))
    return result


def _collect(paths: list[Path], root: Path, register: Path | None) -> list[Path]:
    """The files to ingest, in a stable order; junk and the register itself left out."""
    skip = register.resolve() if register is not None else None
    found: list[Path] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise IdmbookError(f"{path}: no such file or folder")
        if path.is_dir() and not path.is_symlink():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
                for name in sorted(files):
                    if is_junk(name) or name.startswith("."):
                        continue
                    found.append(Path(folder) / name)
        elif not is_junk(path.name):
            found.append(path)
    inside = [root / "contributions", root / "chapters"]
    out = []
    for path in found:
        absolute = path.absolute()
        if skip is not None and not path.is_symlink() and absolute.resolve() == skip:
            continue
        if any(absolute.is_relative_to(p) for p in inside):
            raise IdmbookError(
                f"{path} is already part of the project",
                "ingest files from an inbox folder outside contributions/ and chapters/",
            )
        out.append(path)
    return out


def _one(path: Path, run: _Run) -> FileResult:
    root, limits = run.project.root, run.options.limits
    rel = rel_path(path, root)
    item = FileResult(rel, "failed")
    try:
        if path.is_symlink() or not path.is_file():
            raise Refused(
                "IDM121",
                "the path is a link or not a regular file; it is not followed",
                "copy the file itself into the inbox",
            )
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise Refused(
                "IDM100",
                f"the file is {size / 1024 / 1024:.0f} MB; the limit is "
                f"{limits.max_file_bytes // 1024 // 1024} MB",
                "ask the sender for a version with smaller pictures",
            )
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise Refused("IDM100", f"cannot read the file: {exc.strerror}") from None
        sha = hashlib.sha256(raw).hexdigest()
        if sha in run.index.by_sha or sha in run.seen:
            where = run.index.by_sha.get(sha) or run.seen[sha]
            item.status, item.target = "skipped", where
            text = (
                f"already ingested as {where}"
                if sha in run.index.by_sha
                else f"same file as {where}, earlier in this run"
            )
            item.diagnostics.append(diag("IDM113", rel, 0, 0, text))
            return item
        sniffed = sniff(raw)
        findings = _check_kind(sniffed, path)
        with tempfile.TemporaryDirectory(prefix="idmbook-ingest-") as tmp:
            if run.options.kind == "note":
                _note(path, raw, sha, sniffed, run, item)
            else:
                _contribution(path, raw, sha, sniffed, Path(tmp), run, item, findings)
        if item.status != "failed":
            run.seen[sha] = rel
    except Refused as exc:
        finding = exc.finding
        item.status = "failed"
        item.diagnostics.append(
            diag(finding.code, rel, 0, 0, finding.message, finding.hint, Severity.ERROR)
        )
    except RecursionError:
        item.status = "failed"
        item.diagnostics.append(
            diag(
                "IDM116",
                rel,
                0,
                0,
                "the document nests its parts too deeply to be read",
                "ask the sender to open the file and save it again as .docx",
                Severity.ERROR,
            )
        )
    return item


def _check_kind(sniffed: Sniffed, path: Path) -> list[Finding]:
    """Refuse what cannot be read; a content that contradicts its name is refused too, except
    the old habit of naming RTF, web pages and .docx files '.doc'."""
    suffix = path.suffix.lower()
    readable = sniffed.kind in ("docx", "odt", "rtf", "html", "text", "doc")
    if suffix == ".doc":
        if sniffed.kind == "doc":
            return []
        if sniffed.kind in ("rtf", "html", "docx"):
            return [
                Finding(
                    "IDM101",
                    f"the file is named .doc but it is {sniffed.what}; it was read as such",
                    severity=Severity.INFO,
                )
            ]
    if sniffed.kind == "encrypted":
        raise Refused(
            "IDM102", "the file is a password-protected Office document", _HINTS["encrypted"]
        )
    if sniffed.kind == "doc" and suffix != ".doc":
        raise Refused(
            "IDM101",
            f"the file is named '{path.name}' but it is {sniffed.what}",
            "rename it to .doc if you trust the sender, or ask for a .docx",
        )
    if suffix in SUPPORTED and readable and sniffed.matches(suffix):
        return []
    hint = _HINTS.get(sniffed.kind, _ASK_DOCX)
    if suffix in SUPPORTED or suffix == ".doc":
        if readable:
            hint = "ask the sender to send the file again as saved, or rename it if you trust it"
        raise Refused("IDM101", f"the file is named '{path.name}' but it is {sniffed.what}", hint)
    raise Refused("IDM100", f"the file is {sniffed.what}, which idmbook cannot ingest", hint)


def _count_nodes(value: Any, kind: str) -> int:
    if isinstance(value, list):
        return sum(_count_nodes(v, kind) for v in value)
    if isinstance(value, dict) and "t" in value:
        return int(value["t"] == kind) + _count_nodes(value.get("c"), kind)
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _contribution(
    path: Path,
    raw: bytes,
    sha: str,
    sniffed: Sniffed,
    tmp: Path,
    run: _Run,
    item: FileResult,
    findings: list[Finding],
) -> None:
    project, limits = run.project, run.options.limits
    rel = item.source
    document = read_document(raw, sniffed, path.suffix.lower(), tmp, limits)
    findings = findings + document.findings
    pictures: dict[str, bytes] = {}
    assigned: dict[str, str] = {}
    dropped: list[Finding] = []

    def picture(target: str, alt: str) -> str | None:
        data = document.pictures.get(target)
        shown = target if target.startswith(("http:", "https:", "file:", "/")) else target[-60:]
        if data is None:
            if ":" in target[:10] or target.startswith(("/", "\\", "..")):
                dropped.append(Finding("IDM107", f"picture '{shown[:100]}' is a link; not fetched"))
            else:
                dropped.append(
                    Finding("IDM115", f"picture '{shown}' is not inside the file; left out")
                )
            return None
        if target in assigned:
            return assigned[target]
        extension, problem = check_picture(data, limits)
        if extension is None:
            dropped.append(
                Finding("IDM115", f"picture '{target.rsplit('/', 1)[-1][:60]}' left out: {problem}")
            )
            return None
        name = f"picture-{len(assigned) + 1}{extension}"
        assigned[target] = name
        pictures[name] = data
        return name

    cleaner = Cleaner(picture)
    blocks = cleaner.blocks(document.blocks)
    findings += dropped + cleaner.report() + left_out_findings(document.left_out)
    if not has_text(blocks) and not (
        document.title_block and has_text(document.title_block.abstract)
    ):
        comments = document.package.comments if document.package else 0
        raise refuse_empty(document.left_out, len(_images(blocks)), comments)
    if sniffed.kind in ("rtf", "html", "text"):
        turned = mark_rtl_paragraphs(blocks)
        if turned:
            findings.append(
                Finding(
                    "IDM125",
                    f"{_plural(turned, 'paragraph')} in a right-to-left script set right to left",
                    severity=Severity.INFO,
                )
            )
    meta, origins = _metadata(path, document, blocks, run)
    blocks, heading_findings = _headings(blocks, meta)
    findings += heading_findings
    if document.title_block is not None:
        top, placed = place(
            document.title_block, str(meta.values.get("title", "")), meta.origin.get("authors")
        )
        blocks = cleaner.blocks(top) + blocks
        findings += placed
    findings += origins
    package = document.package
    counts = {
        "insertions": package.insertions if package else 0,
        "deletions": package.deletions if package else 0,
        "comments": package.comments if package else 0,
        "pictures": len(pictures),
        "pictures_without_alt": sum(1 for b in _images(blocks) if not plain_text(b["c"][1])),
        "footnotes": _count_nodes(blocks, "Note"),
        "tables": _count_nodes(blocks, "Table"),
        "equations": _count_nodes(blocks, "Math"),
    }
    blocks, table_findings = prepare_tables(blocks, tmp, limits)
    findings += table_findings
    item.counts = counts
    if counts["insertions"] or counts["deletions"]:
        total = counts["insertions"] + counts["deletions"]
        findings.append(
            Finding(
                "IDM108",
                f"{_plural(total, 'tracked change')} accepted "
                f"({_plural(counts['insertions'], 'insertion')}, "
                f"{_plural(counts['deletions'], 'deletion')})",
            )
        )
    if counts["comments"]:
        findings.append(Finding("IDM109", f"{_plural(counts['comments'], 'comment')} removed"))
    findings += _suggested_themes(meta, blocks, run)
    problems = check(meta, rel, project.config, project.taxonomy, (path.name, sha))
    item.diagnostics += [f.diagnostic(rel) for f in findings] + problems
    item.changes = [f.message for f in findings]
    if any(d.severity is Severity.ERROR for d in problems):
        return
    slug = slugify(str(meta.values.get("organisation") or meta.values.get("title") or path.stem))
    name = run.index.claim(slug)
    if name != slug:
        finding = Finding(
            "IDM114",
            f"contributions/{slug}.md is taken; this contribution is contributions/{name}.md",
        )
        item.diagnostics.append(finding.diagnostic(rel))
        item.changes.append(finding.message)
    _prefix_pictures(blocks, f"media/{name}/")
    markdown = to_markdown(blocks, tmp, limits)
    check_markdown(markdown, tmp, limits, blocks)
    comment = f"Ingested by idmbook {__version__} from {path.name!r}; see the source key below."
    text = front_matter(meta.values, comment, (path.name, sha)) + "\n" + markdown + "\n"
    target = project.root / "contributions" / f"{name}.md"
    item.target = rel_path(target, project.root)
    if pictures:
        item.changes.append(
            f"{_plural(len(pictures), 'picture')} written to contributions/media/{name}/"
        )
    kept = [
        _plural(counts[key], word)
        for key, word in (("footnotes", "footnote"), ("tables", "table"), ("equations", "equation"))
        if counts[key]
    ]
    if kept:
        item.changes.append("kept " + ", ".join(kept[:-1]) + " and " * (len(kept) > 1) + kept[-1])
    if run.options.dry_run:
        item.status = "would ingest"
        return
    media_dir = project.root / "contributions" / "media" / name
    _writable_inside(project.root, target, media_dir if pictures else None)
    install(target, text, media_dir if pictures else None, pictures, sha)
    run.index.by_sha[sha] = item.target
    item.status = "ingested"
    item.diagnostics += _validate(project.root, target)


def _suggested_themes(meta: Metadata, blocks: list[Node], run: _Run) -> list[Finding]:
    """Themes suggested from the text when nothing gives any; taken only when asked."""
    from idmbook.check.themes import suggest_themes

    if "themes" in meta.values:
        return []
    text = " ".join(_words(blocks))
    suggested = suggest_themes(text, run.project.taxonomy)
    if not suggested:
        return []
    shown = ", ".join(suggested)
    if run.options.accept_suggested_themes:
        meta.offer("themes", suggested, "suggested from the text (--accept-suggested-themes)")
        return [
            Finding("IDM140", f"no themes given; took the themes suggested by the text: {shown}")
        ]
    return [
        Finding(
            "IDM140",
            f"no themes given; the text suggests: {shown}",
            "add them to the register (or give --theme), or ingest again with "
            "--accept-suggested-themes",
        )
    ]


def _words(value: Any) -> list[str]:
    """Every word (Str) of a pandoc AST, in order."""
    if isinstance(value, list):
        return [w for v in value for w in _words(v)]
    if isinstance(value, dict):
        return [value["c"]] if value.get("t") == "Str" else _words(value.get("c"))
    return []


def _writable_inside(root: Path, *targets: Path | None) -> None:
    """Refuse to write through a link that leads out of the project (contributions/ or
    chapters/notes/ made a link to a folder elsewhere)."""
    real_root = root.resolve()
    for target in targets:
        if target is None:
            continue
        folder = target.parent.resolve()
        if not folder.is_relative_to(real_root):
            raise IdmbookError(
                f"{rel_path(target.parent, root)} leads outside the project (to {folder}); "
                "nothing was written there",
                "make it a real folder inside the project",
            )


def _validate(root: Path, target: Path) -> list[Diagnostic]:
    from idmbook.check.validate import validate

    _, report = validate(root, [target])
    return list(report.diagnostics)


def _images(blocks: list[Node]) -> list[Node]:
    found: list[Node] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict) and "t" in value:
            if value["t"] == "Image":
                found.append(value)
            walk(value.get("c"))

    walk(blocks)
    return found


def _prefix_pictures(blocks: list[Node], prefix: str) -> None:
    for image in _images(blocks):
        image["c"][2][0] = prefix + image["c"][2][0]


_FROM_EDITOR = ("register", "option")
"""The beginnings of the origins that are the editor's word (see :meth:`Metadata.offer`)."""
_IDENTITY = ("organisation", "stakeholder_type", "country", "workshop", "themes", "authors")
"""Fields that say who speaks: taken from the file itself, they are reported as warnings."""
_EDITOR_ONLY = ("consent",)
"""Fields only the editor may set: a value the file gives is reported and ignored."""


def _metadata(
    path: Path, document: Document, blocks: list[Node], run: _Run
) -> tuple[Metadata, list[Finding]]:
    meta = Metadata()
    ignored: list[tuple[str, Any, str]] = []

    def offer_from_file(key: str, value: Any, origin: str) -> None:
        if key in _EDITOR_ONLY:
            if value not in (None, "", []):
                ignored.append((key, value, origin))
            return
        meta.offer(key, value, origin)

    register = run.register
    if register is not None:
        row = register.find(path.name, run.names)
        if row is not None:
            for key, value in row.values.items():
                meta.offer(
                    key, value, f"{register.rel} row {row.line}, column {row.columns.get(key, '?')}"
                )
    for key, value in run.options.metadata.items():
        meta.offer(key, value, f"option {OPTIONS.get(key, key)}")
    for key, value in document.front_matter.items():
        if key in ORDER:
            offer_from_file(key, value, "the file's front matter")
    heading = document.title_block
    if heading is not None:
        offer_from_file("title", heading.title_text, "the document's Title paragraph")
        offer_from_file("authors", heading.author_names, ORIGIN_AUTHORS)
    package = document.package
    properties = dict(package.properties) if package else {}
    custom = dict(package.custom) if package else {}
    if document.meta_text("title") and heading is None:
        properties.setdefault("title", document.meta_text("title"))
    lang = document.meta_text("lang")
    if lang:
        properties.setdefault("language", lang)
    if "language" not in properties:
        # the language most of the text is in, else the one new text is typed in
        fallback = document.language or properties.get("default_language")
        if fallback:
            properties["language"] = fallback
    for key, value, origin in document_values(properties, custom, run.project.taxonomy):
        offer_from_file(key, value, origin)
    first = blocks[0] if blocks else None
    if first is not None and first["t"] == "Header":
        levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
        if first["c"][0] == min(levels):
            offer_from_file("title", plain_text(first["c"][2]), "the document's first heading")
    return meta, _origins(meta, ignored)


def _origins(meta: Metadata, ignored: list[tuple[str, Any, str]]) -> list[Finding]:
    """Where each field came from, as one line of the report; fields about who speaks that
    came from the file itself, and values the file gave for editor-only fields, as warnings."""
    findings: list[Finding] = []
    for key, value, origin in ignored:
        findings.append(
            Finding(
                "IDM126",
                f"{origin} says {key}: {_shown(value)}; ignored: {key} comes only from the "
                "register or the command line",
                f"if the sender did agree, put {key} in this file's row of the register or give "
                f"{OPTIONS.get(key, '--' + key)}",
            )
        )
    for key in ORDER:
        origin = meta.origin.get(key, "")
        if key in _IDENTITY and origin and not origin.startswith(_FROM_EDITOR):
            findings.append(
                Finding(
                    "IDM126",
                    f"{key} {_shown(meta.values[key])} comes from {origin}, not from the "
                    "register or the command line",
                    "check it, and put it in this file's row of the register to confirm it",
                )
            )
    if meta.origin:
        listed = "; ".join(f"{key} from {meta.origin[key]}" for key in ORDER if key in meta.origin)
        findings.append(Finding("IDM126", f"fields: {listed}", severity=Severity.INFO))
    return findings


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value)[:80] + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(str(value)[:80])


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("\u00a0", " ").split()).rstrip(".:")


def _headings(blocks: list[Node], meta: Metadata) -> tuple[list[Node], list[Finding]]:
    findings: list[Finding] = []
    title = str(meta.values.get("title", ""))
    if (
        blocks
        and blocks[0]["t"] == "Header"
        and _fold(plain_text(blocks[0]["c"][2])) == _fold(title)
    ):
        blocks = blocks[1:]
        findings.append(Finding("IDM118", "the first heading repeated the title; it was removed"))
    blocks, moved = normalise_headings(blocks)
    if moved:
        shifts = ", ".join(f"{old} → {new}" for old, new in sorted(moved.items()))
        findings.append(Finding("IDM118", f"heading levels moved under the title (level {shifts})"))
    blocks, tidied = tidy_headings(blocks)
    for what, n in tidied.items():
        change = {
            "deeper": "moved up to one level below the heading before",
            "without words": "without words made paragraphs",
            "inside other blocks": "inside tables, quotations, lists or notes made bold paragraphs",
        }[what]
        findings.append(Finding("IDM118", f"{_plural(n, 'heading')} {change}"))
    return blocks, findings


def _note(path: Path, raw: bytes, sha: str, sniffed: Sniffed, run: _Run, item: FileResult) -> None:
    from idmbook.check.validate import validate
    from idmbook.ingest.notes import note_from_docx

    root, rel = run.project.root, item.source
    if sniffed.kind != "docx":
        raise Refused(
            "IDM122",
            "a Word note must be a .docx made from templates/rapporteur-note.docx; "
            f"this is {sniffed.what}",
            "ask the rapporteur to save the note as a Word Document (.docx)",
        )
    note, problems = note_from_docx(raw, rel, run.options.limits)
    item.diagnostics += problems
    if note is None:
        return
    item.changes = [f.message for f in note.findings]
    _, report = validate(root, [path])
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    if errors:
        item.diagnostics += [d for d in report.diagnostics if d not in problems]
        return
    workshop, session = str(note.meta["workshop"]), str(note.meta["session"])
    target = root / "chapters" / "notes" / workshop / f"{session}.md"
    item.target = rel_path(target, root)
    if target.exists():
        existing = target.read_text("utf-8", "replace")
        if note_sha(existing) == sha:
            item.status = "skipped"
            item.diagnostics.append(diag("IDM113", rel, 0, 0, f"already ingested as {item.target}"))
            return
        raise Refused(
            "IDM120",
            f"{item.target} already exists; it was not overwritten",
            "compare the two, move the old note away, then ingest again",
        )
    comment = f"# Ingested by idmbook {__version__} from {path.name!r}, sha256 {sha}"
    text = note.markdown.replace("---\n", "---\n" + comment.replace("\n", " ") + "\n", 1)
    if run.options.dry_run:
        item.status = "would ingest"
        return
    _writable_inside(root, target)
    install(target, text, None, {}, sha)
    run.index.by_sha[sha] = item.target
    item.status = "ingested"
    item.diagnostics += _validate(root, target)
