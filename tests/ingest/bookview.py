"""An ingested contribution as the book sees it: contained as assemble.py puts a submitted
text into the book, then parsed by pandoc with the book's reader
(idmbook.pandoc.markdown.READER)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from idmbook.pandoc.markdown import READER, contain
from idmbook.pandoc.run import pandoc_path

Node = dict[str, Any]

BOOK_READER = READER.replace("-tex_math_dollars", "")
"""The book's reader with equations read as math, as the project decided (the sanitize step
turns them on; until then the reader lists them as off)."""


def body_of(text: str) -> str:
    """The Markdown after a contribution's front matter."""
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


def book_blocks(markdown: str, prefix: str = "a-long-contribution-file-name-9f8e7d") -> list[Node]:
    """``markdown`` (a contribution's body) read back the way the book reads it."""
    wrapped = f'::: {{.idm-src data-src="contributions/x.md"}}\n{contain(markdown, prefix)}\n:::\n'
    out = subprocess.run(
        [pandoc_path(), "-f", BOOK_READER, "-t", "json"],
        input=wrapped.encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    blocks = json.loads(out)["blocks"]
    assert len(blocks) == 1 and blocks[0]["t"] == "Div", "the text escaped its container"
    return blocks[0]["c"][1]  # type: ignore[no-any-return]


def find(value: Any, kind: str) -> list[Node]:
    """Every node of ``kind`` in ``value``, in document order."""
    found: list[Node] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for v in item:
                walk(v)
        elif isinstance(item, dict) and isinstance(item.get("t"), str):
            if item["t"] == kind:
                found.append(item)
            walk(item.get("c"))

    walk(value)
    return found


def text(value: Any) -> str:
    """The words of ``value`` (notes included), spaces normalised."""
    out: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for v in item:
                walk(v)
        elif isinstance(item, dict) and isinstance(item.get("t"), str):
            kind = item["t"]
            if kind == "Str":
                out.append(item["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind in ("Math", "Code"):
                out.append(item["c"][1])
            elif kind == "Note":
                out.append(" ")
                walk(item["c"])
            else:
                walk(item.get("c"))
                if kind in ("Para", "Plain", "Header"):
                    out.append(" ")

    walk(value)
    return " ".join("".join(out).split())


def table_cells(table: Node) -> list[list[Any]]:
    """Every cell of ``table`` (head, bodies, foot) in order, as pandoc's JSON gives it:
    [attributes, alignment, rows spanned, columns spanned, blocks]."""
    _, _, _, head, bodies, foot = table["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    return [cell for row in rows for cell in row[1]]


def cells(table: Node) -> list[str]:
    """The text of every cell of ``table``, in order."""
    return [text(cell[4]) for cell in table_cells(table)]


def attributes(span: Node) -> dict[str, str]:
    return dict(span["c"][0][2])
