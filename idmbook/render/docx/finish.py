"""Step 3 of the DOCX: the finishing steps python-docx runs on pandoc's file, in order.

Imported only once pandoc has written the file, when the book's AST has been let go:
python-docx and lxml, imported while it is alive, leave long-lived objects among its memory,
which Python then cannot give back (on the benchmark's compendium, 63 more of Python's 1 MiB
memory arenas kept while Typst typesets).
"""

from __future__ import annotations

from collections.abc import Callable

from idmbook.render.docx import contents, covers, headers, keep, properties, sections, text
from idmbook.render.docx.document import Finishing, open_docx
from idmbook.render.docx.package import write_package
from idmbook.render.meta import BookMeta

__all__ = ["STEPS", "finish_docx"]

STEPS: tuple[Callable[[Finishing], None], ...] = (
    sections.front_part,  # the cover, imprint and contents heading found; imprint on a new page
    contents.add_contents,  # the table of contents after its heading
    text.default_language,  # the book's language as the document's default
    text.finish_text,  # languages, fonts, directions of the body and notes; horizontal rules
    keep.keep_together,  # kept passages on one page, bylines with what follows
    keep.rows_kept_whole,  # no table row split across pages
    headers.fill_header_footer,  # running header; in a draft, watermark and footer note
    sections.openings_without_header,  # imprint, contents, chapters open sections
    covers.covers,  # the covers' pictures, the back cover with the ISBN
    properties.word_settings,  # compatibility mode; fields updated on opening
    properties.core_properties,  # title, author, subject, keywords, language, dates
)
"""What python-docx adds to pandoc's DOCX, in the order it is done."""


def finish_docx(raw: bytes, meta: BookMeta) -> bytes:
    """Add what pandoc cannot write to the DOCX ``raw`` and return reproducible bytes."""
    book = open_docx(raw, meta)
    for step in STEPS:
        step(book)
    return write_package(
        book.document, {"docProps/app.xml": properties.app_xml(meta)}, meta.timestamp
    )
