"""The Word edition as Word users expect it (issue 18, part 2), read back with python-docx and
laid out by LibreOffice: current compatibility mode, fonts Word has, no running header on the
openings, rows kept whole with repeated header rows, contents with page numbers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEFAULT_FILES, NOTE_PATHS, note_text

from idmbook.commands.build import BuildOptions, build

pytestmark = pytest.mark.slow

SERIES = "International Dialogue on Migration No. 27"
LONG_SUMMARY = "\n\n".join(
    f"Paragraph {n} of the summary. " + "The session discussed cooperation at length. " * 12
    for n in range(1, 9)
)
FILES = {
    **DEFAULT_FILES,
    NOTE_PATHS["new-york", "opening"]: note_text(
        "new-york",
        "opening",
        body=f"\n## Summary\n\n{LONG_SUMMARY}\n\n## Key messages\n\n- Cooperation matters.\n\n"
        '## Recommendations\n\n- Share data between States. {levels="national"}\n',
    ),
}


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    root = tmp_path_factory.mktemp("word")
    for rel, content in FILES.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1513209600"
    try:
        result = build(root, BuildOptions(formats=("docx",)))
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    docx = result.outputs["docx"]
    outputs = {"docx": docx}
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is not None:
        folder = tmp_path_factory.mktemp("word-pdf")
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        outputs["pdf"] = folder / (docx.stem + ".pdf")
    yield outputs


def _pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, len(PdfReader(str(pdf)).pages) + 1)
    ]


def _libreoffice(word: dict[str, Path]) -> list[str]:
    if "pdf" not in word:
        pytest.skip("LibreOffice is not installed")
    return _pages(word["pdf"])


def test_word_opens_it_in_its_current_mode_and_updates_fields(word: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    settings = Document(str(word["docx"])).settings.element
    modes = {
        s.get(qn("w:name")): s.get(qn("w:val"))
        for s in settings.findall(f"{qn('w:compat')}/{qn('w:compatSetting')}")
    }
    assert modes["compatibilityMode"] == "15"
    update = settings.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    names = [child.tag.rsplit("}", 1)[1] for child in settings]
    assert names.index("updateFields") < names.index("compat")  # the schema's order


def test_fonts_are_word_fonts_and_in_the_font_table(word: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(word["docx"]))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:rFonts')}").get(qn("w:ascii")) == "Cambria"
    assert document.styles["Heading 1"].font.name == "Calibri"
    with zipfile.ZipFile(word["docx"]) as z:
        xml = z.read("word/document.xml").decode() + z.read("word/styles.xml").decode()
        table = z.read("word/fontTable.xml").decode()
    assert "Liberation" not in xml
    assert 'w:name="Cambria"' in table and 'w:name="Calibri"' in table


def test_table_rows_do_not_split_and_header_rows_repeat(word: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(word["docx"]))
    assert document.tables
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_openings_have_no_running_header_in_libreoffice(word: dict[str, Path]) -> None:
    pages = _libreoffice(word)
    chapters = ["Foreword", "Key recommendations", "Supplementary materials: New York workshop"]
    openings = [
        n
        for n, page in enumerate(pages)
        if any(re.match(rf"\s*{c}\s*$", page, re.M) for c in chapters)
    ]
    contents = next(n for n, page in enumerate(pages) if re.match(r"\s*Contents\s*$", page, re.M))
    imprint = next(n for n, page in enumerate(pages) if "All rights reserved" in page)

    def header(page: str) -> str:
        return next((line.strip() for line in page.splitlines() if line.strip()), "")

    for n in [imprint, contents, *openings]:
        assert header(pages[n]) != SERIES, n
    # the pages after an opening carry it (the long summary fills more than one page)
    following = [n for n in range(len(pages)) if n not in (0, imprint, contents, *openings)]
    assert any(header(pages[n]) == SERIES for n in following)
    # page numbers are printed on the openings too (their footer is the body's)
    assert re.search(r"^\s*\d+\s*$", pages[openings[0]], re.M)


def test_contents_shows_page_numbers_in_libreoffice(word: dict[str, Path]) -> None:
    pages = _libreoffice(word)
    contents = next(n for n, page in enumerate(pages) if re.match(r"\s*Contents\s*$", page, re.M))
    entry = re.search(r"^\s*Key recommendations\.*\s*(\d+)\s*$", pages[contents], re.M)
    assert entry is not None, pages[contents]
    printed = int(entry.group(1))
    # the number is that of the page the chapter opens on (as the footer numbers it)
    opening = next(
        page
        for page in pages
        if re.match(r"\s*Key recommendations\s*$", page, re.M) and page is not pages[contents]
    )
    assert re.search(rf"^\s*{printed}\s*$", opening, re.M), opening
