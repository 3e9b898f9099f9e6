"""Pipe tables of the book, each column as wide as its content asks."""

from __future__ import annotations

import re

from idmbook.compose.templating import Md

__all__ = ["TABLE_WIDTH", "column_widths", "pipe_table"]

TABLE_WIDTH = 100
"""Characters of a pipe table's separator line: longer than pandoc's 80 columns, so that its
dashes give the columns' relative widths."""
_NARROW = 26
"""A column whose longest cell is this many characters or fewer is set at its natural width
(a date, a time, a country); the others share what is left."""
_PADDING = 4
"""Characters a cell's inner margins take, added to every column's width."""
_MARKUP = re.compile(r"\]\(#[^)]*\)|\{[^}]*\}|\\(?=.)|[\[\]*_]")


def _visible(cell: str) -> str:
    """A cell's Markdown as the reader sees it, near enough to measure: link targets,
    attributes, escapes and emphasis marks left out."""
    return _MARKUP.sub("", cell)


def column_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Relative widths (characters, summing to about :data:`TABLE_WIDTH`) of a table's
    columns from their content: narrow columns at their natural width, wide ones sharing the
    rest in proportion to their longest cells, none narrower than its longest word."""
    columns = list(zip(header, *rows, strict=True))
    natural = [max(len(_visible(c)) for c in column) for column in columns]
    words = [
        max((len(w) for c in column for w in _visible(c).split()), default=1) for column in columns
    ]
    # each cell's padding is worth about as much as a few characters
    natural = [max(n, w, 3) + _PADDING for n, w in zip(natural, words, strict=True)]
    words = [w + _PADDING for w in words]
    if sum(natural) <= TABLE_WIDTH:
        widths = natural
    else:
        fixed = sum(n for n in natural if n <= _NARROW)
        wide = sum(n for n in natural if n > _NARROW)
        room = max(TABLE_WIDTH - fixed, wide // 3)
        widths = [
            n if n <= _NARROW else max(words[i], n * room // wide) for i, n in enumerate(natural)
        ]
    scale = TABLE_WIDTH / sum(widths)
    return [max(3, round(w * scale)) for w in widths]


def pipe_table(head: list[str], body: list[list[str]]) -> Md:
    """A pipe table of the Markdown cells ``head`` and ``body``, without the columns no row
    fills, its column widths from its content (see :func:`column_widths`)."""
    keep = [i for i in range(len(head)) if any(row[i].strip() for row in body)]
    head = [head[i] for i in keep]
    body = [[row[i] for i in keep] for row in body]
    widths = column_widths(head, body)
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("-" * w for w in widths) + "|",
        *("| " + " | ".join(row) + " |" for row in body),
    ]
    return Md("\n".join(lines))
