"""The DOCX renderer, checked by reading its output back with python-docx and LibreOffice.

Everything runs the real pandoc; the LibreOffice test runs the real ``soffice`` (skipped only when
it is not installed).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from idmbook.errors import IdmbookError
from idmbook.pandoc.run import run_pandoc
from idmbook.render.docx import package, render_docx
from idmbook.render.docx.package import deterministic_zip
from idmbook.render.meta import BookMeta

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

BOOK = """\
# Foreword

The International Dialogue on Migration is IOM's main forum for migration policy dialogue.[^1]

[^1]: IOM, *International Dialogue on Migration No. 27*, Geneva, 2017.

# Migrants and vulnerability

Over 300 participants met in New York.

## Whole-of-society approaches

| Workshop | City     | Participants |
|----------|----------|-------------:|
| First    | New York |          300 |
| Second   | Geneva   |          400 |

: Participation in the 2017 workshops

::: {lang=fr}
## Migrants et développement

Les migrants sont des acteurs du développement.
:::
"""

HEADINGS = [
    "Foreword",
    "Migrants and vulnerability",
    "Whole-of-society approaches",
    "Migrants et développement",
]
IMPRINT = (
    "The opinions expressed in the report are those of the authors.",
    "International Organization for Migration\n17 route des Morillons\n1211 Geneva 19",
    "ISSN 1726-2224",
)
TIMESTAMP = 1512086400  # 2017-12-01T00:00:00Z


def make_meta(**changes: Any) -> BookMeta:
    """The metadata of the test book; ``changes`` override fields."""
    meta = BookMeta(
        title="Strengthening international cooperation on and governance of migration",
        subtitle="Towards a global compact for safe, orderly and regular migration",
        series_line="International Dialogue on Migration No. 27",
        publisher="International Organization for Migration",
        year=2017,
        language="en-GB",
        author="IDM editors",
        subject="Report of the IDM 2017 workshops",
        keywords=("migration", "global compact"),
        imprint=IMPRINT,
        contents_label="Contents",
        running_header="IDM No. 27",
        footer_note="Draft 0.1.0, built 2017-12-01, commit abc1234",
        timestamp=TIMESTAMP,
    )
    return replace(meta, **changes)


def markdown_ast(text: str) -> dict[str, Any]:
    """The pandoc AST of a Markdown text."""
    result: dict[str, Any] = json.loads(run_pandoc(["-f", "markdown", "-t", "json"], text.encode()))
    return result


@pytest.fixture(scope="module")
def book_ast() -> dict[str, Any]:
    return markdown_ast(BOOK)


@pytest.fixture(scope="module")
def final_bytes(book_ast: dict[str, Any]) -> bytes:
    return render_docx(book_ast, make_meta(), TEMPLATES)


@pytest.fixture(scope="module")
def draft_bytes(book_ast: dict[str, Any]) -> bytes:
    return render_docx(book_ast, make_meta(draft=True), TEMPLATES)


@pytest.fixture(scope="module")
def final(final_bytes: bytes) -> Any:
    return docx.Document(io.BytesIO(final_bytes))


def styled(document: Any, *names: str) -> list[Any]:
    """The body paragraphs whose style is one of ``names``."""
    return [p for p in document.paragraphs if p.style is not None and p.style.name in names]


def part_texts(data: bytes, prefix: str) -> dict[str, str]:
    """The XML of every package part whose name starts with ``word/<prefix>``."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            name: package.read(name).decode()
            for name in package.namelist()
            if name.startswith(f"word/{prefix}")
        }


# -- table of contents ------------------------------------------------------------------------


def test_toc_entries_are_the_headings_in_order(final: Any) -> None:
    toc = [p.text for p in styled(final, "toc 1", "toc 2", "toc 3")]
    headings = [p.text for p in styled(final, "Heading 1", "Heading 2", "Heading 3")]
    assert headings == HEADINGS
    assert toc == [f"{heading}\t" for heading in HEADINGS]  # the tab leads to the page number
    levels = [p.style.name for p in styled(final, "toc 1", "toc 2", "toc 3")]
    assert levels == ["toc 1", "toc 1", "toc 2", "toc 2"]


def test_toc_entries_keep_the_language_of_their_heading(final: Any) -> None:
    toc = styled(final, "toc 1", "toc 2", "toc 3")
    languages = [{lang.get(qn("w:val")) for lang in p._p.iter(qn("w:lang"))} for p in toc]
    assert languages == [set(), set(), set(), {"fr"}]


def test_toc_has_hyperlinks_and_page_references_to_heading_bookmarks(final: Any) -> None:
    body = final.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    anchors = [link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))]
    # each entry's page number is a PAGEREF to its heading (no TOC field around them: see
    # idmbook.render.docx.contents._toc_field)
    assert instructions == [f" PAGEREF {anchor} \\h " for anchor in anchors]
    kinds = [c.get(qn("w:fldCharType")) for c in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * len(anchors)
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert len(anchors) == len(HEADINGS)
    assert set(anchors) <= bookmarks
    assert anchors == [
        "foreword",
        "migrants-and-vulnerability",
        "whole-of-society-approaches",
        "migrants-et-développement",
    ]


def test_contents_heading_comes_from_meta_and_stays_out_of_the_outline(
    book_ast: dict[str, Any],
) -> None:
    document = docx.Document(
        io.BytesIO(render_docx(book_ast, make_meta(contents_label="Sommaire"), TEMPLATES))
    )
    [heading] = styled(document, "TOC Heading")
    assert heading.text == "Sommaire"
    style = document.styles["TOC Heading"]
    assert style.element.pPr.outlineLvl.val == 9
    assert style.paragraph_format.page_break_before


# -- front part ----------------------------------------------------------------------------------


def test_cover_then_imprint_then_contents(final: Any) -> None:
    names = [p.style.name for p in final.paragraphs]
    texts = [p.text for p in final.paragraphs]
    cover = ["Cover Series", "Title", "Subtitle", "Cover Publisher", "Cover Date"]
    assert names[:5] == cover
    assert texts[:5] == [
        "International Dialogue on Migration No. 27",
        make_meta().title,
        make_meta().subtitle,
        "International Organization for Migration",
        "2017",
    ]
    imprint = styled(final, "Imprint")
    assert [p.text for p in imprint] == list(IMPRINT)  # line breaks read back as "\n"
    assert names[5 : 5 + len(IMPRINT)] == ["Imprint"] * len(IMPRINT)
    assert names[5 + len(IMPRINT)] == "TOC Heading"
    # the imprint starts a new section (so a new page), whose first page has no header
    cover_end = final.paragraphs[4]._p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    assert cover_end is not None and cover_end.find(qn("w:titlePg")) is not None
    assert len(final.sections) >= 4  # cover, imprint, contents, a section per chapter
    first_toc = names.index("toc 1")
    assert first_toc > names.index("TOC Heading") > texts.index(IMPRINT[-1])


def test_empty_cover_fields_are_left_out(book_ast: dict[str, Any]) -> None:
    meta = make_meta(subtitle=None, series_line=None, imprint=(" ",), contents_label="")
    document = docx.Document(io.BytesIO(render_docx(book_ast, meta, TEMPLATES)))
    names = [p.style.name for p in document.paragraphs]
    assert names[:4] == ["Title", "Cover Publisher", "Cover Date", "TOC Heading"]
    assert document.paragraphs[3].text == "Contents"  # an empty label falls back


# -- styles, language, properties ------------------------------------------------------------


def test_heading_styles_have_outline_levels_and_chapters_start_pages(final: Any) -> None:
    for level in (1, 2, 3):
        style = final.styles[f"Heading {level}"]
        assert style.element.pPr.outlineLvl.val == level - 1
    assert final.styles["Heading 1"].paragraph_format.page_break_before is True
    # a chapter's opening is a section of its own (the section break gives the page break)
    assert final.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor(0x00, 0x33, 0xA0)


def test_house_style_page_and_fonts(final: Any) -> None:
    section = final.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 25
    assert section.different_first_page_header_footer
    defaults = final.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rFonts')}")
    assert fonts.get(qn("w:ascii")) == "Cambria"
    for name in ("Body Text", "First Paragraph", "Block Text", "Footnote Text", "Caption"):
        assert final.styles[name] is not None
    table = final.tables[0]
    assert table.style.name == "Table"
    assert [c.text for c in table.rows[0].cells] == ["Workshop", "City", "Participants"]


def test_default_language_and_french_text(final: Any) -> None:
    lang = final.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"
    theme_lang = final.settings.element.find(qn("w:themeFontLang"))
    assert theme_lang.get(qn("w:val")) == "en-GB"
    french = [p for p in final.paragraphs if p.text.startswith("Les migrants")]
    run_langs = {r.get(qn("w:val")) for r in french[0]._p.iter(qn("w:lang"))}
    assert run_langs == {"fr"}


def test_core_properties(final: Any) -> None:
    props = final.core_properties
    meta = make_meta()
    assert props.title == meta.title
    assert props.author == "IDM editors"
    assert props.language == "en-GB"
    assert props.subject == meta.subject
    assert props.keywords == "migration; global compact"
    assert props.last_modified_by == meta.publisher
    when = datetime.fromtimestamp(TIMESTAMP, tz=UTC)
    assert props.created == when
    assert props.modified == when
    assert props.revision == 0  # python-docx reads a missing revision counter as 0
    assert props.content_status == ""


# -- draft mode ----------------------------------------------------------------------------------


def test_draft_has_watermark_in_headers_and_note_in_footers(draft_bytes: bytes) -> None:
    headers = part_texts(draft_bytes, "header")
    footers = part_texts(draft_bytes, "footer")
    assert len(headers) == 2  # the cover's and the other pages'
    for xml in headers.values():
        assert 'string="DRAFT"' in xml
        assert "rotation:315" in xml
    for xml in footers.values():
        assert make_meta().footer_note in xml
    document_xml = part_texts(draft_bytes, "document.xml")["word/document.xml"]
    assert "DRAFT" not in document_xml
    assert docx.Document(io.BytesIO(draft_bytes)).core_properties.content_status == "Draft"


def test_final_has_no_watermark_and_no_footer_note(final_bytes: bytes) -> None:
    package = part_texts(final_bytes, "")
    assert not any("DRAFT" in xml or "PowerPlusWaterMark" in xml for xml in package.values())
    assert not any(make_meta().footer_note in xml for xml in package.values())
    header = part_texts(final_bytes, "header")
    assert any(">IDM No. 27<" in xml for xml in header.values())  # running header
    footers = part_texts(final_bytes, "footer")
    assert any(" PAGE " in xml for xml in footers.values())


def test_custom_watermark_text(book_ast: dict[str, Any]) -> None:
    data = render_docx(book_ast, make_meta(draft=True, watermark="PROJET"), TEMPLATES)
    assert all('string="PROJET"' in xml for xml in part_texts(data, "header").values())


# -- reproducibility -----------------------------------------------------------------------------


def test_two_renders_are_byte_identical(book_ast: dict[str, Any], draft_bytes: bytes) -> None:
    again = render_docx(book_ast, make_meta(draft=True), TEMPLATES)
    assert again == draft_bytes


def test_package_entries_are_ordered_and_dated_from_the_timestamp(final_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(final_bytes)) as package:
        infos = package.infolist()
    names = [info.filename for info in infos]
    assert names[0] == "[Content_Types].xml"
    assert names[1:] == sorted(names[1:])
    assert {info.date_time for info in infos} == {(2017, 12, 1, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    for xml in part_texts(final_bytes, "").values():
        assert "w14:paraId" not in xml and "w:rsidR" not in xml  # no random or revision ids


def test_zip_dates_are_clamped_to_1980() -> None:
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as package:
        package.writestr("b.xml", "b")
        package.writestr("[Content_Types].xml", "t")
    with zipfile.ZipFile(io.BytesIO(deterministic_zip(source.getvalue(), 0))) as package:
        assert [i.filename for i in package.infolist()] == ["[Content_Types].xml", "b.xml"]
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# -- safety and errors ---------------------------------------------------------------------------


def tiny_png() -> bytes:
    """A valid 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_raw_openxml_and_unlisted_pictures_never_reach_the_docx(tmp_path: Path) -> None:
    picture = tmp_path / "logo.png"
    picture.write_bytes(tiny_png())
    ast = markdown_ast(
        "# Chapter\n\n![IOM logo](media/logo.png)\n\n![secret](/etc/hostname)\n\n"
        "```{=openxml}\n<w:p><w:r><w:t>INJECTED</w:t></w:r></w:p>\n```\n\n"
        "Inline `<w:br/>`{=openxml} raw.\n\n# Chapter {#chapter}\n"
    )
    meta = make_meta(images={"media/logo.png": picture})
    data = render_docx(ast, meta, TEMPLATES)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        document_xml = package.read("word/document.xml").decode()
    assert len(media) == 1  # the listed picture only; /etc/hostname was not read
    assert "secret" in document_xml  # the unlisted picture became its description
    assert "&lt;w:p&gt;" in document_xml  # raw OpenXML shown as text, not injected
    assert "&lt;w:br/&gt;" in document_xml
    document = docx.Document(io.BytesIO(data))
    anchors = [link.get(qn("w:anchor")) for link in document.element.body.iter(qn("w:hyperlink"))]
    assert len(anchors) == 2 and len(set(anchors)) == 2  # duplicate ids made unique


def test_missing_reference_docx_is_a_clear_error(book_ast: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(IdmbookError, match=re.escape("reference.docx")):
        render_docx(book_ast, make_meta(), tmp_path)


def test_missing_picture_is_a_clear_error(tmp_path: Path) -> None:
    ast = markdown_ast("# Chapter\n\n![chart](media/chart.png)\n")
    meta = make_meta(images={"media/chart.png": tmp_path / "gone.png"})
    with pytest.raises(IdmbookError, match=re.escape("gone.png")):
        render_docx(ast, meta, TEMPLATES)


def test_picture_names_must_stay_in_the_staging_folder(tmp_path: Path) -> None:
    picture = tmp_path / "x.png"
    picture.write_bytes(tiny_png())
    ast = markdown_ast("# Chapter\n\n![x](../x.png)\n")
    with pytest.raises(IdmbookError, match="plain relative path"):
        render_docx(ast, make_meta(images={"../x.png": picture}), TEMPLATES)


def test_not_an_ast_is_a_clear_error() -> None:
    with pytest.raises(IdmbookError, match="not a pandoc document"):
        render_docx({"blocks": "nope"}, make_meta(), TEMPLATES)


# -- LibreOffice ------------------------------------------------------------------------------


def test_libreoffice_shows_the_contents_without_updating_fields(
    final_bytes: bytes, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pypdf = pytest.importorskip("pypdf")
    source = tmp_path / "book.docx"
    source.write_bytes(final_bytes)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    reader = pypdf.PdfReader(tmp_path / "book.pdf")
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    contents = [n for n, text in enumerate(pages) if "Contents" in text]
    assert contents, "no page shows the contents heading"
    toc_page = pages[contents[0]]
    for heading in HEADINGS:
        assert heading in toc_page  # the pre-filled TOC is visible as it is
        assert any(heading in text for text in pages[contents[0] + 1 :])  # and in the body
    assert "Strengthening international cooperation" in pages[0]  # the cover
    assert IMPRINT[0] in pages[1]  # the imprint, on its own page


def test_the_package_is_zipped_once_and_the_same_as_python_docx_would_save_it(
    book_ast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """finish_docx takes the package's members from python-docx's writer and zips them once;
    with a python-docx whose writer has other steps, it saves and rewrites the package, and
    the bytes are the same either way."""
    zipped = []
    real = package.zip_members

    def counted(*args: Any) -> bytes:
        zipped.append(1)
        return real(*args)

    monkeypatch.setattr(package, "zip_members", counted)
    once = render_docx(book_ast, make_meta(), TEMPLATES)
    assert len(zipped) == 1
    monkeypatch.setattr(package, "package_members", lambda _document: None)
    saved = render_docx(book_ast, make_meta(), TEMPLATES)
    assert once == saved
    assert len(zipped) == 2
    assert docx.Document(io.BytesIO(once)).paragraphs, "python-docx reads it back"
