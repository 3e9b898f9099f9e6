"""Marks that carry what pandoc's readers drop (the direction and language of a paragraph or a
run of text, an equation of an OpenDocument file) through pandoc and back.

Before pandoc reads a document, ingest writes a short mark into the document's text where the
information belongs: a mark at the start of a paragraph, a pair of marks around a run of
words, a mark standing for an equation. The marks are characters of Unicode's private use
plane 15, which no word processor's text uses, each with a number; the table of what each
number means stays here. After pandoc, :meth:`Marks.apply` turns them into spans with
``dir``/``lang`` and into math, and removes any mark left over (and any such character the
document held of its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Node = dict[str, Any]
Attrs = list[tuple[str, str]]

OPEN, CLOSE = "\U000f0000", "\U000f0001"
_MARK = re.compile(f"{OPEN}([PSEM])([0-9]{{1,7}}){CLOSE}")
_STRAY = re.compile("[\U000f0000-\U000f0001]")


@dataclass
class Marks:
    """The marks written into one document, and what each stands for."""

    attrs: dict[int, Attrs] = field(default_factory=dict)
    math: dict[int, tuple[str, str]] = field(default_factory=dict)
    applied: dict[str, int] = field(default_factory=lambda: {"P": 0, "S": 0, "M": 0})

    def _next(self) -> int:
        return len(self.attrs) + len(self.math) + 1

    def paragraph(self, attrs: Attrs) -> str:
        """The mark to put at the start of a paragraph whose whole text has ``attrs``."""
        number = self._next()
        self.attrs[number] = attrs
        return f"{OPEN}P{number}{CLOSE}"

    def span(self, attrs: Attrs) -> tuple[str, str]:
        """The marks to put before and after a run of text that has ``attrs``."""
        number = self._next()
        self.attrs[number] = attrs
        return f"{OPEN}S{number}{CLOSE}", f"{OPEN}E{number}{CLOSE}"

    def equation(self, tex: str, display: bool) -> str:
        """The mark to put where an equation (TeX) stands."""
        number = self._next()
        self.math[number] = ("DisplayMath" if display else "InlineMath", tex)
        return f"{OPEN}M{number}{CLOSE}"

    def apply(self, blocks: list[Node]) -> list[Node]:
        """``blocks`` with the marks turned into spans and math, and every mark removed."""
        return [b for b in (self._block(b) for b in blocks) if b is not None]

    # ------------------------------------------------------------------ walking the AST

    def _block(self, block: Node) -> Node | None:
        kind, c = block.get("t"), block.get("c", [])
        if kind in ("Para", "Plain"):
            inlines, attrs = self._paragraph(c)
            if attrs:
                inlines = _wrap(inlines, attrs)
            return {"t": kind, "c": inlines} if inlines else None
        if kind == "Header":
            inlines, attrs = self._paragraph(c[2])
            if attrs:
                inlines = _wrap(inlines, attrs)
            return {"t": kind, "c": [c[0], c[1], inlines]}
        return {"t": kind, "c": self._any(c)} if "c" in block else block

    def _any(self, value: Any) -> Any:
        """Blocks and inlines nested anywhere in ``value`` (lists, tables, notes, quotes)."""
        if isinstance(value, list):
            if value and all(_is_node(v) for v in value):
                if _is_inline(value[0]["t"]):
                    return self._inlines(value)
                return [b for b in (self._block(v) for v in value) if b is not None]
            return [self._any(v) for v in value]
        if _is_node(value):
            return self._nested(value) if _is_inline(value["t"]) else self._block(value)
        if isinstance(value, str):
            return _STRAY.sub("", value)
        return value

    def _paragraph(self, inlines: list[Node]) -> tuple[list[Node], Attrs]:
        """A paragraph's inlines with its own mark taken off, and the attributes it gave."""
        items = _split(inlines)
        attrs: Attrs = []
        for index, item in enumerate(items):
            if isinstance(item, tuple) and item[0] == "P":
                if not attrs and item[1] in self.attrs:
                    attrs = self.attrs[item[1]]
                    self.applied["P"] += 1
                items[index] = None
        kept = [i for i in items if i is not None]
        return self._resolve(kept), attrs

    def _inlines(self, inlines: list[Node]) -> list[Node]:
        return self._resolve(_split(inlines))

    def _resolve(self, items: list[Any]) -> list[Node]:
        """Pairs of span marks become spans, equation marks math; the rest of the marks go."""
        out: list[Any] = []
        open_at: dict[int, int] = {}
        for item in items:
            if isinstance(item, tuple):
                kind, number = item
                if kind == "M" and number in self.math:
                    math_kind, tex = self.math[number]
                    out.append({"t": "Math", "c": [{"t": math_kind}, tex]})
                    self.applied["M"] += 1
                elif kind == "S" and number in self.attrs:
                    open_at[number] = len(out)
                    out.append(item)
                elif kind == "E" and number in open_at:
                    start = open_at.pop(number)
                    inner = [i for i in out[start + 1 :] if not isinstance(i, tuple)]
                    del out[start:]
                    if inner:
                        out.extend(_wrap(inner, self.attrs[number]))
                        self.applied["S"] += 1
                continue
            out.append(self._nested(item))
        return [i for i in out if not isinstance(i, tuple)]

    def _nested(self, node: Node) -> Node:
        """Inlines inside an inline (emphasis, links, notes) have their marks applied too."""
        kind, c = node["t"], node.get("c", [])
        if kind == "Str":
            return {"t": "Str", "c": _STRAY.sub("", c)}
        if kind == "Note":
            return {"t": "Note", "c": self.apply(c)}
        if kind in ("Link", "Image"):
            return {"t": kind, "c": [c[0], self._inlines(c[1]), c[2]]}
        if kind in ("Span", "Quoted", "Cite"):
            return {"t": kind, "c": [c[0], self._inlines(c[1])]}
        if kind in _CONTAINERS:
            return {"t": kind, "c": self._inlines(c)}
        return node


_CONTAINERS = {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
_INLINE = _CONTAINERS | {
    "Str",
    "Quoted",
    "Cite",
    "Code",
    "Space",
    "SoftBreak",
    "LineBreak",
    "Math",
    "RawInline",
    "Link",
    "Image",
    "Note",
    "Span",
}


def strip_marks(value: Any) -> Any:
    """``value`` (a piece of pandoc's JSON) with every mark character removed from its text."""
    if isinstance(value, str):
        return _STRAY.sub("", value)
    if isinstance(value, list):
        return [strip_marks(v) for v in value]
    if isinstance(value, dict):
        return {k: strip_marks(v) for k, v in value.items()}
    return value


def _is_node(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("t"), str)


def _is_inline(kind: str) -> bool:
    return kind in _INLINE


def _split(inlines: list[Node]) -> list[Any]:
    """Inlines with every mark inside a ``Str`` cut out as a (kind, number) tuple."""
    out: list[Any] = []
    for node in inlines:
        if not (node.get("t") == "Str" and (OPEN in node["c"] or CLOSE in node["c"])):
            out.append(node)
            continue
        text = node["c"]
        position = 0
        for match in _MARK.finditer(text):
            before = _STRAY.sub("", text[position : match.start()])
            if before:
                out.append({"t": "Str", "c": before})
            out.append((match.group(1), int(match.group(2))))
            position = match.end()
        rest = _STRAY.sub("", text[position:])
        if rest:
            out.append({"t": "Str", "c": rest})
    return out


def _wrap(inlines: list[Node], attrs: Attrs) -> list[Node]:
    """``inlines`` in one span with ``attrs``, spaces at either end left outside; a span that
    would hold a single span takes that span's attributes too (the inner ones win)."""
    start, end = 0, len(inlines)
    while start < end and inlines[start].get("t") in ("Space", "SoftBreak"):
        start += 1
    while end > start and inlines[end - 1].get("t") in ("Space", "SoftBreak"):
        end -= 1
    if start == end:
        return inlines
    inner = inlines[start:end]
    merged = dict(attrs)
    if len(inner) == 1 and inner[0].get("t") == "Span":
        pairs = inner[0]["c"][0][2]
        merged.update(dict(pairs))
        inner = inner[0]["c"][1]
    span = {"t": "Span", "c": [["", [], sorted(merged.items())], inner]}
    return [*inlines[:start], span, *inlines[end:]]
