"""pandoc's AST as JSON: reading and writing it, counting its ids, and its plain text."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import orjson

TEXT_NODES = frozenset({"Str", "Space", "SoftBreak", "LineBreak"})
"""Inline nodes without children or attributes: most of a book, and nothing any pass over the
AST rewrites."""


def ast_bytes(ast: Any) -> bytes:
    """A pandoc AST (or part of one) as compact UTF-8 JSON, the way pandoc reads it (orjson: a
    book's AST is tens of megabytes, which the standard library takes seconds to encode)."""
    return orjson.dumps(ast)


def ast_loads(data: bytes | str) -> Any:
    """pandoc's JSON (or a cached piece of it) as Python lists and dicts."""
    return orjson.loads(data)


def id_counts(blocks: list[Any]) -> Counter[str]:
    """How many headings, divs, figures and tables carry each id, at any depth of ``blocks``."""
    counts: Counter[str] = Counter()
    stack: list[Any] = [blocks]
    while stack:
        value = stack.pop()
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, list):
                stack.append(item)
                continue
            if not isinstance(item, dict):
                continue
            kind = item.get("t")
            if kind in TEXT_NODES:
                continue
            content = item.get("c", [])
            if kind == "Header":
                counts[content[1][0]] += 1
            elif kind in ("Div", "Figure", "Table"):
                counts[content[0][0]] += 1
            stack.append(content)
    return counts


def link_targets(counts: Counter[str]) -> frozenset[str]:
    """Ids that internal links may point at: those on exactly one heading, div, figure or
    table."""
    return frozenset(ident for ident, count in counts.items() if ident and count == 1)


_QUOTES = {"curly": ("\u201c", "\u201d", "\u2018", "\u2019"), "straight": ('"', '"', "'", "'")}


def stringify(value: Any, quotes: Literal["curly", "straight"] = "curly", raw: bool = False) -> str:
    """The text of inlines or blocks as pandoc's ``stringify`` gives it: footnotes left out,
    a space for each space, break and paragraph end, quotes as ``quotes`` marks, the text of
    raw inlines only with ``raw``."""
    out: list[str] = []
    _text(value, out, _QUOTES[quotes], raw)
    return "".join(out)


_SPACES = frozenset({"Space", "SoftBreak", "LineBreak"})
_LABELLED = frozenset({"Link", "Image", "Cite", "Span"})
"""Inlines whose text is their second part (the first is their attributes or citations)."""


def _text(value: Any, out: list[str], marks: tuple[str, ...], raw: bool) -> None:
    if isinstance(value, list):
        for item in value:
            _text(item, out, marks, raw)
        return
    if not isinstance(value, dict):
        return
    kind, content = value.get("t"), value.get("c", [])
    if kind == "Str":
        out.append(str(content))
    elif kind in _SPACES:
        out.append(" ")
    elif kind in ("Code", "Math") or (raw and kind == "RawInline"):
        out.append(str(content[1]))
    elif kind in ("Note", "RawInline", "RawBlock"):
        return
    elif kind == "Quoted":
        double = content[0].get("t") == "DoubleQuote"
        out.append(marks[0] if double else marks[2])
        _text(content[1], out, marks, raw)
        out.append(marks[1] if double else marks[3])
    elif kind in _LABELLED:
        _text(content[1], out, marks, raw)
    else:
        _text(content, out, marks, raw)
        if kind in ("Para", "Plain", "Header"):
            out.append(" ")
