"""The covers of the series (issue 18, part 3): the publisher's logo and a cover photograph
declared in idmbook.yaml, checked by validate and counted among the build's inputs; ISBN and
e-ISBN in the PDF's and the Word file's properties; a back cover in both; the print edition
whose chapters open on right-hand pages. Every output is read back: the PDF with pypdf and
pdftotext, the DOCX with python-docx (and LibreOffice for the back cover's page)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFIG, DEFAULT_FILES, ProjectDir

from idmbook.commands.build import BuildOptions, build
from idmbook.publish.plan import last_build

LOGO = (Path(__file__).parent.parent / "templates" / "logo.svg").read_text("utf-8")
ISBN, EISBN = "978-92-9068-000-0", "978-92-9068-001-7"


def png(width: int = 48, height: int = 32, colour: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A small valid PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(colour) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


COVER = f"""\
isbn: {ISBN}
eisbn: {EISBN}
cover:
  logo: media/logo.svg
  photo: media/photo.png
  photo_alt: Delegates in the conference room
  photo_credit: © IOM 2017/Sample Photographer
  blurb:
    en: The back cover's paragraph, as the editors wrote it.
    fr: Le paragraphe de la quatrième de couverture, tel que l'ont écrit les éditeurs.
"""
CONFIG_WITH_COVER = CONFIG.replace("language: en\n", "language: en\n" + COVER)


def _line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


# ---------------------------------------------------------------- validate


def test_validate_reports_each_cover_problem_on_its_line(
    make_project: Callable[..., ProjectDir], tmp_path: Path
) -> None:
    outside = tmp_path.parent / "outside.png"
    outside.write_bytes(png())
    cases = {
        "media/missing.svg": ("IDM160", "does not exist"),
        "../outside.png": ("IDM160", "outside the project"),
        str(outside): ("IDM160", "absolute path"),
        "https://example.org/logo.png": ("IDM160", "URL"),
        "media/link.svg": ("IDM160", "link"),
        "media/broken.png": ("IDM161", "cannot be printed"),
        "media/notes.txt": ("IDM161", "not a PNG, JPEG, GIF or SVG"),
        "media/named.jpg": ("IDM161", "PNG picture named 'named.jpg'"),
    }
    for name, (code, words) in cases.items():
        config = CONFIG.replace("language: en\n", f"language: en\ncover:\n  logo: {name}\n")
        project = make_project({"idmbook.yaml": config})
        project.write("media/logo.svg", LOGO)
        project.write("media/broken.png", png()[:60])
        project.write("media/notes.txt", "not a picture")
        project.write("media/named.jpg", png())
        (project.path("media") / "link.svg").symlink_to(project.path("media/logo.svg"))
        found = [d for d in project.validate().diagnostics if d.code.startswith("IDM16")]
        assert [(d.code, d.path, d.line) for d in found] == [
            (code, "idmbook.yaml", _line_of(config, "  logo:"))
        ], name
        assert words in found[0].message, (name, found[0].message)


def test_a_photo_without_credit_or_description_is_a_warning(
    make_project: Callable[..., ProjectDir],
) -> None:
    config = CONFIG.replace("language: en\n", "language: en\ncover:\n  photo: media/p.png\n")
    project = make_project({"idmbook.yaml": config})
    project.write("media/p.png", png())
    report = project.validate()
    found = [d for d in report.diagnostics if d.code.startswith("IDM16")]
    assert [(d.code, d.line) for d in found] == [("IDM162", _line_of(config, "  photo:"))]
    assert "no credit and no description" in found[0].message
    assert not report.has_errors


def test_isbn_check_digit_and_13_digits_on_the_config_line(
    make_project: Callable[..., ProjectDir],
) -> None:
    config = CONFIG.replace(
        "language: en\n", "language: en\nisbn: 92-9068-000-8\neisbn: 978-92-9068-001-8\n"
    )
    found = make_project({"idmbook.yaml": config}).validate().diagnostics
    by_line = {d.line: d.message for d in found if d.code == "IDM027"}
    assert "13-digit form, 978-92-9068-000-0" in by_line[_line_of(config, "isbn:")]
    assert "check digit" in by_line[_line_of(config, "eisbn:")]


# ---------------------------------------------------------------- the built books


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Path]]]:
    root = tmp_path_factory.mktemp("covers")
    for rel, content in {**DEFAULT_FILES, "idmbook.yaml": CONFIG_WITH_COVER}.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    (root / "media").mkdir()
    (root / "media" / "logo.svg").write_text(LOGO, "utf-8")
    (root / "media" / "photo.png").write_bytes(png())
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1513209600"
    try:
        out = {}
        for language in ("en", "fr"):
            result = build(root, BuildOptions(formats=("docx", "pdf"), language=language))
            assert not result.report.has_errors, [d.message for d in result.report.diagnostics]
            out[language] = result.outputs
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    yield out


def _page_text(pdf: Path, number: int) -> str:
    text = subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.replace("\u00a0", " ").split())


def _figures(pdf: Path) -> list[tuple[int, str]]:
    """(page index, alternative text) of every Figure of the PDF's structure tree: each
    picture of a tagged PDF is one, whether drawn as an image or as vector paths (an SVG)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    found: list[tuple[int, str]] = []

    def walk(node: Any, page: int) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child, page)
            return
        if not hasattr(node, "get"):
            return
        if "/Pg" in node:
            page = pages.get(node.raw_get("/Pg").idnum, page)
        if node.get("/S") == "/Figure":
            found.append((page, str(node.get("/Alt"))))
        if node.get("/K") is not None:
            walk(node["/K"], page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], -1)
    return found


BACK_NUMBERS = {
    "en": [f"ISBN {ISBN}", f"e-ISBN {EISBN}", "ISSN 1726-2224"],
    "fr": [f"ISBN {ISBN}", f"ISBN (version électronique) {EISBN}", "ISSN 1726-2224"],
}
BLURB = {
    "en": "The back cover’s paragraph, as the editors wrote it.",
    "fr": "Le paragraphe de la quatrième de couverture, tel que l’ont écrit les éditeurs.",
}


@pytest.mark.slow
def test_pdf_covers_logo_photo_back_cover_and_numbers(
    books: dict[str, dict[str, Path]],
) -> None:
    from pypdf import PdfReader

    for language, outputs in books.items():
        reader = PdfReader(str(outputs["pdf"]))
        # the photo (a PNG: an image XObject) on the cover
        assert [image.name for image in reader.pages[0].images] != []
        assert all(not page.images for page in reader.pages[1:])
        # the photo and the logo (an SVG, drawn as paths) tagged with their alternative text
        # on the cover; the logo again on the back cover
        logo = {"en": "Logo of", "fr": "Logo de l’éditeur"}[language]
        # (Typst's plain text of a typographic apostrophe is a straight one)
        figures = [(page, alt.replace("'", "’")) for page, alt in _figures(outputs["pdf"])]
        cover = [alt for page, alt in figures if page == 0]
        assert cover[0] == "Delegates in the conference room"
        assert cover[1].startswith(logo)
        assert [alt for page, alt in figures if page == len(reader.pages) - 1] == [cover[1]]
        back = _page_text(outputs["pdf"], len(reader.pages))
        assert BLURB[language] in back
        assert "17 route des Morillons 1211 Geneva 19" in back
        for number in BACK_NUMBERS[language]:
            assert number in back, (language, number, back)
        # the ISBNs in the document's keywords
        keywords = str(reader.metadata.get("/Keywords"))
        assert BACK_NUMBERS[language][0] in keywords and BACK_NUMBERS[language][1] in keywords
        # the photo's credit on the imprint
        credit = {"en": "Cover photo: ©", "fr": "Photo de couverture : ©"}[language]
        assert f"{credit} IOM 2017/Sample Photographer" in _page_text(outputs["pdf"], 2)


def _pictures(paragraph: object) -> list[str]:
    """The alternative texts of the pictures in a python-docx paragraph."""
    return [
        str(element.get("descr"))
        for element in paragraph._p.iter()  # type: ignore[attr-defined]
        if element.tag.endswith("}docPr")
    ]


@pytest.mark.slow
def test_docx_title_page_pictures_back_cover_and_properties(
    books: dict[str, dict[str, Path]],
) -> None:
    from docx import Document

    for language, outputs in books.items():
        document = Document(str(outputs["docx"]))
        properties = document.core_properties
        assert properties.identifier == f"urn:isbn:{EISBN}"
        assert BACK_NUMBERS[language][1] in properties.keywords
        paragraphs = document.paragraphs
        imprint = next(i for i, p in enumerate(paragraphs) if p.style.name == "Imprint")
        title_page = [alt for p in paragraphs[:imprint] for alt in _pictures(p)]
        logo_alt = {"en": "Logo of", "fr": "Logo de l’éditeur"}[language]
        assert title_page[0] == "Delegates in the conference room"
        assert title_page[1].startswith(logo_alt)
        # the back cover: the last paragraphs, after the body's last section break
        texts = [p.text for p in paragraphs]
        start = max(i for i, p in enumerate(paragraphs) if p._p.find(".//{*}sectPr") is not None)
        back = texts[start + 1 :]
        assert back[0] == "International Dialogue on Migration " + (
            "No. 27" if language == "en" else "n°\u00a027"
        )
        assert BLURB[language] in back
        assert back[-3:] == BACK_NUMBERS[language]
        assert any(_pictures(p) for p in paragraphs[start + 1 :])
        last = document.sections[-1]
        assert last.different_first_page_header_footer
        assert not "".join(p.text for p in last.first_page_header.paragraphs).strip()
        assert not "".join(p.text for p in last.first_page_footer.paragraphs).strip()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_the_back_cover_alone_on_the_last_page(
    books: dict[str, dict[str, Path]], tmp_path: Path
) -> None:
    docx = str(books["en"]["docx"])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            docx,
        ],
        capture_output=True,
        check=True,
        timeout=600,
    )
    pdf = next(tmp_path.glob("*.pdf"))
    from pypdf import PdfReader

    count = len(PdfReader(str(pdf)).pages)
    last = _page_text(pdf, count)
    # the series line first (in the cover's capitals): no running header above it
    assert last.startswith("INTERNATIONAL DIALOGUE ON MIGRATION NO. 27 Strengthening")
    assert BLURB["en"] in last
    assert last.endswith("ISSN 1726-2224")  # no page number after it: no footer
    assert BLURB["en"] not in _page_text(pdf, count - 1)


# ---------------------------------------------------------------- inputs


@pytest.mark.slow
def test_a_changed_logo_makes_the_last_build_out_of_date(
    make_project: Callable[..., ProjectDir],
) -> None:
    config = CONFIG.replace("language: en\n", "language: en\ncover:\n  logo: media/logo.svg\n")
    project = make_project({"idmbook.yaml": config})
    project.write("media/logo.svg", LOGO)
    options = BuildOptions(formats=("html",))
    first = build(project.path("."), options)
    assert not first.up_to_date
    manifest = first.manifest.read_text("utf-8") if first.manifest else ""
    assert '"media/logo.svg"' in manifest
    assert build(project.path("."), options).up_to_date
    project.write("media/logo.svg", LOGO.replace("#0033A0", "#8A1538"))
    assert last_build(project.path("."), options).plan is None
    assert not build(project.path("."), options).up_to_date


# ---------------------------------------------------------------- the print edition


def _chapter_pages(pdf: Path) -> list[tuple[str, str]]:
    """(page label, title) of each chapter of the PDF's outline."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    labels = reader.page_labels
    return [
        (labels[reader.get_destination_page_number(item)], str(item.title))
        for item in reader.outline
        if not isinstance(item, list)
    ]


@pytest.mark.slow
def test_print_edition_opens_chapters_on_odd_pages_with_bare_blank_versos(
    make_project: Callable[..., ProjectDir],
    run_main: Callable[..., object],
) -> None:
    project = make_project()
    plain = build(project.path("."), BuildOptions(formats=("pdf",), out=project.path("plain")))
    starts = _chapter_pages(plain.outputs["pdf"])
    assert any(int(label) % 2 == 0 for label, _ in starts if label.isdigit()), starts

    result = run_main(["build", "--format", "pdf", "--print", "--out", "print"], cwd=project)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    pdf = project.path("print") / "publication.pdf"
    starts = _chapter_pages(pdf)
    assert len(starts) >= 5
    for label, title in starts:
        assert label.isdigit() and int(label) % 2 == 1, (label, title)
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    labels = reader.page_labels
    blank = [n for n in range(1, len(reader.pages) + 1) if not _page_text(pdf, n)]
    assert blank, "no blank page: the test proves nothing"
    for number in blank:  # a blank left-hand page: no running header, no page number
        assert number % 2 == 0, (number, labels[number - 1])
    assert len(reader.pages) % 2 == 0  # the back cover is a left-hand page
    assert _page_text(pdf, len(reader.pages)).startswith("International Dialogue on Migration")
    # the binding margin (30 mm inside, 22 mm outside): the contents (a right-hand page) start
    # further from the sheet's left edge than the imprint (a left-hand page); in the plain
    # edition both start at 24 mm
    assert _left_edge(pdf, 3) > _left_edge(pdf, 2) + 15  # points: 8 mm are 23 pt
    assert abs(_left_edge(plain.outputs["pdf"], 3) - _left_edge(plain.outputs["pdf"], 2)) < 2


def _left_edge(pdf: Path, number: int) -> float:
    """Where the leftmost word of page ``number`` starts, in points from the left edge."""
    import re

    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return min(float(x) for x in re.findall(r'<word xMin="([0-9.]+)"', html))


@pytest.mark.slow
def test_output_print_in_the_config_makes_the_print_edition(
    make_project: Callable[..., ProjectDir],
) -> None:
    config = CONFIG + "output:\n  print: true\n"
    project = make_project({"idmbook.yaml": config})
    result = build(project.path("."), BuildOptions(formats=("pdf",)))
    for label, title in _chapter_pages(result.outputs["pdf"]):
        assert int(label) % 2 == 1, (label, title)
