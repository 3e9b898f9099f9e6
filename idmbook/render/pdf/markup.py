"""Typst code the renderer writes itself (strings, lengths, raw nodes); plain text as inlines."""

from __future__ import annotations

import re
from typing import Any

from idmbook.pandoc.ast import Node
from idmbook.pandoc.ast import stringify as pandoc_stringify

PAGEBREAK = "#metadata(none) <idm-chapter-end>\n#pagebreak(weak: true)"
"""Before each chapter: a mark where the previous one ends (the template's running header
leaves a blank page after it bare), then a new page (a right-hand one in a print edition)."""
FREE_BREAKS = "#[#set text(costs: (widow: 0%, orphan: 0%));"
"""The opening of a scope in which Typst may break a paragraph after any line: a paragraph
that holds a footnote is never moved whole to the next page to keep its lines together.
Typst lays out such a move wrongly when the paragraph is in a list, a quotation or a
definition that runs over a page: the footnote's text stays behind on a page without its mark
(the line holding the mark was lost) and the PDF's structure is broken (PDF/UA-1: 'invalid
list (L) structure', or 'internal error: parent group')."""

_LENGTH = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<unit>%|pt|mm|cm|in|em|px)")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal, with every character that could end it escaped."""
    out = []
    for char in text:
        if char in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[char])
        elif ord(char) < 32 or ord(char) == 127 or char in "\u0085\u2028\u2029":
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def typst_length(value: str) -> str | None:
    """A pandoc width/height attribute (``50%``, ``8cm``, ``300px``) as a Typst length."""
    match = _LENGTH.fullmatch(value.strip())
    if match is None:
        return None
    number, unit = float(match.group("number")), match.group("unit")
    if unit == "px":
        number, unit = number * 0.75, "pt"
    return f"{number:g}{unit}"


def raw_inline(code: str) -> Node:
    """Typst code as an inline of pandoc's AST (pandoc's Typst writer passes it through)."""
    return {"t": "RawInline", "c": ["typst", code]}


def raw_block(code: str) -> Node:
    """Typst code as a block of pandoc's AST (pandoc's Typst writer passes it through)."""
    return {"t": "RawBlock", "c": ["typst", code]}


def stringify(value: Any) -> str:
    """The text of inlines (or blocks), footnotes left out, raw text kept, whitespace
    collapsed, straight quotes (for alt texts and the outline)."""
    return " ".join(pandoc_stringify(value, "straight", raw=True).split())


def text_inlines(text: str) -> list[Node]:
    """Plain text as pandoc inlines: words, spaces, and a LineBreak for every newline."""
    inlines: list[Node] = []
    for number, line in enumerate(text.splitlines()):
        if number:
            inlines.append({"t": "LineBreak"})
        for index, word in enumerate(line.split()):
            if index:
                inlines.append({"t": "Space"})
            inlines.append({"t": "Str", "c": word})
    return inlines
