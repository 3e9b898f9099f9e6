"""What a node of pandoc's AST is, and the text its inlines and blocks say."""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]
CONTAINERS = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
"""Inlines that hold inlines and nothing else."""


def is_node(value: Any) -> bool:
    """Whether ``value`` is a node (a dict with its type in ``t``)."""
    return isinstance(value, dict) and isinstance(value.get("t"), str)


def plain_text(inlines: list[Any]) -> str:
    """The text of a list of inlines, as a reader would say it (notes left out)."""
    out: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if not is_node(item):
                continue
            kind, c = item["t"], item.get("c", [])
            if kind == "Str":
                out.append(c)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind in ("Code", "Math", "RawInline"):
                out.append(c[1])
            elif kind == "Note":
                continue
            elif kind in CONTAINERS:
                walk(c)
            elif kind == "Quoted":
                quote = '"' if c[0]["t"] == "DoubleQuote" else "'"
                out.append(quote)
                walk(c[1])
                out.append(quote)
            elif kind in ("Link", "Image", "Span", "Cite"):
                walk(c[1])
            elif kind in ("Plain", "Para"):
                walk(c)

    walk(inlines)
    return " ".join("".join(out).split())


def block_text(block: Node) -> str:
    """The text of one block, for messages and for matching."""
    kind, c = block["t"], block.get("c", [])
    if kind in ("Para", "Plain"):
        return plain_text(c)
    if kind == "Header":
        return plain_text(c[2])
    if kind in ("BulletList", "OrderedList"):
        items = c if kind == "BulletList" else c[1]
        return " ".join(block_text(b) for item in items for b in item)
    return ""
