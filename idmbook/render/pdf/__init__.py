"""The PDF edition, in steps: prepare the AST, write it as Typst with pandoc, compile with Typst."""

from __future__ import annotations

from idmbook.render.pdf.compile import PDF_STANDARDS, TypstSession, pdf_standards, render_pdf
from idmbook.render.pdf.glyphs import REPLACEMENT, replace_missing, shown_inlines
from idmbook.render.pdf.language import (
    RTL_LANGUAGES,
    RTL_SCRIPTS,
    text_direction,
    typst_language,
)
from idmbook.render.pdf.markup import stringify, text_inlines, typst_string
from idmbook.render.pdf.pictures import FALLBACK_ALT, IMAGE_SUFFIXES
from idmbook.render.pdf.prepare import prepare_blocks
from idmbook.render.pdf.writer import (
    CHAPTER_NAME,
    MAIN_NAME,
    PANDOC_API_VERSION,
    TEMPLATE_NAME,
    TypstBook,
    pandoc_meta,
    render_typst_source,
    typst_book,
)

__all__ = [
    "CHAPTER_NAME",
    "FALLBACK_ALT",
    "IMAGE_SUFFIXES",
    "MAIN_NAME",
    "PANDOC_API_VERSION",
    "PDF_STANDARDS",
    "REPLACEMENT",
    "RTL_LANGUAGES",
    "RTL_SCRIPTS",
    "TEMPLATE_NAME",
    "TypstBook",
    "TypstSession",
    "pandoc_meta",
    "pdf_standards",
    "prepare_blocks",
    "render_pdf",
    "render_typst_source",
    "replace_missing",
    "shown_inlines",
    "stringify",
    "text_direction",
    "text_inlines",
    "typst_book",
    "typst_language",
    "typst_string",
]
