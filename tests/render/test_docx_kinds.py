"""Every kind of block and inline a Markdown source or an ingested document can give, in the
Word edition: set in the house style, kept through the finishing step, read back with
python-docx/lxml and, where it matters, opened by LibreOffice.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import DEFAULT_FILES, contribution_text
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from test_docx import TEMPLATES, make_meta, markdown_ast, tiny_png

from idmbook.commands.build import BuildOptions, build
from idmbook.pandoc.ast import ast_bytes
from idmbook.pandoc.run import run_pandoc
from idmbook.render.docx import render_docx
from idmbook.render.docx.prepare import prepare_ast

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

KINDS = """\
# Every kind

Text with [small caps]{.smallcaps}, "double quotes" and 'single ones', a [marked
passage]{#passage-mark} and [ein "Zitat" auf Deutsch]{lang=de}.

Inline math $\\frac{a}{b} + \\sqrt{x^2}$ and display:

$$\\sum_{i=1}^{n} x_i = \\int_0^1 f(t)\\,dt$$

---

Term one
:   Definition of term one.

Term two
:   Definition of term two.

| The Lord of the Rings
|    by J.R.R. Tolkien

::: {lang=fr}
Un texte « déjà » cité et un "autre".[^fr]

[^fr]: Une note en français.
:::

::: {lang=ar}
معادلة في حاشية.[^ar]

[^ar]: الحاشية $E = mc^2$ بالعربية.
:::
"""


def paragraphs(document: Any) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def package_part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return parse_xml(package.read(name))


@pytest.fixture(scope="module")
def kinds_bytes() -> bytes:
    return render_docx(markdown_ast(KINDS), make_meta(), TEMPLATES)


@pytest.fixture(scope="module")
def kinds(kinds_bytes: bytes) -> Any:
    return docx.Document(io.BytesIO(kinds_bytes))


def test_rules_definitions_and_line_blocks_in_the_house_style(kinds: Any) -> None:
    body = kinds.element.body
    rules = [p for p in kinds.paragraphs if p.style.name == "Horizontal Rule"]
    assert len(rules) == 1 and rules[0].text == ""
    assert not list(body.iter("{urn:schemas-microsoft-com:vml}rect"))  # pandoc's VML line
    rule_style = kinds.styles["Horizontal Rule"]
    assert rule_style.element.pPr.find(f"{W}pBdr/{W}bottom") is not None
    assert rule_style.paragraph_format.left_indent > 0  # a short centred rule
    found = paragraphs(kinds)
    assert ("Definition Term", "Term one") in found
    assert ("Definition", "Definition of term one.") in found
    assert kinds.styles["Definition"].paragraph_format.left_indent > 0
    [block] = [p for p in kinds.paragraphs if p.text.startswith("The Lord")]
    assert block.text == "The Lord of the Rings\n\u00a0\u00a0\u00a0by J.R.R. Tolkien"


def test_small_caps_quotes_bookmarks_and_languages(kinds: Any) -> None:
    body = kinds.element.body
    [small] = [r for r in body.iter(f"{W}r") if text_of(r) == "small caps"]
    assert small.find(f"{W}rPr/{W}smallCaps") is not None
    text = "\n".join(p.text for p in kinds.paragraphs)
    assert "\u201cdouble quotes\u201d and \u2018single ones\u2019" in text  # the book's English
    assert "Un texte « déjà » cité et un «\u00a0autre\u00a0»." in text  # French marks
    assert "ein \u201eZitat\u201c auf Deutsch" in text
    german = [r for r in body.iter(f"{W}r") if "Zitat" in text_of(r)]
    assert german and all(r.find(f"{W}rPr/{W}lang").get(qn("w:val")) == "de" for r in german)
    names = {b.get(qn("w:name")) for b in body.iter(f"{W}bookmarkStart")}
    assert {"passage-mark", "every-kind"} <= names


def test_math_is_a_word_equation_in_the_text_and_in_a_right_to_left_note(
    kinds: Any, kinds_bytes: bytes
) -> None:
    body = kinds.element.body
    inline = [m for m in body.iter(f"{M}oMath") if m.getparent().tag == f"{W}p"]
    display = list(body.iter(f"{M}oMathPara"))
    assert inline and display
    assert "".join(t.text for t in inline[0].iter(f"{M}t")) == "ab+x2"
    assert {c.get(f"{M}val") for c in display[0].iter(f"{M}chr")} == {"∑", "∫"}
    notes = package_part(kinds_bytes, "word/footnotes.xml")
    [note] = [n for n in notes.iter(f"{W}footnote") if "الحاشية" in text_of(n)]
    assert "".join(t.text for t in note.iter(f"{M}t")) == "E=mc2"
    paragraph = note.find(f"{W}p")
    assert paragraph.find(f"{W}pPr/{W}bidi") is not None
    assert paragraph.find(f".//{W}footnoteRef") is not None


def test_the_finishing_step_keeps_notes_tables_math_bookmarks_and_pictures(tmp_path: Path) -> None:
    """What pandoc wrote is all in the finished DOCX: the same notes with the same text, the
    same tables inside tables, equations, bookmarks and pictures."""
    picture = tmp_path / "chart.png"
    picture.write_bytes(tiny_png())
    source = KINDS + NESTED + "\n![A chart of arrivals](media/chart.png){#fig:chart}\n"
    ast = markdown_ast(source)
    meta = make_meta(images={"media/chart.png": picture})
    finished = render_docx(ast, meta, TEMPLATES)
    staging = tmp_path / "stage"
    staging.mkdir()
    shutil.copy(TEMPLATES / "reference.docx", staging / "reference.docx")
    (staging / "media").mkdir()
    shutil.copy(picture, staging / "media" / "chart.png")
    raw = run_pandoc(
        ["-f", "json", "-t", "docx", "--reference-doc=reference.docx", "-o", "-"],
        ast_bytes(prepare_ast(ast, meta)),
        cwd=staging,
    )
    counted = [
        f"{W}footnoteReference",
        f"{W}tbl",
        f"{M}oMath",
        f"{W}bookmarkStart",
        f"{W}drawing",
    ]
    before = package_part(raw, "word/document.xml")
    after = package_part(finished, "word/document.xml")
    for tag in counted:
        assert len(list(after.iter(tag))) == len(list(before.iter(tag))) > 0, tag
    nested = [t for t in after.iter(f"{W}tbl") if t.getparent().tag == f"{W}tc"]
    assert len(nested) == 1
    notes_before = package_part(raw, "word/footnotes.xml")
    notes_after = package_part(finished, "word/footnotes.xml")
    texts_before = [text_of(n) for n in notes_before.iter(f"{W}footnote")]
    assert [text_of(n) for n in notes_after.iter(f"{W}footnote")] == texts_before
    assert len(list(notes_after.iter(f"{M}oMath"))) == 1
    captions = [p for p in docx.Document(io.BytesIO(finished)).paragraphs if p.text]
    assert ("Image Caption", "A chart of arrivals") in [(p.style.name, p.text) for p in captions]


NESTED = """
+--------------+---------------------------+
| Cell         | Content                   |
+==============+===========================+
| a list       | - one                     |
|              | - two[^cell]              |
+--------------+---------------------------+
| nested       | +-------+-------+         |
|              | | a     | b     |         |
|              | +=======+=======+         |
|              | | c[^n] | d     |         |
|              | +-------+-------+         |
+--------------+---------------------------+

  -------------------------------------------------------------
  Note                           Country
  ------------------------------ ------------------------------
  A cell with a fine note.[^m]   Mexico

  Plain                          Canada
  -------------------------------------------------------------

[^cell]: The note in a list in a cell.
[^n]: The note in a nested table.
[^m]: The note in a multiline table.
"""
CELL_NOTES = {
    "onetwo": "The note in a list in a cell.",
    "c": "The note in a nested table.",
    "A cell with a fine note.": "The note in a multiline table.",
}


@pytest.fixture(scope="module")
def tables_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tables")
    files = {**DEFAULT_FILES, "contributions/montreal.md": contribution_text(body=NESTED)}
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(content), "utf-8")
    result = build(root, BuildOptions(formats=("docx",), cache=False))
    return result.outputs["docx"]


@pytest.mark.slow
def test_notes_in_table_cells_of_a_contribution_are_word_footnotes(tables_book: Path) -> None:
    """A submitted text's notes in a list in a grid table, in a table in a table and in a
    multiline table: each reference is in its cell, each note in footnotes.xml with its text
    (the labels the book renames used to push the table apart: no table, or no note)."""
    data = tables_book.read_bytes()
    body = package_part(data, "word/document.xml")
    notes = {
        n.get(qn("w:id")): text_of(n).strip()
        for n in package_part(data, "word/footnotes.xml").iter(f"{W}footnote")
    }
    for cell_text, note_text in CELL_NOTES.items():
        cells = [c for c in body.iter(f"{W}tc") if text_of(c).strip() == cell_text]
        assert len(cells) == 1, cell_text
        [reference] = cells[0].iter(f"{W}footnoteReference")
        assert notes[reference.get(qn("w:id"))] == note_text
    [list_cell] = [c for c in body.iter(f"{W}tc") if text_of(c).strip() == "onetwo"]
    assert len(list(list_cell.iter(f"{W}numPr"))) == 2  # a real list, in its cell
    inner = [t for t in body.iter(f"{W}tbl") if t.getparent().tag == f"{W}tc"]
    assert len(inner) == 1 and "[^" not in text_of(body)


@pytest.mark.slow
def test_libreoffice_shows_notes_in_cells_and_equations(
    tables_book: Path, kinds_bytes: bytes, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and pdftotext are not installed (.ci/run installs them)")
    kinds_file = tmp_path / "kinds.docx"
    kinds_file.write_bytes(kinds_bytes)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tables_book), str(kinds_file)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip

    def pdf_text(name: str) -> str:
        pdf = tmp_path / name
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
        ).stdout.decode()

    tables = " ".join(pdf_text(tables_book.stem + ".pdf").split())
    for note in CELL_NOTES.values():
        assert note in tables
    kinds = " ".join(pdf_text("kinds.pdf").split())
    assert "Definition of term one." in kinds
    # LibreOffice draws Word equations with its Math module (libreoffice-math-nogui)
    assert "√ x 2" in kinds, "no equation: LibreOffice's Math module is libreoffice-math-nogui"
    assert "∑" in kinds and "∫" in kinds
