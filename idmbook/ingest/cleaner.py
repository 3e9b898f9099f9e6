"""The cleaning of a submission's AST: raw markup as text, unsafe links and pictures out."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from idmbook.ingest.direction import has_rtl, normal_tag
from idmbook.ingest.nodetext import CONTAINERS, Node, is_node, plain_text
from idmbook.load.findings import Finding

_NO_ATTR: list[Any] = ["", [], []]
_FILE_NAME = re.compile(
    r"^([A-Za-z]:\\|\\\\|/|~/|file:)|\.(jpe?g|png|gif|bmp|tiff?|emf|wmf|svg|webp)$", re.I
)
"""Alternative text that is only the name of the picture's file (Word fills it in so)."""
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.I)


@dataclass
class Cleaner:
    """Cleans an AST; ``picture`` maps a picture's target and alt text to its new target
    (None leaves the picture out, keeping its alt text)."""

    picture: Callable[[str, str], str | None]
    findings: list[Finding] = field(default_factory=list)
    raw: int = 0
    links_removed: list[str] = field(default_factory=list)
    file_name_alts: list[str] = field(default_factory=list)

    def blocks(self, blocks: list[Node]) -> list[Node]:
        cleaned = self._walk(blocks)
        assert isinstance(cleaned, list)
        return [b for b in simplify_spans(cleaned, {}) if not _empty(b)]

    def report(self) -> list[Finding]:
        out = list(self.findings)
        if self.raw:
            out.append(
                Finding(
                    "IDM119",
                    f"{self.raw} piece{'s' * (self.raw != 1)} of raw markup kept as plain text",
                )
            )
        if self.file_name_alts:
            n = len(self.file_name_alts)
            out.append(
                Finding(
                    "IDM125",
                    f"{n} picture{'s' * (n != 1)} had the name of a file as alternative text "
                    f"('{self.file_name_alts[0][-60:]}'); it was removed",
                    "describe what the pictures show (the book needs alternative text)",
                )
            )
        if self.links_removed:
            shown = ", ".join(f"'{u[:60]}'" for u in self.links_removed[:3])
            more = len(self.links_removed) - 3
            out.append(
                Finding(
                    "IDM117",
                    f"{len(self.links_removed)} link{'s' * (len(self.links_removed) != 1)} "
                    f"replaced by their text ({shown}{f' and {more} more' if more > 0 else ''})",
                )
            )
        return out

    def _walk(self, value: Any) -> Any:
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                result = self._walk(item)
                if is_node(item) and isinstance(result, list):
                    out.extend(result)
                else:
                    out.append(result)
            return out
        if is_node(value):
            node: Node = {"t": value["t"]}
            if "c" in value:
                node["c"] = self._walk(value["c"])
            return self._node(node)
        return value

    def _node(self, node: Node) -> Node | list[Node]:
        clean = _CLEAN.get(node["t"])
        return node if clean is None else clean(self, node)

    def _raw_inline(self, node: Node) -> Node | list[Node]:
        """Raw inline markup: its code as text."""
        c = node.get("c", [])
        self.raw += 1
        return {"t": "Str", "c": c[1]} if c[1] else []

    def _raw_block(self, node: Node) -> Node | list[Node]:
        """A raw block: its code as a paragraph of text, line by line."""
        c = node.get("c", [])
        self.raw += 1
        inlines: list[Node] = []
        for i, line in enumerate(c[1].split("\n")):
            if i:
                inlines.append({"t": "LineBreak"})
            if line:
                inlines.append({"t": "Str", "c": line})
        return {"t": "Para", "c": inlines}

    def _span(self, node: Node) -> Node | list[Node]:
        """A span: kept with its text attributes, if any, else its content."""
        c = node.get("c", [])
        attrs = text_attributes(c[0])
        return {"t": "Span", "c": [["", [], attrs], c[1]]} if attrs else list(c[1])

    def _div(self, node: Node) -> Node | list[Node]:
        """A div: its content, its text attributes carried onto its paragraphs."""
        c = node.get("c", [])
        attrs = text_attributes(c[0])
        return _carry(list(c[1]), attrs) if attrs else list(c[1])

    def _cite(self, node: Node) -> Node | list[Node]:
        """A citation: its text."""
        return list(node.get("c", [])[1])

    def _link(self, node: Node) -> Node | list[Node]:
        """A web or mail link, kept without links inside it; any other, its text."""
        c = node.get("c", [])
        url = c[2][0]
        if not _SAFE_LINK.match(url):
            if not url.startswith("#"):
                self.links_removed.append(url)
            return list(c[1])
        return {"t": "Link", "c": [_NO_ATTR, _unlinked(c[1]), [url, c[2][1]]]}

    def _image(self, node: Node) -> Node | list[Node]:
        """A picture, given its new target by :attr:`picture` (or left out, its alternative
        text kept); alternative text that is only a file name is removed."""
        c = node.get("c", [])
        alt = plain_text(c[1])
        if _FILE_NAME.search(alt):
            self.file_name_alts.append(alt)
            c = [c[0], [], c[2]]
            alt = ""
        target = self.picture(c[2][0], alt)
        if target is None:
            return [{"t": "Str", "c": f"[{alt}]"}] if alt else []
        return {"t": "Image", "c": [_NO_ATTR, c[1], [target, ""]]}

    def _script(self, node: Node) -> Node | list[Node]:
        """A superscript or subscript, split around the notes it holds."""
        kind, c = node["t"], node.get("c", [])
        if any(is_node(i) and i["t"] == "Note" for i in c):
            return _notes_out(kind, c)
        return node

    def _header(self, node: Node) -> Node | list[Node]:
        """A heading, without attributes."""
        c = node.get("c", [])
        return {"t": node["t"], "c": [c[0], _NO_ATTR, c[2]]}

    def _code(self, node: Node) -> Node | list[Node]:
        """Code, without attributes."""
        return {"t": node["t"], "c": [_NO_ATTR, node.get("c", [])[1]]}

    def _figure(self, node: Node) -> Node | list[Node]:
        """A figure, without attributes."""
        c = node.get("c", [])
        return {"t": node["t"], "c": [_NO_ATTR, c[1], c[2]]}


_CLEAN: dict[str, Callable[[Cleaner, Node], Node | list[Node]]] = {
    "RawInline": Cleaner._raw_inline,
    "RawBlock": Cleaner._raw_block,
    "Span": Cleaner._span,
    "Div": Cleaner._div,
    "Cite": Cleaner._cite,
    "Link": Cleaner._link,
    "Image": Cleaner._image,
    "Superscript": Cleaner._script,
    "Subscript": Cleaner._script,
    "Header": Cleaner._header,
    "Code": Cleaner._code,
    "CodeBlock": Cleaner._code,
    "Figure": Cleaner._figure,
}
"""How each kind of node is cleaned (once its content is); any other is kept as it is."""


def _unlinked(inlines: list[Any]) -> list[Any]:
    """The text of a link with the links inside it replaced by their text: Markdown has no
    link inside a link, and pandoc's reader slows down beyond measure on nested brackets
    (a page of links nested five deep took it more than two minutes)."""
    out: list[Any] = []
    for inline in inlines:
        if is_node(inline) and inline["t"] == "Link":
            out.extend(_unlinked(inline["c"][1]))
        elif is_node(inline) and inline["t"] in CONTAINERS:
            out.append({"t": inline["t"], "c": _unlinked(inline["c"])})
        elif is_node(inline) and inline["t"] in ("Span", "Quoted"):
            out.append({"t": inline["t"], "c": [inline["c"][0], _unlinked(inline["c"][1])]})
        else:
            out.append(inline)
    return out


def _notes_out(kind: str, inlines: list[Node]) -> list[Node]:
    """A superscript or subscript holding a note (a note's number styled as superscript, as
    LibreOffice writes it) split around the note: a note cannot be written inside one."""
    out: list[Node] = []
    run: list[Node] = []
    for inline in inlines:
        if inline.get("t") == "Note":
            if run:
                out.append({"t": kind, "c": run})
                run = []
            out.append(inline)
        else:
            run.append(inline)
    if run:
        out.append({"t": kind, "c": run})
    return out


def text_attributes(attr: list[Any]) -> list[list[str]]:
    """The attributes of a span or div that the book keeps: ``dir`` (rtl or ltr) and a valid
    ``lang``; everything else (identifiers, classes, styles) is dropped."""
    pairs = dict(attr[2]) if isinstance(attr, list) and len(attr) == 3 else {}
    out: list[list[str]] = []
    direction = str(pairs.get("dir", "")).strip().lower()
    if direction in ("rtl", "ltr"):
        out.append(["dir", direction])
    lang = normal_tag(str(pairs.get("lang", "")))
    if lang:
        out.append(["lang", lang])
    return out


def _holds_rtl(value: Any) -> bool:
    if isinstance(value, list):
        return any(_holds_rtl(v) for v in value)
    if is_node(value):
        if value["t"] == "Str":
            return has_rtl(str(value["c"]))
        if value["t"] == "Note":
            return False
        return _holds_rtl(value.get("c"))
    return False


def _carry(blocks: list[Node], attrs: list[list[str]]) -> list[Node]:
    """The blocks of a div with ``attrs``, each paragraph's text in a span with them (the
    book's Markdown keeps spans, not divs)."""
    out: list[Node] = []
    for block in blocks:
        kind, c = block["t"], block.get("c", [])
        if kind in ("Para", "Plain") and c:
            block = {"t": kind, "c": [{"t": "Span", "c": [["", [], attrs], c]}]}
        elif kind == "Header" and c[2]:
            block = {"t": kind, "c": [c[0], c[1], [{"t": "Span", "c": [["", [], attrs], c[2]]}]]}
        elif kind in ("BlockQuote",):
            block = {"t": kind, "c": _carry(c, attrs)}
        elif kind == "BulletList":
            block = {"t": kind, "c": [_carry(item, attrs) for item in c]}
        elif kind == "OrderedList":
            block = {"t": kind, "c": [c[0], [_carry(item, attrs) for item in c[1]]]}
        out.append(block)
    return out


def simplify_spans(value: Any, inherited: dict[str, str]) -> Any:
    """Spans whose attributes say nothing their enclosing span has not said are unwrapped
    (pandoc marks every right-to-left run of a right-to-left paragraph); a span holding
    nothing but one span takes its attributes."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            result = simplify_spans(item, inherited)
            if is_node(item) and isinstance(result, list):
                out.extend(result)
            else:
                out.append(result)
        return out
    if not is_node(value):
        return value
    if value["t"] == "Span":
        attrs = dict(value["c"][0][2])
        inner = value["c"][1]
        while len(inner) == 1 and is_node(inner[0]) and inner[0]["t"] == "Span":
            attrs.update(dict(inner[0]["c"][0][2]))
            inner = inner[0]["c"][1]
        if attrs.get("dir") == "rtl" and not _holds_rtl(inner):
            del attrs["dir"]  # a run of Latin letters or spaces marked right to left
        new = {k: v for k, v in attrs.items() if inherited.get(k) != v}
        content = simplify_spans(inner, {**inherited, **attrs})
        if not new:
            return content
        return {"t": "Span", "c": [["", [], sorted([k, v] for k, v in attrs.items())], content]}
    if "c" in value:
        return {"t": value["t"], "c": simplify_spans(value["c"], inherited)}
    return value


def _empty(block: Node) -> bool:
    return block["t"] in ("Para", "Plain") and not block.get("c")
