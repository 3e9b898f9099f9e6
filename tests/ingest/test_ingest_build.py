"""What ingest keeps reaches the book: two Word submissions (text boxes, the title block, a
footnote in a table cell, tables of every shape, a right-to-left paragraph), an OpenDocument
text and an RTF file saved by LibreOffice (their footnotes) are ingested into a small project,
the book is built, and the words are read back from the DOCX with python-docx and from the
PDF with pdftotext."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import footnotes_docx, kept_docx, libreoffice_rtf, rich_odt, tables_docx

from idmbook.commands.build import BuildOptions, build
from idmbook.commands.ingest import IngestOptions, ingest

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("soffice") is None,
    reason="needs pdftotext and LibreOffice",
)

META: dict[str, object] = {
    "stakeholder_type": "local_authority",
    "workshop": "geneva",
    "themes": ["rights-wellbeing"],
    "language": "en",
    "received": dt.date(2017, 7, 1),
    "consent": True,
}
PHRASES = (
    "Cities of welcome",  # the Title paragraph, kept as the first paragraph
    "A report from the field",
    "Text before the box. Text after the box.",
    "Inside the modern box.",
    "Inside the old box.",
    "Figures of the prefecture, 2016.",  # a footnote in a table cell
    "Source: the city’s annual report.",
    "Beside the inner table",
    "Inner3",
    "Across two",
    "Estimate | rounded, see [annex].",
    "A note on the welcome.",  # a footnote of an OpenDocument file
    "bienvenue à tous",
    "Ministry of the Interior, 2016.",  # footnotes of an RTF file saved by LibreOffice
    "Second paragraph of the note.",
)
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def _flat(text: str) -> str:
    return " ".join(text.translate(_BIDI_CONTROLS).split())


def _docx_text(data: bytes) -> str:
    """The text of the document's paragraphs, its table cells (nested ones too) and its
    footnotes, as python-docx and the footnotes part give it."""
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]

    def tables(items: list) -> None:  # type: ignore[type-arg]
        for table in items:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    tables(document.tables)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "word/footnotes.xml" in archive.namelist():
            xml = archive.read("word/footnotes.xml").decode("utf-8")
            for note in re.findall(r"<w:footnote\b.*?</w:footnote>", xml, re.S):
                parts.append("".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", note)))
    return _flat(" ".join(parts).replace("&amp;", "&").replace("&#39;", "'"))


def test_kept_content_is_in_the_built_docx_and_pdf(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root: Path = make_project().root  # type: ignore[attr-defined]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "kept.docx").write_bytes(kept_docx())
    (inbox / "tables.docx").write_bytes(tables_docx())
    (inbox / "rich.odt").write_bytes(rich_odt())
    (inbox / "notes.rtf").write_bytes(libreoffice_rtf(footnotes_docx(), tmp_path / "lo"))
    for name, organisation in (
        ("kept.docx", "Ville de Lyon"),
        ("tables.docx", "Tables Trust"),
        ("rich.odt", "Open Documents"),
        ("notes.rtf", "Rich Text"),
    ):
        result = ingest(
            [inbox / name],
            IngestOptions(metadata={**META, "organisation": organisation, "title": name}),
            root,
        )
        assert result.files[0].status == "ingested", result.files[0].diagnostics
    build(root, BuildOptions(formats=("docx", "pdf")))
    dist = root / "dist"
    docx_text = _docx_text((dist / "publication.docx").read_bytes())
    pdf_text = _flat(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(dist / "publication.pdf"), "-"],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout.decode("utf-8")
    )
    for phrase in PHRASES:
        assert phrase in docx_text, f"{phrase!r} is not in the DOCX"
        assert _flat(phrase) in pdf_text, f"{phrase!r} is not in the PDF"
    for word in ("مرحبا", "بالمهاجرين", "bienvenue"):
        assert word in docx_text and word in pdf_text, word
