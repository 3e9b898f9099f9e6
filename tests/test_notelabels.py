"""Footnote labels renamed in tables: the table pandoc reads is the one the author wrote.

Each case is parsed by the real pandoc before and after :func:`idmbook.pandoc.markdown.contain`:
the two ASTs must be the same but for the tables' relative column widths (footnote labels do not
appear in pandoc's AST: a note is where its reference is). Before the columns were widened, a longer
label pushed the rest of its line into the next column: the reference was printed as text and its
note lost, or the whole grid table was read as paragraphs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from idmbook.pandoc.markdown import READER, contain
from idmbook.pandoc.notelabels import relabel
from idmbook.pandoc.run import run_pandoc

PREFIX = "contribution-montreal-4b7755"

SIMPLE = """\
Intro.

  Note                      Country      Amount
  ------------------------- --------- ---------
  A short note.[^2]         Mexico          300
  Plain                     Canada[^3]       40

[^2]: Inside the cell.
[^3]: A country's note.
"""

HEADERLESS = """\
-------------- -------- ------
First[^a]      second    third
Fourth         fifth     sixth
-------------- -------- ------

[^a]: In a table without header.
"""

MULTILINE = """\
-------------------------------------------------------------
 Centered   Default           Right Left
  Header    Aligned         Aligned Aligned
----------- ------- --------------- -------------------------
   First    row[^1]            12.0 Example of a row that
                                    spans multiple lines.

  Second    row                 5.0 Here's another one.[^2]
                                    Note the blank line.
-------------------------------------------------------------

: A multiline table.

[^1]: First.
[^2]: Second.
"""

HEADERLESS_MULTILINE = """\
----------- ------- --------------- -------------------------
   First    row[^x]            12.0 Example of a row that
                                    spans multiple lines.

  Second    row                 5.0 Here's another one.
----------- ------- --------------- -------------------------

[^x]: A note.
"""

GRID = """\
+---------------+---------------+--------------------+
| Fruit         | Price         | Advantages         |
+===============+===============+====================+
| Bananas[^b]   | $1.34         | - built-in wrapper |
|               |               | - bright color[^c] |
+---------------+---------------+--------------------+
| Oranges       | $2.10         | - cures scurvy     |
|               |               | - tasty            |
+---------------+---------------+--------------------+

[^b]: Yellow.
[^c]: Very.
"""

GRID_SPANS = """\
+---------------------+----------+
| Property            | Earth    |
+=============+=======+==========+
|             | min   | -89.2 °C |
| Temperature +-------+----------+
| 1961-1990   | mean  | 14 °C[^t]|
|             +-------+----------+
|             | max   | 56.7 °C  |
+-------------+-------+----------+

[^t]: Mean temperature.
"""

GRID_NESTED = """\
+--------------+---------------------------+
| Cell         | Content                   |
+==============+===========================+
| nested       | +-------+-------+         |
|              | | a     | b     |         |
|              | +=======+=======+         |
|              | | c[^n] | d     |         |
|              | +-------+-------+         |
+--------------+---------------------------+

[^n]: The note in a nested table.
"""

GRID_WIDE = """\
+--------+-------+
| 中文[^z] | b     |
+--------+-------+
| 文字   | c     |
+--------+-------+

[^z]: 注释。
"""

GRID_IN_QUOTE = """\
> +-------+-----+
> | a[^q] | b   |
> +-------+-----+

[^q]: In a quote.
"""

GRID_IN_LIST = """\
- An item with a table:

  +-------+-----+
  | a[^l] | b   |
  +-------+-----+

[^l]: In a list.
"""

PIPE = """\
| Country | Note |
|---------|------|
| Mexico  | A cell with a note.[^p] |

[^p]: In a pipe table.

Text after the table.[^after]

[^after]: After.
"""

CASES = {
    "simple": SIMPLE,
    "headerless": HEADERLESS,
    "multiline": MULTILINE,
    "headerless-multiline": HEADERLESS_MULTILINE,
    "grid": GRID,
    "grid-spans": GRID_SPANS,
    "grid-nested": GRID_NESTED,
    "grid-wide-characters": GRID_WIDE,
    "grid-in-quote": GRID_IN_QUOTE,
    "grid-in-list": GRID_IN_LIST,
    "pipe": PIPE,
}


def parse(markdown: str) -> Any:
    return json.loads(run_pandoc(["-f", READER, "-t", "json"], markdown.encode()))["blocks"]


def without_widths(value: Any) -> Any:
    """``value`` with every table's column widths left out (widening changes them), and the
    default alignment written as left."""
    if isinstance(value, list):
        return [without_widths(item) for item in value]
    if isinstance(value, dict):
        if value.get("t") == "Table":
            attr, caption, colspecs, *rest = value["c"]
            specs = [
                {"t": "AlignLeft"} if align == {"t": "AlignDefault"} else align
                for align, _ in colspecs
            ]
            return {"t": "Table", "c": without_widths([attr, caption, specs, *rest])}
        return {key: without_widths(item) for key, item in value.items()}
    return value


def kinds(value: Any) -> list[str]:
    """The node types of ``value``, in document order."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "t" in item:
                found.append(item["t"])
            stack.extend(reversed(list(item.values())))
    return found


@pytest.mark.parametrize("name", sorted(CASES))
def test_renamed_labels_leave_the_table_as_written(name: str) -> None:
    body = CASES[name]
    before = parse(body)
    contained = contain(body, PREFIX)
    assert f"[^{PREFIX}-" in contained
    after = parse(contained)
    assert without_widths(after) == without_widths(before)
    notes = kinds(before).count("Note")
    assert notes == body.count("]:")  # every note was found, before and after
    assert "Table" in kinds(after)


def test_a_longer_label_in_a_column_used_to_lose_its_note() -> None:
    """The same renaming without widening: the label is text, the note is gone."""
    body = MULTILINE.replace("[^1]", f"[^{PREFIX}-1]", 1)
    assert "Note" in kinds(parse(MULTILINE)[0])
    assert kinds(parse(body)[0]).count("Note") == 1  # the second row's only
    assert kinds(parse(contain(MULTILINE, PREFIX))[0]).count("Note") == 2


def test_columns_widen_by_the_longest_label_and_keep_right_alignment() -> None:
    lines = SIMPLE.split("\n")
    out = relabel(lines, range(len(lines)), "p")
    assert out[2:6] == [
        "  Note                        Country        Amount",
        "  --------------------------- ----------- ---------",
        "  A short note.[^p-2]         Mexico            300",
        "  Plain                       Canada[^p-3]       40",
    ]


def test_lines_not_chosen_and_tables_without_labels_are_left_alone() -> None:
    lines = GRID.split("\n")
    assert relabel(lines, [], "p") == lines
    assert relabel(lines, [len(lines) - 2], "p")[:9] == lines[:9]
