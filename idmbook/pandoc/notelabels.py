"""Footnote labels of a submitted text renamed without moving the columns of its tables.

:func:`idmbook.pandoc.markdown.contain` gives every footnote label of a submitted text a prefix, so
that two texts' ``[^1]`` do not meet in the book. A label made longer inside a grid, simple or
multiline table pushes the rest of its line past the column it belongs to, and pandoc then reads
another table, or none: the reference is printed as text and its note is lost. So the column
holding a renamed label is widened, in every line of its table, by as much as the longest
renaming in it; pipe tables, which do not depend on columns, are left as they are.

Columns are counted as pandoc counts them: an East Asian wide character takes two.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["NOTE", "relabel"]

NOTE = re.compile(r"\[\^([^\]\s]+)\]")
"""A footnote reference or the start of a definition: ``[^label]``."""

_PREFIX = r"^(?:[ \t]*>)*[ \t]*"
"""What may come before a table line: indentation, block quote marks."""
_GRID_LINE = re.compile(_PREFIX + r"[+|]")
_GRID_BORDER = re.compile(_PREFIX + r"\+(?:[-=:]+\+)+[ \t]*$")
_GRID_RULE = re.compile(_PREFIX + r"[+|][-=:+| ]*$")
"""A line of a grid table with no text: a border, or a border beside a cell spanning rows."""
_DASHES = re.compile(r"^ {0,3}-+(?: +-+)*[ \t]*$")
_COLUMNS = re.compile(r"^ {0,3}-+(?: +-+)+[ \t]*$")
"""The dashed line that sets the columns of a simple or multiline table (two or more)."""
_RUN = re.compile(r"-+")


def relabel(lines: list[str], numbers: Iterable[int], prefix: str) -> list[str]:
    """``lines`` with every footnote label in the lines ``numbers`` renamed ``prefix-label``,
    and the columns of the tables they are in widened to hold the longer labels."""
    chosen = {n for n in numbers if NOTE.search(lines[n])}
    out = list(lines)
    for table in _tables(lines) if chosen else []:
        rows = range(table.start, table.end)
        growth = {n: _growths(lines[n], prefix) for n in rows if n in chosen}
        if growth:
            for n, line in _widen(lines, table, growth).items():
                out[n] = line
    return [
        NOTE.sub(lambda m: f"[^{prefix}-{m.group(1)}]", line) if n in chosen else line
        for n, line in enumerate(out)
    ]


# ------------------------------------------------------------------------- display columns


def _width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _columns(line: str) -> list[int]:
    """The display column at which each character of ``line`` starts, and then its end."""
    starts, column = [], 0
    for char in line:
        starts.append(column)
        column += _width(char)
    starts.append(column)
    return starts


def _index(starts: list[int], column: int) -> int:
    """The index of the first character that starts at or after display ``column``."""
    for index, start in enumerate(starts):
        if start >= column:
            return index
    return len(starts) - 1


def _growths(line: str, prefix: str) -> list[tuple[int, int, int]]:
    """(start column, end column, growth) of each label of ``line``."""
    starts = _columns(line)
    extra = sum(_width(char) for char in prefix) + 1
    return [(starts[m.start()], starts[m.end()], extra) for m in NOTE.finditer(line)]


# ------------------------------------------------------------------------- finding tables


@dataclass(frozen=True)
class _Table:
    start: int
    end: int
    """Lines ``start`` to ``end - 1``."""
    kind: str
    """"grid" or "dash" (simple and multiline tables)."""
    edges: tuple[int, ...] = ()
    """Grid: display columns of the '+' of its borders."""
    runs: tuple[tuple[int, int], ...] = ()
    """Dash: (start, end) display columns of each column's dashes."""
    header: range = range(0)
    """Dash: the header's lines (their text decides a column's alignment)."""


def _tables(lines: list[str]) -> list[_Table]:
    """The grid, simple and multiline tables of ``lines``, in order."""
    tables: list[_Table] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        table = None
        if _GRID_BORDER.match(line):
            table = _grid_table(lines, number)
        elif _COLUMNS.match(line):
            table = _dash_table(lines, number)
        if table is not None and table.start >= (tables[-1].end if tables else 0):
            tables.append(table)
            number = table.end
        else:
            number += 1
    return tables


def _grid_table(lines: list[str], start: int) -> _Table | None:
    """The grid table whose top border is line ``start``, if it is one."""
    end = start + 1
    while end < len(lines) and _GRID_LINE.match(lines[end]):
        end += 1
    if end - start < 3 or not _GRID_RULE.match(lines[end - 1]):
        return None
    edges: set[int] = set()
    for line in lines[start:end]:
        if _GRID_RULE.match(line):
            starts = _columns(line)
            edges.update(starts[i] for i, char in enumerate(line) if char == "+")
    return _Table(start, end, "grid", edges=tuple(sorted(edges)))


def _blank(line: str) -> bool:
    return not line.strip()


def _dash_table(lines: list[str], separator: int) -> _Table | None:
    """The simple or multiline table whose columns line ``separator`` sets, if it is one."""
    top = separator
    while top > 0 and not _blank(lines[top - 1]):
        top -= 1
    header = range(top, separator)
    if header and _DASHES.match(lines[top]) and not _COLUMNS.match(lines[top]):
        header = range(top + 1, separator)  # a multiline table's top border
    multiline = not header or len(header) < separator - top
    end = _table_end(lines, separator, multiline)
    if end is None:
        return None
    starts = _columns(lines[separator])
    runs = tuple((starts[m.start()], starts[m.end()]) for m in _RUN.finditer(lines[separator]))
    return _Table(top, end, "dash", runs=runs, header=header)


def _table_end(lines: list[str], separator: int, multiline: bool) -> int | None:
    """The line after the last of a table whose column line is ``separator``."""
    blanks = 0
    for n in range(separator + 1, len(lines)):
        line = lines[n]
        if _DASHES.match(line) and (n + 1 == len(lines) or _blank(lines[n + 1])):
            return n + 1
        if _blank(line):
            if not multiline:
                return n
            blanks += 1
            if blanks >= 2:
                return None
        else:
            blanks = 0
    return None if multiline else len(lines)


# ------------------------------------------------------------------------- widening


def _widen(
    lines: list[str], table: _Table, growth: dict[int, list[tuple[int, int, int]]]
) -> dict[int, str]:
    """The lines of ``table`` that change, widened for the labels' ``growth``."""
    if table.kind == "grid":
        return _widen_grid(lines, table, growth)
    return _widen_dash(lines, table, growth)


def _insert(line: str, inserts: dict[int, tuple[int, str]]) -> str:
    """``line`` with ``count`` times ``filler`` put before each character index given."""
    for index in sorted(inserts, reverse=True):
        count, filler = inserts[index]
        if count > 0:
            line = line[:index] + filler * count + line[index:]
    return line


def _filler(line: str, index: int, rule: bool) -> str:
    before = line[index - 1] if 0 < index <= len(line) else " "
    return before if rule and before in "-=" else " "


def _widen_grid(
    lines: list[str], table: _Table, growth: dict[int, list[tuple[int, int, int]]]
) -> dict[int, str]:
    # how much each edge moves right: the most any line's labels grow the cell it closes
    need: dict[int, int] = defaultdict(int)
    own: dict[int, dict[int, int]] = {}
    for number, labels in growth.items():
        line = lines[number]
        starts = _columns(line)
        per_edge: dict[int, int] = defaultdict(int)
        for _, end, extra in labels:
            edge = _next_edge(line, starts, end, table.edges)
            if edge is not None:
                per_edge[edge] += extra
        own[number] = per_edge
        for edge, extra in per_edge.items():
            need[edge] = max(need[edge], extra)
    changed: dict[int, str] = {}
    for number in range(table.start, table.end):
        line = lines[number]
        starts = _columns(line)
        inserts: dict[int, tuple[int, str]] = {}
        for edge, extra in need.items():
            at = _next_edge(line, starts, edge, table.edges)
            if at is None:
                continue
            index = _index(starts, at)
            count = extra - own.get(number, {}).get(edge, 0)
            border = line[index] == "+"  # a border (of this table or one in its cell)
            previous = inserts.get(index, (0, _filler(line, index, border)))
            inserts[index] = (previous[0] + count, previous[1])
        new = _insert(line, inserts)
        if new != line:
            changed[number] = new
    return changed


def _next_edge(line: str, starts: list[int], column: int, edges: tuple[int, ...]) -> int | None:
    """The first edge of the grid at or after display ``column`` that this line draws."""
    for index, char in enumerate(line):
        if char in "|+" and starts[index] >= column and starts[index] in edges:
            return starts[index]
    return None


def _widen_dash(
    lines: list[str], table: _Table, growth: dict[int, list[tuple[int, int, int]]]
) -> dict[int, str]:
    runs = table.runs
    last = len(runs) - 1
    need: dict[int, int] = defaultdict(int)
    own: dict[int, dict[int, tuple[int, int]]] = {}
    for number, labels in growth.items():
        per_column: dict[int, tuple[int, int]] = {}
        for start, end, extra in labels:
            column = max((k for k, run in enumerate(runs) if run[0] <= start), default=0)
            if column == last:
                continue  # the last column's text may run past its dashes
            grown, reach = per_column.get(column, (0, 0))
            per_column[column] = (grown + extra, max(reach, end))
        own[number] = per_column
        for column, (grown, _) in per_column.items():
            need[column] = max(need[column], grown)
    changed: dict[int, str] = {}
    for number in range(table.start, table.end):
        line = lines[number]
        starts = _columns(line)
        rule = bool(_DASHES.match(line))
        inserts: dict[int, tuple[int, str]] = {}
        for column, extra in need.items():
            grown, reach = own.get(number, {}).get(column, (0, 0))
            index = _dash_index(line, starts, runs, column, reach, rule, number in table.header)
            if index is None:
                continue
            previous = inserts.get(index, (0, _filler(line, index, rule)))
            inserts[index] = (previous[0] + extra - grown, previous[1])
        new = _insert(line, inserts)
        if new != line:
            changed[number] = new
    return changed


def _dash_index(
    line: str,
    starts: list[int],
    runs: tuple[tuple[int, int], ...],
    column: int,
    reach: int,
    rule: bool,
    header: bool,
) -> int | None:
    """Where to widen ``column`` in ``line``: after its text, at the latest where the next
    column starts; None when the line ends before (nothing after it to move)."""
    end, following = runs[column][1], runs[column + 1][0]
    if rule:
        return min(_index(starts, end), len(line))
    if header:  # a header flush with the right end of its dashes keeps its alignment
        left = _index(starts, runs[column][0])
        right = _index(starts, end)
        if 0 < right <= len(line) and line[right - 1] != " " and line[left:right].strip():
            text_start = left + len(line[left:right]) - len(line[left:right].lstrip())
            if text_start > left:
                return text_start
    index = _index(starts, max(end, reach))
    while index < len(line) and line[index] != " " and starts[index] < following:
        index += 1
    return index if index < len(line) else None
