"""Read a returned proof: its paragraphs with the mark each one carries, their text before
and after the tracked changes, its comments with the paragraph they are anchored in, and the
record idmbook left in its custom document properties.

A paragraph belongs to the mark (a bookmark named by :mod:`idmbook.proofs.marks`) that is
open where it starts or that starts inside it: pandoc writes bookmarks around paragraphs,
Word and LibreOffice may move them inside. The text after the changes keeps insertions
(``w:ins``, ``w:moveTo``) and drops deletions (``w:del``, ``w:moveFrom``); the text before
them does the opposite. The file is untrusted: it is read through the zip reader's limits,
its XML without DTDs, entities or network access.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from idmbook.errors import IdmbookError
from idmbook.load.archive import read_zip
from idmbook.load.findings import Refused
from idmbook.proofs.marks import PROPERTY, is_key

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_INSERTED = frozenset({W + "ins", W + "moveTo"})
_DELETED = frozenset({W + "del", W + "moveFrom"})
_PARTS = (("word/document.xml", "document"), ("word/footnotes.xml", "footnotes"))


@dataclass
class WordParagraph:
    """One paragraph of the returned proof."""

    part: str
    """document or footnotes."""
    key: str | None
    """The mark of the source paragraph it prints; None for text the proof made itself."""
    before: str = ""
    """Its text with the tracked changes rejected."""
    after: str = ""
    """Its text with the tracked changes accepted."""
    tracked: bool = False
    """Whether it holds a tracked change."""
    mark_deleted: bool = False
    """Its paragraph mark was deleted with tracking: it runs on into the next paragraph."""
    mark_inserted: bool = False
    """Its paragraph mark was inserted with tracking: it was split off a paragraph."""


@dataclass
class WordComment:
    ident: str
    author: str
    date: str
    text: str
    key: str | None = None
    """The mark of the paragraph the comment is anchored in."""
    anchor: str = ""
    """The text the comment is about."""


@dataclass
class ReturnedProof:
    paragraphs: list[WordParagraph] = field(default_factory=list)
    comments: list[WordComment] = field(default_factory=list)
    record: str | None = None
    """The proof's record (JSON) from the custom document properties."""


def read_returned(raw: bytes, shown: str) -> ReturnedProof:
    """Everything a returned proof says; IdmbookError (exit 2) when it is not a readable DOCX."""
    try:
        members = read_zip(raw, what="proof")
    except Refused as exc:
        raise IdmbookError(f"{shown}: {exc.finding.message}", exc.finding.hint) from None
    if "word/document.xml" not in members:
        raise IdmbookError(f"{shown}: not a Word document (no word/document.xml)")
    proof = ReturnedProof()
    comments: dict[str, WordComment] = {}
    if "word/comments.xml" in members:
        for element in _xml(members["word/comments.xml"], shown).iter(W + "comment"):
            ident = element.get(W + "id", "")
            text = "\n".join(_plain(p) for p in element.iter(W + "p")).strip()
            comments[ident] = WordComment(
                ident, element.get(W + "author", ""), element.get(W + "date", ""), text
            )
    for name, part in _PARTS:
        if name in members:
            _read_part(_xml(members[name], shown), part, proof, comments)
    proof.comments = list(comments.values())
    if "docProps/custom.xml" in members:
        proof.record = custom_property(members["docProps/custom.xml"], PROPERTY, shown)
    return proof


def _xml(data: bytes, shown: str) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise IdmbookError(f"{shown}: a part of the document is damaged ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise IdmbookError(f"{shown}: a part of the document declares a DTD; refused")
    return root


def custom_property(data: bytes, name: str, shown: str) -> str | None:
    """The text of the custom document property ``name``, or None."""
    for prop in _xml(data, shown).iter(f"{{{_CUSTOM_NS}}}property"):
        if prop.get("name") == name:
            return "".join(prop.itertext())
    return None


def _plain(paragraph: Any) -> str:
    return "".join(t.text or "" for t in paragraph.iter(W + "t"))


class _Walk:
    """The state of one walk through a part, in document order."""

    def __init__(self, comments: dict[str, WordComment]) -> None:
        self.open_marks: dict[str, str] = {}
        """Bookmark id -> name of the marks open at this point."""
        self.open_comments: set[str] = set()
        self.comments = comments
        self.paragraph: WordParagraph | None = None
        self.depth = 0
        """Paragraphs open (a text box's paragraphs are inside another)."""
        self.waiting: list[WordComment] = []
        """Comments whose range starts before the next paragraph."""

    def start(self, element: Any, part: str, out: list[WordParagraph]) -> None:
        tag = element.tag
        if tag == W + "p":
            self.depth += 1
            if self.depth == 1:
                key = next(iter(self.open_marks.values()), None)
                self.paragraph = WordParagraph(part, key)
                out.append(self.paragraph)
                _paragraph_mark(element, self.paragraph)
                for comment in self.waiting:
                    comment.key = key
                self.waiting = []
        elif tag == W + "bookmarkStart":
            name = element.get(W + "name", "")
            if is_key(name):
                self.open_marks[element.get(W + "id", "")] = name
                if self.paragraph is not None and self.paragraph.key is None:
                    self.paragraph.key = name
        elif tag == W + "bookmarkEnd":
            self.open_marks.pop(element.get(W + "id", ""), None)
        elif tag in (W + "commentRangeStart", W + "commentReference"):
            self._comment(element.get(W + "id", ""), tag == W + "commentRangeStart")
        elif tag == W + "commentRangeEnd":
            self.open_comments.discard(element.get(W + "id", ""))
        elif self.paragraph is not None and self.depth == 1:
            self._text(element)

    def _comment(self, ident: str, opens: bool) -> None:
        comment = self.comments.get(ident)
        if comment is None:
            return
        if opens:
            self.open_comments.add(ident)
        if self.paragraph is None or self.depth == 0:
            self.waiting.append(comment)
        elif comment.key is None:
            comment.key = self.paragraph.key

    def _text(self, element: Any) -> None:
        tag = element.tag
        if tag in (W + "t", W + "delText"):
            text = element.text or ""
        elif tag in (W + "tab",) and element.getparent().tag == W + "r":
            text = "\t"
        elif tag in (W + "br", W + "cr"):
            text = " "
        elif tag == W + "noBreakHyphen":
            text = "\u2011"
        else:
            return
        paragraph = self.paragraph
        assert paragraph is not None
        inserted = deleted = False
        for ancestor in element.iterancestors():
            if ancestor.tag in _INSERTED:
                inserted = True
            elif ancestor.tag in _DELETED:
                deleted = True
            elif ancestor.tag == W + "p":
                break
        if tag == W + "delText":
            deleted = True
        paragraph.tracked = paragraph.tracked or inserted or deleted
        if not inserted:
            paragraph.before += text
        if not deleted:
            paragraph.after += text
            for ident in self.open_comments:
                self.comments[ident].anchor += text

    def end(self, element: Any) -> None:
        if element.tag == W + "p":
            self.depth -= 1
            if self.depth == 0:
                self.paragraph = None


def _paragraph_mark(paragraph: Any, out: WordParagraph) -> None:
    properties = paragraph.find(W + "pPr")
    marks = properties.find(W + "rPr") if properties is not None else None
    if marks is None:
        return
    if marks.find(W + "del") is not None or marks.find(W + "moveFrom") is not None:
        out.mark_deleted = out.tracked = True
    if marks.find(W + "ins") is not None or marks.find(W + "moveTo") is not None:
        out.mark_inserted = out.tracked = True


def _read_part(
    root: Any, part: str, proof: ReturnedProof, comments: dict[str, WordComment]
) -> None:
    walk = _Walk(comments)
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            walk.start(element, part, proof.paragraphs)
        else:
            walk.end(element)
