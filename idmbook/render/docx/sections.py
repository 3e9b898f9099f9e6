"""Where the Word edition's sections begin: the front part checked, each opening a new section."""

from __future__ import annotations

import copy
from typing import Any

from docx.oxml.ns import qn

from idmbook.errors import IdmbookError
from idmbook.render.docx.document import Finishing, StyleIds
from idmbook.render.docx.styles import STYLE_IMPRINT, front_paragraphs
from idmbook.render.docx.wordml import child, paragraph_style, set_flag, w

__all__ = ["front_part", "openings_without_header"]


def front_part(book: Finishing) -> None:
    """Find the front part's paragraphs, check their styles, and start imprint on a new page.

    The cover starts the document; the imprint's first paragraph gets a page break before it;
    the contents heading breaks the page through its style (based on Heading 1).
    """
    styles = book.styles
    expected = front_paragraphs(book.meta)
    paragraphs: list[Any] = book.body.findall(qn("w:p"))[: len(expected)]
    found = [paragraph_style(p) for p in paragraphs]
    if found != [styles[style] for style, _ in expected]:
        raise IdmbookError("pandoc did not write the cover, imprint and contents as expected")
    for paragraph, (style, _) in zip(paragraphs, expected, strict=True):
        if style == STYLE_IMPRINT:
            paragraph.get_or_add_pPr().pageBreakBefore_val = True
            break
    book.front = paragraphs


def openings_without_header(book: Finishing) -> None:
    """The imprint, the contents and each chapter start a section of their own whose first
    page shows no running header (the section's first-page header, the cover's, is empty):
    the running header is on the pages that follow an opening, not on the opening itself.

    The new sections have the body's page set-up and headers; the page break that the
    opening's style or paragraph asked for is given by the section break instead (both would
    leave a blank page)."""
    body = book.body
    last = body.find(qn("w:sectPr"))
    if last is None:
        return
    if last.find(qn("w:titlePg")) is None:
        last.append(w("titlePg"))
    cover = copy.deepcopy(last)
    # after the cover, an opening page has the page number: its first-page footer is the
    # body's footer (the cover's own is empty)
    footers = {f.get(qn("w:type")): f for f in last.findall(qn("w:footerReference"))}
    if "first" in footers and "default" in footers:
        footers["first"].set(qn("r:id"), str(footers["default"].get(qn("r:id"))))
    openings = _openings(body, book.front, book.styles)
    for opening in openings:
        section = copy.deepcopy(cover if opening is openings[0] else last)
        _section_before(opening, section)


def _openings(body: Any, front: list[Any], styles: StyleIds) -> list[Any]:
    """The imprint's first paragraph, the contents' heading and each chapter's heading."""
    chapter = styles.get("Heading 1")
    openings = [p for p in front if paragraph_style(p) in (styles[STYLE_IMPRINT],)][:1]
    openings += [p for p in front if paragraph_style(p) == styles.get("TOC Heading")][:1]
    if chapter is not None:
        openings += [
            p for p in body.findall(qn("w:p")) if paragraph_style(p) == chapter and p not in front
        ]
    return openings


def _section_before(opening: Any, section: Any) -> None:
    """End a section (``section``'s set-up) right before ``opening``, which then starts a page
    by the section break rather than by a page break of its own."""
    before = opening.getprevious()
    while before is not None and before.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        before = before.getprevious()
    if before is None:
        return
    if before.tag != qn("w:p"):  # a table or anything else: an empty paragraph ends it
        carrier = w("p")
        before.addnext(carrier)
        before = carrier
    properties = child(before, "pPr", first=True)
    if properties.find(qn("w:sectPr")) is not None:
        return
    kind = section.find(qn("w:type"))
    if kind is not None:
        section.remove(kind)
    properties.append(section)
    opening_properties = child(opening, "pPr", first=True)
    for old in opening_properties.findall(qn("w:pageBreakBefore")):
        opening_properties.remove(old)
    set_flag(opening_properties, "pageBreakBefore")
    opening_properties.find(qn("w:pageBreakBefore")).set(qn("w:val"), "0")
