"""Inlines as headings and notes in notes need them: blocks flattened, blanks trimmed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from idmbook.pandoc.ast import stringify
from idmbook.parse.pieces import identifier

Node = dict[str, Any]


def flat(blocks: list[Node]) -> list[Node]:
    """The inlines of ``blocks`` in a row, blocks separated by a space (code as code)."""
    out: list[Node] = []
    for block in blocks:
        inlines = _flat_block(block)
        if inlines:
            out += [{"t": "Space"}, *inlines] if out else inlines
    return out


def _flat_block(block: Node) -> list[Node]:
    """The inlines of one block (none for a block without text)."""
    flatten = _FLATTEN.get(block.get("t"))
    return flatten(block.get("c")) if flatten is not None else []


def _flat_line_block(c: Any) -> list[Node]:
    return [item for line in c for item in [*line, {"t": "LineBreak"}]][:-1]


def _flat_code(c: Any) -> list[Node]:
    return [{"t": "Code", "c": [["", [], []], c[1]]}]


def _flat_definitions(c: Any) -> list[Node]:
    return flat(
        [{"t": "Plain", "c": term} for term, _ in c]
        + [b for _, definitions in c for d in definitions for b in d]
    )


def _flat_table(c: Any) -> list[Node]:
    _, caption, _, head, bodies, foot = c
    rows = [*head[1], *[row for body in bodies for row in (*body[2], *body[3])], *foot[1]]
    return flat([*caption[1], *[b for _, cells in rows for cell in cells for b in cell[4]]])


_FLATTEN: dict[Any, Callable[[Any], list[Node]]] = {
    "Para": list,
    "Plain": list,
    "Header": lambda c: list(c[2]),
    "LineBlock": _flat_line_block,
    "CodeBlock": _flat_code,
    "RawBlock": _flat_code,
    "BlockQuote": flat,
    "BulletList": lambda c: flat([b for item in c for b in item]),
    "OrderedList": lambda c: flat([b for item in c[1] for b in item]),
    "DefinitionList": _flat_definitions,
    "Div": lambda c: flat(c[1]),
    "Figure": lambda c: flat([*c[1][1], *c[2]]),
    "Table": _flat_table,
}
"""How the inlines of each kind of block are found, from its content."""


_BLANK = frozenset({"Space", "SoftBreak", "LineBreak"})


def trimmed(inlines: list[Node]) -> list[Node]:
    """``inlines`` without the spaces and line breaks they start or end with (a heading that
    starts with a line break is an empty heading in the PDF, its words a paragraph)."""
    start, end = 0, len(inlines)
    while start < end and inlines[start].get("t") in _BLANK:
        start += 1
    while end > start and inlines[end - 1].get("t") in _BLANK:
        end -= 1
    return inlines[start:end]


def without_pictures(inlines: list[Node]) -> list[Node]:
    """``inlines`` without their pictures, at any depth (a picture's description is no text
    of a heading)."""
    out: list[Node] = []
    for node in inlines:
        kind = node.get("t")
        c: Any = node.get("c")
        if kind == "Image":
            continue
        if kind in ("Span", "Link", "Quoted", "Cite"):
            node = {"t": kind, "c": [c[0], without_pictures(c[1]), *c[2:]]}
        elif isinstance(c, list) and kind not in ("Code", "Math", "RawInline", "Note"):
            node = {"t": kind, "c": without_pictures(c)}
        out.append(node)
    return out


def bold(inlines: list[Node]) -> Node:
    """``inlines`` as a paragraph of bold text (a heading where none can be)."""
    return {"t": "Para", "c": [{"t": "Strong", "c": inlines}]}


def plain(inlines: list[Node]) -> str:
    """The text of ``inlines`` on one line, as a change names a heading."""
    return " ".join(stringify(inlines).split())


def pandoc_id(ident: str, inlines: list[Node]) -> bool:
    """Whether ``ident`` is the identifier pandoc makes from a heading's text (``-1``, ``-2``...
    added when it is taken), not one written in the text."""
    base = identifier(inlines) or "section"
    return ident == base or re.fullmatch(re.escape(base) + r"-[0-9]+", ident) is not None
