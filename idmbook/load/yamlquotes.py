"""Values of YAML written in typographic quotes (“geneva”), as word processors and phones
type them: YAML keeps such quotes as part of the value, and a colon inside them breaks the
line. They are found line by line, made straight character for character (so that every
line and column stays), and reported (IDM013), so that the rest of the file is still read
and checked in the same run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from idmbook.diagnostics import Diagnostic
from idmbook.rules import diag

_OPENING = "\u201c\u201d\u201e\u2018\u00ab"  # “ ” „ ‘ «
_CLOSING = "\u201d\u201c\u2019\u00bb"  # ” “ ’ »
_TYPOGRAPHIC = re.compile(f"[{_OPENING}][^{_OPENING}{_CLOSING}\n]*[{_CLOSING}]")
_VALUE_START = re.compile(r"^(\s*(?:-\s+)?[^\s#:'\"\[\]{},|>][^#:]*?:\s+|\s*-\s+)")
"""What comes before a value on a line: a key and its colon, or a list item's dash."""
_BLOCK_SCALAR = re.compile(r"^[|>][0-9+-]*\s*(?:#.*)?$")


@dataclass
class Straightened:
    """A value written in typographic quotes, read as if they were straight."""

    line: int
    """0-based line in the YAML text."""
    column: int
    """0-based column of the opening quote."""
    written: str


def straighten(yaml_text: str) -> tuple[str, list[Straightened]]:
    """``yaml_text`` with every value (or flow-list item) wrapped in typographic quotes
    wrapped in straight ones instead, character for character so that every position stays,
    and where each was. Text inside block scalars (``|``, ``>``) is left alone."""
    if not any(quote in yaml_text for quote in _OPENING):
        return yaml_text, []
    lines = yaml_text.split("\n")
    found: list[Straightened] = []
    block: int | None = None  # the indentation of the key that opened a block scalar
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip() or indent > block):
            continue
        block = None
        head = _VALUE_START.match(line)
        if head is None:
            continue
        rest = line[head.end() :]
        if _BLOCK_SCALAR.match(rest):
            block = indent
            continue
        changed = _straighten_value(rest, head.end(), index, found)
        lines[index] = line[: head.end()] + changed
    return "\n".join(lines), found


def _straighten_value(rest: str, start: int, index: int, found: list[Straightened]) -> str:
    """A value, or each item of a flow list ``[a, b]``, in typographic quotes made straight."""
    value, comment = rest, ""
    hash_at = rest.find(" #")
    if hash_at >= 0:
        value, comment = rest[:hash_at], rest[hash_at:]
    stripped = value.rstrip()
    if stripped.startswith("[") and stripped.endswith("]"):
        pieces = []
        offset = 1
        for item in stripped[1:-1].split(","):
            pieces.append(_straighten_one(item, start + offset, index, found))
            offset += len(item) + 1
        return "[" + ",".join(pieces) + "]" + value[len(stripped) :] + comment
    return _straighten_one(value, start, index, found) + comment


def _straighten_one(item: str, start: int, index: int, found: list[Straightened]) -> str:
    lead = len(item) - len(item.lstrip())
    token = item.strip()
    if not token or not _TYPOGRAPHIC.fullmatch(token):
        return item
    found.append(Straightened(index, start + lead, token))
    inner = token[1:-1]
    if '"' not in inner and "\\" not in inner:
        quote = '"'
    elif "'" not in inner:
        quote = "'"
    else:
        return item  # reported, read as written
    return item[:lead] + quote + inner + quote + item[lead + len(token) :]


def quote_problems(found: list[Straightened], rel: str, line_offset: int) -> list[Diagnostic]:
    return [
        diag(
            "IDM013",
            rel,
            spot.line + 1 + line_offset,
            spot.column + 1,
            f"{spot.written} is in typographic quotes, which YAML keeps as part of the value",
            f'write straight quotes: "{spot.written[1:-1]}"',
        )
        for spot in found
    ]
