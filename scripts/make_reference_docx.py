"""Generate templates/reference.docx: the IOM house style of idmbook's Word output.

Run from the repository root (the result is committed; review its changes through this script):

    python scripts/make_reference_docx.py [--output templates/reference.docx]

or ``make reference-docx``.

It starts from pandoc's own reference document (`pandoc -o ref.docx --print-default-data-file
reference.docx`) so every style pandoc writes exists, then restyles it with python-docx:

- page: A4, 25 mm margins, a running header (filled in by idmbook.render.docx) and a footer with a
  PAGE field, and an empty first-page header and footer for the cover;
- fonts, one for each of the slots Word picks from a character (``w:rFonts``):
  - Latin, Greek and Cyrillic (``w:ascii``, ``w:hAnsi``): Cambria for text, Calibri for
    headings, cover and tables: the faces every Word installs (Windows and macOS, since Office
    2007), so a Word user sees the book as it was set. LibreOffice sets them in Caladea and
    Carlito, their metric twins, where those are installed (else a face it has, DejaVu here);
    the font table gives their panose numbers for any other substitution;
  - complex scripts (``w:cs``: Arabic, Hebrew; Word sets every right-to-left run in this slot):
    Times New Roman for text and Arial for the sans-serif styles, the two faces every Windows
    and macOS Word has with Arabic and Hebrew (Cambria and Calibri have neither);
  - East Asian (``w:eastAsia``: Chinese, Japanese and Korean characters): SimSun (Song) for
    text and Microsoft YaHei for the sans-serif styles, the faces of Chinese Windows, since
    Chinese is the United Nations language among the three. A passage tagged Japanese, Korean or
    Traditional Chinese gets MS Mincho, Batang or PMingLiU on its runs instead (see
    ``idmbook/render/docx/scripts.py``), as do Devanagari and other Indic text (Nirmala UI),
    Thai, emoji (Segoe UI Emoji), symbols (Segoe UI Symbol) and characters typed in the Symbol
    font (Symbol); the font table lists them all. LibreOffice substitutes a face it has for each
    and falls back, character by character, to any installed font that has the glyph;
- styles: every style in STYLES below, plus the table style in `style_table`.

The output is reproducible: the same script and pandoc version give the same bytes.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from idmbook.pandoc.run import run_pandoc
from idmbook.render.docx import scripts as fonts
from idmbook.render.docx.package import deterministic_zip

SERIF = fonts.SERIF
SANS = fonts.SANS
FACES = {
    SERIF: (SERIF, fonts.SERIF_EAST_ASIAN, fonts.SERIF_COMPLEX),
    SANS: (SANS, fonts.SANS_EAST_ASIAN, fonts.SANS_COMPLEX),
}
"""The Latin, East Asian and complex-script faces of the serif and the sans-serif styles."""
IOM_BLUE = "0033A0"
INK = "1A1A1A"
GREY = "595959"
RULE_GREY = "A6A6A6"
LANGUAGE = "en-GB"
TIMESTAMP = 946684800
"""2000-01-01T00:00:00Z: the fixed date written into the template's package and properties."""

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = Mm(25), Mm(25), Mm(25)
HEADER_DISTANCE, FOOTER_DISTANCE = Mm(12), Mm(12)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True)
class Border:
    """A paragraph border: which side, width in eighths of a point, colour, gap in points."""

    side: str
    size: int
    color: str
    space: int


@dataclass(frozen=True)
class ParagraphStyle:
    """One paragraph style. None leaves the property to the base style."""

    name: str
    base: str | None = None
    next: str | None = None
    font: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    color: str | None = None
    align: str | None = None
    before: float | None = None
    after: float | None = None
    line: float | None = None
    left: float | None = None
    """Left indent in mm."""
    right: float | None = None
    """Right indent in mm."""
    keep_next: bool | None = None
    keep_lines: bool | None = None
    page_break: bool | None = None
    outline: int | None = None
    """0-8 for headings (the navigation pane); 9 keeps a heading-like style out of it."""
    borders: tuple[Border, ...] = ()
    dot_tab: bool = False
    """A right tab with a dot leader at the text width (for page numbers in the contents)."""
    custom: bool = False
    """A style of idmbook's own, not one of Word's built-in styles."""


HEADING = {"font": SANS, "color": IOM_BLUE, "bold": True, "keep_next": True, "keep_lines": True}

STYLES: tuple[ParagraphStyle, ...] = (
    # Text
    ParagraphStyle("Normal"),
    ParagraphStyle("Body Text", before=5, after=5),
    ParagraphStyle("First Paragraph", base="Body Text", next="Body Text"),
    ParagraphStyle("Compact", base="Body Text", before=2, after=2),
    ParagraphStyle(
        "Block Text", base="Body Text", size=10.5, color="333333", before=4, after=10,
        left=8, right=8, borders=(Border("left", 18, IOM_BLUE, 8),),
    ),
    ParagraphStyle("Footnote Text", size=9, before=0, after=3, line=1.0),
    ParagraphStyle("Footnote Block Text", base="Footnote Text", left=6, right=6),
    ParagraphStyle("Definition Term", base="Body Text", next="Definition", bold=True, before=6,
                   after=0, keep_next=True, keep_lines=True),
    ParagraphStyle("Definition", base="Body Text", before=2, after=6, left=8),
    ParagraphStyle(
        "Horizontal Rule", size=6, align="center", before=6, after=12, line=1.0, left=60,
        right=60, borders=(Border("bottom", 6, RULE_GREY, 1),), custom=True,
    ),
    # Headings
    ParagraphStyle(
        "heading 1", **HEADING, size=22, before=24, after=24, line=1.0, page_break=True,
        outline=0, borders=(Border("bottom", 12, IOM_BLUE, 6),),
    ),
    ParagraphStyle("heading 2", **HEADING, size=15, before=20, after=8, line=1.0, outline=1),
    ParagraphStyle("heading 3", **HEADING, size=12, before=14, after=6, line=1.0, outline=2),
    ParagraphStyle(
        "heading 4", **HEADING | {"color": INK}, size=11, italic=True, before=12, after=4,
        outline=3,
    ),
    *(
        ParagraphStyle(f"heading {n}", **HEADING | {"color": INK}, size=10.5, outline=n - 1)
        for n in range(5, 10)
    ),
    # Cover and imprint
    ParagraphStyle(
        "Cover Series", font=SANS, size=13, bold=True, caps=True, color=IOM_BLUE, before=96,
        after=28, borders=(Border("bottom", 36, IOM_BLUE, 10),), custom=True,
    ),
    ParagraphStyle(
        "Title", font=SANS, size=30, bold=True, color=IOM_BLUE, align="left", before=0, after=18,
        line=1.0, keep_next=True,
    ),
    ParagraphStyle(
        "Subtitle", font=SANS, size=15, bold=False, color="404040", align="left", before=0,
        after=0, line=1.1,
    ),
    ParagraphStyle(
        "Cover Publisher", font=SANS, size=12, bold=True, color=IOM_BLUE, before=200, after=2,
        borders=(Border("top", 6, RULE_GREY, 8),), keep_next=True, custom=True,
    ),
    ParagraphStyle("Cover Date", font=SANS, size=12, color=GREY, before=0, after=0, custom=True),
    ParagraphStyle(
        "Imprint", size=9, color="333333", before=0, after=8, line=1.0, custom=True,
    ),
    ParagraphStyle("Author", base="Title", size=12, bold=False, color=GREY),
    ParagraphStyle("Date", base="Title", size=12, bold=False, color=GREY),
    # Contents
    ParagraphStyle(
        "TOC Heading", base="heading 1", next="toc 1", bold=True, color=IOM_BLUE, before=24,
        after=24, line=1.0, outline=9, page_break=True,
    ),
    ParagraphStyle(
        "toc 1", next="Body Text", font=SANS, size=11, bold=True, color=INK, before=10, after=2,
        line=1.0, keep_next=True, dot_tab=True,
    ),
    ParagraphStyle(
        "toc 2", next="Body Text", size=11, before=1, after=1, line=1.0, left=6, dot_tab=True,
    ),
    ParagraphStyle(
        "toc 3", next="Body Text", size=10, italic=True, before=0, after=1, line=1.0, left=12,
        dot_tab=True,
    ),
    # Tables and pictures
    ParagraphStyle("Caption", font=SANS, size=9, italic=True, color=GREY, before=4, after=10),
    ParagraphStyle("Table Caption", base="Caption", before=10, after=4, keep_next=True),
    ParagraphStyle("Image Caption", base="Caption", align="center"),
    ParagraphStyle("Figure", align="center", before=6, after=4, keep_next=True),
    ParagraphStyle("Captioned Figure", base="Figure", keep_next=True),
    # Page furniture
    ParagraphStyle(
        "header", font=SANS, size=8.5, color=GREY, align="right", after=0, line=1.0,
        borders=(Border("bottom", 4, RULE_GREY, 4),),
    ),
    ParagraphStyle("footer", font=SANS, size=9, color=GREY, align="center", after=0, line=1.0),
    ParagraphStyle(
        "Footer Note", base="footer", size=7.5, italic=True, before=2, custom=True,
    ),
)  # fmt: skip


def pandoc_reference() -> docx.document.Document:
    """pandoc's default reference document, opened with python-docx."""
    data = run_pandoc(["--print-default-data-file", "reference.docx"], b"")
    return docx.Document(io.BytesIO(data))


def set_fonts(rpr: Any, font: str) -> None:
    """Use the faces of ``font`` (SERIF or SANS) in every slot, dropping any theme font."""
    rfonts = rpr.get_or_add_rFonts()  # python-docx keeps w:rFonts in schema order
    for key in list(rfonts.attrib):
        del rfonts.attrib[key]
    latin, east_asian, complex_script = FACES[font]
    for attr, face in (
        ("ascii", latin),
        ("hAnsi", latin),
        ("eastAsia", east_asian),
        ("cs", complex_script),
    ):
        rfonts.set(qn(f"w:{attr}"), face)


def strip_theme(document: docx.document.Document) -> None:
    """Remove theme fonts and theme colours from every style, so the styles below decide."""
    root = document.styles.element
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for rfonts in list(root.iter(qn("w:rFonts"))):
        if not rfonts.attrib:
            rfonts.getparent().remove(rfonts)
    for color in root.iter(qn("w:color")):
        for attr in ("themeColor", "themeShade", "themeTint"):
            color.attrib.pop(qn(f"w:{attr}"), None)
    caption = document.styles.element.get_by_id("Caption")
    caption.name_val = "caption"  # Word's built-in name, so Word and python-docx both know it
    for numpr in list(root.iter(qn("w:numPr"))):  # pandoc's Subtitle carries a stray numPr
        numpr.getparent().remove(numpr)
    for rsid in list(root.iter(qn("w:rsid"))):
        rsid.getparent().remove(rsid)
    for spacing in list(root.iterfind(f".//{qn('w:rPr')}/{qn('w:spacing')}")):
        spacing.getparent().remove(spacing)  # letter-spacing of pandoc's Subtitle
    drop_linked_character_styles(document)


def drop_linked_character_styles(document: docx.document.Document) -> None:
    """Remove the "... Char" twins of headings, title and caption.

    pandoc's template links them to the paragraph styles with the old look; without them Word
    derives a linked character style from the restyled paragraph style when it needs one.
    """
    root = document.styles.element
    keep = {"BodyTextChar"}  # pandoc's character styles are based on it
    for style in root.findall(qn("w:style")):
        link = style.find(qn("w:link"))
        if link is None:
            continue
        if style.get(qn("w:type")) == "character" and style.get(qn("w:styleId")) not in keep:
            root.remove(style)
        elif style.get(qn("w:type")) == "paragraph" and link.get(qn("w:val")) not in keep:
            style.remove(link)
    caption_link = root.get_by_id("Caption").find(qn("w:link"))
    if caption_link is not None:
        root.get_by_id("Caption").remove(caption_link)


def set_defaults(document: docx.document.Document) -> None:
    """Document defaults: serif 11 pt, 1.15 line spacing, the book's language."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr, SERIF)
    rpr.get_or_add_sz().val = Pt(11)
    set_cs_size(rpr, 11)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), LANGUAGE)
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(
        parse_xml(
            f'<w:spacing {nsdecl()} w:before="0" w:after="0" w:line="276" w:lineRule="auto"/>'
        )
    )


def nsdecl() -> str:
    return 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


BUILTIN_IDS = {
    "toc 1": "TOC1", "toc 2": "TOC2", "toc 3": "TOC3", "header": "Header", "footer": "Footer",
}  # fmt: skip
"""The style ids Word itself gives the built-in styles idmbook adds."""


def get_style(document: docx.document.Document, spec: ParagraphStyle) -> Any:
    """The style named in ``spec``, created when it is one of idmbook's own."""
    styles = document.styles
    try:
        return styles[spec.name]
    except KeyError:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH, builtin=not spec.custom)
        style.style_id = BUILTIN_IDS.get(spec.name, style.style_id)
        style.base_style = styles["Normal"]
        style.quick_style = True
        return style


PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
"""Children of w:pPr that the schema puts after w:pBdr."""


def add_border(ppr: Any, border: Border) -> None:
    """Add one side of a paragraph border."""
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.insert_element_before(pbdr, *PPR_AFTER_PBDR)
    edge = OxmlElement(f"w:{border.side}")
    for key, value in (
        ("val", "single"),
        ("sz", str(border.size)),
        ("space", str(border.space)),
        ("color", border.color),
    ):
        edge.set(qn(f"w:{key}"), value)
    order = ("top", "left", "bottom", "right", "between", "bar")
    later = [c for c in pbdr if order.index(c.tag.split("}")[1]) > order.index(border.side)]
    if later:
        later[0].addprevious(edge)
    else:
        pbdr.append(edge)


def set_cs_size(rpr: Any, size: float) -> None:
    """Give complex-script text (Arabic, Hebrew...) the same size as Latin text (w:szCs)."""
    szcs = rpr.find(qn("w:szCs"))
    if szcs is None:
        szcs = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(szcs)
    szcs.set(qn("w:val"), str(round(size * 2)))


def apply_font(style: Any, spec: ParagraphStyle) -> None:
    """Character properties of ``spec``."""
    font = style.font
    if spec.font:
        set_fonts(style.element.get_or_add_rPr(), spec.font)
    if spec.size is not None:
        font.size = Pt(spec.size)
        set_cs_size(style.element.get_or_add_rPr(), spec.size)
    if spec.bold is not None:
        font.bold = spec.bold
        font.cs_bold = spec.bold
    if spec.italic is not None:
        font.italic = spec.italic
        font.cs_italic = spec.italic
    if spec.caps is not None:
        font.all_caps = spec.caps
    if spec.color is not None:
        font.color.rgb = RGBColor.from_string(spec.color)


def apply_paragraph(style: Any, spec: ParagraphStyle) -> None:
    """Paragraph properties of ``spec``."""
    fmt = style.paragraph_format
    if spec.align is not None:
        fmt.alignment = ALIGN[spec.align]
    if spec.before is not None:
        fmt.space_before = Pt(spec.before)
    if spec.after is not None:
        fmt.space_after = Pt(spec.after)
    if spec.line is not None:
        fmt.line_spacing = spec.line
    if spec.left is not None:
        fmt.left_indent = Mm(spec.left)
    if spec.right is not None:
        fmt.right_indent = Mm(spec.right)
    if spec.keep_next is not None:
        fmt.keep_with_next = spec.keep_next
    if spec.keep_lines is not None:
        fmt.keep_together = spec.keep_lines
    if spec.page_break is not None:
        fmt.page_break_before = spec.page_break
    if spec.dot_tab:
        fmt.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    ppr = style.element.get_or_add_pPr()
    if spec.outline is not None:
        ppr.get_or_add_outlineLvl().val = spec.outline
    for border in spec.borders:
        add_border(ppr, border)


def apply_style(document: docx.document.Document, spec: ParagraphStyle) -> None:
    """Create or restyle one paragraph style."""
    style = get_style(document, spec)
    if spec.base is not None:
        style.base_style = document.styles[spec.base]
    if spec.next is not None:
        style.next_paragraph_style = document.styles[spec.next]
    apply_font(style, spec)
    apply_paragraph(style, spec)
    style.hidden = False
    style.unhide_when_used = False


def style_table(document: docx.document.Document) -> None:
    """pandoc's table style "Table": sans 9.5 pt, blue rules above and below, bold header row."""
    style = document.styles["Table"]
    element = style.element
    rpr = element.get_or_add_rPr()
    set_fonts(rpr, SANS)
    style.font.size = Pt(9.5)
    tblpr = element.find(qn("w:tblPr"))
    for old in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(old)
    tblpr.find(qn("w:tblInd")).addnext(
        parse_xml(
            f"<w:tblBorders {nsdecl()}>"
            f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{IOM_BLUE}"/>'
            f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{IOM_BLUE}"/>'
            f'<w:insideH w:val="single" w:sz="2" w:space="0" w:color="{RULE_GREY}"/>'
            "</w:tblBorders>"
        )
    )
    margins = tblpr.find(qn("w:tblCellMar"))
    for side in ("top", "bottom"):
        margins.find(qn(f"w:{side}")).set(qn("w:w"), "57")
    for old in element.findall(qn("w:tblStylePr")):
        element.remove(old)
    element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecl()} w:type="firstRow"><w:rPr><w:b/><w:bCs/>'
            f'<w:color w:val="{IOM_BLUE}"/></w:rPr><w:tcPr><w:tcBorders>'
            f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{IOM_BLUE}"/>'
            '</w:tcBorders><w:vAlign w:val="bottom"/></w:tcPr></w:tblStylePr>'
        )
    )


def set_character_styles(document: docx.document.Document) -> None:
    """Links in IOM blue; footnote marks stay superscript (pandoc's default)."""
    document.styles["Hyperlink"].font.color.rgb = RGBColor.from_string(IOM_BLUE)


def field_runs(paragraph: Any, code: str, result: str) -> None:
    """Append a complex field (``code``, showing ``result`` until updated) to ``paragraph``."""
    for kind, text in (
        ("begin", None),
        ("instr", code),
        ("separate", None),
        ("text", result),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.text = text
            instr.set(qn("xml:space"), "preserve")
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): kind}))


def set_page(document: docx.document.Document) -> None:
    """A4 page, margins, running header and page-number footer; an empty cover header/footer."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    section.gutter = Mm(0)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.text = "Running title (idmbook writes the book's short title here)"
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    field_runs(footer, " PAGE ", "1")
    section.first_page_header.paragraphs[0].style = document.styles["Header"]
    first_header_ppr = section.first_page_header.paragraphs[0]._p.get_or_add_pPr()
    first_header_ppr.insert_element_before(  # no rule under the (empty) header of the cover
        parse_xml(f'<w:pBdr {nsdecl()}><w:bottom w:val="nil"/></w:pBdr>'), *PPR_AFTER_PBDR
    )
    section.first_page_footer.paragraphs[0].style = document.styles["Footer"]


def set_settings(document: docx.document.Document) -> None:
    """Theme language, and no spelling/grammar state or revision ids from the template."""
    settings = document.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:val"), LANGUAGE)
    for tag in ("w:proofState", "w:rsids", "w:attachedTemplate"):
        for old in settings.findall(qn(tag)):
            settings.remove(old)


def font_entry(
    name: str,
    charset: str,
    family: str,
    panose: str | None = None,
    alt: str | None = None,
    pitch: str = "variable",
) -> str:
    """One w:font of the font table: what Word needs to substitute it when it is missing."""
    parts = [f'<w:font w:name="{name}">']
    if alt:
        parts.append(f'<w:altName w:val="{alt}"/>')
    if panose:
        parts.append(f'<w:panose1 w:val="{panose}"/>')
    parts += [
        f'<w:charset w:val="{charset}"/>',
        f'<w:family w:val="{family}"/>',
        f'<w:pitch w:val="{pitch}"/>',
        "</w:font>",
    ]
    return "".join(parts)


TIMES_PANOSE = "02020603050405020304"
ARIAL_PANOSE = "020B0604020202020204"
CAMBRIA_PANOSE = "02040503050406030204"
CALIBRI_PANOSE = "020F0502020204030204"
FONT_TABLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f"<w:fonts {nsdecl()}>"
    + font_entry(SERIF, "00", "roman", CAMBRIA_PANOSE)
    + font_entry(SANS, "00", "swiss", CALIBRI_PANOSE)
    + font_entry(fonts.SERIF_COMPLEX, "00", "roman", TIMES_PANOSE)
    + font_entry(fonts.SANS_COMPLEX, "00", "swiss", ARIAL_PANOSE)
    + font_entry(fonts.SERIF_EAST_ASIAN, "86", "auto", "02010600030101010101", "\u5b8b\u4f53")
    + font_entry(
        fonts.SANS_EAST_ASIAN, "86", "swiss", "020B0503020204020204", "\u5fae\u8f6f\u96c5\u9ed1"
    )
    + font_entry(fonts.EAST_ASIAN_BY_LANGUAGE["ja"], "80", "modern", "02020609040205080304",
                 "\uff2d\uff33 \u660e\u671d", pitch="fixed")
    + font_entry(fonts.EAST_ASIAN_BY_LANGUAGE["ko"], "81", "roman", alt="\ubc14\ud0d5")
    + font_entry(fonts.EAST_ASIAN_BY_LANGUAGE["zh-Hant"], "88", "roman",
                 alt="\u65b0\u7d30\u660e\u9ad4")
    + font_entry(fonts.INDIC, "00", "swiss")
    + font_entry(fonts.SOUTHEAST_ASIAN, "00", "swiss")
    + font_entry(fonts.EMOJI, "00", "swiss")
    + font_entry(fonts.SYMBOLS, "00", "swiss")
    + font_entry(fonts.SYMBOL, "02", "roman", "05050102010706020507")
    + "</w:fonts>\n"
).encode()  # fmt: skip
"""Fonts the styles and idmbook's runs use; panose, charset and family let Word substitute a
face that is not installed (Caladea and Carlito, the metric twins, for Cambria and Calibri)."""


SAMPLES = (
    ("Cover Series", "Series line"),
    ("Title", "Title"),
    ("Subtitle", "Subtitle"),
    ("Cover Publisher", "Publisher"),
    ("Cover Date", "Year"),
    ("Imprint", "Imprint paragraph: address, disclaimer, ISSN/ISBN, copyright."),
    ("Horizontal Rule", ""),
    ("TOC Heading", "Contents"),
    ("toc 1", "Contents level 1"),
    ("toc 2", "Contents level 2"),
    ("toc 3", "Contents level 3"),
)
"""Specimens of idmbook's own styles, so a reviewer opening the template sees them."""


def add_samples(document: docx.document.Document) -> None:
    """Put a specimen of every idmbook style before pandoc's own specimens."""
    body = document.element.body
    first = body[0]
    for style, text in SAMPLES:
        paragraph = document.add_paragraph(text, style=document.styles[style])
        first.addprevious(paragraph._p)


def set_properties(document: docx.document.Document) -> None:
    """Describe the template itself, with a fixed date."""
    from datetime import UTC, datetime

    props = document.core_properties
    when = datetime.fromtimestamp(TIMESTAMP, tz=UTC).replace(tzinfo=None)
    props.title = "idmbook reference document (IOM house style)"
    props.author = "idmbook"
    props.last_modified_by = "idmbook"
    props.keywords = ""
    props.created = props.modified = when
    props.language = LANGUAGE


def build() -> bytes:
    """The finished reference document."""
    document = pandoc_reference()
    strip_theme(document)
    set_defaults(document)
    for spec in STYLES:  # create them all first: styles refer to each other
        get_style(document, spec)
    for spec in STYLES:
        apply_style(document, spec)
    style_table(document)
    set_character_styles(document)
    set_page(document)
    set_settings(document)
    add_samples(document)
    set_properties(document)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), TIMESTAMP, {"word/fontTable.xml": FONT_TABLE})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--output", type=Path, default=Path("templates/reference.docx"))
    parser.add_argument("path", type=Path, nargs="?", help="the same as --output")
    args = parser.parse_args(argv)
    output: Path = args.path or args.output
    data = build()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".docx.tmp")
    tmp.write_bytes(data)
    tmp.replace(output)
    print(f"wrote {output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
