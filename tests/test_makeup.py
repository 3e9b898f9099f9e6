"""Page make-up as a publications unit signs it off (issue 18, part 1), asserted on the built
DOCX and PDF: tables without empty columns and with widths from their content, countries said
once, typographic quotes in generated words, annex titles, recommendations kept with their
attribution and bylines with their text."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONFIG, DEFAULT_FILES, NOTE_PATHS, built_outputs, contribution_text, note_text

from idmbook.compose.tables import column_widths
from idmbook.compose.typography import smarten

NBSP = "\u00a0"

RECOMMENDATIONS = "".join(
    f"- Recommendation REC{n:02d}: States should cooperate on migration data, on the protection "
    "of migrants in vulnerable situations, on labour mobility and on return and reintegration, "
    "with every level of government and with the stakeholders that carry the work, so that the "
    "compact's commitments are followed in practice and reported on every year. "
    '{levels="national"}\n'
    for n in range(1, 31)
)

ANNEX = """\
---
title: "Background: concept note of the dialogue"
part: annex
order: 1
---

The concept note of the dialogue.
"""

FILES: dict[str, str] = {
    **DEFAULT_FILES,
    "idmbook.yaml": CONFIG.replace(
        "title: Understanding migrant vulnerabilities",
        "title: Understanding migrants' vulnerabilities",
    ).replace(
        "      - id: opening\n        order: 0\n        title: Opening session\n      - id: sdg",
        "      - id: opening\n        order: 0\n        title: Opening session\n"
        '        date: 2017-04-18\n        time: "10:00-11:00"\n      - id: sdg',
    ),
    NOTE_PATHS["new-york", "sdg-targets"]: note_text(
        "new-york",
        "sdg-targets",
        "[safe-orderly-regular, nyd-v]",
        body="\n## Summary\n\nThe session met.\n\n## Key messages\n\n- Data matter.\n\n"
        f"## Recommendations\n\n{RECOMMENDATIONS}",
    ),
    "contributions/agadez.md": contribution_text("Conseil régional d'Agadez (Niger)")
    .replace("country: CA", "country: NE")
    .replace("language: en", "language: fr"),
    "contributions/dakar.md": contribution_text("Association des migrants de retour (Sénégal)")
    .replace("country: CA", "country: SN")
    .replace("language: en", "language: fr"),
    "chapters/annex-background.md": ANNEX,
}


def _build(root: Path, language: str | None = None) -> dict[str, Path]:
    return built_outputs(root, ("docx", "pdf"), language)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Path]]]:
    root = tmp_path_factory.mktemp("makeup")
    for rel, content in FILES.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    yield {"en": _build(root), "fr": _build(root, "fr")}


def _pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    count = len(PdfReader(str(pdf)).pages)
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# ------------------------------------------------------------------ unit


def test_smarten_sets_quotes_for_each_language() -> None:
    assert smarten("l'Organisation d'un \"pacte\"", "fr") == (
        f"l’Organisation d’un «{NBSP}pacte{NBSP}»"
    )
    assert smarten('the migrants\' "voice"', "en") == "the migrants’ “voice”"
    assert smarten('el "pacto"', "es") == "el «pacto»"
    assert smarten("no quotes", "en") == "no quotes"


def test_column_widths_follow_the_content() -> None:
    header = ["Date", "Time", "Session"]
    rows = [["18 April 2017", "10\\:00–11\\:00", "Implementing the migration-related targets " * 2]]
    date, time, session = column_widths(header, rows)
    assert session > 2 * (date + time) // 2 and session > 50
    assert date >= len("18 April 2017") and time >= len("10:00–11:00")
    assert sum((date, time, session)) > 80  # pandoc then reads the dashes as widths


# ------------------------------------------------------------------ the built books


@pytest.mark.slow
def test_agenda_has_no_empty_column_and_a_wide_session_column(
    books: dict[str, dict[str, Path]],
) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(books["en"]["docx"]))
    agendas = [t for t in document.tables if t.rows[0].cells[0].text == "Date"]
    assert len(agendas) == 1  # the Geneva workshop gives no dates nor times: only sessions
    assert [[c.text for c in t.rows[0].cells] for t in document.tables].count(["Session"]) == 1
    for table in agendas:
        assert [c.text for c in table.rows[0].cells] == ["Date", "Time", "Session"]
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[2] > 2 * grid[0] and grid[2] > 2 * grid[1], grid
    assert agendas[0].rows[1].cells[1].text == "10:00–11:00"
    text = "".join(_pages(books["en"]["pdf"]))
    assert "Chairs" not in text


@pytest.mark.slow
def test_a_country_the_organisation_names_is_not_printed_again(
    books: dict[str, dict[str, Path]],
) -> None:
    for language in ("en", "fr"):
        docx_text = _docx_text(books[language]["docx"])
        pdf_text = "".join(_pages(books[language]["pdf"]))
        for text in (docx_text, pdf_text):
            assert "(Niger) (Niger)" not in text and "(Sénégal) (Senegal)" not in text
            assert "(Sénégal) (Sénégal)" not in text and "(Niger), Niger" not in text
            assert "Agadez (Niger)" in text
        # a country the name does not give is still printed
        assert "City of Montreal (Canada)" in docx_text


@pytest.mark.slow
def test_generated_words_and_metadata_have_typographic_quotes(
    books: dict[str, dict[str, Path]],
) -> None:
    from docx import Document

    french = Document(str(books["fr"]["docx"]))
    generated = [
        p.text
        for p in french.paragraphs
        if p.style is not None and (p.style.name.startswith("Heading") or p.style.name == "Imprint")
    ]
    imprint = [p for p in generated if "opinions exprimées" in p]
    assert imprint and "n’engagent" in imprint[0] and "n'engagent" not in imprint[0]
    assert "Réduire l’incidence et les effets des migrations forcées et irrégulières" in generated
    assert not [p for p in generated if "'" in p and "Agadez" not in p]
    english = Document(str(books["en"]["docx"]))
    headings = [p.text for p in english.paragraphs if p.style.name.startswith("Heading")]
    assert "Understanding migrants’ vulnerabilities" in _docx_text(books["en"]["docx"])
    assert not [h for h in headings if "'" in h]
    pdf_text = "".join(_pages(books["en"]["pdf"]))
    assert "migrants’ vulnerabilities" in pdf_text and "migrants' vulnerabilities" not in pdf_text


@pytest.mark.slow
def test_an_annex_title_with_a_colon_is_not_given_a_second_one(
    books: dict[str, dict[str, Path]],
) -> None:
    from docx import Document

    headings = [
        p.text for p in Document(str(books["en"]["docx"])).paragraphs if p.style.name == "Heading 1"
    ]
    assert "Annex I – Background: concept note of the dialogue" in headings
    assert "Annex II: List of stakeholder contributions" in headings
    assert not [h for h in headings if h.startswith("Annex I: Background")]
    french = [
        p.text for p in Document(str(books["fr"]["docx"])).paragraphs if p.style.name == "Heading 1"
    ]
    assert f"Annexe II{NBSP}: Liste des contributions des parties prenantes" in french


@pytest.mark.slow
def test_a_recommendation_stays_on_the_page_of_its_attribution(
    books: dict[str, dict[str, Path]],
) -> None:
    pages = _pages(books["en"]["pdf"])
    kept = [p for p in pages if "REC" in p]
    assert len(kept) >= 2  # thirty long recommendations take several pages
    for page in kept:
        starts = len(re.findall(r"REC\d\d", page))
        attributions = len(re.findall(r"New York workshop: Implementing", page))
        assert starts == attributions, page


@pytest.mark.slow
def test_docx_keeps_recommendations_and_bylines_with_what_follows(
    books: dict[str, dict[str, Path]],
) -> None:
    from docx import Document

    paragraphs = Document(str(books["en"]["docx"])).paragraphs
    texts = [p.text for p in paragraphs]
    recommendation = texts.index(next(t for t in texts if "REC07" in t))
    attribution = paragraphs[recommendation + 1]
    assert attribution.text.startswith("New York workshop: Implementing")
    assert paragraphs[recommendation].paragraph_format.keep_with_next is True
    assert paragraphs[recommendation].paragraph_format.keep_together is True
    assert attribution.paragraph_format.keep_together is True
    assert not attribution.paragraph_format.keep_with_next  # the next one may go on a new page
    bylines = [p for p in paragraphs if p.text.startswith(("Rapporteur: ", "Geneva workshop, "))]
    assert bylines and all(p.paragraph_format.keep_with_next for p in bylines)
