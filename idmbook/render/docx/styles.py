"""The styles of templates/reference.docx the DOCX uses, and the front part's paragraphs.

Shared by the step before pandoc (:mod:`.prepare`) and the finishing steps after it.
"""

from __future__ import annotations

from idmbook.render.meta import BookMeta

# Paragraph styles of templates/reference.docx that the front part uses (style names, not ids).
STYLE_COVER_SERIES = "Cover Series"
STYLE_COVER_TITLE = "Title"
STYLE_COVER_SUBTITLE = "Subtitle"
STYLE_COVER_PUBLISHER = "Cover Publisher"
STYLE_COVER_DATE = "Cover Date"
STYLE_IMPRINT = "Imprint"
STYLE_TOC_HEADING = "TOC Heading"
STYLE_FOOTER_NOTE = "Footer Note"
STYLE_HORIZONTAL_RULE = "Horizontal Rule"
TOC_DEPTH = 2
"""Heading levels listed in the table of contents (the reference document styles toc 1-3)."""
TOC_STYLES = tuple(f"toc {level}" for level in range(1, TOC_DEPTH + 1))
HEADING_STYLES = tuple(f"heading {level}" for level in range(1, TOC_DEPTH + 1))
TOC_INSTRUCTION = f' TOC \\o "1-{TOC_DEPTH}" \\h \\z \\u '


def front_paragraphs(meta: BookMeta) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of the front part, in order."""
    cover = [
        (STYLE_COVER_SERIES, meta.series_line),
        (STYLE_COVER_TITLE, meta.title),
        (STYLE_COVER_SUBTITLE, meta.subtitle),
        (STYLE_COVER_PUBLISHER, meta.publisher),
        (STYLE_COVER_DATE, str(meta.year)),
    ]
    paragraphs = [(style, text) for style, text in cover if text and text.strip()]
    paragraphs += [(STYLE_IMPRINT, text) for text in meta.imprint if text.strip()]
    paragraphs.append((STYLE_TOC_HEADING, meta.contents_label.strip() or "Contents"))
    return paragraphs
