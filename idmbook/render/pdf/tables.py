"""Tables as Typst can set them: no row without cells, no link or repeated footnote in a header."""

from __future__ import annotations

from typing import Any

from idmbook.pandoc.ast import Node, Walker
from idmbook.render.pdf.context import Context
from idmbook.render.pdf.inlines import holds_note
from idmbook.render.pdf.markup import raw_block

ONCE = "#[#set table.header(repeat: false); #set table.footer(repeat: false)"
"""The opening of a scope in which a table's header and footer rows are printed once, not on
every page it runs over: a footnote there would be repeated as an artifact, and its mark is a
link, which PDF/UA-1 forbids in an artifact."""


def table(node: Node, _: Context) -> list[Node]:
    """A row that holds no cell of its own (every cell of it is a cell of a row above that
    spans down over it) is left out, and the cells above span one row fewer: pandoc writes
    such a row as a lone comma, which Typst cannot read. The header and footer rows keep the
    text of their links, not the links: Typst repeats them on every page a table runs over,
    as artifacts, and PDF/UA-1 forbids a link in an artifact."""
    attr, caption, colspecs, head, bodies, foot = node["c"]
    head = [head[0], _Unlinked().walk(_rows_with_cells(head[1]), None)]
    bodies = [[b[0], b[1], _rows_with_cells(b[2]), _rows_with_cells(b[3])] for b in bodies]
    foot = [foot[0], _Unlinked().walk(_rows_with_cells(foot[1]), None)]
    result = {"t": "Table", "c": [attr, caption, colspecs, head, bodies, foot]}
    if holds_note(head[1]) or holds_note(foot[1]):
        return [raw_block(ONCE), result, raw_block("]")]
    return [result]


class _Unlinked(Walker[None]):
    """Every link replaced by its text (as a plain Span, to keep its place)."""

    def node(self, node: Node, context: None) -> Node | list[Node]:
        if node["t"] == "Link":
            return {"t": "Span", "c": [["", [], []], self.walk(node["c"][1], context)]}
        return self.children(node, context)


def _rows_with_cells(rows: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for row in rows:
        if row[1]:
            kept.append([row[0], [list(cell) for cell in row[1]]])
            continue
        for index, earlier in enumerate(kept):  # the cells reaching down over this row
            for cell in earlier[1]:
                if index + cell[2] > len(kept) and cell[2] > 1:
                    cell[2] -= 1
    return kept
