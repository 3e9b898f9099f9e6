"""`idmbook diff REV1 [REV2]`: what changed in the sources between two drafts, as a Word file
whose tracked changes (insertions and deletions by "idmbook") are the changes.

The sources are compared, not the outputs, so every change is printed under the note,
contribution or chapter it belongs to. Each changed source is printed whole in the house
style: unchanged paragraphs as they are, a changed paragraph with its deleted and inserted
words tracked, a paragraph removed or added tracked whole. ``REV2`` is a git revision, or the
files as they are now when it is left out. A contribution without consent is never printed.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idmbook.commands.xliff import section_of
from idmbook.errors import IdmbookError, OutputError
from idmbook.load.defaults import project_templates
from idmbook.load.frontmatter import FrontMatterFile, TextFile, split
from idmbook.load.project import Project, open_project
from idmbook.load.segments import Segment, document_segments
from idmbook.pandoc.markdown import READER, escape
from idmbook.pandoc.run import run_pandoc
from idmbook.proofs.placing import printed_texts
from idmbook.publish.buildinfo import _git
from idmbook.render.docx import render_docx
from idmbook.render.meta import BookMeta

AUTHOR = "idmbook"
_FOLDERS = ("chapters", "contributions")
_TRANSLATION = re.compile(r"\.[a-z]{2,3}(?:-[A-Za-z0-9]+)?\.md$")
_REVISION = re.compile(r"^[A-Za-z0-9][\w./~^@{}-]{0,199}$")
_FOOTNOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")
_RECOMMENDATION_BLOCK = re.compile(r"\s*\{\s*[A-Za-z_][\w-]*\s*=[^{}]*\}\s*$")
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass
class _Source:
    rel: str
    fm: FrontMatterFile
    segments: list[Segment]
    note: bool


def make_diff(start: Path, old: str, new: str | None, out: Path | None) -> tuple[Path, list[str]]:
    """Write the DOCX of the changes from ``old`` to ``new`` (None: the files now); the file
    written and the sources it shows."""
    opened = open_project(start)
    if not isinstance(opened, Project):
        raise IdmbookError("idmbook.yaml has errors: run `idmbook validate`")
    root = opened.root
    before = _sources_at(root, old)
    after = _sources_at(root, new) if new is not None else _sources_now(root)
    changed = sorted(rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel))
    shown: list[str] = []
    blocks: list[str] = []
    changes = _Changes(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    for rel in changed:
        old_source = _parsed(rel, before.get(rel))
        new_source = _parsed(rel, after.get(rel))
        if not _publishable(old_source) and not _publishable(new_source):
            continue
        blocks.append(_source_markdown(rel, old_source, new_source, changes))
        shown.append(rel)
    what = f"{old}..{new or 'now'}"
    body = "\n\n".join(blocks) if blocks else "No published source changed."
    ast = changes.put(json.loads(run_pandoc(["-f", READER, "-t", "json"], body.encode("utf-8"))))
    meta = _meta(opened, what, shown)
    docx = render_docx(ast, meta, project_templates(root))
    target = out or root / "dist" / f"{opened.config.output.basename}-changes.docx"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.tmp")
        temp.write_bytes(docx)
        temp.replace(target)
    except OSError as exc:
        raise OutputError(f"{target} could not be written: {exc}") from None
    return target, shown


def _sources_at(root: Path, revision: str) -> dict[str, str]:
    """The Markdown sources at ``revision`` of the project's repository, by project path."""
    if not _REVISION.match(revision) or ".." in revision:
        raise IdmbookError(f"{revision[:60]!r} is not a git revision")
    prefix, listing = _git(
        root,
        ("rev-parse", "--show-prefix"),
        ("ls-tree", "-r", "--name-only", f"{revision}^{{commit}}", "--", *_FOLDERS),
    )
    if listing is None:
        raise IdmbookError(
            f"git does not know the revision {revision!r} here (or it has no sources)",
            "name a commit, a tag or a branch of the project's repository",
        )
    out: dict[str, str] = {}
    for rel in listing.splitlines():
        if not rel.endswith(".md") or _TRANSLATION.search(rel):
            continue
        (text,) = _git(root, ("show", f"{revision}:{prefix or ''}{rel}"))
        out[rel] = text or ""
    return out


def _sources_now(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for folder in _FOLDERS:
        for path in sorted((root / folder).rglob("*.md")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and not path.is_symlink() and not _TRANSLATION.search(rel):
                out[rel] = path.read_text("utf-8").strip()
    return out


def _parsed(rel: str, text: str | None) -> _Source | None:
    if text is None:
        return None
    fm, _ = split(TextFile(rel, text.replace("\r\n", "\n")))
    if fm is None:
        return None
    title = fm.data.get("title")
    note = rel.startswith("chapters/notes/")
    segments = document_segments(str(title) if title else rel, 1, fm.body, fm.body_line, note)
    return _Source(rel, fm, segments, note)


def _publishable(source: _Source | None) -> bool:
    if source is None:
        return False
    return not source.rel.startswith("contributions/") or source.fm.data.get("consent") is True


def _printed(segment: Segment) -> str:
    text = segment.text
    if segment.kind == "recommendation":
        text = _RECOMMENDATION_BLOCK.sub("", text)
    return _FOOTNOTE_CALL.sub("", text)


def _key(segment: Segment) -> tuple[str, str]:
    return segment.kind, " ".join(segment.text.split())


def _segments(source: _Source | None) -> list[Segment]:
    if source is None or not _publishable(source):
        return []
    return [s for s in source.segments if s.kind != "code"]


def _source_markdown(rel: str, old: _Source | None, new: _Source | None, changes: _Changes) -> str:
    """The source as Markdown, its changes as pandoc's tracked-change spans."""
    olds, news = _segments(old), _segments(new)
    texts = printed_texts([_printed(s) for s in olds + news])
    either = new or old
    pair = _Pair(olds, news, texts[: len(olds)], texts[len(olds) :], changes)
    pair.note = either.note if either is not None else False
    out: list[str] = []
    matcher = difflib.SequenceMatcher(
        a=[_key(s) for s in olds], b=[_key(s) for s in news], autojunk=False
    )
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        out += pair.unchanged(b1, b2) if op == "equal" else pair.changed(a1, a2, b1, b2)
    out.insert(1 if out else 0, f"*{escape(rel)}*")
    return "\n\n".join(out)


@dataclass
class _Pair:
    """The segments of a source in the two drafts, and how each prints."""

    olds: list[Segment]
    news: list[Segment]
    old_texts: list[str]
    new_texts: list[str]
    changes: _Changes
    note: bool = False

    def unchanged(self, b1: int, b2: int) -> list[str]:
        """Unchanged segments, as written, with their formatting."""
        out: list[str] = []
        for same in self.news[b1:b2]:
            markdown = escape(same.text) if same.kind == "title" else _printed(same)
            out.append(_block(same, markdown, self.note, raw=True))
        return out

    def changed(self, a1: int, a2: int, b1: int, b2: int) -> list[str]:
        """Segments changed (paired one to one while both sides have one), removed, added."""
        out: list[str] = []
        pairs = min(a2 - a1, b2 - b1)
        for offset in range(pairs):
            i, j = a1 + offset, b1 + offset
            words = self.changes.placeholder(_word_changes(self.old_texts[i], self.new_texts[j]))
            out.append(_block(self.news[j], words, self.note, raw=True))
        for i in range(a1 + pairs, a2):
            deleted = self.changes.placeholder([("deletion", self.old_texts[i])])
            out.append(_block(self.olds[i], deleted, self.note, raw=True))
        for j in range(b1 + pairs, b2):
            inserted = self.changes.placeholder([("insertion", self.new_texts[j])])
            out.append(_block(self.news[j], inserted, self.note, raw=True))
        return out


class _Changes:
    """The tracked changes of the paragraphs, by placeholder: pandoc's Markdown reader drops
    the spaces at the edges of a span, so the changed words are put into the AST after it
    has read the rest."""

    def __init__(self, date: str) -> None:
        self.date = date
        self.inlines: dict[str, list[dict[str, Any]]] = {}

    def placeholder(self, chunks: list[tuple[str, str]]) -> str:
        ident = f"idmbook-change-{len(self.inlines)}"
        out: list[dict[str, Any]] = []
        for kind, text in chunks:
            if not text:
                continue
            if kind == "equal":
                out += _text_inlines(text)
            else:
                attr = ["", [kind], [["author", AUTHOR], ["date", self.date]]]
                out.append({"t": "Span", "c": [attr, _text_inlines(text)]})
        self.inlines[ident] = out
        return f"[x]{{#{ident}}}"

    def put(self, value: Any) -> Any:
        """``value`` (an AST) with each placeholder replaced by its changes."""
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                if (
                    isinstance(item, dict)
                    and item.get("t") == "Span"
                    and item["c"][0][0] in self.inlines
                ):
                    out += self.inlines[item["c"][0][0]]
                else:
                    out.append(self.put(item))
            return out
        if isinstance(value, dict):
            return {key: self.put(item) for key, item in value.items()}
        return value


def _text_inlines(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for token in re.findall(r"\s+|\S+", text):
        out.append({"t": "Space"} if token.isspace() else {"t": "Str", "c": token})
    return out


def _word_changes(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", "".join(a[a1:a2])))
            continue
        out.append(("deletion", "".join(a[a1:a2])))
        out.append(("insertion", "".join(b[b1:b2])))
    return out


def _block(segment: Segment, text: str, note: bool, raw: bool = False) -> str:
    """One segment as a block: its text (escaped plain text unless ``raw``) under the
    segment's own kind of block."""
    body = text if raw else escape(text)
    if segment.kind == "title":
        return f"# {body}"
    if segment.kind == "heading":
        level = segment.marker if not (note and section_of(segment)) else "##"
        return f"{level} {body}"
    if segment.kind in ("item", "recommendation"):
        return f"- {body}"
    if segment.kind == "footnote":
        return f"> {body}"  # a footnote's text, set apart under the paragraphs
    return body


def _meta(project: Project, what: str, shown: list[str]) -> BookMeta:
    config = project.config
    book = config.title
    if config.series:
        book = f"{config.series.name} No. {config.series.number}: {book}"
    listed = "; ".join(shown) if shown else "none"
    return BookMeta(
        title=f"Changes {what}",
        subtitle=book,
        series_line=book,
        publisher=config.publisher.name,
        year=config.year,
        language=config.language,
        author=AUTHOR,
        subject=f"Changes {what}",
        keywords=("changes",),
        imprint=(
            f"The changes made to the texts of the book between {what}, as tracked changes "
            "by idmbook: Word shows each deletion and insertion under the text it belongs to.",
            f"Texts changed: {listed}.",
        ),
        running_header=f"Changes {what}",
        timestamp=int(time.time()),
    )
