"""The Word edition's running header and, in a draft, its watermark and footer note."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from docx.oxml import parse_xml

from idmbook.render.docx.document import Finishing
from idmbook.render.docx.styles import STYLE_FOOTER_NOTE

__all__ = ["fill_header_footer"]


def fill_header_footer(book: Finishing) -> None:
    """Running header on every page but the cover; in a draft, watermark and footer note.

    The reference document gives the section a first-page header and footer (the cover's, empty)
    and the default ones (running header; page number in the footer).
    """
    meta, styles = book.meta, book.styles
    section = book.document.sections[0]
    header = section.header
    running = meta.running_header or meta.title
    if header.paragraphs:
        header.paragraphs[0].text = running
    else:
        header.add_paragraph(running)._p.style = styles["header"]
    if not meta.draft:
        return
    for number, part in enumerate((section.first_page_header, header), start=1):
        paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
        paragraph._p.append(_watermark_run(meta.watermark, number))
    if meta.footer_note:
        note_style = styles[STYLE_FOOTER_NOTE]
        for footer in (section.first_page_footer, section.footer):
            footer.add_paragraph(meta.footer_note)._p.style = note_style


_WATERMARK_XML = """\
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
     xmlns:w10="urn:schemas-microsoft-com:office:word">
<w:rPr><w:noProof/></w:rPr>
<w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
  path="m@7,l@8,m@5,21600l@6,21600e">
<v:formulas>
<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
<v:f eqn="sum @6 0 @5"/>
</v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
  o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/>
<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{spid}" type="#_x0000_t136"
  style="position:absolute;margin-left:0;margin-top:0;width:{width:.1f}pt;height:{height:.1f}pt;\
rotation:315;z-index:-251654144;mso-position-horizontal:center;\
mso-position-horizontal-relative:margin;mso-position-vertical:center;\
mso-position-vertical-relative:margin"
  o:allowincell="f" fillcolor="#c0c0c0" stroked="f">
<v:fill opacity=".5"/>
<v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string={text}/>
<w10:wrap anchorx="margin" anchory="margin"/>
</v:shape>
</w:pict>
</w:r>"""
"""Word's own "Watermark" shape: light grey text path, rotated 315 degrees, behind the text."""


def _watermark_run(text: str, number: int) -> Any:
    """A run holding a diagonal watermark shape; ``number`` keeps shape ids unique per header."""
    text = " ".join(text.split()) or "DRAFT"
    height = 110.0
    width = height * 0.72 * len(text)
    if width > 470.0:
        width, height = 470.0, 470.0 / (0.72 * len(text))
    xml = _WATERMARK_XML.format(
        number=number, spid=2048 + number, width=width, height=height, text=quoteattr(text)
    )
    return parse_xml(xml)
