"""The PDF edition, read back with pypdf: real pandoc, real typst, no mocks.

A small book (two themed chapters and the usual front and back chapters, a section, a footnote, a
table, a French passage and a picture) is rendered once per mode for the module; each test then
checks one property of the result by its content.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from idmbook.errors import IdmbookError
from idmbook.pandoc.run import run_pandoc
from idmbook.render.meta import BookMeta
from idmbook.render.pdf import (
    pdf_standards,
    render_pdf,
    render_typst_source,
    typst_language,
    typst_string,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

PARAGRAPH = (
    "Participants stressed that international cooperation is indispensable, and that "
    "whole-of-government and whole-of-society approaches are needed to address the drivers of "
    "migration and to protect migrants in vulnerable situations. "
)
CHAPTERS = [
    "Foreword",
    "Introduction",
    "The global compact: a historic opportunity",
    "Migrants and vulnerability",
    "Key recommendations",
]
SECTION = "Lessons from the workshops"
SUBSECTION = "Partnerships with local authorities"
FRENCH = "La migration est une caractéristique déterminante de notre époque."
ALT = "Participants at the Geneva workshop"
FOOTNOTE = "The concept note is available online."

BOOK_MD = f"""
# Foreword

{PARAGRAPH}

# Introduction

{PARAGRAPH}[^note]

[^note]: {FOOTNOTE}

# The global compact: a historic opportunity

{PARAGRAPH * 9}

## {SECTION}

{PARAGRAPH * 9}

| Workshop | Place | Participants |
|----------|-------|-------------:|
| First | New York | 300 |
| Second | Geneva | 400 |

: Participation in the workshops

### {SUBSECTION}

{PARAGRAPH * 9}

::: {{lang=fr}}
{FRENCH}
:::

![{ALT}](media/ab12.png)

{PARAGRAPH * 12}

# Migrants and vulnerability

1. Identify migrants in vulnerable situations.
2. Protect them.

# Key recommendations

{PARAGRAPH}
"""

IMPRINT = (
    "The opinions expressed in this report are those of the authors.",
    "Publisher: International Organization for Migration\n17 route des Morillons\n1211 Geneva 19",
    "ISSN 1726-2224",
)


def tiny_png(width: int = 6, height: int = 4) -> bytes:
    """A valid RGB PNG in IOM blue."""
    row = b"\x00" + bytes([0, 51, 160]) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def markdown_ast(text: str) -> dict[str, Any]:
    """The pandoc AST of Markdown, citations off as the assemble stage does."""
    result: dict[str, Any] = json.loads(
        run_pandoc(["-f", "markdown-citations", "-t", "json"], text.encode())
    )
    return result


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "geneva.png"
    path.write_bytes(tiny_png())
    return path


@pytest.fixture(scope="module")
def book_ast() -> dict[str, Any]:
    return markdown_ast(BOOK_MD)


@pytest.fixture(scope="module")
def meta(picture: Path) -> BookMeta:
    return BookMeta(
        title="Strengthening international cooperation on and governance of migration",
        subtitle="Towards the adoption of a global compact in 2018",
        series_line="International Dialogue on Migration No. 27",
        publisher="International Organization for Migration",
        year=2017,
        language="en",
        author="International Organization for Migration",
        subject="Report of the 2017 IDM workshops",
        keywords=("migration", "global compact"),
        imprint=IMPRINT,
        contents_label="Contents",
        running_header="IDM No. 27",
        timestamp=1512086400,
        images={"media/ab12.png": picture},
    )


@pytest.fixture(scope="module")
def draft_meta(meta: BookMeta) -> BookMeta:
    return dataclasses.replace(
        meta, draft=True, watermark="DRAFT", footer_note="Version 0.3, commit 1a2b3c4"
    )


@pytest.fixture(scope="module")
def final_pdf(book_ast: dict[str, Any], meta: BookMeta) -> bytes:
    from idmbook.parse.crossref import number

    # figures and tables are numbered by the build before any renderer (as "Table 1: ...")
    return render_pdf(number(book_ast, {})[0], meta, TEMPLATES)


@pytest.fixture(scope="module")
def draft_pdf(book_ast: dict[str, Any], draft_meta: BookMeta) -> bytes:
    return render_pdf(book_ast, draft_meta, TEMPLATES)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def flat(text: str) -> str:
    """Text with every run of whitespace (line ends included) as one space."""
    return " ".join(text.split())


def structure(pdf: bytes) -> Iterator[DictionaryObject]:
    """Every element of the PDF's structure tree (tagged PDF)."""
    seen: set[int] = set()

    def walk(node: Any) -> Iterator[DictionaryObject]:
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for item in node:
                yield from walk(item)
        elif isinstance(node, DictionaryObject):
            yield node
            if "/K" in node:
                yield from walk(node["/K"])

    yield from walk(catalog(pdf)["/StructTreeRoot"])


def catalog(pdf: bytes) -> Any:
    """The PDF's document catalog (/Root)."""
    return reader(pdf).trailer["/Root"]


def info(pdf: bytes) -> dict[str, str]:
    """The document information dictionary (/Title, /Author...)."""
    metadata = reader(pdf).metadata
    assert metadata is not None
    return {str(key): str(value) for key, value in metadata.items()}


def content_streams(pdf: bytes) -> bytes:
    """All page content streams, decoded."""
    streams = (page.get_contents() for page in reader(pdf).pages)
    return b"".join(stream.get_data() for stream in streams if stream is not None)


def xmp(pdf: bytes) -> str:
    stream = catalog(pdf)["/Metadata"].get_object()
    return str(stream.get_data().decode("utf-8"))


def chapter_pages(pdf: bytes) -> dict[str, int]:
    """Index of the page each chapter opens on: its title is the first line of that page."""
    found: dict[str, int] = {}
    for index, text in enumerate(page_texts(pdf)):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for title in CHAPTERS:
            if lines and lines[0] == title:
                found.setdefault(title, index)  # later pages carry it as running header
    return found


# ---------------------------------------------------------------- front matter


def test_cover_has_series_line_title_subtitle_publisher_and_year(
    final_pdf: bytes, meta: BookMeta
) -> None:
    cover = flat(page_texts(final_pdf)[0])
    assert cover.startswith("International Dialogue on Migration No. 27")
    for text in (meta.title, meta.subtitle, meta.publisher, "2017"):
        assert text is not None
        assert text in cover


def test_cover_has_no_page_number_or_running_header(final_pdf: bytes) -> None:
    cover = page_texts(final_pdf)[0]
    assert "IDM No. 27" not in cover
    assert not re.search(r"^\s*(i|1)\s*$", cover, re.MULTILINE)


def test_imprint_page_prints_every_paragraph_at_the_foot(final_pdf: bytes) -> None:
    page = reader(final_pdf).pages[1]
    text = page.extract_text()
    for paragraph in IMPRINT:
        for line in paragraph.splitlines():
            assert line in text
    heights: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            heights.append(float(tm[5]) * float(cm[3]) + float(cm[5]))

    page.extract_text(visitor_text=visit)
    assert heights
    assert max(heights) < float(page.mediabox.height) / 3


def test_contents_lists_chapters_and_sections_with_their_page_numbers(final_pdf: bytes) -> None:
    texts = page_texts(final_pdf)
    labels = reader(final_pdf).page_labels
    contents = texts[2]
    assert contents.lstrip().startswith("Contents")
    entries = {
        flat(match.group(1)).rstrip(" .⁠"): match.group(2)
        for match in re.finditer(r"^(.+?)[\s.⁠]+(\d+)\s*$", contents, re.MULTILINE)
    }
    opened = chapter_pages(final_pdf)
    for title in CHAPTERS:
        assert entries[title] == labels[opened[title]]
    section_page = next(i for i, text in enumerate(texts) if i > 2 and SECTION in text)
    assert entries[SECTION] == labels[section_page]
    assert SUBSECTION not in contents, "the contents go two levels deep"


def test_page_labels_are_roman_in_front_matter_and_arabic_from_the_first_chapter(
    final_pdf: bytes,
) -> None:
    labels = reader(final_pdf).page_labels
    assert labels[:4] == ["i", "ii", "iii", "1"]
    assert labels[3:] == [str(n) for n in range(1, len(labels) - 2)]


# ---------------------------------------------------------------- body


def test_every_chapter_opens_a_new_page_in_order(final_pdf: bytes) -> None:
    opened = chapter_pages(final_pdf)
    assert list(opened) == CHAPTERS
    pages = list(opened.values())
    assert pages == sorted(set(pages))
    assert pages[0] == 3


def test_page_count_is_front_matter_plus_numbered_body(final_pdf: bytes) -> None:
    pdf = reader(final_pdf)
    assert len(pdf.pages) == 3 + int(pdf.page_labels[-1])
    assert len(pdf.pages) >= 3 + len(CHAPTERS) + 2  # the long chapter runs over three pages


def test_running_headers_and_page_numbers(final_pdf: bytes) -> None:
    texts = page_texts(final_pdf)
    labels = reader(final_pdf).page_labels
    opened = set(chapter_pages(final_pdf).values())
    long_chapter = CHAPTERS[2]
    # (the last page is the back cover: no running header, no page number)
    inner = [i for i in range(3, len(texts) - 1) if i not in opened]
    assert inner, "the sample book must have pages that do not open a chapter"
    for index in inner:
        lines = [line.strip() for line in texts[index].splitlines() if line.strip()]
        expected = "IDM No. 27" if int(labels[index]) % 2 == 0 else long_chapter
        assert lines[0] == expected
        assert lines[-1] == labels[index]
    for index in opened:
        lines = [line.strip() for line in texts[index].splitlines() if line.strip()]
        assert "IDM No. 27" not in texts[index]
        assert lines[-1] == labels[index] or FOOTNOTE in texts[index]


def test_body_keeps_footnote_table_french_text_and_list(final_pdf: bytes) -> None:
    text = flat(" ".join(page_texts(final_pdf)))
    assert FOOTNOTE in text
    assert "Table 1: Participation in the workshops" in text
    assert "New York" in text and "400" in text
    assert FRENCH in text
    assert "Identify migrants in vulnerable situations." in text
    assert f"Figure 1: {ALT}" in text


# ---------------------------------------------------------------- metadata and accessibility


def test_document_metadata(final_pdf: bytes, meta: BookMeta) -> None:
    properties = info(final_pdf)
    assert properties["/Title"] == meta.title
    assert properties["/Author"] == meta.author
    assert properties["/Subject"] == meta.subject
    assert properties["/Keywords"] == "migration, global compact"
    assert properties["/CreationDate"] == "D:20171201000000Z"
    root = catalog(final_pdf)
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_pdf_is_tagged_with_languages_alt_text_and_headings(final_pdf: bytes) -> None:
    root = catalog(final_pdf)
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    elements = list(structure(final_pdf))
    kinds = [str(element.get("/S")) for element in elements]
    assert kinds.count("/H1") == len(CHAPTERS) + 1  # the chapters and "Contents"
    assert {"/H2", "/H3", "/Table", "/Note", "/TOC", "/L"} <= set(kinds)
    assert any(element.get("/Lang") == "fr" for element in elements)
    figures = [element for element in elements if element.get("/S") == "/Figure"]
    assert [figure.get("/Alt") for figure in figures] == [ALT]


def test_pdf_ua_1_is_declared_by_default(final_pdf: bytes) -> None:
    metadata = xmp(final_pdf)
    assert re.search(r"pdfuaid:part(>|=\")1", metadata)


@pytest.mark.parametrize(("standard", "part", "conformance"), [("a-2b", 2, "B"), ("a-2a", 2, "A")])
def test_pdf_a_standards(
    book_ast: dict[str, Any], meta: BookMeta, standard: str, part: int, conformance: str
) -> None:
    pdf = render_pdf(book_ast, dataclasses.replace(meta, pdf_standard=standard), TEMPLATES)
    metadata = xmp(pdf)
    assert re.search(rf"pdfaid:part(>|=\"){part}", metadata)
    assert re.search(rf"pdfaid:conformance(>|=\"){conformance}", metadata)
    assert "pdfuaid" not in metadata
    assert flat(page_texts(pdf)[0]).startswith("International Dialogue on Migration No. 27")


# ---------------------------------------------------------------- draft mode


def test_draft_marks_every_page(draft_pdf: bytes, final_pdf: bytes) -> None:
    texts = page_texts(draft_pdf)
    assert len(texts) == len(page_texts(final_pdf))
    for text in texts:
        assert "DRAFT" in text.replace("\n", "").replace(" ", "")
        assert "Version 0.3, commit 1a2b3c4" in flat(text)


def test_final_edition_has_no_draft_marks(final_pdf: bytes) -> None:
    for text in page_texts(final_pdf):
        assert "DRAFT" not in text.replace("\n", "").replace(" ", "")
        assert "commit" not in text


# ---------------------------------------------------------------- reproducibility


def test_two_renders_are_byte_identical(
    final_pdf: bytes, book_ast: dict[str, Any], meta: BookMeta
) -> None:
    from idmbook.parse.crossref import number

    assert render_pdf(number(book_ast, {})[0], meta, TEMPLATES) == final_pdf


def test_nothing_is_left_in_the_temporary_folder(
    book_ast: dict[str, Any], meta: BookMeta, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    render_pdf(book_ast, meta, TEMPLATES)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- untrusted input


def test_metadata_is_printed_literally_never_run(book_ast: dict[str, Any], meta: BookMeta) -> None:
    evil = dataclasses.replace(
        meta,
        title='#read("/etc/passwd")',
        subtitle="= Not a heading",
        series_line="- not a list",
        imprint=('#read("/etc/hostname")', "1. not a list\n] closing"),
        keywords=('a"b',),
    )
    pdf = render_pdf(book_ast, evil, TEMPLATES)
    cover = flat(page_texts(pdf)[0])
    assert '#read("/etc/passwd")' in cover
    assert "= Not a heading" in cover
    assert "- not a list" in cover
    assert '#read("/etc/hostname")' in page_texts(pdf)[1]
    everything = "\n".join(page_texts(pdf))
    assert "root:" not in everything
    assert info(pdf)["/Title"] == '#read("/etc/passwd")'
    assert info(pdf)["/Keywords"] == 'a"b'
    headings = [e for e in structure(pdf) if e.get("/S") == "/H1"]
    assert len(headings) == len(CHAPTERS) + 1


UNSAFE_MD = r"""
# Unsafe

```{=typst}
#read("/etc/passwd")
```

Inline `#read("/etc/hostname")`{=typst} and <b>bold</b> <!-- hidden note -->

[coloured]{typst:text:fill="read(\"/etc/passwd\")"} and [hola]{lang=es-MX}

Cite @someone and [@a; @b]; see [nowhere](#missing) and [the unsafe chapter](#unsafe).

Math $x^2$ and

$$ \frac{a}{b} $$

- = not a heading
"""


@pytest.fixture(scope="module")
def unsafe_ast() -> dict[str, Any]:
    ast = json.loads(run_pandoc(["-f", "markdown", "-t", "json"], UNSAFE_MD.encode()))
    code = {"t": "CodeBlock", "c": [["", ['x```\n#read("/etc/passwd")'], []], "code"]}
    ast["blocks"].append(code)
    return dict(ast)


def test_raw_code_citations_and_typst_attributes_become_text(
    unsafe_ast: dict[str, Any], meta: BookMeta
) -> None:
    source = render_typst_source(unsafe_ast, meta, TEMPLATES)
    body = source.split("#counter(page).update(1)")[1]
    assert '```\n#read("/etc/passwd")\n```' in body, "a raw Typst block is shown as code"
    assert '\\#read(\\"/etc/hostname\\")' in body, "raw inline Typst is escaped text"
    assert "```\ncode\n```" in body, "an unsafe code class is dropped"
    assert "fill: read" not in source
    assert "@preview" not in source and "#import" not in source
    assert "#cite" not in source
    assert '#text(lang: "es", region: "MX", dir: ltr)' in source
    pdf = render_pdf(unsafe_ast, meta, TEMPLATES)
    text = flat(" ".join(page_texts(pdf)))
    assert '#read("/etc/passwd")' in text
    assert '#read("/etc/hostname")' in text
    assert "<b>bold</b>" in text
    assert "hidden note" not in text
    assert "Cite @someone and [@a; @b]" in text
    assert "see nowhere and the unsafe chapter" in text
    assert "= not a heading" in text
    assert "root:" not in text
    assert [e.get("/S") for e in structure(pdf)].count("/H1") == 2
    assert b"/Lang(es-MX)" in content_streams(pdf), "an inline language is marked on its text"


def test_link_targets_given_by_the_build_are_used_as_they_are(
    unsafe_ast: dict[str, Any], meta: BookMeta
) -> None:
    """The build counts the ids while it sanitises (BookMeta.link_targets); the renderer
    counts them itself only when it is not told."""

    def body(targets: frozenset[str] | None) -> str:
        told = dataclasses.replace(meta, link_targets=targets)
        return render_typst_source(unsafe_ast, told, TEMPLATES).split("#counter(page).update(1)")[1]

    assert "#link(<unsafe>)" in body(None) and "#link(<unsafe>)" in body(frozenset({"unsafe"}))
    assert "#link(<unsafe>)" not in body(frozenset())
    assert "<missing>" not in body(None)


def test_typst_source_is_usable_on_its_own(book_ast: dict[str, Any], meta: BookMeta) -> None:
    source = render_typst_source(book_ast, meta, TEMPLATES)
    assert 'image("media/ab12.png", alt: "Participants at the Geneva workshop")' in source
    assert "#import" not in source
    assert source.count("#pagebreak(weak: true)") == len(CHAPTERS)


# ---------------------------------------------------------------- failures


def test_unknown_picture_is_refused(meta: BookMeta) -> None:
    ast = markdown_ast("# A\n\n![alt](/etc/passwd.png)\n")
    with pytest.raises(IdmbookError, match="not among the book's pictures"):
        render_pdf(ast, meta, TEMPLATES)


def test_unsafe_picture_name_is_refused(meta: BookMeta, picture: Path) -> None:
    ast = markdown_ast("# A\n\n![alt](../../escape.png)\n")
    unsafe = dataclasses.replace(meta, images={"../../escape.png": picture})
    with pytest.raises(IdmbookError, match="cannot be used"):
        render_pdf(ast, unsafe, TEMPLATES)


def test_missing_template_is_reported(meta: BookMeta, tmp_path: Path) -> None:
    with pytest.raises(IdmbookError, match=r"idm\.typ"):
        render_pdf(markdown_ast("# A\n"), meta, tmp_path)


def test_typst_failure_carries_typst_message(meta: BookMeta, tmp_path: Path) -> None:
    (tmp_path / "idm.typ").write_text("#let x = (1 +\n$body$\n", encoding="utf-8")
    with pytest.raises(IdmbookError, match="Typst could not typeset the PDF: unclosed delimiter"):
        render_pdf(markdown_ast("# A\n"), meta, tmp_path)


def test_bad_standard_and_language_are_reported(meta: BookMeta) -> None:
    ast = markdown_ast("# A\n")
    with pytest.raises(IdmbookError, match="unknown PDF standard"):
        render_pdf(ast, dataclasses.replace(meta, pdf_standard="ua-9"), TEMPLATES)
    with pytest.raises(IdmbookError, match="not a language tag"):
        render_pdf(ast, dataclasses.replace(meta, language="english!"), TEMPLATES)


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", ("en", None)),
        ("fr-CA", ("fr", "CA")),
        ("zh-Hant-TW", ("zh", "TW")),
        ("es-419", ("es", None)),
        ('x"); read("', None),
        ("", None),
    ],
)
def test_typst_language(tag: str, expected: tuple[str, str | None] | None) -> None:
    assert typst_language(tag) == expected


def test_typst_string_escapes_everything_that_could_end_it() -> None:
    assert typst_string('a"b\\c\nd\x01') == '"a\\"b\\\\c\\nd\\u{1}"'


def test_pdf_standards() -> None:
    assert pdf_standards("ua-1") == ["ua-1"]
    assert pdf_standards("a-2a, ua-1") == ["a-2a", "ua-1"]
    assert pdf_standards("") == []
