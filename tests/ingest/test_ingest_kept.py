"""Ingest loses nothing silently: what pandoc's readers drop (text boxes and the text beside
them, the title block, direction and languages, footnotes of RTF files saved by LibreOffice,
equations of OpenDocument files) is kept, tables of every shape come back as tables, and
what cannot be kept is counted with its reason. Every test reads the written contribution
back the way the book does (bookview.py)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bookview import attributes, body_of, book_blocks, cells, find, table_cells, text
from builders import (
    field_and_ruby_docx,
    footnotes_docx,
    kept_docx,
    libreoffice_rtf,
    only_in_header_docx,
    only_pictures_docx,
    outline_docx,
    png,
    rich_odt,
    smartart_docx,
    tables_docx,
    typed_rules_docx,
)

from idmbook.commands.ingest import IngestOptions, ingest

META: dict[str, object] = {
    "organisation": "Ville de Lyon",
    "stakeholder_type": "local_authority",
    "workshop": "geneva",
    "themes": ["rights-wellbeing"],
    "language": "en",
    "received": dt.date(2017, 7, 1),
    "consent": True,
}


@pytest.fixture
def root(make_project: Callable[..., object]) -> Path:
    return make_project().root  # type: ignore[attr-defined, no-any-return]


def _ingest(root: Path, path: Path, **meta: object):  # type: ignore[no-untyped-def]
    result = ingest([path], IngestOptions(metadata={**META, **meta}), root)
    (item,) = result.files
    return item


def _written(root: Path, tmp_path: Path, name: str, data: bytes, **meta: object):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    item = _ingest(root, path, **meta)
    assert item.status == "ingested", item.diagnostics
    return item, (root / item.target).read_text("utf-8")


def _messages(item: object) -> str:
    return "\n".join(d.message for d in item.diagnostics)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- tables


def test_tables_of_every_shape_come_back_as_tables(root: Path, tmp_path: Path) -> None:
    item, written = _written(root, tmp_path, "tables.docx", tables_docx(), title="Tables")
    body = body_of(written)
    blocks = book_blocks(body)
    assert not find(blocks, "HorizontalRule"), body
    tables = [t for t in blocks if t["t"] == "Table"]
    # the empty table is left out (and said); the nested one is kept inside its cell
    assert len(tables) == 7, body
    empty_rows, header_only, one_column, nested, merged, rich, simple = tables
    assert cells(empty_rows) == ["Year", "Arrivals", "", "", "2016", "1200", "", ""]
    assert cells(header_only) == ["Alpha", "Beta", "Gamma"]
    assert cells(one_column) == ["Solo", "uno", "dos"]
    inner = find(nested["c"][3:], "Table")
    assert len(inner) == 1 and cells(inner[0]) == ["Inner1", "Inner2", "Inner3", "Inner4"]
    assert "Beside the inner table" in cells(nested)
    spans = {text(c[4]): (c[2], c[3]) for c in table_cells(merged)}
    assert spans["Across two"] == (1, 2) and spans["Down two"] == (2, 1)
    assert find(rich, "BulletList") and cells(rich)[2] == "First measure Second measure"
    assert cells(rich)[3].endswith("A second paragraph in the cell.")
    (rich_note,) = find(rich, "Note")
    assert text(rich_note["c"]) == (
        "Source: the city’s annual report. Second paragraph of the note."
    )
    (simple_note,) = find(simple, "Note")
    assert text(simple_note["c"]) == "Estimate | rounded, see [annex]."
    messages = _messages(item)
    assert "2 footnotes in table cells written inside the cell" in messages
    assert "(1 of several paragraphs, joined into one)" in messages
    assert "1 empty table left out" in messages


def test_a_note_in_a_table_cell_survives_any_footnote_prefix(root: Path, tmp_path: Path) -> None:
    """The book renames footnote labels with a prefix as long as the file's name: the table
    and its note must read back whatever the prefix."""
    _, written = _written(root, tmp_path, "kept.docx", kept_docx(), title="Cities")
    for prefix in ("x", "a" * 80):
        blocks = book_blocks(body_of(written), prefix)
        (table,) = [b for b in blocks if b["t"] == "Table"]
        (note,) = find(table, "Note")
        assert text(note["c"]) == "Figures of the prefecture, 2016."
        assert cells(table)[:3] == ["City", "Arrivals", "Lyon"]


def test_headings_make_an_outline(root: Path, tmp_path: Path) -> None:
    """PDF/UA refuses a heading level skipped, an empty heading, and the book's outline has
    no place for a heading inside a table (the corpus: 10 files broke the PDF so)."""
    item, written = _written(root, tmp_path, "outline.docx", outline_docx(), title="Outline")
    blocks = book_blocks(body_of(written))
    headings = [(b["c"][0], text(b["c"][2])) for b in blocks if b["t"] == "Header"]
    assert headings == [(2, "Context"), (3, "A detail four levels down"), (2, "Conclusion")]
    (table,) = find(blocks, "Table")
    assert not find(table, "Header") and find(table, "Strong")
    assert cells(table) == ["Statement", "Seasoned professional"]
    assert len(find(blocks, "Image")) == 1  # the picture of the picture-only heading stays
    messages = _messages(item)
    assert "1 heading moved up to one level below the heading before" in messages
    assert "2 headings without words made paragraphs" in messages
    assert "1 heading inside tables, quotations, lists or notes made bold paragraphs" in messages


def test_separators_typed_as_hyphens_stay_text(root: Path, tmp_path: Path) -> None:
    """pandoc writes a paragraph of hyphens as it is, which reads back as a horizontal rule
    (the book then failed with 'unknown variable: horizontalrule')."""
    _, written = _written(root, tmp_path, "rules.docx", typed_rules_docx(), title="Rules")
    blocks = book_blocks(body_of(written))
    assert not find(blocks, "HorizontalRule") and not find(blocks, "Header"), written
    assert [text(b) for b in blocks if b["t"] == "Para"][:3] == [
        "Before the separators.",
        "----------",
        "-- --",
    ]
    assert text(find(blocks, "BulletList")) == "----------"
    assert "A title typed above ==========" in text(blocks)
    (table,) = find(blocks, "Table")
    assert cells(table) == ["Item", "Amount", "Total", "------"]


# --------------------------------------------------------------------------- Word


@pytest.fixture
def kept(root: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    return _written(root, tmp_path, "kept.docx", kept_docx(), title="Welcoming cities")


def test_text_boxes_and_the_text_beside_them(kept) -> None:  # type: ignore[no-untyped-def]
    item, written = kept
    paragraphs = [text(b) for b in book_blocks(body_of(written)) if b["t"] == "Para"]
    assert "Text before the box. Text after the box." in paragraphs
    assert "Inside the modern box." in paragraphs
    assert "Before the old box." in paragraphs and "Inside the old box." in paragraphs
    assert paragraphs.index("Inside the modern box.") == (
        paragraphs.index("Text before the box. Text after the box.") + 1
    )
    assert written.count("Inside the modern box.") == 1  # the VML fallback is not repeated
    assert "2 text boxes: the text is placed after the paragraph" in _messages(item)


def test_title_block_kept_or_moved_and_reported(kept) -> None:  # type: ignore[no-untyped-def]
    item, written = kept
    front, body = written.split("\n---\n", 1)
    assert 'title: "Welcoming cities"' in front  # the editor's title wins
    assert 'authors: ["Amina Diallo", "Jonas Berg"]' in front
    blocks = book_blocks(body)
    assert text(blocks[0]) == "Cities of welcome" and blocks[0]["c"][0]["t"] == "Strong"
    assert text(blocks[1]) == "A report from the field"
    assert text(blocks[2]) == "We summarise two years of municipal reception."
    messages = _messages(item)
    assert "its Title paragraph ('Cities of welcome') is kept as the first paragraph" in messages
    assert "its Author paragraphs are the contribution's authors (front matter)" in messages
    assert "authors [Amina Diallo, Jonas Berg] comes from the document's Author paragraphs" in (
        messages
    )


def test_title_paragraph_becomes_the_title_when_the_editor_gives_none(
    root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "kept.docx"
    path.write_bytes(kept_docx())
    item = _ingest(root, path, authors=["A. Editor"])
    written = (root / item.target).read_text("utf-8")
    front, body = written.split("\n---\n", 1)
    assert 'title: "Cities of welcome"' in front
    assert 'authors: ["A. Editor"]' in front
    first = book_blocks(body)[:3]
    assert [text(b) for b in first] == [
        "A report from the field",
        "Amina Diallo, Jonas Berg",  # kept in the text: the editor named other authors
        "We summarise two years of municipal reception.",
    ]
    assert "its Title paragraph ('Cities of welcome') is the contribution's title" in (
        _messages(item)
    )


def test_equations_are_tex_math(kept) -> None:  # type: ignore[no-untyped-def]
    item, written = kept
    body = body_of(written)
    assert "The area is $x^{2}$ square metres." in body
    assert "$$\\frac{a}{b}$$" in body
    maths = [(m["c"][0]["t"], m["c"][1]) for m in find(book_blocks(body), "Math")]
    assert maths == [("InlineMath", "x^{2}"), ("DisplayMath", "\\frac{a}{b}")]
    assert "kept 1 footnote, 1 table and 2 equations" in item.changes


def test_right_to_left_paragraphs_and_runs_in_other_languages(kept) -> None:  # type: ignore[no-untyped-def]
    _, written = kept
    blocks = book_blocks(body_of(written))
    spans = {text(s): attributes(s) for s in find(blocks, "Span")}
    assert spans["مرحبا بالمهاجرين في مدينتنا"] == {"dir": "rtl", "lang": "ar"}
    assert spans["bienvenue à tous"] == {"lang": "fr"}
    assert spans["ברוכים הבאים"] == {"dir": "rtl", "lang": "he"}
    arabic = next(b for b in blocks if "مرحبا" in text(b))
    assert arabic["t"] == "Para" and len(arabic["c"]) == 1  # the span is the whole paragraph
    assert "We say" not in spans  # the document's own language is not marked


def test_form_check_box_and_note_in_cell(kept) -> None:  # type: ignore[no-untyped-def]
    item, written = kept
    assert "Consent form signed: ☒" in written
    assert "1 form check box written as ☒ (checked) or ☐" in _messages(item)


def test_lost_words_of_pandocs_word_reader(kept) -> None:  # type: ignore[no-untyped-def]
    """Every word of the document's body reaches the book."""
    _, written = kept
    words = text(book_blocks(body_of(written)))
    for phrase in (
        "Cities of welcome",
        "A report from the field",
        "Text before the box.",
        "Text after the box.",
        "Inside the modern box.",
        "Inside the old box.",
        "square metres",
        "We say bienvenue à tous and ברוכים הבאים",
        "12 400",
        "Figures of the prefecture, 2016.",
    ):
        assert phrase in words, phrase


def test_simple_fields_and_phonetic_guides_keep_their_text(root: Path, tmp_path: Path) -> None:
    item, written = _written(root, tmp_path, "fields.docx", field_and_ruby_docx(), title="F")
    paragraphs = [text(b) for b in book_blocks(body_of(written))]
    assert paragraphs == [
        "Saved as report-final.docx on the shared drive.",
        "Tokyo is 東京 (とうきょう) in Japanese.",
        "انظر Fundamental Rights Agency، 2012.",
    ]
    assert "1 phonetic guide (ruby) written in parentheses" in _messages(item)


def test_a_file_name_as_alternative_text_is_removed(root: Path, tmp_path: Path) -> None:
    import io

    from builders import document, patch
    from docx.shared import Inches

    def build(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("A photo of the meeting.")
        d.add_picture(io.BytesIO(png()), width=Inches(1))

    data = patch(
        document(build),
        replace={
            '<wp:docPr id="1" name="Picture 1"/>': '<wp:docPr id="1" name="Picture 1" '
            'descr="C:\\Users\\amina\\Pictures\\IMG_2041.JPG"/>'
        },
    )
    item, written = _written(root, tmp_path, "photo.docx", data, title="Photo")
    assert "IMG_2041" not in written and "amina" not in written
    (image,) = find(book_blocks(body_of(written)), "Image")
    assert image["c"][1] == []
    assert "1 picture had the name of a file as alternative text" in _messages(item)


# --------------------------------------------------------------------------- RTF and ODT


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_footnotes_of_rtf_saved_by_libreoffice(root: Path, tmp_path: Path) -> None:
    rtf = libreoffice_rtf(footnotes_docx(), tmp_path / "lo")
    assert b"{\\*\\footnote" in rtf  # what LibreOffice writes, and pandoc skipped
    item, written = _written(root, tmp_path, "notes.rtf", rtf, title="Notes")
    notes = find(book_blocks(body_of(written)), "Note")
    assert [text(n["c"]) for n in notes] == [
        "Ministry of the Interior, 2016.",
        "Estimate. Second paragraph of the note.",
    ]
    assert len(notes[1]["c"]) == 2  # both paragraphs of the second note
    assert "kept 2 footnotes" in item.changes


def test_rtf_with_binary_picture_data(root: Path, tmp_path: Path) -> None:
    """A picture held as raw bytes (``\\binN``) made pandoc fail on the whole file."""
    picture = png(3, 2)
    rtf = (
        b"{\\rtf1\\ansi Text before the picture.\\par{\\pict\\pngblip\\picw3\\pich2 \\bin"
        + str(len(picture)).encode()
        + b" "
        + picture
        + b"}\\par Text after the picture.\\par}"
    )
    _, written = _written(root, tmp_path, "binary.rtf", rtf, title="Binary")
    blocks = book_blocks(body_of(written))
    assert [text(b) for b in blocks if text(b)] == [
        "Text before the picture.",
        "Text after the picture.",
    ]
    (image,) = find(blocks, "Image")
    saved = root / "contributions" / image["c"][2][0]
    assert saved.read_bytes() == picture


def test_odt_equations_direction_language_and_notes(root: Path, tmp_path: Path) -> None:
    item, written = _written(root, tmp_path, "rich.odt", rich_odt(), title="ODT")
    body = body_of(written)
    blocks = book_blocks(body)
    maths = [(m["c"][0]["t"], m["c"][1]) for m in find(blocks, "Math")]
    assert maths == [("InlineMath", "x^{2}"), ("DisplayMath", "\\frac{a}{b}")]
    assert "The area is $x^{2}$ square metres." in body
    spans = {text(s): attributes(s) for s in find(blocks, "Span")}
    assert spans["مرحبا بالمهاجرين في مدينتنا"] == {"dir": "rtl", "lang": "ar"}
    assert spans["bienvenue à tous"] == {"lang": "fr"}
    assert [text(n["c"]) for n in find(blocks, "Note")] == ["A note on the welcome."]
    codes = [d.code for d in item.diagnostics]
    assert "IDM106" not in codes and "IDM107" not in codes  # equations are no lost objects


def test_rtl_paragraphs_of_formats_without_direction(root: Path, tmp_path: Path) -> None:
    page = (
        "<html><body><p>An English paragraph.</p><p>שלום לכולם, ברוכים הבאים.</p>"
        "<p>مرحبا 2017 بالمهاجرين</p></body></html>"
    ).encode()
    item, written = _written(root, tmp_path, "page.html", page, title="Web")
    spans = {text(s): attributes(s) for s in find(book_blocks(body_of(written)), "Span")}
    assert spans == {
        "שלום לכולם, ברוכים הבאים.": {"dir": "rtl", "lang": "he"},
        "مرحبا 2017 بالمهاجرين": {"dir": "rtl"},
    }
    assert "2 paragraphs in a right-to-left script set right to left" in _messages(item)


# --------------------------------------------------------------------------- not kept


def test_smartart_counted_with_its_reason(root: Path, tmp_path: Path) -> None:
    item, _ = _written(root, tmp_path, "smart.docx", smartart_docx(), title="Steps")
    (warning,) = [d for d in item.diagnostics if d.code == "IDM124"]
    assert warning.message == "1 SmartArt diagram (3 words) left out: the book cannot print them"
    assert "as a list" in (warning.hint or "")


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("header.docx", only_in_header_docx, "in the page header and footer (12 words)"),
        ("scan.docx", only_pictures_docx, "in 2 pictures"),
    ],
)
def test_a_body_without_text_is_refused_naming_where_the_text_is(
    root: Path, tmp_path: Path, name: str, data: Callable[[], bytes], words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data())
    item = _ingest(root, path, title="Empty")
    assert item.status == "failed"
    (error,) = [d for d in item.diagnostics if d.severity.value == "error"]
    assert error.code == "IDM116"
    assert error.message.startswith("the document has no text in its body; what it holds is")
    assert words in error.message
    assert "typed in the body of the document" in (error.hint or "")
    assert not list((root / "contributions").glob("empty*"))
