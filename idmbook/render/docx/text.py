"""The languages, fonts and directions of the Word edition's text, and its horizontal rules."""

from __future__ import annotations

from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from idmbook.errors import IdmbookError
from idmbook.render.docx import runs
from idmbook.render.docx.document import Finishing, StyleIds
from idmbook.render.docx.styles import STYLE_HORIZONTAL_RULE
from idmbook.render.docx.wordml import W, child, w

__all__ = ["default_language", "finish_text"]


def default_language(book: Finishing) -> None:
    """Make the book's language the default of the text (styles) and the theme (settings), in
    the slot of its script (Word's defaults stay in the other slots).

    Also drops the proofing state and revision-save ids pandoc copies from its template.
    """
    document = book.document
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = w("docDefaults")
        document.styles.element.insert(0, defaults)
    rpr_default = child(defaults, "rPrDefault", first=True)
    rpr = child(rpr_default, "rPr")
    lang = runs.set_rpr_child(rpr, "lang")
    attributes = runs.language_attributes(book.meta.language)
    for key, value in attributes.items():
        lang.set(qn(f"w:{key}"), value)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        for key, value in attributes.items():
            theme_lang.set(qn(f"w:{key}"), value)
    for tag in ("w:proofState", "w:rsids"):  # editing history, not content
        for element in settings.findall(qn(tag)):
            settings.remove(element)


def finish_text(book: Finishing) -> None:
    """Languages, fonts and directions of the text of the body and of the notes; horizontal
    rules."""
    notes = _note_parts(book.document)
    for root in (book.body, *notes.values()):
        _finish_under(root, book.styles)
    _store_note_parts(notes)


_NOTE_PARTS = ("/word/footnotes.xml", "/word/endnotes.xml")


def _note_parts(document: Any) -> dict[Any, Any]:
    """The footnotes and endnotes parts (python-docx keeps them as bytes), parsed."""
    parts = {}
    for part in document.part.package.parts:
        if str(part.partname) in _NOTE_PARTS:
            try:
                parts[part] = parse_xml(part.blob)
            except etree.XMLSyntaxError as exc:
                raise IdmbookError(f"pandoc wrote notes that cannot be read: {exc}") from None
    return parts


def _store_note_parts(parts: dict[Any, Any]) -> None:
    """Write the parsed note parts back into their parts."""
    for part, root in parts.items():
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_HEADING_STYLES_ALL = tuple(f"heading {level}" for level in range(1, 10))
_RULES = etree.XPath(
    ".//w:p[w:r/w:pict/*[@o:hr='t']]",
    namespaces={**W, "o": "urn:schemas-microsoft-com:office:office"},
)


def _finish_under(root: Any, styles: StyleIds) -> None:
    """Languages, fonts and directions of the text under ``root``; horizontal rules."""
    runs.set_special_fonts(root)
    runs.complete_languages(root)
    runs.paragraph_directions(root)
    runs.right_to_left_tables(root)
    body, first = styles.get("Body Text"), styles.get("First Paragraph")
    if body is not None:
        headings = frozenset(filter(None, (styles.get(name) for name in _HEADING_STYLES_ALL)))
        runs.keep_body_style(root, body, first or body, headings)
    rule = styles.get(STYLE_HORIZONTAL_RULE)
    if rule is not None:
        for paragraph in _RULES(root):
            _house_rule(paragraph, rule)


def _house_rule(paragraph: Any, style: str) -> None:
    """A horizontal rule (pandoc draws a VML line) as an empty paragraph in the house style's
    rule: a short centred line, which Word and LibreOffice draw alike."""
    for old in list(paragraph):
        paragraph.remove(old)
    paragraph.append(w("pPr"))
    paragraph[0].append(w("pStyle", val=style))
