"""This repository's own book, built in every mode the project ships it in, read back.

``make draft`` (a watermarked release draft), ``make release`` (``--final``), the French and
Spanish editions (``--lang fr``, ``--lang es``), and every format (DOCX, PDF, HTML). Each mode is
built once for the module, into a temporary folder, without the project's cache; the tests then
read what a reader, a screen reader and Word would: pdftotext, the PDF's tagged structure,
python-docx.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from pdf_reading import Tagged, flat, language_of, pdftotext, tagged

from idmbook.commands.build import BuildOptions, build

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@dataclass
class Built:
    outputs: dict[str, Path]
    pdf: bytes
    text: str
    structure: Tagged


def _build(tmp: Path, options: BuildOptions) -> Built:
    options = dataclasses.replace(options, out=tmp, cache=False, force=True)
    result = build(ROOT, options)
    pdf = result.outputs["pdf"].read_bytes()
    return Built(result.outputs, pdf, pdftotext(pdf), tagged(pdf))


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("draft"), BuildOptions(draft=True))


@pytest.fixture(scope="module")
def final(tmp_path_factory: pytest.TempPathFactory) -> Built:
    options = BuildOptions(final=True, formats=("docx", "pdf", "html"))
    return _build(tmp_path_factory.mktemp("final"), options)


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("fr"), BuildOptions(language="fr", formats=("pdf",)))


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("es"), BuildOptions(language="es", formats=("pdf",)))


CHAPTERS_EN = [
    "Foreword",
    "Introduction",
    "Facilitating safe, orderly and regular migration",
    "Protecting the rights and well-being of migrants",
    "Key recommendations",
]


def headings(built: Built) -> list[str]:
    return [e.text for e in built.structure.elements("H1")]


# ---------------------------------------------------------------- draft (make draft, CI)


def test_the_draft_builds_with_its_chapters(draft: Built) -> None:
    assert set(draft.outputs) == {"docx", "pdf"}
    found = headings(draft)
    assert [h for h in CHAPTERS_EN if h in found] == CHAPTERS_EN
    body = flat(draft.text)
    assert "Facilitating safe, orderly and regular migration" in body
    assert "Key recommendations" in body


def test_the_draft_watermark_is_on_every_page_and_outside_the_structure(draft: Built) -> None:
    pages = len(draft.text.split("\f")) - 1
    assert draft.structure.artifacts.count("DRAFT") == pages
    shown = [text.strip() for e in draft.structure.elements() for text, _ in e.direct]
    assert "DRAFT" not in shown, "the watermark is in no structure element"
    assert draft.structure.untagged == []


def test_the_drafts_lists_hold_only_list_items(draft: Built) -> None:
    """The failure this mode had: a list crossing a page, with the watermark drawn inside it
    (PDF/UA-1: 'invalid list (L) structure')."""
    lists = draft.structure.elements("L")
    assert len(lists) > 20
    for element in lists:
        assert set(element.kids) <= {"LI", "Caption"}, element.text[:80]


def test_the_draft_docx_has_the_chapters(draft: Built) -> None:
    document = Document(str(draft.outputs["docx"]))
    texts = {p.text for p in document.paragraphs}
    assert {"Foreword", "Key recommendations"} <= texts


# ---------------------------------------------------------------- final (make release)


def test_the_final_edition_builds_every_format(final: Built) -> None:
    assert set(final.outputs) == {"docx", "pdf", "html"}
    assert "DRAFT" not in final.structure.artifacts
    assert "DRAFT" not in final.text.replace("\n", "").replace(" ", "")
    found = headings(final)
    assert [h for h in CHAPTERS_EN if h in found] == CHAPTERS_EN
    page = html.unescape(final.outputs["html"].read_text("utf-8"))
    assert all(h in page for h in CHAPTERS_EN)
    assert 'data-source="contributions/' in page, "the marks of the sources, as data"
    assert "data-src" not in page, "pandoc's HTML writer would embed the file it names"
    document = Document(str(final.outputs["docx"]))
    assert {"Foreword", "Key recommendations"} <= {p.text for p in document.paragraphs}


def test_the_final_pdf_declares_pdf_ua(final: Built) -> None:
    assert re.search(rb"pdfuaid:part(>|=\")1", final.pdf)


def test_notes_in_other_languages_are_tagged_with_them(final: Built) -> None:
    notes = {n.text: n for n in final.structure.elements("Note")}
    french = next(n for t, n in notes.items() if "Chiffres fictifs" in t)
    spanish = next(n for t, n in notes.items() if "El programa de trabajadores" in t)
    english = next(n for t, n in notes.items() if "The two Protocols" in t)
    assert language_of(french, "Chiffres fictifs") == "fr"
    assert language_of(spanish, "El programa de trabajadores") == "es"
    assert language_of(english, "The two Protocols") == "en"


# ---------------------------------------------------------------- French and Spanish editions


def test_the_french_edition(french: Built) -> None:
    assert french.structure.root.lang == "fr"
    found = headings(french)
    assert "Table des matières" in found
    assert "Faciliter des migrations sûres, ordonnées et régulières" in found
    notes = french.structure.elements("Note")
    english = next(n for n in notes if "The two Protocols" in n.text)
    assert language_of(english, "The two Protocols") == "en", "an English note of a French book"
    french_note = next(n for n in notes if "Chiffres fictifs" in n.text)
    assert language_of(french_note, "Chiffres fictifs") == "fr"
    foreword = next(p for p in french.structure.elements("P") if "New York Declaration" in p.text)
    assert language_of(foreword, "New York Declaration") == "en", "English chapters stay English"


def test_the_spanish_edition(spanish: Built) -> None:
    assert spanish.structure.root.lang == "es"
    found = headings(spanish)
    assert any("migraci" in h for h in found), found
    notes = spanish.structure.elements("Note")
    french_note = next(n for n in notes if "Chiffres fictifs" in n.text)
    assert language_of(french_note, "Chiffres fictifs") == "fr"
    assert "Chiffres fictifs" in flat(spanish.text)
