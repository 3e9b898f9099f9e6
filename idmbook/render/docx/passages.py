"""Passages in a language made ready for pandoc's DOCX writer: direction, tag, quotation marks."""

from __future__ import annotations

from typing import Any

from idmbook.render.docx.scripts import language as script_of

__all__ = [
    "QUOTES",
    "cells_in_passages",
    "link_in_passage",
    "note_in_passage",
    "passage_around",
    "passage_language",
    "quoted",
    "with_direction",
]

_PASSAGE_KEYS = ("lang", "dir")
_DIRECTIONS = ("rtl", "ltr")


def _pairs(attr: Any) -> list[Any]:
    """The key-value pairs of a pandoc Attr, or [] when it is malformed."""
    if isinstance(attr, list) and len(attr) == 3 and isinstance(attr[2], list):
        return attr[2]
    return []


def _passage_pairs(attr: Any) -> list[list[str]]:
    """``lang`` and ``dir`` of an Attr, ``dir`` completed from the language's script."""
    pairs = {
        pair[0]: pair[1]
        for pair in _pairs(attr)
        if isinstance(pair, list) and len(pair) == 2 and pair[0] in _PASSAGE_KEYS
        and isinstance(pair[1], str) and pair[1]
    }  # fmt: skip
    if pairs.get("dir") not in _DIRECTIONS:
        pairs.pop("dir", None)
        if "lang" in pairs:
            pairs["dir"] = "rtl" if script_of(pairs["lang"]).rtl else "ltr"
    return [[key, pairs[key]] for key in _PASSAGE_KEYS if key in pairs]


def passage_language(node: dict[str, Any]) -> str | None:
    """The ``lang`` of a Div or Span node."""
    if node.get("t") not in ("Div", "Span"):
        return None
    content = node.get("c")
    if not isinstance(content, list) or not content:
        return None
    for pair in _pairs(content[0]):
        if isinstance(pair, list) and len(pair) == 2 and pair[0] == "lang":
            return str(pair[1]) if pair[1] else None
    return None


def with_direction(node: dict[str, Any]) -> dict[str, Any]:
    """A Div or Span whose ``lang`` has no valid ``dir``, given its script's direction."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 2):
        return node
    attr = content[0]
    pairs = _pairs(attr)
    if not any(isinstance(p, list) and p and p[0] in _PASSAGE_KEYS for p in pairs):
        return node
    wanted = _passage_pairs(attr)
    kept = [p for p in pairs if not (isinstance(p, list) and p and p[0] in _PASSAGE_KEYS)]
    if kept + wanted == pairs:
        return node
    return {**node, "c": [[attr[0], attr[1], kept + wanted], content[1]]}


def note_in_passage(node: dict[str, Any]) -> dict[str, Any]:
    """A footnote whose text is one passage (a Div with ``lang`` or ``dir`` and nothing else),
    with the passage's tag moved to each of its blocks: pandoc's writer puts the footnote's
    mark in a paragraph of its own when the note starts with a Div, away from its text."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 1 and isinstance(content[0], dict)):
        return node
    div = content[0]
    inner = div.get("c")
    if div.get("t") != "Div" or not (isinstance(inner, list) and len(inner) == 2):
        return node
    attr, blocks = inner
    wanted = _passage_pairs(attr)
    own = _pairs(attr)
    if not wanted or attr[0] or attr[1] or any(pair[0] not in _PASSAGE_KEYS for pair in own):
        return node
    tagged: list[Any] = []
    for block in blocks:
        if isinstance(block, dict) and block.get("t") in ("Para", "Plain"):
            span = {"t": "Span", "c": [["", [], wanted], block.get("c", [])]}
            tagged.append({"t": block["t"], "c": [span]})
        else:
            tagged.append({"t": "Div", "c": [["", [], wanted], [block]]})
    return {"t": "Note", "c": tagged}


def passage_around(node: dict[str, Any]) -> dict[str, Any] | None:
    """A Div carrying the ``lang`` and ``dir`` of a heading, table or figure (pandoc's writer
    reads them only on Divs and Spans) around it, or None when it has neither."""
    content = node.get("c")
    if not isinstance(content, list) or len(content) < 2:
        return None
    index = 1 if node.get("t") == "Header" else 0
    attr = content[index]
    wanted = _passage_pairs(attr)
    if not wanted:
        return None
    kept = [p for p in _pairs(attr) if not (isinstance(p, list) and p and p[0] in _PASSAGE_KEYS)]
    inner = list(content)
    inner[index] = [attr[0], attr[1], kept]
    return {"t": "Div", "c": [["", [], wanted], [{**node, "c": inner}]]}


def cells_in_passages(node: dict[str, Any]) -> dict[str, Any]:
    """A Table whose cells (or rows) with ``lang`` or ``dir`` hold their blocks in a Div that
    carries them."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 6):
        return node

    def rows(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        out = []
        for row in items:
            if not (isinstance(row, list) and len(row) == 2 and isinstance(row[1], list)):
                out.append(row)
                continue
            row_pairs = _passage_pairs(row[0])
            out.append([row[0], [cell(c, row_pairs) for c in row[1]]])
        return out

    def cell(item: Any, row_pairs: list[list[str]]) -> Any:
        if not (isinstance(item, list) and len(item) == 5 and isinstance(item[4], list)):
            return item
        wanted = _passage_pairs(item[0]) or row_pairs
        if not wanted:
            return item
        return [*item[:4], [{"t": "Div", "c": [["", [], wanted], item[4]]}]]

    def part(section: Any, at: int) -> Any:
        if not isinstance(section, list) or len(section) <= at:
            return section
        return [*section[:at], rows(section[at]), *section[at + 1 :]]

    head = part(content[3], 1)
    bodies = content[4]
    if isinstance(bodies, list):
        bodies = [part(part(body, 2), 3) for body in bodies]
    foot = part(content[5], 1)
    if head == content[3] and bodies == content[4] and foot == content[5]:
        return node
    return {**node, "c": [*content[:3], head, bodies, foot]}


def link_in_passage(node: dict[str, Any]) -> dict[str, Any]:
    """A Link whose ``lang`` or ``dir`` goes to a Span around its text."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 3):
        return node
    wanted = _passage_pairs(content[0])
    if not wanted:
        return node
    span = {"t": "Span", "c": [["", [], wanted], content[1]]}
    return {**node, "c": [content[0], [span], content[2]]}


QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "fr": ("\u00ab\u00a0", "\u00a0\u00bb", "\u201c", "\u201d"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "ar": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "fa": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "ur": ("\u201d", "\u201c", "\u2019", "\u2018"),
    "he": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "zh-Hant": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt-BR": ("\u201c", "\u201d", "\u2018", "\u2019"),
}
"""Opening and closing marks, double then single, of the languages whose quotation marks are
not English (double marks are the outer ones); others get English marks, as pandoc writes them.
French quotes keep a no-break space inside, as Word's French autocorrection sets them."""


def _quote_marks(tag: str) -> tuple[str, str, str, str]:
    base = tag.split("-")[0].lower()
    if base == "zh" and script_of(tag).script == "Hant":
        return QUOTES["zh-Hant"]
    if base == "pt" and tag.upper().endswith("-BR"):
        return QUOTES["pt-BR"]
    return QUOTES.get(base, QUOTES["en"])


def quoted(node: dict[str, Any], tag: str) -> dict[str, Any]:
    """A Quoted node as a Span between the quotation marks of the language ``tag``."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
        return node
    kind = content[0].get("t") if isinstance(content[0], dict) else None
    opening, closing, single_opening, single_closing = _quote_marks(tag)
    if kind == "SingleQuote":
        opening, closing = single_opening, single_closing
    inlines = [_str(opening), *content[1], _str(closing)]
    return {"t": "Span", "c": [["", [], []], inlines]}


def _str(text: str) -> dict[str, Any]:
    """A pandoc Str inline."""
    return {"t": "Str", "c": text}
