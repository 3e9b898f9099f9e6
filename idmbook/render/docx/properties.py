"""The Word edition's settings and document properties (compatibility, title, author, dates)."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from docx.oxml.ns import qn

from idmbook.render.docx.covers import word_keywords
from idmbook.render.docx.document import Finishing
from idmbook.render.docx.wordml import insert_before, w
from idmbook.render.meta import BookMeta

__all__ = ["COMPATIBILITY_MODE", "app_xml", "core_properties", "word_settings"]

_WORD_URI = "http://schemas.microsoft.com/office/word"
COMPATIBILITY_MODE = "15"
"""Word 2013 and later: the file opens in Word's current layout, not in Compatibility Mode."""


def word_settings(book: Finishing) -> None:
    """The document settings Word reads on opening: the current compatibility mode, and a
    request to update fields (the contents' page numbers; Word asks the user first)."""
    settings = book.document.settings.element
    for tag in ("w:updateFields", "w:compat"):
        for old in settings.findall(qn(tag)):
            settings.remove(old)
    compat = w("compat")
    for name, value in (
        ("compatibilityMode", COMPATIBILITY_MODE),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"),
    ):
        compat.append(w("compatSetting", name=name, uri=_WORD_URI, val=value))
    insert_before(settings, w("updateFields", val="true"), _AFTER_UPDATE)
    insert_before(settings, compat, _AFTER_COMPAT)


_AFTER_COMPAT = [
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
]
"""The children of w:settings that come after w:compat in the schema's order (Word refuses
a settings part out of order)."""
_AFTER_UPDATE = ["hdrShapeDefaults", "footnotePr", "endnotePr", "compat", *_AFTER_COMPAT]
"""Those that come after w:updateFields."""


def core_properties(book: Finishing) -> None:
    """Title, author, subject, keywords, language and dates; no revision counter."""
    meta = book.meta
    props = book.document.core_properties
    when = datetime.fromtimestamp(max(meta.timestamp, 0), tz=UTC).replace(tzinfo=None)
    props.title = meta.title
    props.author = meta.author
    props.subject = meta.subject
    props.keywords = word_keywords(meta)  # (python-docx takes 255 characters at most)
    props.language = meta.language
    props.last_modified_by = meta.publisher
    props.created = when
    props.modified = when
    props.content_status = "Draft" if meta.draft else ""
    revision = props._element.find(qn("cp:revision"))
    if revision is not None:
        props._element.remove(revision)


def app_xml(meta: BookMeta) -> bytes:
    """Extended properties naming the publisher, without pandoc's made-up word counts."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes">'
        f"<Company>{escape(meta.publisher)}</Company>"
        "<Application>idmbook</Application><DocSecurity>0</DocSecurity></Properties>"
    ).encode()
