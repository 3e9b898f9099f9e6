"""A converted contribution's blocks: headings tidied under its title, parts counted."""

from __future__ import annotations

from typing import Any

from idmbook.ingest.convert import (
    Node,
    normalise_headings,
    plain_text,
    tidy_headings,
)
from idmbook.ingest.metadata import Metadata
from idmbook.load.findings import Finding
from idmbook.pandoc.ast import nodes


def count_nodes(value: Any, kind: str) -> int:
    """Nodes of type ``kind`` (not a text node: see :func:`idmbook.pandoc.ast.nodes`) in
    ``value`` (blocks, inlines, or any part of the AST)."""
    return sum(1 for node in nodes(value) if node["t"] == kind)


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, made plural unless ``n`` is 1."""
    return f"{n} {word}{'s' * (n != 1)}"


def images(blocks: list[Node]) -> list[Node]:
    """The Image nodes in ``blocks``, in document order."""
    return [node for node in nodes(blocks) if node["t"] == "Image"]


def prefix_pictures(blocks: list[Node], prefix: str) -> None:
    """Put ``prefix`` (the contribution's media folder) before each picture's target."""
    for image in images(blocks):
        image["c"][2][0] = prefix + image["c"][2][0]


def _fold(text: str) -> str:
    """A heading or title as compared: case, spaces and a final full stop or colon ignored."""
    return " ".join(text.casefold().replace("\u00a0", " ").split()).rstrip(".:")


def tidy_title_headings(blocks: list[Node], meta: Metadata) -> tuple[list[Node], list[Finding]]:
    """The blocks with a first heading repeating the title removed and the other headings
    placed under the title; the findings say what moved."""
    findings: list[Finding] = []
    title = str(meta.values.get("title", ""))
    if (
        blocks
        and blocks[0]["t"] == "Header"
        and _fold(plain_text(blocks[0]["c"][2])) == _fold(title)
    ):
        blocks = blocks[1:]
        findings.append(Finding("IDM118", "the first heading repeated the title; it was removed"))
    blocks, moved = normalise_headings(blocks)
    if moved:
        shifts = ", ".join(f"{old} → {new}" for old, new in sorted(moved.items()))
        findings.append(Finding("IDM118", f"heading levels moved under the title (level {shifts})"))
    blocks, tidied = tidy_headings(blocks)
    for what, n in tidied.items():
        change = {
            "deeper": "moved up to one level below the heading before",
            "without words": "without words made paragraphs",
            "inside other blocks": "inside tables, quotations, lists or notes made bold paragraphs",
        }[what]
        findings.append(Finding("IDM118", f"{plural(n, 'heading')} {change}"))
    return blocks, findings
