"""One submitted file made a contribution: converted, cleaned, checked, written with pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idmbook import __version__
from idmbook.check.themes import suggest_themes
from idmbook.commands.ingest_blocks import (
    count_nodes,
    images,
    plural,
    prefix_pictures,
    tidy_title_headings,
)
from idmbook.commands.ingest_metadata import gather_metadata
from idmbook.commands.ingest_run import IngestRun, validate_written, writable_inside
from idmbook.diagnostics import Severity
from idmbook.ingest.convert import (
    Cleaner,
    Node,
    check_markdown,
    plain_text,
    to_markdown,
)
from idmbook.ingest.direction import mark_rtl_paragraphs
from idmbook.ingest.document import Document, read_document
from idmbook.ingest.leftout import findings as left_out_findings
from idmbook.ingest.leftout import has_text, refuse_empty
from idmbook.ingest.metadata import Metadata, check, front_matter
from idmbook.ingest.pictures import check_picture
from idmbook.ingest.plan import install, slugify
from idmbook.ingest.report import FileResult
from idmbook.ingest.sniff import Sniffed
from idmbook.ingest.tables import prepare_tables
from idmbook.ingest.titleblock import place
from idmbook.load.archive import Limits
from idmbook.load.findings import Finding
from idmbook.load.sources import rel_path
from idmbook.pandoc.ast import Walker


class _Pictures:
    """The pictures a contribution keeps, named picture-1, picture-2... in the order the
    cleaner meets them; those it cannot keep are recorded as findings."""

    def __init__(self, inside: dict[str, bytes], limits: Limits) -> None:
        self.inside = inside
        self.limits = limits
        self.files: dict[str, bytes] = {}
        """The pictures kept, by their new name."""
        self.assigned: dict[str, str] = {}
        """The new name of each picture, by its target in the document."""
        self.dropped: list[Finding] = []

    def name(self, target: str, alt: str) -> str | None:
        """The new name of the picture at ``target``, or None when it is left out."""
        data = self.inside.get(target)
        if data is None:
            self.dropped.append(_not_inside(target))
            return None
        if target in self.assigned:
            return self.assigned[target]
        extension, problem = check_picture(data, self.limits)
        if extension is None:
            self.dropped.append(
                Finding("IDM115", f"picture '{target.rsplit('/', 1)[-1][:60]}' left out: {problem}")
            )
            return None
        name = f"picture-{len(self.assigned) + 1}{extension}"
        self.assigned[target] = name
        self.files[name] = data
        return name


def _not_inside(target: str) -> Finding:
    """Why a picture the document refers to is not in the file: a link, or missing."""
    shown = target if target.startswith(("http:", "https:", "file:", "/")) else target[-60:]
    if ":" in target[:10] or target.startswith(("/", "\\", "..")):
        return Finding("IDM107", f"picture '{shown[:100]}' is a link; not fetched")
    return Finding("IDM115", f"picture '{shown}' is not inside the file; left out")


def ingest_contribution(
    path: Path,
    raw: bytes,
    sha: str,
    sniffed: Sniffed,
    tmp: Path,
    run: IngestRun,
    item: FileResult,
    findings: list[Finding],
) -> None:
    """Make the file at ``path`` (its bytes ``raw``) a contribution: ``item`` gets its
    diagnostics, changes, counts and status; nothing is written on an error or a dry run."""
    project, limits = run.project, run.options.limits
    rel = item.source
    document = read_document(raw, sniffed, path.suffix.lower(), tmp, limits)
    findings = findings + document.findings
    pictures = _Pictures(document.pictures, limits)
    cleaner = Cleaner(pictures.name)
    blocks = cleaner.blocks(document.blocks)
    findings += pictures.dropped + cleaner.report() + left_out_findings(document.left_out)
    _refuse_empty(document, blocks)
    if sniffed.kind in ("rtf", "html", "text"):
        findings += _marked_right_to_left(blocks)
    meta, origins = gather_metadata(path, document, blocks, run)
    blocks, heading_findings = tidy_title_headings(blocks, meta)
    findings += heading_findings
    if document.title_block is not None:
        top, placed = place(
            document.title_block, str(meta.values.get("title", "")), meta.origin.get("authors")
        )
        blocks = cleaner.blocks(top) + blocks
        findings += placed
    findings += origins
    counts = _counts(document, pictures.files, blocks)
    blocks, table_findings = prepare_tables(blocks, tmp, limits)
    findings += table_findings
    item.counts = counts
    findings += _revision_findings(counts)
    findings += _suggested_themes(meta, blocks, run)
    problems = check(meta, rel, project.config, project.taxonomy, (path.name, sha))
    item.diagnostics += [f.diagnostic(rel) for f in findings] + problems
    item.changes = [f.message for f in findings]
    if any(d.severity is Severity.ERROR for d in problems):
        return
    name = _claim_name(path, meta, run, item)
    prefix_pictures(blocks, f"media/{name}/")
    markdown = to_markdown(blocks, tmp, limits)
    check_markdown(markdown, tmp, limits, blocks)
    comment = f"Ingested by idmbook {__version__} from {path.name!r}; see the source key below."
    text = front_matter(meta.values, comment, (path.name, sha)) + "\n" + markdown + "\n"
    target = project.root / "contributions" / f"{name}.md"
    item.target = rel_path(target, project.root)
    item.changes += _kept_changes(name, pictures.files, counts)
    if run.options.dry_run:
        item.status = "would ingest"
        return
    _install(project.root, name, text, pictures.files, sha)
    run.index.by_sha[sha] = item.target
    item.status = "ingested"
    item.diagnostics += validate_written(project.root, target)


def _refuse_empty(document: Document, blocks: list[Node]) -> None:
    """Refuse a document with no text (nor an abstract in its title block)."""
    if not has_text(blocks) and not (
        document.title_block and has_text(document.title_block.abstract)
    ):
        comments = document.package.comments if document.package else 0
        raise refuse_empty(document.left_out, len(images(blocks)), comments)


def _marked_right_to_left(blocks: list[Node]) -> list[Finding]:
    """Mark the paragraphs in a right-to-left script (for formats that do not say so)."""
    turned = mark_rtl_paragraphs(blocks)
    if not turned:
        return []
    return [
        Finding(
            "IDM125",
            f"{plural(turned, 'paragraph')} in a right-to-left script set right to left",
            severity=Severity.INFO,
        )
    ]


def _counts(document: Document, pictures: dict[str, bytes], blocks: list[Node]) -> dict[str, int]:
    """What the contribution holds and what was taken out of it, for the report."""
    package = document.package
    return {
        "insertions": package.insertions if package else 0,
        "deletions": package.deletions if package else 0,
        "comments": package.comments if package else 0,
        "pictures": len(pictures),
        "pictures_without_alt": sum(1 for b in images(blocks) if not plain_text(b["c"][1])),
        "footnotes": count_nodes(blocks, "Note"),
        "tables": count_nodes(blocks, "Table"),
        "equations": count_nodes(blocks, "Math"),
    }


def _suggested_themes(meta: Metadata, blocks: list[Node], run: IngestRun) -> list[Finding]:
    """Themes suggested from the text when nothing gives any; taken only when asked."""
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


class _Words(Walker[list[str]]):
    """A walk that collects the text of every Str, in order, and changes nothing."""

    def text(self, node: Node, context: list[str]) -> Node:
        if node["t"] == "Str":
            context.append(node["c"])
        return node


def _words(value: Any) -> list[str]:
    """Every word (Str) of a pandoc AST, in order."""
    words: list[str] = []
    _Words().walk(value, words)
    return words


def _revision_findings(counts: dict[str, int]) -> list[Finding]:
    """Tracked changes accepted and comments removed."""
    findings: list[Finding] = []
    if counts["insertions"] or counts["deletions"]:
        total = counts["insertions"] + counts["deletions"]
        findings.append(
            Finding(
                "IDM108",
                f"{plural(total, 'tracked change')} accepted "
                f"({plural(counts['insertions'], 'insertion')}, "
                f"{plural(counts['deletions'], 'deletion')})",
            )
        )
    if counts["comments"]:
        findings.append(Finding("IDM109", f"{plural(counts['comments'], 'comment')} removed"))
    return findings


def _claim_name(path: Path, meta: Metadata, run: IngestRun, item: FileResult) -> str:
    """The contribution's file name (without .md), from its organisation or title; a name
    already taken is reported with the one given instead."""
    slug = slugify(str(meta.values.get("organisation") or meta.values.get("title") or path.stem))
    name = run.index.claim(slug)
    if name != slug:
        finding = Finding(
            "IDM114",
            f"contributions/{slug}.md is taken; this contribution is contributions/{name}.md",
        )
        item.diagnostics.append(finding.diagnostic(item.source))
        item.changes.append(finding.message)
    return name


def _kept_changes(name: str, pictures: dict[str, bytes], counts: dict[str, int]) -> list[str]:
    """The report's lines on the pictures written and the footnotes, tables, equations kept."""
    changes: list[str] = []
    if pictures:
        changes.append(f"{plural(len(pictures), 'picture')} written to contributions/media/{name}/")
    kept = [
        plural(counts[key], word)
        for key, word in (("footnotes", "footnote"), ("tables", "table"), ("equations", "equation"))
        if counts[key]
    ]
    if kept:
        changes.append("kept " + ", ".join(kept[:-1]) + " and " * (len(kept) > 1) + kept[-1])
    return changes


def _install(root: Path, name: str, text: str, pictures: dict[str, bytes], sha: str) -> None:
    """Write contributions/NAME.md and its pictures (in contributions/media/NAME/) in one step."""
    target = root / "contributions" / f"{name}.md"
    media_dir = root / "contributions" / "media" / name
    writable_inside(root, target, media_dir if pictures else None)
    install(target, text, media_dir if pictures else None, pictures, sha)
