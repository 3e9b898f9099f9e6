"""The book's body: parsed in pieces, sanitised, with the figure the build draws."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import every_piece_its_own_run

from idmbook.compose.assemble import FIGURE_SLOT
from idmbook.pandoc.ast import id_counts
from idmbook.pandoc.markdown import READER
from idmbook.parse.body import Figure, parse_body
from idmbook.parse.pieces import parse_markdown
from idmbook.parse.sanitize import sanitize

BOOK = "\n\n".join(
    [
        "# Front {#front}\n\nSee [the chart](#contributors-chart).",
        f"::: {{#{FIGURE_SLOT}}}\n:::",
        *(
            f'## Part {n}\n\n::: {{.idm-src data-src="c{n}.md" data-top="3"}}\n'
            f"# Inner\n\nText {n}.\n:::"
            for n in range(8)
        ),
        "# Back\n\n::: {#box}\nBoxed.\n:::",
    ]
)


@pytest.fixture
def many_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every piece worth a pandoc process of its own."""
    every_piece_its_own_run(monkeypatch, 2)


def test_the_body_is_the_sanitised_book_with_its_figure(many_runs: None, tmp_path: Path) -> None:
    figure_blocks = parse_markdown(
        "## Who contributed {#contributors-chart}\n\n![Chart](media/c.png){#fig-c}\n",
        READER,
        None,
    )["blocks"]
    folder = tempfile.TemporaryDirectory()
    figure = Figure(figure_blocks, {"media/c.png": Path(folder.name) / "c.png"}, folder)
    body = parse_body(BOOK, tmp_path, None, figure)
    whole = sanitize(parse_markdown(BOOK, READER, None), tmp_path)
    slot = next(i for i, b in enumerate(whole.ast["blocks"]) if b["t"] == "Div")
    expected = whole.ast["blocks"][:slot] + figure_blocks + whole.ast["blocks"][slot + 1 :]
    assert body.ast["blocks"] == expected
    assert +body.ids == id_counts(expected), "the slot's ids gone, the figure's counted"
    assert body.ids["contributors-chart"] == 1 and body.ids["fig-c"] == 1
    assert body.ids[FIGURE_SLOT] == 0
    headings = [b["c"][1][0] for b in body.ast["blocks"] if b["t"] == "Header"]
    assert headings[3::2] == ["inner", *(f"inner-{n}" for n in range(1, 8))], "over the book"
    folder.cleanup()


def test_a_body_that_cannot_be_cut_is_parsed_whole(tmp_path: Path) -> None:
    unbalanced = "# A\n\n::: {.x}\ntext\n\n# B\n\n## C\n"
    body = parse_body(unbalanced, tmp_path, None)
    assert (
        body.ast["blocks"]
        == sanitize(parse_markdown(unbalanced, READER, None), tmp_path).ast["blocks"]
    )
