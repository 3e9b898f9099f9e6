"""The contributors chart in the book's own fonts (issue 18): drawn by Typst as a vector with
real text in the PDF, a PNG of the same drawing in Word, no matplotlib anywhere; the status
dashboard's chart as SVG with its words as text."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONFIG, DEFAULT_FILES
from pypdf import PdfReader

from idmbook.commands.build import BuildOptions, build
from idmbook.compose.charts import contributors_typst, typst_text


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    root = tmp_path_factory.mktemp("chart")
    files = {**DEFAULT_FILES, "idmbook.yaml": CONFIG + "output:\n  contributors_chart: true\n"}
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1513209600"
    try:
        result = build(root, BuildOptions(formats=("docx", "pdf")))
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    assert not result.report.has_errors
    yield dict(result.outputs)


def _chart_page(pdf: Path) -> int:
    reader = PdfReader(str(pdf))
    for index, page in enumerate(reader.pages):
        if "Number of contributions" in (page.extract_text() or ""):
            return index
    raise AssertionError("no page holds the chart")


@pytest.mark.slow
def test_the_pdf_draws_the_chart_as_text_and_lines(book: dict[str, Path]) -> None:
    index = _chart_page(book["pdf"])
    text = subprocess.run(
        ["pdftotext", "-f", str(index + 1), "-l", str(index + 1), "-layout", str(book["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    # each stakeholder type is text on the line of its bar's number, then the axis's words
    assert "Governments 1" in lines and "Local and regional authorities 1" in lines
    assert "Number of contributions" in lines
    page = PdfReader(str(book["pdf"])).pages[index]
    resources = page["/Resources"].get_object()
    objects = resources.get("/XObject", {})
    pictures = [
        name for name, item in objects.items() if item.get_object().get("/Subtype") == "/Image"
    ]
    assert pictures == []  # a vector drawing, not a picture
    fonts = {str(f.get_object().get("/BaseFont")) for f in resources["/Font"].values()}
    assert any("LibertinusSerif" in name for name in fonts)  # the book's face


@pytest.mark.slow
def test_word_gets_a_picture_of_the_same_drawing(book: dict[str, Path]) -> None:
    from docx import Document

    document = Document(str(book["docx"]))
    pictures = [
        part for part in document.part.package.parts if part.partname.startswith("/word/media/")
    ]
    assert len(pictures) == 1 and pictures[0].partname.endswith(".png")
    data = pictures[0].blob
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and b"atplotlib" not in data
    described = [
        el.get("descr") for el in document.element.body.iter() if el.tag.endswith("}docPr")
    ]
    assert len(described) == 1 and "Governments" in str(described[0])


def test_a_label_cannot_break_out_of_the_drawing(tmp_path: Path) -> None:
    import typst

    from idmbook.load.fonts import typst_fonts

    label = 'Evil") #panic("broken") \\ ALT ROWS'
    source = contributors_typst([(label, 3), ("Academia", 1)], "Number of contributions")
    main = tmp_path / "main.typ"
    main.write_text("#set page(width: 16cm, height: auto)\n" + source, encoding="utf-8")
    pdf = typst.compile(str(main), root=str(tmp_path), font_paths=typst_fonts())
    (tmp_path / "out.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(text.split()).startswith('Evil") #panic("broken") \\ ALT ROWS Academia 3 1')
    assert typst_text('a"b\\c\n') == '"a\\u{22}b\\u{5c}c\\u{a}"'


def test_no_chart_needs_matplotlib(tmp_path: Path) -> None:
    """Drawing both charts imports no matplotlib (it is no longer a dependency)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from idmbook.compose.charts import contributors_chart\n"
        "import idmbook.commands.statuschart\n"
        f"contributors_chart([('Governments', 2)], Path({str(tmp_path / 'c.png')!r}), 'n')\n"
        "print('matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8")
    assert "matplotlib" not in pyproject
