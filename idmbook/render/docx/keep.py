"""Where the Word edition's pages may not break: kept passages, bylines, table rows."""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

from idmbook.render.docx.document import Finishing
from idmbook.render.docx.wordml import child, set_flag, w

__all__ = ["KEEP", "STICKY", "keep_together", "rows_kept_whole"]

KEEP = "idm-keep-"
STICKY = "idm-sticky-"
"""Bookmark (div id) prefixes of the book's keep-together and keep-with-next passages (see
:mod:`idmbook.compose.keep`)."""


def keep_together(book: Finishing) -> None:
    """The paragraphs of a kept passage (a recommendation and its attribution) kept on one
    page: keep lines together on each, keep with next on all but the last; those of a sticky
    passage (a byline) kept with the paragraph after them."""
    body = book.body
    # pandoc numbers the bookmarks of divs and of sections apart, so two open bookmarks can
    # share an id: an end closes the latest bookmark opened with its id (they nest)
    opened: dict[str, list[tuple[str, list[Any]]]] = {}
    start, end, paragraph = qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:p")
    for element in body.iter(start, end, paragraph):
        if element.tag == start:
            name = str(element.get(qn("w:name")) or "")
            opened.setdefault(str(element.get(qn("w:id"))), []).append((name, []))
        elif element.tag == end:
            stack = opened.get(str(element.get(qn("w:id"))))
            if stack:
                name, paragraphs = stack.pop()
                if name.startswith((KEEP, STICKY)):
                    _keep(paragraphs, sticky=name.startswith(STICKY))
        else:
            for stack in opened.values():
                for name, paragraphs in stack:
                    if name.startswith((KEEP, STICKY)):
                        paragraphs.append(element)


def _keep(paragraphs: list[Any], sticky: bool) -> None:
    for index, kept in enumerate(paragraphs):
        properties = child(kept, "pPr", first=True)
        if sticky or index < len(paragraphs) - 1:
            set_flag(properties, "keepNext")
        if not sticky:
            set_flag(properties, "keepLines")


def rows_kept_whole(book: Finishing) -> None:
    """No table row split across pages (``w:cantSplit``), and the header rows pandoc marks
    (``w:tblHeader``) repeated at the top of each page a table runs onto."""
    for row in book.body.iter(qn("w:tr")):
        properties = row.find(qn("w:trPr"))
        if properties is None:
            properties = w("trPr")
            at = 1 if len(row) and row[0].tag in (qn("w:tblPrEx"),) else 0
            row.insert(at, properties)
        if properties.find(qn("w:cantSplit")) is None:
            properties.insert(0, w("cantSplit"))
