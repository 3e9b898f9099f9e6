"""The book's body: parsed in runs, sanitised as they arrive, with the figure the build draws."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ProjectDir, contribution_text, every_piece_its_own_run

from idmbook.assemble import FIGURE_SLOT
from idmbook.body import Figure, parse_body
from idmbook.markdown import READER
from idmbook.models import Chapter, Contribution, Note
from idmbook.parse import parse_markdown
from idmbook.project import Project
from idmbook.render.common import id_counts
from idmbook.sanitize import sanitize

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


def test_the_body_in_runs_is_the_sanitised_book_with_its_figure(
    many_runs: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figure_blocks = parse_markdown(
        "## Who contributed {#contributors-chart}\n\n![Chart](media/c.png){#fig-c}\n",
        READER,
        None,
    )["blocks"]
    import idmbook.body as body_module

    runs: list[int] = []
    real = body_module.parse_in_runs

    def counted(*args: object) -> Iterator[tuple[Any, list[Any]]]:
        for run in real(*args):  # type: ignore[arg-type]
            runs.append(len(run[1]))
            yield run

    monkeypatch.setattr(body_module, "parse_in_runs", counted)
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
    assert len(runs) > 1
    folder.cleanup()


def test_a_body_that_cannot_be_cut_is_parsed_whole(tmp_path: Path) -> None:
    unbalanced = "# A\n\n::: {.x}\ntext\n\n# B\n\n## C\n"
    body = parse_body(unbalanced, tmp_path, None)
    assert (
        body.ast["blocks"]
        == sanitize(parse_markdown(unbalanced, READER, None), tmp_path).ast["blocks"]
    )


def test_every_submitted_text_is_known_before_the_book_is_assembled(project: ProjectDir) -> None:
    """What the early parse is handed for each document is, byte for byte, a piece of the
    assembled book (fails when assemble embeds a text otherwise than source_texts says)."""
    from idmbook.assemble import assemble, source_texts
    from idmbook.parse import split_markdown
    from idmbook.validate import validate

    seen: list[str] = []

    def loaded(project: Project, doc: Note | Contribution | Chapter) -> None:
        if not isinstance(doc, Contribution) or doc.meta.consent:
            seen.extend(source_texts(doc, "en", "en").values())

    found, report = validate(project.root, on_loaded=loaded)
    assert found is not None and not report.has_errors
    templates = Path(__file__).parent.parent / "templates"
    book = assemble(found.config, found.taxonomy, found.documents, templates).markdown
    pieces = {piece.rstrip("\n") for piece in split_markdown(book)}
    assert len(seen) > 10
    assert [text for text in seen if text not in pieces] == []


def test_texts_parsed_early_are_taken_not_parsed_again(
    many_runs: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import idmbook.parse as parse_module
    from idmbook.parse import EarlyParse

    texts = [
        f'::: {{.idm-src data-src="c{n}.md" data-top="3"}}\n# Inner\n\nText {n}.[^c{n}-1]\n\n'
        f"[^c{n}-1]: Note.\n:::"
        for n in range(4)
    ]
    book = "\n\n".join(f"## Part {n}\n\n{text}\n" for n, text in enumerate([*texts, texts[0]]))
    expected = parse_markdown(book, READER, None)["blocks"]
    parsed: list[str] = []
    real = parse_module._parse_pieces

    def counted(pieces: list[str], indices: list[int], *args: Any) -> None:
        parsed.extend(pieces[index] for index in indices)
        real(pieces, indices, *args)

    monkeypatch.setattr(parse_module, "_parse_pieces", counted)
    monkeypatch.setattr(EarlyParse, "BATCH", sum(map(len, texts[:3])))  # one batch of three
    with EarlyParse(READER, None) as early:
        early.add(texts[:3])
        runs = list(parse_module.parse_in_runs(book, READER, None, 2, early))
    blocks = [block for _, run in runs for block in run]
    assert blocks == expected
    assert not any(text in parsed for text in texts[:3]), "taken from the early parse"
    assert texts[3] in parsed
    first, last = (b for b in blocks if b["t"] == "Div" and b["c"][0][2][0][1] == "c0.md")
    ids = [div["c"][1][0]["c"][1][0] for div in (first, last)]
    assert ids == ["inner", "inner-4"], "the same text twice: blocks of its own"

    parsed.clear()
    defined = book + "\n[ref]: https://www.iom.int\n"
    with EarlyParse(READER, None) as early:
        early.add(texts[:3])
        again = [
            b for _, run in parse_module.parse_in_runs(defined, READER, None, 2, early) for b in run
        ]
    assert again == parse_markdown(defined, READER, None)["blocks"]
    assert texts[0] in parsed, "parsed without the book's link definitions: parsed again"


def test_a_document_with_errors_is_not_parsed_early(project: ProjectDir) -> None:
    """A text too deeply nested for pandoc is reported, and never handed to it."""
    from idmbook.validate import validate

    deep = "".join("  " * i + "- x\n" for i in range(2_000))
    project.write("contributions/deep.md", contribution_text(body=deep))
    told: list[str] = []
    found, report = validate(project.root, on_loaded=lambda _, doc: told.append(doc.rel))
    assert found is not None and report.has_errors
    assert "IDM004" in {d.code for d in report.diagnostics if d.path == "contributions/deep.md"}
    assert "contributions/deep.md" not in told
    assert (
        len(told)
        == len(found.documents.notes)
        + len(found.documents.contributions)
        + len(found.documents.chapters)
        - 1
    )


def test_closing_stops_the_pandoc_that_parses_early() -> None:
    """A build that stops does not wait for what pandoc parses early."""
    import time

    from idmbook.errors import ToolMissing
    from idmbook.parse import EarlyParse

    slow = "::: {.idm-src}\n" + "".join("  " * i + "- x\n" for i in range(3_000)) + ":::"
    early = EarlyParse(READER, None)
    early.BATCH = 1
    early.add([slow])
    (batch,) = set(early.taken().values())
    while early._process is None and not batch.done():
        time.sleep(0.01)
    early.close()
    with pytest.raises(ToolMissing, match="exit -9"):
        batch.result()
