"""Numbered figures and tables, and cross-references to them and to sections.

Works on the book's sanitised AST, once for all three formats, so that a figure or a table
has the same number in the DOCX, the PDF and the HTML: every figure and every table with a
caption is numbered in book order ("Figure 1", "Tableau 1", "Cuadro 1", in the book's words,
``labels.figure`` and ``labels.table``), the number written into its caption. A reference
``@fig-ID``, ``@tbl-ID`` or ``@sec-ID`` in the text becomes a link to the figure, table or
section with that id, printing its number (a section, unnumbered in this book, prints its
heading). A reference to an id the book does not have is left as written;
:mod:`idmbook.check.crossrefs` reports it on its source line before any build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from idmbook.pandoc.ast import Node, Walker

REFERENCE = re.compile(r"@((?:fig|tbl|sec)-[A-Za-z0-9_]+(?:[-.:][A-Za-z0-9_]+)*)")
"""A cross-reference as typed: @fig-ID, @tbl-ID, @sec-ID (a final full stop is not part of
the id)."""
NBSP = "\u00a0"


@dataclass
class Numbers:
    """What the book's figures, tables and sections are called, by id."""

    names: dict[str, list[Node]] = field(default_factory=dict)
    """Id -> the inlines a reference to it prints ("Figure 1")."""
    figures: int = 0
    tables: int = 0


def _words(text: str) -> list[Node]:
    out: list[Node] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _name(label: str, number: int) -> list[Node]:
    return [{"t": "Str", "c": f"{label}{NBSP}{number}"}]


def _caption_prefix(name: list[Node], separator: str) -> list[Node]:
    return [{"t": "Strong", "c": [*name, *_words(separator.rstrip())]}, {"t": "Space"}]


def _has_caption(caption: Any) -> bool:
    _short, blocks = caption
    return any(block.get("c") for block in blocks)


def _prefix_caption(caption: Any, prefix: list[Node]) -> Any:
    short, blocks = caption
    if blocks and blocks[0].get("t") in ("Plain", "Para"):
        first = {"t": blocks[0]["t"], "c": [*prefix, *blocks[0]["c"]]}
        return [short, [first, *blocks[1:]]]
    return [short, [{"t": "Plain", "c": prefix}, *blocks]]


def _plain(inlines: list[Any]) -> list[Node]:
    """Inlines of a heading fit to print inside a link (notes and links left out)."""
    out: list[Node] = []
    for node in inlines:
        if node.get("t") in ("Note", "Link"):
            if node["t"] == "Link":
                out.extend(_plain(node["c"][1]))
            continue
        out.append(node)
    return out


def number(ast: dict[str, Any], labels: dict[str, Any]) -> tuple[dict[str, Any], Numbers]:
    """``ast`` with its captioned figures and tables numbered and its cross-references
    linked; and the numbers given, by id."""
    figure = str(labels.get("figure") or "Figure")
    table = str(labels.get("table") or "Table")
    separator = str(labels.get("caption_separator") or ": ")
    numbers = Numbers()
    names = _Numbering(numbers, figure, table, separator)
    ast = {**ast, "blocks": names.walk(ast["blocks"], None)}
    ast = {**ast, "blocks": _Linking(numbers).walk(ast["blocks"], None)}
    return ast, numbers


class _Numbering(Walker[None]):
    """Numbers the captioned figures and tables in book order, and names the sections."""

    def __init__(self, numbers: Numbers, figure: str, table: str, separator: str) -> None:
        self.numbers = numbers
        self.labels = {"Figure": figure, "Table": table}
        self.separator = separator

    def node(self, node: Node, context: None) -> Node:
        kind = node["t"]
        if kind in ("Figure", "Table"):
            attr, caption, *rest = node["c"]
            if _has_caption(caption):
                counter = "figures" if kind == "Figure" else "tables"
                count = getattr(self.numbers, counter) + 1
                setattr(self.numbers, counter, count)
                name = _name(self.labels[kind], count)
                if attr[0]:
                    self.numbers.names[attr[0]] = name
                caption = _prefix_caption(caption, _caption_prefix(name, self.separator))
            return {"t": kind, "c": [attr, caption, *self.walk(rest, context)]}
        if kind == "Header":
            _level, attr, inlines = node["c"]
            if attr[0]:
                self.numbers.names.setdefault(attr[0], _plain(inlines))
            return node
        return self.children(node, context)


class _Linking(Walker[None]):
    """Makes the references in Str nodes links (a Link's own text is left alone: a link
    inside a link is not allowed)."""

    def __init__(self, numbers: Numbers) -> None:
        self.numbers = numbers

    def node(self, node: Node, context: None) -> Node:
        kind = node["t"]
        if kind == "Link" or kind in ("Code", "CodeBlock", "Math", "RawInline", "RawBlock"):
            return node
        if "c" not in node or not isinstance(node["c"], list):
            return node
        content = [self.walk(item, context) for item in node["c"]]
        if _is_inlines(content):  # a Para's, a Plain's, an Emph's... own inlines
            return {**node, "c": _split_inlines(content, self.numbers)}
        content = [
            _split_inlines(item, self.numbers) if _is_inlines(item) else item for item in content
        ]
        return {**node, "c": content}


def _is_inlines(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) for v in value)
        and any(v.get("t") == "Str" and "@" in v.get("c", "") for v in value)
    )


def _split_inlines(inlines: list[Node], numbers: Numbers) -> list[Node]:
    out: list[Node] = []
    for node in inlines:
        if node.get("t") != "Str" or "@" not in node["c"]:
            out.append(node)
            continue
        text, at = node["c"], 0
        for match in REFERENCE.finditer(text):
            ident = match.group(1).rstrip(".:")
            name = numbers.names.get(ident)
            if name is None:
                continue
            end = match.start(1) + len(ident)
            if match.start() > at:
                out.append({"t": "Str", "c": text[at : match.start()]})
            out.append({"t": "Link", "c": [["", [], []], name, [f"#{ident}", ""]]})
            at = end
        if at < len(text):
            out.append({"t": "Str", "c": text[at:]})
    return out
