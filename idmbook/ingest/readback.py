"""The written Markdown read back as the book reads it: no raw markup, the same parts as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idmbook.ingest.nodetext import Node, is_node
from idmbook.ingest.pandocast import to_ast
from idmbook.load.archive import Limits
from idmbook.load.findings import Refused
from idmbook.pandoc.markdown import READER, contain

_BOOK_PREFIX = "a-contribution-with-a-long-file-name-0a1b2c"
"""A footnote prefix as long as the book gives a submitted text (see assemble.py)."""
_COUNTED = ("Table", "Note", "Image", "HorizontalRule", "BulletList", "OrderedList", "Header")


def check_markdown(
    markdown: str, workdir: Path, limits: Limits, written: list[Node] | None = None
) -> None:
    """Read ``markdown`` back as the book does (contained, then parsed with the book's
    reader); refuse it if raw markup survived, or if what is read back has other tables,
    notes, pictures, rules, lists or headings than the ``written`` blocks."""
    body = contain(markdown, _BOOK_PREFIX)
    book = f'::: {{.idm-src data-src="contribution.md"}}\n{body}\n:::\n'
    ast = to_ast(["-f", READER], workdir, limits, book.encode("utf-8"))
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif is_node(value):
            if value["t"] in ("RawBlock", "RawInline"):
                found.append(str(value["c"][0]))
            walk(value.get("c"))

    walk(ast["blocks"])
    if found:
        raise Refused(
            "IDM116",
            f"the converted text would carry raw {', '.join(sorted(set(found)))} markup; "
            "it was not written",
            "this is a bug in idmbook; please report it with the file",
        )
    if written is None:
        return
    expected, got = count_kinds(written), count_kinds(ast["blocks"])
    expected["Note"] += _inline_notes(written)
    different = [
        f"{kind}: {expected[kind]} written, {got[kind]} read back"
        for kind in _COUNTED
        if expected[kind] != got[kind]
    ]
    if different:
        raise Refused(
            "IDM116",
            "the converted text does not read back as it was written ("
            + "; ".join(different)
            + "); it was not written",
            "this is a bug in idmbook; please report it with the file",
        )


def count_kinds(value: Any) -> dict[str, int]:
    """How many nodes of each kind in :data:`_COUNTED` ``value`` holds."""
    counts = dict.fromkeys(_COUNTED, 0)

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for v in item:
                walk(v)
        elif is_node(item):
            if item["t"] in counts:
                counts[item["t"]] += 1
            walk(item.get("c"))

    walk(value)
    return counts


def _inline_notes(value: Any) -> int:
    """Notes written inline as raw Markdown (see tables.py)."""
    if isinstance(value, list):
        return sum(_inline_notes(v) for v in value)
    if is_node(value):
        if value["t"] == "RawInline":
            return int(value["c"][0] == "markdown" and value["c"][1].startswith("^["))
        return _inline_notes(value.get("c"))
    return 0
