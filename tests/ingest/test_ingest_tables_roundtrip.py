"""Tables of any shape, as ingest writes them, read back by the book as the same tables.

Tables are generated as pandoc builds them from Word files (any number of header and body
rows and of columns, empty cells, cells spanning two columns, cells holding several
paragraphs, lists, footnotes of one or two paragraphs, pipes and brackets, or a table of
their own), made ready by ingest (tables.py), written with ingest's Markdown writer, and read
back through the book's containment and reader (bookview.py). Every table comes back as a
table, with its text cell by cell and its notes as notes; nothing reads back as a rule.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bookview import book_blocks, find, text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idmbook.ingest.convert import check_markdown, to_markdown
from idmbook.ingest.tables import prepare_tables
from idmbook.load.archive import DEFAULT_LIMITS

Node = dict[str, Any]
EXAMPLES = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 25
ROUNDS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("HYPOTHESIS_PROFILE") != "fuzz",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NO_ATTR: list[Any] = ["", [], []]
WORDS = ["Lyon", "1 200", "a|b", "[annex]", "x_y", "*", "50 %", "مرحبا", "-", "2016."]


def words(text_: str) -> list[Node]:
    out: list[Node] = []
    for index, word in enumerate(text_.split(" ")):
        if index:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def para(text_: str) -> Node:
    return {"t": "Para", "c": words(text_)}


def plain(text_: str) -> Node:
    return {"t": "Plain", "c": words(text_)}


def note(paragraphs: list[str]) -> Node:
    return {"t": "Note", "c": [para(p) for p in paragraphs]}


def cell(blocks: list[Node], span: int = 1) -> list[Any]:
    return [NO_ATTR, {"t": "AlignDefault"}, 1, span, blocks]


def table(head: list[list[list[Any]]], body: list[list[list[Any]]], columns: int) -> Node:
    specs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(columns)]
    return {
        "t": "Table",
        "c": [
            NO_ATTR,
            [None, []],
            specs,
            [NO_ATTR, [[NO_ATTR, row] for row in head]],
            [[NO_ATTR, 0, [], [[NO_ATTR, row] for row in body]]],
            [NO_ATTR, []],
        ],
    }


word = st.sampled_from(WORDS)


@st.composite
def contents(draw: st.DrawFn, nested: bool) -> list[Node]:
    kind = draw(
        st.sampled_from(
            ["empty", "word", "paragraphs", "list", "note", "long note"]
            + (["table"] if nested else [])
        )
    )
    if kind == "empty":
        return []
    if kind == "word":
        return [plain(draw(word))]
    if kind == "paragraphs":
        return [para(draw(word)), para(draw(word))]
    if kind == "list":
        return [{"t": "BulletList", "c": [[plain(draw(word))], [plain(draw(word))]]}]
    if kind in ("note", "long note"):
        paragraphs = ["Source " + draw(word)] + (
            ["and " + draw(word)] if kind == "long note" else []
        )
        return [{"t": "Plain", "c": [*words(draw(word)), note(paragraphs)]}]
    inner = [[cell([plain(draw(word))]), cell([plain(draw(word))])]]
    return [table([], inner, 2)]


@st.composite
def tables(draw: st.DrawFn) -> Node:
    columns = draw(st.integers(1, 4))

    def row() -> list[list[Any]]:
        out: list[list[Any]] = []
        left = columns
        while left:
            span = 2 if left >= 2 and draw(st.integers(0, 5)) == 0 else 1
            out.append(cell(draw(contents(nested=True)), span))
            left -= span
        return out

    head = [row() for _ in range(draw(st.integers(0, 2)))]
    body = [row() for _ in range(draw(st.integers(0, 4)))]
    return table(head, body, columns)


def _rows(value: Node) -> list[list[str]]:
    """The text of each cell, row by row (notes inside their cells), header rows first. A
    first row with nothing in it is left out: a pipe table's empty header reads back as no
    header, and a header row beyond the first as a body row."""
    _, _, _, head, bodies, foot = value["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    out = [[text(c[4]) for c in row[1]] for row in rows + foot[1]]
    return out[1:] if out and not any(out[0]) else out


@ROUNDS
@given(tables())
def test_any_table_reads_back_as_the_same_table(tmp_path_factory: Any, generated: Node) -> None:
    tmp = Path(tmp_path_factory.mktemp("table"))
    expected = _rows(generated)
    notes = len(find(generated, "Note"))
    blocks = [para("Before the table."), generated, para("After the table.")]
    prepared, _ = prepare_tables(blocks, tmp, DEFAULT_LIMITS)
    markdown = to_markdown(prepared, tmp, DEFAULT_LIMITS)
    check_markdown(markdown, tmp, DEFAULT_LIMITS, prepared)  # refuses any difference
    back = book_blocks(markdown)
    assert not find(back, "HorizontalRule"), markdown
    assert text(back[0]) == "Before the table." and text(back[-1]) == "After the table."
    read = [b for b in back if b["t"] == "Table"]
    if not any(any(r) for r in expected) and not notes:
        assert read == [], markdown  # a table without content is left out
        return
    assert len(read) == 1, markdown
    assert _rows(read[0]) == expected, markdown
    assert len(find(read[0], "Note")) == notes


def _through_the_book(blocks: list[Node], tmp: Path) -> tuple[str, list[Node]]:
    from idmbook.ingest.convert import Cleaner

    cleaned = Cleaner(lambda target, alt: target).blocks(blocks)
    prepared, _ = prepare_tables(cleaned, tmp, DEFAULT_LIMITS)
    markdown = to_markdown(prepared, tmp, DEFAULT_LIMITS)
    check_markdown(markdown, tmp, DEFAULT_LIMITS, prepared)
    return markdown, book_blocks(markdown)


def test_a_table_too_wide_for_its_columns_is_still_a_table(tmp_path: Path) -> None:
    """Fifteen columns, a cell of two paragraphs: pandoc wrote '[TABLE]' in its place
    (tdf/odftoolkit excelfileformat.odt)."""
    header = [cell([plain(f"Column{n}")]) for n in range(15)]
    row = [cell([para("Vola"), para("tile")])] + [cell([plain("x")]) for _ in range(14)]
    markdown, back = _through_the_book([table([header], [row], 15)], tmp_path)
    assert "[TABLE]" not in markdown
    (read,) = find(back, "Table")
    assert _rows(read)[0] == [f"Column{n}" for n in range(15)]
    assert _rows(read)[1][:2] == ["Vola tile", "x"]


def test_a_note_styled_as_superscript_stays_a_note(tmp_path: Path) -> None:
    """LibreOffice styles a note's number as superscript: pandoc gives the note inside a
    superscript, which was written '^^[...]^' and read back as text."""
    sup = {"t": "Superscript", "c": [note(["Details at the source."])]}
    in_cell = [{"t": "Plain", "c": [*words("64-bit"), sup]}]
    body = [cell([plain("Size")]), cell(in_cell)]
    text_para = {"t": "Para", "c": [*words("Outside"), {"t": "Superscript", "c": [note(["Too."])]}]}
    _, back = _through_the_book([table([], [body], 2), text_para], tmp_path)
    notes = [text(n["c"]) for n in find(back, "Note")]
    assert notes == ["Details at the source.", "Too."]


def test_links_inside_links_are_flattened(tmp_path: Path) -> None:
    """A page of links nested five deep (tdf/odftoolkit brokenList.odt) took pandoc's reader
    more than two minutes to read back; the inner links keep their text."""

    def link(inlines: list[Node], url: str) -> Node:
        return {"t": "Link", "c": [NO_ATTR, inlines, [url, ""]]}

    nested: list[Node] = words("Home")
    for depth in range(6):
        nested = [link(nested, f"https://example.org/{depth}")]
    markdown, back = _through_the_book(
        [{"t": "Para", "c": [*words("See"), {"t": "Space"}, *nested]}], tmp_path
    )
    (only,) = find(back, "Link")
    assert text(only["c"][1]) == "Home" and only["c"][2][0] == "https://example.org/5"
    assert markdown == "See [Home](https://example.org/5)"
