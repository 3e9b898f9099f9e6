"""The editorial apparatus (issue 18, part 3): numbered figures and tables, the same in the
DOCX, the PDF and the HTML and in the book's language, cross-references that print the number
and link to it, and a reference to nothing reported by validate on its line."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import (
    CHAPTER,
    DEFAULT_FILES,
    NOTE_PATHS,
    ProjectDir,
    built_outputs,
    note_text,
    triples,
)

from idmbook.commands.build import BuildOptions, build

FOREWORD = (
    CHAPTER
    + """
| Year | Migrants |
|------|---------:|
| 2015 | 244 |

: International migrants, millions {#tbl-stock}

| a | b |
|---|---|
| 1 | 2 |

| Region | Share |
|--------|------:|
| Asia   | 31 |

: Migrants by region {#tbl-region}

As @tbl-stock shows, and @tbl-region too; see @sec-scope.

## Scope {#sec-scope}

The scope of the book.
"""
)


def _build(root: Path, language: str | None) -> dict[str, Path]:
    return built_outputs(root, ("docx", "pdf", "html"), language)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Path]]]:
    root = tmp_path_factory.mktemp("apparatus")
    for rel, content in {**DEFAULT_FILES, "chapters/foreword.md": FOREWORD}.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    yield {language: _build(root, language) for language in ("en", "fr", "es")}


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
def test_tables_are_numbered_alike_in_every_format(books: dict[str, dict[str, Path]]) -> None:
    from docx import Document

    nbsp = "\u00a0"
    for language, word, sep in (
        ("en", "Table", ": "),
        ("fr", "Tableau", f"{nbsp}: "),
        ("es", "Cuadro", ": "),
    ):
        outputs = books[language]
        captions = [
            p.text
            for p in Document(str(outputs["docx"])).paragraphs
            if p.style.name == "Table Caption"
        ]
        first = f"{word}{nbsp}1{sep}International migrants, millions"
        second = (
            f"{word}{nbsp}2{sep}Migrants by region"  # the table without a caption has no number
        )
        assert captions == [first, second]
        pdf = " ".join(_pdf_text(outputs["pdf"]).split())
        html = outputs["html"].read_text("utf-8")
        for text in (pdf, " ".join(html.replace("<strong>", "").replace("</strong>", "").split())):
            assert " ".join(first.split()) in text.replace(nbsp, " ").replace("&#160;", " ")
            assert f"{word} 3" not in text.replace(nbsp, " ")


@pytest.mark.slow
def test_references_print_the_number_and_link_to_it(books: dict[str, dict[str, Path]]) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from pypdf import PdfReader

    outputs = books["en"]
    document = Document(str(outputs["docx"]))
    paragraph = next(p for p in document.paragraphs if "shows, and" in p.text)
    assert paragraph.text == "As Table\u00a01 shows, and Table\u00a02 too; see Scope."
    anchors = [h.get(qn("w:anchor")) for h in paragraph._p.iter(qn("w:hyperlink"))]
    assert anchors == ["tbl-stock", "tbl-region", "sec-scope"]
    html = outputs["html"].read_text("utf-8")
    assert (
        '<a href="#tbl-stock">Table&#160;1</a>' in html
        or '<a href="#tbl-stock">Table\u00a01</a>' in html
    )
    assert 'id="tbl-stock"' in html
    # the PDF's references are links to places in the document
    internal = 0
    for page in PdfReader(str(outputs["pdf"])).pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            goto = "/A" in link and link["/A"].get("/S") == "/GoTo"
            if link.get("/Subtype") == "/Link" and ("/Dest" in link or goto):
                internal += 1
    assert internal >= 3
    text = " ".join(_pdf_text(outputs["pdf"]).split())
    assert "As Table 1 shows, and Table 2 too; see Scope." in text.replace("\u00a0", " ")
    assert "@tbl" not in text


def test_a_reference_to_nothing_is_an_error_on_its_line(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project(
        {
            "chapters/foreword.md": CHAPTER + "\nSee @fig-missing, and [the table](#tbl-gone).\n\n"
            "```\n@fig-in-code is not a reference\n```\n\n"
            ": A caption {#tbl-here}\n\nAnd @tbl-here is fine.\n"
        }
    )
    report = project.validate()
    found = {t for t in triples(report) if t[1] == "IDM128"}
    assert found == {
        ("chapters/foreword.md", "IDM128", 9, 5),
        ("chapters/foreword.md", "IDM128", 9, 33),  # the link's "]("
    }


NOTE_WITH_FOOTNOTES = note_text(
    "new-york",
    "opening",
    body="\n## Summary\n\nThe session opened the workshop.\n\n"
    "## Key messages\n\n- Cooperation matters.[^km]\n\n"
    '## Recommendations\n\n- Share data between States.[^r1] {levels="national"}\n'
    "- Involve local authorities.\n\n"
    "[^r1]: Under target 17.18 of the 2030 Agenda.\n"
    "[^km]: As the opening speakers said.\n",
)


@pytest.mark.slow
def test_footnotes_of_recommendations_and_key_messages_in_every_format(
    make_project: Callable[..., ProjectDir],
) -> None:
    import zipfile

    project = make_project({NOTE_PATHS["new-york", "opening"]: NOTE_WITH_FOOTNOTES})
    report = project.validate()
    assert not report.diagnostics, [(d.code, d.line, d.message) for d in report.diagnostics]
    outputs = _build(project.root, None)
    with zipfile.ZipFile(outputs["docx"]) as z:
        notes = z.read("word/footnotes.xml").decode()
        body = z.read("word/document.xml").decode()
    pdf = " ".join(_pdf_text(outputs["pdf"]).split())
    html = outputs["html"].read_text("utf-8")
    for text in ("Under target 17.18 of the 2030 Agenda.", "As the opening speakers said."):
        assert text in notes and text in pdf and text in html
    for output in (body, pdf, html):
        assert "[^" not in output
    assert re.search(r"Share data between States\.\s?\d", pdf)  # its mark beside its text


ACRONYMS = """\
IOM:
  en: International Organization for Migration
  fr: Organisation internationale pour les migrations
  es: Organización Internacional para las Migraciones
SDG: Sustainable Development Goal
UNUSED: Never used in the book
"""
ACRONYM_CHAPTER = CHAPTER + "\nThe IOM works towards the SDGs, with UNHCR. Annex II is not one.\n"


def test_acronyms_used_and_listed_are_compared(make_project: Callable[..., ProjectDir]) -> None:
    project = make_project({"acronyms.yaml": ACRONYMS, "chapters/foreword.md": ACRONYM_CHAPTER})
    found = {t for t in triples(project.validate()) if t[1] in ("IDM129", "IDM130", "IDM131")}
    assert found == {
        ("chapters/foreword.md", "IDM130", 9, 38),  # UNHCR
        ("acronyms.yaml", "IDM131", 6, 1),  # UNUSED
    }
    project.write("acronyms.yaml", "IOM: [not, text]\n")
    found = {t for t in triples(project.validate()) if t[1] == "IDM129"}
    assert found == {("acronyms.yaml", "IDM129", 1, 1)}


@pytest.mark.slow
def test_the_list_of_acronyms_is_in_the_front_matter(
    make_project: Callable[..., ProjectDir],
) -> None:
    from docx import Document

    project = make_project(
        {
            "acronyms.yaml": ACRONYMS.replace("UNUSED: Never used in the book\n", "")
            + "UNHCR: Office of the United Nations High Commissioner for Refugees\n",
            "chapters/foreword.md": ACRONYM_CHAPTER,
        }
    )
    english = _build(project.root, None)
    french = _build(project.root, "fr")
    document = Document(str(english["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Acronyms", "Foreword"]
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows == [
        ["Acronym", "Expansion"],
        ["IOM", "International Organization for Migration"],
        ["SDG", "Sustainable Development Goal"],
        ["UNHCR", "Office of the United Nations High Commissioner for Refugees"],
    ]
    pdf = " ".join(_pdf_text(french["pdf"]).split())
    assert "Sigles et acronymes" in pdf
    assert "IOM Organisation internationale pour les migrations" in pdf
    assert "SDG Sustainable Development Goal" in pdf  # one expansion for every language


@pytest.mark.slow
def test_a_changed_list_of_acronyms_rebuilds(make_project: Callable[..., ProjectDir]) -> None:
    project = make_project({"acronyms.yaml": "IOM: International Organization for Migration\n"})
    assert not build(project.root, BuildOptions(formats=("docx",))).up_to_date
    assert build(project.root, BuildOptions(formats=("docx",))).up_to_date
    project.write("acronyms.yaml", "IOM: The International Organization for Migration\n")
    assert not build(project.root, BuildOptions(formats=("docx",))).up_to_date
