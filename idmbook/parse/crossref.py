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

Node = dict[str, Any]

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

    def blocks(items: list[Any]) -> list[Any]:
        return [block(item) for item in items]

    def block(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        kind = node.get("t")
        if kind == "Figure":
            attr, caption, content = node["c"]
            if _has_caption(caption):
                numbers.figures += 1
                name = _name(figure, numbers.figures)
                if attr[0]:
                    numbers.names[attr[0]] = name
                caption = _prefix_caption(caption, _caption_prefix(name, separator))
            return {"t": "Figure", "c": [attr, caption, blocks(content)]}
        if kind == "Table":
            attr, caption, *rest = node["c"]
            if _has_caption(caption):
                numbers.tables += 1
                name = _name(table, numbers.tables)
                if attr[0]:
                    numbers.names[attr[0]] = name
                caption = _prefix_caption(caption, _caption_prefix(name, separator))
            return {"t": "Table", "c": [attr, caption, *_walk(rest, block)]}
        if kind == "Header":
            _level, attr, inlines = node["c"]
            if attr[0]:
                numbers.names.setdefault(attr[0], _plain(inlines))
            return node
        if "c" in node:
            return {**node, "c": _walk(node["c"], block)}
        return node

    ast = {**ast, "blocks": blocks(ast["blocks"])}
    ast = {**ast, "blocks": _walk(ast["blocks"], lambda n: _references(n, numbers))}
    return ast, numbers


def _walk(value: Any, visit: Any) -> Any:
    if isinstance(value, list):
        return [_walk(item, visit) for item in value]
    if isinstance(value, dict) and "t" in value:
        return visit(value)
    return value


def _references(node: Any, numbers: Numbers) -> Any:
    """``node`` with the references in its Str nodes made links (a Link's own text is left
    alone: a link inside a link is not allowed)."""
    if not isinstance(node, dict):
        return node
    kind = node.get("t")
    if kind == "Link" or kind in ("Code", "CodeBlock", "Math", "RawInline", "RawBlock"):
        return node
    if "c" not in node or not isinstance(node["c"], list):
        return node
    content = [_walk(item, lambda n: _references(n, numbers)) for item in node["c"]]
    if _is_inlines(content):  # a Para's, a Plain's, an Emph's... own inlines
        return {**node, "c": _split_inlines(content, numbers)}
    content = [_split_inlines(item, numbers) if _is_inlines(item) else item for item in content]
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
