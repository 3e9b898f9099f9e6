"""Rewrites of the nodes Typst cannot take as pandoc writes them: raw code, divs, spans, notes."""

from __future__ import annotations

import re

from idmbook.pandoc.ast import Node
from idmbook.parse.sanitize import SOURCE_END, SOURCE_KEY, SOURCE_START
from idmbook.render.pdf.context import Context
from idmbook.render.pdf.inlines import holds
from idmbook.render.pdf.language import ISOLATES, split_lang
from idmbook.render.pdf.markup import (
    FREE_BREAKS,
    raw_block,
    raw_inline,
    text_inlines,
    typst_string,
)
from idmbook.render.pdf.typst_errors import END_MARK, source_mark

_CODE_LANGUAGE = re.compile(r"[A-Za-z0-9_+-]{1,32}")
_LINE_START = re.compile(r"[=+/-]|[0-9]+[.)]")
_HTML_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)

KEEP = "idm-keep-"
STICKY = "idm-sticky-"
"""Id prefixes of the book's divs kept on one page (an unbreakable block) and kept with what
follows (a sticky block)."""


def raw_to_text(node: Node, _: Context) -> list[Node]:
    """Raw Typst, HTML, LaTeX... is never passed through: a block shows as code, inline as text."""
    fmt, text = node["c"]
    if str(fmt).lower().startswith("html") and _HTML_COMMENT.fullmatch(text):
        return []
    if node["t"] == "RawBlock":
        return [{"t": "CodeBlock", "c": [["", [], []], text]}]
    return text_inlines(text.replace("\n", " "))


def cite_to_text(node: Node, _: Context) -> list[Node]:
    """A citation (``@word``) becomes its text: Typst would fail looking for a bibliography."""
    return list(node["c"][1])


def code_block(node: Node, _: Context) -> list[Node]:
    """Keep only class names that are safe as the language of a Typst raw block."""
    (ident, classes, pairs), text = node["c"]
    safe = [name for name in classes if _CODE_LANGUAGE.fullmatch(name)]
    return [{"t": "CodeBlock", "c": [[ident, safe, pairs], text]}]


def div(node: Node, _: Context) -> list[Node]:
    """A Div is unwrapped (pandoc would make it a Typst block, where no page may break).

    Its language and direction become a ``set text(lang: ..., dir: ...)`` scoped to its
    content; its id an anchor. The empty divs that mark where a submitted text begins and ends
    become comments naming its file (see :mod:`idmbook.render.pdf.typst_errors`).
    """
    attr, blocks = node["c"]
    if not blocks and SOURCE_START in attr[1]:
        paths = [value for key, value in attr[2] if key == SOURCE_KEY]
        return [raw_block(source_mark(paths[-1]))] if paths else []
    if not blocks and SOURCE_END in attr[1]:
        return [raw_block(END_MARK)]
    attr, style, _had_lang = split_lang(attr)
    anchor = [raw_block(f"#metadata(none)#label({typst_string(attr[0])})")] if attr[0] else []
    # the book's own keep-together and keep-with-next divs (see idmbook.compose.assemble)
    for prefix, keep in ((KEEP, "breakable: false"), (STICKY, "sticky: true")):
        if attr[0].startswith(prefix):
            kept = f"#block({keep}, width: 100%, spacing: 0.95em)[#[];"
            blocks = [raw_block(kept), *blocks, raw_block("#[]]")]
    if style is None:
        return [*anchor, *blocks]
    opening = raw_block(f"#[#set text({style.args()});")
    return [*anchor, opening, *blocks, raw_block("]")]


def span(node: Node, _: Context) -> list[Node]:
    """A Span's language becomes ``text(lang: ...)`` around its content; a right-to-left
    passage (or one whose ``dir`` is given) is isolated in that direction within its line."""
    attr, inlines = node["c"]
    attr, style, had_lang = split_lang(attr)
    inner = [{"t": "Span", "c": [attr, inlines]}] if attr != ["", [], []] else list(inlines)
    if style is None:
        return inner if had_lang else [node]
    start = end = ""
    if style.direction is not None and (style.explicit or style.direction == "rtl"):
        start, end = ISOLATES[style.direction]
    opening = raw_inline(f"#text({style.args()})[#[];{start}")
    return [opening, *inner, raw_inline(f"{end}]")]


def note(node: Node, context: Context) -> list[Node]:
    """A footnote takes the language and direction of the passage it is in: Typst sets the
    note at the foot of the page in the page's language (a French note of an English book
    was tagged English)."""
    style = context.style
    if style is None or not node["c"]:
        return [node]
    opening = raw_block(f"#[#set text({style.args()});")
    return [{"t": "Note", "c": [opening, *node["c"], raw_block("]")]}]


def math(node: Node, context: Context) -> list[Node]:
    """An equation gets its TeX source as alt text (PDF/UA requires one); a display equation
    in a link is set inline (a block would split the link)."""
    alt = " ".join(str(node["c"][1]).split()) or "equation"
    if context.link and node["c"][0].get("t") == "DisplayMath":
        node = {"t": "Math", "c": [{"t": "InlineMath"}, node["c"][1]]}
    return [raw_inline(f"#[#set math.equation(alt: {typst_string(alt)});"), node, raw_inline("]")]


def _guard_line_start(node: Node) -> Node:
    """Text that starts like Typst markup (``= x``, ``- x``, ``1. x``) stays text.

    pandoc escapes such text at the start of a paragraph but not at the start of a list item or
    a table cell; an empty expression before it stops it becoming a heading or a list.
    """
    inlines = node["c"]
    first = inlines[0] if inlines else {}
    if first.get("t") == "Str" and _LINE_START.match(first["c"]):
        return {"t": node["t"], "c": [raw_inline("#[];"), *inlines]}
    return node


def paragraph(node: Node, _: Context) -> list[Node]:
    """A paragraph safe at the start of a line (see :func:`_guard_line_start`); one that holds
    a footnote in a scope of :data:`~idmbook.render.pdf.markup.FREE_BREAKS` around all its
    text."""
    node = _guard_line_start(node)
    if holds(node["c"], "Note"):
        node = {"t": node["t"], "c": [raw_inline(FREE_BREAKS), *node["c"], raw_inline("]")]}
    return [node]


def horizontal_rule(_: Node, __: Context) -> list[Node]:
    """A horizontal rule, drawn by the template's rule for ``<idm-rule>`` (pandoc writes
    ``#horizontalrule``, a name that a chapter file, included by the main one, cannot see)."""
    return [raw_block("#line(length: 40%) <idm-rule>")]
