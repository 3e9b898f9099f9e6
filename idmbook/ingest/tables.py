"""Tables made ready to be written as Markdown the book reads back as the same tables.

pandoc writes a table as a pipe table, or as a grid table when a cell holds more than one
line (see :data:`idmbook.ingest.convert.WRITER`). A grid table is read by the column each
character stands in, and the book renames every footnote reference of a submitted text
(``[^1]`` becomes ``[^contribution-1]``) when it puts the text into the book: a reference
inside a grid table would push the rest of its line out of its column and break the table.
So a note inside a table cell is written inline, ``^[the note]``, which the book does not
rename: a note of several paragraphs becomes one paragraph. Tables without any content are
left out (there is nothing to lose), and nested tables are kept as tables inside the cell.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from idmbook.ingest.convert import Node, to_markdown
from idmbook.load.archive import Limits
from idmbook.load.findings import Finding, Refused

_INLINE_CONTAINERS = {
    "Emph",
    "Underline",
    "Strong",
    "Strikeout",
    "Superscript",
    "Subscript",
    "SmallCaps",
}


def prepare_tables(
    blocks: list[Node], workdir: Path, limits: Limits
) -> tuple[list[Node], list[Finding]]:
    """``blocks`` with the notes of table cells written inline and empty tables left out."""
    notes: list[Node] = []
    flattened = 0
    empty = 0

    def visit(value: Any, in_table: bool) -> Any:
        nonlocal flattened, empty
        if isinstance(value, list):
            out = []
            for item in value:
                result = visit(item, in_table)
                if result is not None or item is None:
                    out.append(result)
            return out
        if not (isinstance(value, dict) and isinstance(value.get("t"), str)):
            return value
        kind = value["t"]
        if kind == "Table":
            if not _has_content(value):
                empty += 1
                return None
            return {"t": kind, "c": visit(value["c"], True)}
        if kind == "Note" and in_table:
            inlines, several = _note_inlines(value["c"])
            flattened += several
            placeholder: Node = {"t": "RawInline", "c": ["markdown", ""]}
            notes.append({"t": "Para", "c": inlines})
            return placeholder
        if "c" in value:
            return {"t": kind, "c": visit(value["c"], in_table)}
        return value

    prepared = visit(blocks, False)
    findings: list[Finding] = []
    if notes:
        texts = _inline_markdown(notes, workdir, limits)
        placeholders = _placeholders(prepared)
        for placeholder, text in zip(placeholders, texts, strict=True):
            placeholder["c"][1] = f"^[{text}]"
        where = "in a table cell" if len(notes) == 1 else "in table cells"
        finding = f"{_count(len(notes), 'footnote')} {where} written inside the cell"
        if flattened:
            finding += f" ({flattened} of several paragraphs, joined into one)"
        findings.append(Finding("IDM125", finding))
    if empty:
        findings.append(Finding("IDM125", f"{_count(empty, 'empty table')} left out"))
    return prepared, findings


def table_cells(table: Node) -> list[list[Any]]:
    """Every cell of ``table`` (head, bodies, foot) as pandoc's JSON gives it: [attributes,
    alignment, rows spanned, columns spanned, blocks]."""
    _, _, _, head, bodies, foot = table["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    return [cell for row in rows for cell in row[1]]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _has_content(table: Node) -> bool:
    """Whether any cell of ``table`` holds text, a picture or an equation."""

    def walk(value: Any) -> bool:
        if isinstance(value, list):
            return any(walk(v) for v in value)
        if isinstance(value, dict) and isinstance(value.get("t"), str):
            kind = value["t"]
            if kind == "Str" and value["c"].strip():
                return True
            if kind in ("Image", "Math", "Code", "Note"):
                return True
            return walk(value.get("c"))
        return False

    _, caption, _, head, bodies, foot = table["c"]
    return walk(caption) or walk(head) or walk(bodies) or walk(foot)


def _note_inlines(blocks: list[Node]) -> tuple[list[Node], int]:
    """The text of a note as one paragraph's inlines; 1 when it had several paragraphs."""
    parts: list[list[Node]] = []

    def flatten(items: list[Node]) -> None:
        for block in items:
            kind, c = block.get("t"), block.get("c", [])
            if kind in ("Para", "Plain"):
                parts.append(_one_line(c))
            elif kind == "Header":
                parts.append(_one_line(c[2]))
            elif kind in ("BlockQuote", "Div"):
                flatten(c if kind == "BlockQuote" else c[1])
            elif kind in ("BulletList", "OrderedList"):
                for item in c if kind == "BulletList" else c[1]:
                    flatten(item)
            elif kind == "LineBlock":
                for line in c:
                    parts.append(_one_line(line))
            elif kind == "CodeBlock":
                parts.append([{"t": "Code", "c": [["", [], []], " ".join(c[1].split())]}])
            elif kind == "DefinitionList":
                for term, definitions in c:
                    parts.append(_one_line(term))
                    for definition in definitions:
                        flatten(definition)
            elif kind == "Table":
                flatten_table(block)

    def flatten_table(table: Node) -> None:
        for cell in table_cells(table):
            flatten(cell[4])

    flatten(blocks)
    parts = [p for p in parts if p]
    out: list[Node] = []
    for part in parts:
        if out:
            out.append({"t": "Space"})
        out.extend(part)
    return out, int(len(parts) > 1)


def _one_line(inlines: list[Node]) -> list[Node]:
    """``inlines`` with line breaks made spaces and code on one line (an inline note is
    written on the table's line)."""
    out: list[Node] = []
    for node in inlines:
        kind = node.get("t")
        if kind in ("LineBreak", "SoftBreak"):
            out.append({"t": "Space"})
        elif kind == "Code":
            out.append({"t": "Code", "c": [node["c"][0], " ".join(node["c"][1].split())]})
        elif kind == "Math":
            out.append({"t": "Math", "c": [{"t": "InlineMath"}, " ".join(node["c"][1].split())]})
        elif kind in _INLINE_CONTAINERS:
            out.append({"t": kind, "c": _one_line(node["c"])})
        elif kind in ("Link", "Image"):
            out.append({"t": kind, "c": [node["c"][0], _one_line(node["c"][1]), node["c"][2]]})
        elif kind in ("Span", "Quoted", "Cite"):
            out.append({"t": kind, "c": [node["c"][0], _one_line(node["c"][1])]})
        elif kind == "Note":
            continue
        else:
            out.append(node)
    return out


def _inline_markdown(paragraphs: list[Node], workdir: Path, limits: Limits) -> list[str]:
    """Each paragraph as one line of Markdown, pipes escaped (the line goes into a table)."""
    token = "IDMBOOKNOTE" + secrets.token_hex(8).upper()
    separator = {"t": "Para", "c": [{"t": "Str", "c": token}]}
    joined: list[Node] = []
    for paragraph in paragraphs:
        joined += [paragraph, separator]
    text = to_markdown(joined, workdir, limits)
    pieces = [p.strip() for p in text.split(token)][: len(paragraphs)]
    if len(pieces) != len(paragraphs) or any("\n" in p for p in pieces):
        raise Refused(
            "IDM116",
            "the footnotes of a table could not be written inside their cells",
            "this is a bug in idmbook; please report it with the file",
        )
    return [_escape_pipes(p) for p in pieces]


def _escape_pipes(text: str) -> str:
    out: list[str] = []
    escaped = False
    for char in text:
        if char == "|" and not escaped:
            out.append("\\|")
        else:
            out.append(char)
        escaped = char == "\\" and not escaped
    return "".join(out)


def _placeholders(value: Any) -> list[Node]:
    found: list[Node] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for v in item:
                walk(v)
        elif isinstance(item, dict) and isinstance(item.get("t"), str):
            if item["t"] == "RawInline" and item["c"] == ["markdown", ""]:
                found.append(item)
            walk(item.get("c"))

    walk(value)
    return found
