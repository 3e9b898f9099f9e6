"""Real files from other projects' test suites, gathered under /work/corpus/files/ (or the
folder IDMBOOK_CORPUS names): each lost content, broke the book or was refused before, and
each is ingested here and its contribution read back the way the book reads it.

The corpus is not part of this repository; without it these tests are skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bookview import body_of, book_blocks, cells, find, text

from idmbook.commands.ingest import IngestOptions, ingest

CORPUS = Path(os.environ.get("IDMBOOK_CORPUS", "/work/corpus/files"))
META: dict[str, object] = {
    "title": "Corpus",
    "organisation": "Corpus Trust",
    "stakeholder_type": "civil_society",
    "workshop": "new-york",
    "themes": ["rights-wellbeing"],
    "language": "en",
    "received": dt.date(2017, 5, 2),
    "consent": True,
}


def _file(rel: str) -> Path:
    path = CORPUS / rel
    if not path.is_file():
        pytest.skip(f"{rel} is not in the corpus ({CORPUS})")
    return path


@pytest.fixture
def read(make_project: Callable[..., object], tmp_path: Path):  # type: ignore[no-untyped-def]
    root: Path = make_project().root  # type: ignore[attr-defined]

    def run(rel: str) -> tuple[object, str, list[dict[str, object]]]:
        source = _file(rel)
        copy = tmp_path / source.name
        shutil.copyfile(source, copy)
        (item,) = ingest([copy], IngestOptions(metadata=META), root).files
        assert item.status == "ingested", item.diagnostics
        written = (root / item.target).read_text("utf-8")
        for old in (root / "contributions").glob("corpus-trust*.md"):
            old.unlink()  # the next file of the test gets the same name
        return item, written, book_blocks(body_of(written))

    return run


def test_lines_of_hyphens_are_no_rules(read) -> None:  # type: ignore[no-untyped-def]
    _, _, blocks = read("plutext/docx4j/docs/developer/rFonts.docx")
    assert not find(blocks, "HorizontalRule")
    assert "----------" in [text(b) for q in find(blocks, "BlockQuote") for b in q["c"]]
    assert len(find(blocks, "Table")) == 3


def test_a_note_in_a_table_cell(read) -> None:  # type: ignore[no-untyped-def]
    _, written, blocks = read("apache/poi/test-data/document/table_footnotes.docx")
    (table,) = find(blocks, "Table")
    (note,) = find(table, "Note")
    assert text(note["c"]) == "snoska"
    assert "slove^[snoska]" in written


def test_text_of_a_simple_field_and_of_ruby(read) -> None:  # type: ignore[no-untyped-def]
    _, _, blocks = read("apache/poi/test-data/document/FldSimple.docx")
    assert text(blocks) == "FldSimple.docx"
    _, _, blocks = read("apache/poi/test-data/document/61470.docx")
    assert text(blocks) == "東京 (とうきょう)"


def test_an_english_citation_in_an_arabic_note(read) -> None:  # type: ignore[no-untyped-def]
    _, _, blocks = read("apache/poi/test-data/integration/stress011.docx")
    notes = [text(n["c"]) for n in find(blocks, "Note")]
    assert any("Apprehension of migrants in an irregular situation" in n for n in notes)


def test_libreoffice_odt_with_its_toolbars(read) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice files hold an empty Configurations2/accelerator/current.xml: 37 of the
    corpus's 75 ODT files were refused for it."""
    _, _, blocks = read("eea/odfpy/tests/examples/simpletable.odt")
    (table,) = find(blocks, "Table")
    assert cells(table)[-4:] == ["Cell 1", "Cell 2", "Cell 3 (bold)", "Cell 4 (italic)"]


def test_rtf_picture_held_as_binary(make_project: Callable[..., object], tmp_path: Path) -> None:
    """pandoc could not read the file at all ('unexpected end of input'); now it reads it, and
    the file is refused for what it is: a picture without text. (Its picture data sits in a
    group of its own, where pandoc reads none, so no picture is counted.)"""
    root: Path = make_project().root  # type: ignore[attr-defined]
    source = _file("tbluemel/rtf.js/samples/.common/data/rtf/simplepngbin.rtf")
    (item,) = ingest([source], IngestOptions(metadata=META), root).files
    (error,) = [d for d in item.diagnostics if d.severity.value == "error"]
    assert error.message.startswith("the document has no text")


def test_a_path_as_alternative_text_is_removed(read) -> None:  # type: ignore[no-untyped-def]
    _, written, blocks = read("apache/tika/.skills/file-forensics/demo/memo.docx")
    assert "tallison" not in written and "INetCache" not in written
    assert all(image["c"][1] == [] for image in find(blocks, "Image"))
    assert "This is a footnote" in text(blocks)


def test_an_openoffice_3_equation(read) -> None:  # type: ignore[no-untyped-def]
    """OpenOffice 3 wrote its equations with a DOCTYPE line: the equation was dropped as an
    unreadable part and the file refused as empty."""
    _, written, blocks = read("tdf/odftoolkit/validator/src/test/resources/math_OOo311.odt")
    assert [m["c"][1] for m in find(blocks, "Math")] == ["1 + 1"]
    assert "$$1 + 1$$" in written
