"""Stand-ins for the characters no font of the book has, in text, code and equations."""

from __future__ import annotations

from idmbook.load.fonts import Glyphs
from idmbook.pandoc.ast import Node
from idmbook.render.pdf.markup import raw_inline

REPLACEMENT = "\ufffd"
"""What stands in code and equations for a character no font has (the Unicode replacement
character, which Noto Sans has)."""
TEXT_HOLDERS = frozenset({"Code", "CodeBlock", "Math", "RawBlock", "RawInline"})
"""Nodes whose text is their second part: a character no font has becomes U+FFFD there."""


def shown_inlines(text: str, glyphs: Glyphs) -> list[Node]:
    """The text of a Str as inlines that every font can show: each character no font has
    becomes a boxed code point (``U+F0F0``), styled by the template's rule for
    ``<idm-missing>``; Typst would otherwise fail (PDF/UA) or print an empty box."""
    inlines: list[Node] = []
    start = 0
    for match in glyphs.missing(text):
        if match.start() > start:
            inlines.append({"t": "Str", "c": text[start : match.start()]})
        point = f"U+{ord(match.group()):04X}"
        inlines.append(raw_inline(f"#box[{point}]<idm-missing>"))
        start = match.end()
    if start < len(text):
        inlines.append({"t": "Str", "c": text[start:]})
    return inlines


def replace_missing(text: str, glyphs: Glyphs) -> str:
    """``text`` with every character no font can show replaced by :data:`REPLACEMENT`."""
    pieces, start = [], 0
    for match in glyphs.missing(text):
        pieces += [text[start : match.start()], REPLACEMENT]
        start = match.end()
    return "".join([*pieces, text[start:]])


def with_stand_ins(node: Node, glyphs: Glyphs) -> Node:
    """A node of :data:`TEXT_HOLDERS` with :data:`REPLACEMENT` for what no font has (the same
    node when every character can be shown)."""
    text = node["c"][1]
    if not glyphs.has_missing(text):
        return node
    return {"t": node["t"], "c": [node["c"][0], replace_missing(text, glyphs)]}
