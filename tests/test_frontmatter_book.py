"""The series' front and back matter (issue 18, part 4): the imprint's mission, contact and
suggested citation with ISSN, ISBN and e-ISBN in every format and language, the imprint at the
head of the HTML edition, and a back cover."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONFIG, DEFAULT_FILES

from idmbook.commands.build import BuildOptions, build

pytestmark = pytest.mark.slow

PUBLISHER = """\
publisher:
  name: International Organization for Migration
  email: hq@iom.int
  phone: +41 22 717 9111
  mission: >-
    The publisher's mission is set out here, as its editors wrote it.
  address:
"""
FILES = {
    **DEFAULT_FILES,
    "idmbook.yaml": CONFIG.replace(
        "publisher:\n  name: International Organization for Migration\n  address:\n", PUBLISHER
    ).replace("year: 2017\n", "year: 2017\nisbn: 978-92-9068-000-0\neisbn: 978-92-9068-001-7\n"),
}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Path]]]:
    root = tmp_path_factory.mktemp("front")
    for rel, content in FILES.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1513209600"
    try:
        out = {}
        for language in ("en", "fr", "es"):
            result = build(root, BuildOptions(formats=("docx", "pdf", "html"), language=language))
            assert not result.report.has_errors, [d.message for d in result.report.diagnostics]
            out[language] = result.outputs
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    yield out


def _pdf_pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    pages = []
    for number in range(1, len(PdfReader(str(pdf)).pages) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append(" ".join(text.split()))
    return pages


CITATION = {
    "en": "Suggested citation: International Organization for Migration (2017). Strengthening",
    "fr": "Citation suggérée",
    "es": "Cita sugerida: International Organization for Migration (2017).",
}
ISBN = {
    "en": "ISBN 978-92-9068-000-0 e-ISBN 978-92-9068-001-7",
    "fr": "ISBN (version électronique) 978-92-9068-001-7",
    "es": "ISBN (edición electrónica) 978-92-9068-001-7",
}


def test_imprint_has_mission_contact_citation_and_numbers(
    books: dict[str, dict[str, Path]],
) -> None:
    from docx import Document

    for language, outputs in books.items():
        imprint = " ".join(
            p.text for p in Document(str(outputs["docx"])).paragraphs if p.style.name == "Imprint"
        )
        pdf = _pdf_pages(outputs["pdf"])[1]  # the imprint is the back of the cover
        html = " ".join(outputs["html"].read_text("utf-8").replace("\u00a0", " ").split())
        for text in (" ".join(imprint.replace("\u00a0", " ").split()), pdf.replace("\u00a0", " ")):
            assert "The publisher’s mission is set out here, as its editors wrote it." in text
            assert "+41 22 717 9111, hq@iom.int" in text
            assert CITATION[language] in text
            # (the PDF's text extraction may run words of the line together)
            assert ISBN[language].replace(" ", "") in text.replace(" ", "")
            assert "ISSN 1726-2224" in text
        # the HTML edition opens with the same imprint
        assert '<div id="imprint" class="imprint" role="doc-colophon">' in html
        assert html.index("ISSN 1726-2224") < html.index('id="chapter-foreword')
        assert ISBN[language] in html


def test_the_pdf_ends_with_a_back_cover(books: dict[str, dict[str, Path]]) -> None:
    last = _pdf_pages(books["en"]["pdf"])[-1]
    assert last.startswith("International Dialogue on Migration No. 27")
    # (the publisher's block and the numbers stand in two columns under the name and the year)
    assert "International Organization for Migration 17 route des Morillons" in last
    assert "2017 ISBN 978-92-9068-000-0 e-ISBN 978-92-9068-001-7 ISSN 1726-2224" in last
