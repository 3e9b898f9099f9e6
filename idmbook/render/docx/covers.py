"""The covers of the Word edition, added by python-docx to the finished document: the
publisher's logo (and the cover photograph) on the title page, a back cover as the last page
(its own section, without running header or page number), and the ISBN in the document's
properties.

Word places PNG, JPEG and GIF pictures; an SVG (a logo usually is one) is drawn into a PNG by
Typst first, in a private temporary folder holding only that picture.
"""

from __future__ import annotations

import contextlib
import copy
import io
import tempfile
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm

from idmbook.errors import IdmbookError
from idmbook.load.confine import read_file
from idmbook.load.fonts import typst_fonts
from idmbook.load.picturecost import MAX_PICTURE_BYTES
from idmbook.render.docx.document import Finishing
from idmbook.render.docx.styles import STYLE_COVER_PUBLISHER, STYLE_COVER_SERIES, STYLE_IMPRINT
from idmbook.render.meta import BookMeta

LOGO_HEIGHT = Mm(13)
"""Height of the logo on the title page and the back cover."""
PHOTO_MAX_HEIGHT = Mm(110)
"""The tallest the cover photograph is drawn; it is otherwise as wide as the text."""
SVG_PPI = 300.0
"""Resolution an SVG picture is drawn at for Word."""
BACK_COVER_STYLES = {
    "series": STYLE_COVER_SERIES,
    "title": "Subtitle",
    "blurb": "Body Text",
    "publisher": STYLE_COVER_PUBLISHER,
    "lines": STYLE_IMPRINT,
}
"""Paragraph styles of templates/reference.docx the back cover uses."""


KEYWORDS_LIMIT = 255
"""The longest keywords property python-docx writes (it refuses a longer one)."""


def word_keywords(meta: BookMeta) -> str:
    """The document's keywords for Word: the book's numbers (ISBN, e-ISBN, ISSN) first, then
    its themes, as many as fit in :data:`KEYWORDS_LIMIT` characters."""
    ordered = [*meta.cover.numbers, *(k for k in meta.keywords if k not in meta.cover.numbers)]
    kept: list[str] = []
    for keyword in ordered:
        if len("; ".join([*kept, keyword])) <= KEYWORDS_LIMIT:
            kept.append(keyword)
    return "; ".join(kept)


def covers(book: Finishing) -> None:
    """The finishing step: the covers' pictures, the back cover, the ISBN."""
    finish_covers(book.document, book.meta)


def finish_covers(document: Any, meta: BookMeta) -> None:
    """Add the covers' pictures and the back cover to ``document`` (python-docx), and the
    book's ISBN to its properties. Called once the front part and the sections are made."""
    if meta.cover.identifier:
        document.core_properties.identifier = f"urn:isbn:{meta.cover.identifier}"
    body = document.element.body
    paragraphs = body.findall(qn("w:p"))
    publisher = _first_styled(document, paragraphs, STYLE_COVER_PUBLISHER)
    if publisher is not None:
        if meta.cover.photo is not None:
            photo = _picture_paragraph(document, meta, meta.cover.photo, meta.cover.photo_alt)
            publisher.addprevious(photo)
        if meta.cover.logo is not None:
            logo = _picture_paragraph(document, meta, meta.cover.logo, meta.cover.logo_alt)
            publisher.addprevious(logo)
    _back_cover(document, meta)


def _first_styled(document: Any, paragraphs: list[Any], style: str) -> Any:
    """The first of ``paragraphs`` (w:p elements) in the paragraph style named ``style``."""
    try:
        style_id = document.styles[style].style_id
    except KeyError:
        return None
    for paragraph in paragraphs:
        found = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if found is not None and found.get(qn("w:val")) == style_id:
            return paragraph
    return None


def _picture_paragraph(document: Any, meta: BookMeta, name: str, alt: str) -> Any:
    """A new paragraph (not yet placed) holding the picture ``name`` of ``meta.images``
    (the logo at the start of the line, as the cover's text; the photograph centred), with
    ``alt`` as its alternative text."""
    data = _word_picture(meta.images[name])
    paragraph = document.add_paragraph()
    logo = name == meta.cover.logo
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if logo else WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Mm(4)
    run = paragraph.add_run()
    if logo:
        shape = run.add_picture(io.BytesIO(data), height=LOGO_HEIGHT)
    else:
        section = document.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        shape = run.add_picture(io.BytesIO(data), width=width)
        if shape.height > PHOTO_MAX_HEIGHT:
            shape.width = Emu(int(shape.width * PHOTO_MAX_HEIGHT / shape.height))
            shape.height = PHOTO_MAX_HEIGHT
    properties = shape._inline.docPr
    properties.set("descr", alt)
    properties.set("title", alt)
    element = paragraph._p
    element.getparent().remove(element)
    return element


def _word_picture(path: Path) -> bytes:
    """The bytes of a picture Word can place: the file itself, or an SVG drawn as PNG."""
    try:
        data = read_file(path, MAX_PICTURE_BYTES)
    except OSError as exc:
        raise IdmbookError(
            f"the cover picture {path} could not be read: {exc.strerror}",
            "check that the file named by cover: in idmbook.yaml exists and is readable",
        ) from None
    if path.suffix.lower() != ".svg":
        return data
    return svg_as_png(data)


def svg_as_png(data: bytes) -> bytes:
    """The SVG picture ``data`` drawn as a PNG by Typst (transparent background), in a
    temporary folder that holds nothing else."""
    import typst

    with tempfile.TemporaryDirectory(prefix="idmbook-cover-") as folder:
        root = Path(folder)
        (root / "picture.svg").write_bytes(data)
        (root / "main.typ").write_text(
            "#set page(width: auto, height: auto, margin: 0pt, fill: none)\n"
            '#image("picture.svg")\n',
            encoding="utf-8",
        )
        try:
            png = typst.compile(
                str(root / "main.typ"),
                root=str(root),
                font_paths=typst_fonts(),
                ignore_system_fonts=True,
                format="png",
                ppi=SVG_PPI,
            )
        except Exception as exc:  # noqa: BLE001 - Typst raises its own types for a bad picture
            raise IdmbookError(f"the cover's SVG picture could not be drawn: {exc}") from None
    return png if isinstance(png, bytes) else bytes(png[0])


def _back_cover(document: Any, meta: BookMeta) -> None:
    """The back cover at the end: series, title, paragraph, logo, publisher block, numbers;
    a section of its own whose page shows neither running header nor page number."""
    cover = meta.cover
    entries = [
        ("series", meta.series_line),
        ("title", meta.title),
        ("blurb", cover.blurb),
    ]
    paragraphs = [
        _styled_paragraph(document, BACK_COVER_STYLES[kind], text) for kind, text in entries if text
    ]
    if cover.logo is not None:
        paragraphs.append(_picture_paragraph(document, meta, cover.logo, cover.logo_alt))
    lines = cover.publisher_lines or (meta.publisher,)
    paragraphs.append(_styled_paragraph(document, BACK_COVER_STYLES["publisher"], lines[0]))
    paragraphs += [_styled_paragraph(document, STYLE_IMPRINT, line) for line in lines[1:]]
    paragraphs += [_styled_paragraph(document, STYLE_IMPRINT, line) for line in cover.numbers]
    body = document.element.body
    last = body.find(qn("w:sectPr"))
    if last is None:  # (a template without page set-up: a page break starts the back cover)
        body.extend(paragraphs)
        page_break = OxmlElement("w:pageBreakBefore")
        paragraphs[0].get_or_add_pPr().append(page_break)
        return
    for paragraph in paragraphs:
        last.addprevious(paragraph)
    _own_section(body, last, paragraphs[0])


def _styled_paragraph(document: Any, style: str, text: str) -> Any:
    """A new paragraph (not yet placed) of ``text`` in the style named ``style``."""
    paragraph = document.add_paragraph(text)
    with contextlib.suppress(KeyError):  # (a template without it: the paragraph stays Normal)
        paragraph.style = document.styles[style]
    element = paragraph._p
    element.getparent().remove(element)
    return element


def _own_section(body: Any, last: Any, first: Any) -> None:
    """End the body's last section right before ``first`` (the back cover's first paragraph),
    and give the back cover's section the front cover's empty first-page header and footer."""
    carrier = OxmlElement("w:p")
    properties = OxmlElement("w:pPr")
    carrier.append(properties)
    properties.append(copy.deepcopy(last))
    first.addprevious(carrier)
    front = body.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:sectPr')}")
    if front is None:
        return
    for tag in ("w:headerReference", "w:footerReference"):
        blank = [r for r in front.findall(qn(tag)) if r.get(qn("w:type")) == "first"]
        for reference in last.findall(qn(tag)):
            if reference.get(qn("w:type")) == "first" and blank:
                reference.set(qn("r:id"), str(blank[0].get(qn("r:id"))))
    if last.find(qn("w:titlePg")) is None:
        last.append(OxmlElement("w:titlePg"))
