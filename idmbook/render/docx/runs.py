"""Languages, scripts and directions in the XML pandoc wrote: what its DOCX writer leaves out.

pandoc marks a passage's language as ``w:lang w:val`` only, and a right-to-left passage with
``w:bidi`` on its paragraphs and ``w:rtl`` on its runs. Word and LibreOffice read the language of
Arabic or Hindi text from ``w:bidi`` and of Chinese from ``w:eastAsia``, lay out a table's
columns right to left only with ``w:bidiVisual``, and draw a character only with a font that has
it. So, in the body and the notes:

- every ``w:lang`` gets the slot its script is set in (:func:`complete_languages`), East Asian
  text the East Asian face for its punctuation too (``w:hint``), and in a language other than
  Simplified Chinese a face of its own;
- Symbol-font characters, emoji, symbols, Indic and Thai text get a font that covers them
  (:func:`set_special_fonts`), in runs of their own;
- a paragraph whose text is all in one direction, a Span holding it all for one, runs in that
  direction (:func:`paragraph_directions`): pandoc gives a paragraph a direction only from a
  Div, and a note's text cannot be in a Div of its own (its number would stand apart);
- a table whose cells are all right to left runs right to left (:func:`right_to_left_tables`);
- a right-to-left paragraph keeps the body text style (:func:`keep_body_style`): pandoc's writer
  drops the style of a paragraph that has a direction.

Fonts and slots are those of :mod:`idmbook.render.docx.scripts`.
"""

from __future__ import annotations

import copy
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from lxml import etree

from idmbook.render.docx import scripts
from idmbook.render.docx.scripts import Special, language, special_runs

__all__ = [
    "RUN_LANGUAGE_CHILDREN",
    "complete_languages",
    "keep_body_style",
    "language_attributes",
    "paragraph_directions",
    "right_to_left_tables",
    "set_rpr_child",
    "set_special_fonts",
]

_W = {"w": nsmap["w"]}
_LANGS = etree.XPath(".//w:lang[parent::w:rPr[parent::w:r]]", namespaces=_W)
_TEXTS = etree.XPath(".//w:t/text()", namespaces=_W)
_TEXT_ELEMENTS = etree.XPath(".//w:r/w:t", namespaces=_W)
_TABLES = etree.XPath(".//w:tbl", namespaces=_W)
_CELL_PARAGRAPHS = etree.XPath("./w:tr/w:tc/w:p", namespaces=_W)
_UNSTYLED_RTL = etree.XPath(".//w:p[w:pPr/w:bidi and not(w:pPr/w:pStyle)]", namespaces=_W)
_DIRECTED = etree.XPath(".//w:p[w:pPr/w:bidi or .//w:r/w:rPr/w:rtl]", namespaces=_W)
_PARAGRAPH_TEXT_RUNS = etree.XPath(
    "./w:r[w:t] | ./w:hyperlink/w:r[w:t] | ./w:ins/w:r[w:t] | ./w:smartTag/w:r[w:t]",
    namespaces=_W,
)

RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
)  # fmt: skip
"""The children of w:rPr in the order the schema requires."""
RUN_LANGUAGE_CHILDREN = ("rFonts", "rtl", "cs", "lang")
"""What of a run's properties says its script, direction and language."""
_TBLPR_BEFORE_BIDI = ("tblStyle", "tblpPr", "tblOverlap")
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange",
)  # fmt: skip
"""The children of w:pPr in the order the schema requires."""


def set_rpr_child(rpr: Any, tag: str) -> Any:
    """The ``w:tag`` child of the run properties ``rpr``, created in schema order if missing."""
    return _ordered_child(rpr, tag, RPR_ORDER)


def _ordered_child(parent: Any, tag: str, order: tuple[str, ...]) -> Any:
    """The ``w:tag`` child of ``parent``, created where ``order`` puts it if missing."""
    child = parent.find(qn(f"w:{tag}"))
    if child is not None:
        return child
    child = OxmlElement(f"w:{tag}")
    rank = order.index(tag)
    for index, existing in enumerate(parent):
        name = etree.QName(existing).localname
        if name in order and order.index(name) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _rpr(run: Any) -> Any:
    """The run properties of ``run``, created first in it if missing."""
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run.insert(0, rpr)
    return rpr


def language_attributes(tag: str) -> dict[str, str]:
    """The ``w:lang`` attributes (unqualified) that mark text in the language ``tag``."""
    info = language(tag)
    attributes = {"val": tag}
    if info.complex_script:
        attributes["bidi"] = tag
    if info.east_asian:
        attributes["eastAsia"] = tag
    return attributes


def complete_languages(root: Any) -> int:
    """Give every run's ``w:lang`` under ``root`` the slot of its script; return how many."""
    count = 0
    for lang in _LANGS(root):
        tag = lang.get(qn("w:val")) or lang.get(qn("w:bidi")) or lang.get(qn("w:eastAsia"))
        if not tag:
            continue
        for key, value in language_attributes(tag).items():
            lang.set(qn(f"w:{key}"), value)
        info = language(tag)
        if info.east_asian:  # punctuation shared with Latin text too in the East Asian face
            fonts = set_rpr_child(lang.getparent(), "rFonts")
            fonts.set(qn("w:hint"), "eastAsia")
            if info.east_asian_font is not None:
                fonts.set(qn("w:eastAsia"), info.east_asian_font)
        count += 1
    return count


_FONTS = {
    Special.SYMBOL_FONT: (scripts.SYMBOL, ("ascii", "hAnsi", "eastAsia", "cs")),
    Special.EMOJI: (scripts.EMOJI, ("ascii", "hAnsi", "eastAsia", "cs")),
    Special.SYMBOLS: (scripts.SYMBOLS, ("ascii", "hAnsi", "eastAsia", "cs")),
    Special.INDIC: (scripts.INDIC, ("cs",)),
    Special.SOUTHEAST_ASIAN: (scripts.SOUTHEAST_ASIAN, ("cs",)),
}
"""The font of each kind of character and the slots it fills."""
_COMPLEX = (Special.INDIC, Special.SOUTHEAST_ASIAN)
"""Kinds Word sets as complex script only when the run says so (``w:cs``)."""


def set_special_fonts(root: Any) -> int:
    """Set the characters under ``root`` that the styles' fonts lack in a font that has them,
    each kind in runs of its own; return how many runs were made."""
    if not scripts.HAS_SPECIAL.search("".join(_TEXTS(root))):
        return 0
    made = 0
    for text in _TEXT_ELEMENTS(root):
        if not text.text or not scripts.HAS_SPECIAL.search(text.text):
            continue
        run = text.getparent()
        if any(child.tag not in (qn("w:rPr"), qn("w:t")) for child in run):
            continue  # a run pandoc did not write as properties and one text: left as it is
        pieces = special_runs(text.text)
        for piece, kind in pieces:
            new = copy.deepcopy(run)
            new.find(qn("w:t")).text = piece
            if kind is not None:
                _set_font(new, kind)
            run.addprevious(new)
            made += 1
        run.getparent().remove(run)
    return made


def _set_font(run: Any, kind: str) -> None:
    font, slots = _FONTS[kind]
    rpr = _rpr(run)
    fonts = set_rpr_child(rpr, "rFonts")
    for attribute in ("hint", "asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for slot in slots:
        fonts.set(qn(f"w:{slot}"), font)
    if kind in _COMPLEX:
        set_rpr_child(rpr, "cs")


def paragraph_directions(root: Any) -> int:
    """Make a paragraph right to left when all its text is (every run ``w:rtl``), left to
    right when none of it is; return how many changed. A paragraph of mixed text keeps the
    direction pandoc gave it (its Div's)."""
    count = 0
    for paragraph in _DIRECTED(root):
        runs = _PARAGRAPH_TEXT_RUNS(paragraph)
        if not runs:
            continue
        rtl = {run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for run in runs}
        if len(rtl) != 1:
            continue
        properties = paragraph.find(qn("w:pPr"))
        bidi = None if properties is None else properties.find(qn("w:bidi"))
        if rtl == {True} and bidi is None:
            if properties is None:
                properties = OxmlElement("w:pPr")
                paragraph.insert(0, properties)
            _ordered_child(properties, "bidi", PPR_ORDER)
            count += 1
        elif rtl == {False} and bidi is not None:
            properties.remove(bidi)
            count += 1
    return count


def right_to_left_tables(root: Any) -> int:
    """Lay out right to left (``w:bidiVisual``) every table whose cells' paragraphs are all
    right to left; return how many."""
    count = 0
    for table in _TABLES(root):
        paragraphs = _CELL_PARAGRAPHS(table)
        if not paragraphs or not all(
            p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None for p in paragraphs
        ):
            continue
        properties = table.find(qn("w:tblPr"))
        if properties is None:
            properties = OxmlElement("w:tblPr")
            table.insert(0, properties)
        if properties.find(qn("w:bidiVisual")) is not None:
            continue
        bidi = OxmlElement("w:bidiVisual")
        before = [c for c in properties if etree.QName(c).localname in _TBLPR_BEFORE_BIDI]
        if before:
            before[-1].addnext(bidi)
        else:
            properties.insert(0, bidi)
        count += 1
    return count


def keep_body_style(root: Any, body: str, first: str, headings: frozenset[str]) -> int:
    """Give the style ``body`` (``first`` right after a heading) to every right-to-left
    paragraph pandoc left without a style; return how many."""
    count = 0
    for paragraph in _UNSTYLED_RTL(root):
        previous = paragraph.getprevious()
        while previous is not None and previous.tag != qn("w:p"):
            previous = previous.getprevious() if previous.tag != qn("w:tbl") else None
        style = body
        if previous is not None:
            pstyle = previous.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if pstyle is not None and pstyle.get(qn("w:val")) in headings:
                style = first
        element = OxmlElement("w:pStyle")
        element.set(qn("w:val"), style)
        paragraph.find(qn("w:pPr")).insert(0, element)
        count += 1
    return count
