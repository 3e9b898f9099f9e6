"""A submission's headings made an outline the book can set: shifted, gaps closed, none nested."""

from __future__ import annotations

from typing import Any

from idmbook.ingest.nodetext import Node, is_node, plain_text


def normalise_headings(blocks: list[Node]) -> tuple[list[Node], dict[int, int]]:
    """Shift headings so the highest is level 2; returns the blocks and old -> new levels."""
    levels = sorted({b["c"][0] for b in blocks if b["t"] == "Header"})
    if not levels:
        return blocks, {}
    shift = 2 - levels[0]
    mapping = {level: min(max(level + shift, 2), 6) for level in levels}
    out = []
    for block in blocks:
        if block["t"] == "Header":  # headings without words: see tidy_headings
            block = {"t": "Header", "c": [mapping[block["c"][0]], *block["c"][1:]]}
        out.append(block)
    return out, {k: v for k, v in mapping.items() if k != v}


def tidy_headings(blocks: list[Node]) -> tuple[list[Node], dict[str, int]]:
    """Headings the book can set as an outline: none deeper than one level below the one
    before it (a document going from level 2 to level 4 gets level 3), none without words (a
    heading holding only a picture or a note becomes a paragraph), and none inside a table,
    a quotation, a list or a note (those become bold paragraphs). Returns the blocks and how
    many headings were changed in each way."""
    done = {"deeper": 0, "without words": 0, "inside other blocks": 0}
    out: list[Node] = []
    previous = 1
    for block in blocks:
        if block["t"] == "Header":
            level, attr, inlines = block["c"]
            if not plain_text(inlines):
                done["without words"] += 1
                if inlines:
                    out.append({"t": "Para", "c": _nested_headings(inlines, done)})
                continue
            if level > previous + 1:
                level = previous + 1
                done["deeper"] += 1
            previous = level
            block = {"t": "Header", "c": [level, attr, _nested_headings(inlines, done)]}
        else:
            block = _nested_headings(block, done)
        out.append(block)
    return out, {k: v for k, v in done.items() if v}


def _nested_headings(value: Any, done: dict[str, int]) -> Any:
    if isinstance(value, list):
        return [_nested_headings(v, done) for v in value]
    if not is_node(value):
        return value
    if value["t"] == "Header":
        done["inside other blocks"] += 1
        inlines = _nested_headings(value["c"][2], done)
        return {"t": "Para", "c": [{"t": "Strong", "c": inlines}] if inlines else []}
    if "c" in value:
        return {"t": value["t"], "c": _nested_headings(value["c"], done)}
    return value
