"""Build real submission files for the ingest tests: python-docx documents patched with the
XML python-docx cannot write (tracked changes, comments, footnotes, fields, macros)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

import docx
from docx.shared import Inches

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def png(width: int = 4, height: int = 3, colour: bytes = b"\xff\x00\x00") -> bytes:
    """A real PNG picture."""
    raw = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def marker(name: str) -> str:
    """Where :func:`patch` inserts raw XML: a paragraph holding just ``name``."""
    return f"<w:p><w:r><w:t>{name}</w:t></w:r></w:p>"


def document(build: Callable[[docx.document.Document], None]) -> bytes:
    d = docx.Document()
    build(d)
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def patch(
    data: bytes,
    replace: dict[str, str] | None = None,
    parts: dict[str, bytes | str] | None = None,
    rels: list[str] | None = None,
    content_types: list[str] | None = None,
    drop: tuple[str, ...] = (),
    part_edits: dict[str, Callable[[bytes], bytes]] | None = None,
) -> bytes:
    """``data`` with text replaced in document.xml, parts added, relationships and content
    types added to the main document."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info)
            if info.filename == "word/document.xml" and replace:
                text = content.decode("utf-8")
                for old, new in replace.items():
                    assert old in text, old
                    text = text.replace(old, new)
                content = text.encode("utf-8")
            if info.filename == "word/_rels/document.xml.rels" and rels:
                content = content.replace(
                    b"</Relationships>", "".join(rels).encode() + b"</Relationships>"
                )
            if info.filename == "[Content_Types].xml" and content_types:
                content = content.replace(
                    b"</Types>", "".join(content_types).encode() + b"</Types>"
                )
            if part_edits and info.filename in part_edits:
                content = part_edits[info.filename](content)
            target.writestr(info.filename, content)
        for name, value in (parts or {}).items():
            target.writestr(name, value.encode() if isinstance(value, str) else value)
    return out.getvalue()


def rich_french_docx() -> bytes:
    """A French submission with everything a real one has: a title heading, sub-headings,
    a tracked insertion and deletion, a comment, a footnote, a table with merged cells, a
    picture with alt text and one without, a list, and a paragraph in Arabic (right to left)."""

    def build(d: docx.document.Document) -> None:
        d.add_heading("Contribution de la Ville de Montréal", 1)
        d.add_paragraph("La ville accueille chaque année de nouveaux résidents.")
        d.add_paragraph("TRACKED")
        d.add_paragraph("FOOTNOTE")
        d.add_heading("Nos recommandations", 2)
        d.add_paragraph("Un guichet unique pour tous.", style="List Bullet")
        d.add_paragraph("Des cours de langue gratuits.", style="List Bullet")
        table = d.add_table(rows=3, cols=3)
        table.cell(0, 0).text = "Service"
        table.cell(0, 1).text = "Public"
        table.cell(0, 2).text = "Langues"
        table.cell(1, 0).text = "Guichet"
        table.cell(1, 1).text = "Tous"
        table.cell(1, 2).text = "français"
        merged = table.cell(2, 0).merge(table.cell(2, 2))
        merged.text = "Cellule fusionnée sur trois colonnes"
        d.add_picture(io.BytesIO(png(4, 3)), width=Inches(1))
        d.add_picture(io.BytesIO(png(5, 2, b"\x00\x00\xff")), width=Inches(1))
        d.add_paragraph("مرحبا بالمهاجرين في مدينتنا")

    data = document(build)
    tracked = (
        '<w:p><w:r><w:t xml:space="preserve">Nous avons ouvert </w:t></w:r>'
        '<w:ins w:id="11" w:author="A" w:date="2017-05-01T00:00:00Z"><w:r><w:t>trois</w:t></w:r>'
        '</w:ins><w:del w:id="12" w:author="A" w:date="2017-05-01T00:00:00Z"><w:r>'
        "<w:delText>deux</w:delText></w:r></w:del>"
        '<w:commentRangeStart w:id="5"/><w:r><w:t xml:space="preserve"> centres.</w:t></w:r>'
        '<w:commentRangeEnd w:id="5"/><w:r><w:commentReference w:id="5"/></w:r></w:p>'
    )
    footnote = (
        '<w:p><w:r><w:t xml:space="preserve">Selon nos données</w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>'
    )
    rtl = "<w:p><w:r><w:t>مرحبا بالمهاجرين في مدينتنا</w:t></w:r></w:p>"
    rtl_bidi = (
        '<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/><w:lang w:bidi="ar-SA"/></w:rPr>'
        "<w:t>مرحبا بالمهاجرين في مدينتنا</w:t></w:r></w:p>"
    )
    data = patch(
        data,
        replace={marker("TRACKED"): tracked, marker("FOOTNOTE"): footnote, rtl: rtl_bidi},
        parts={
            "word/comments.xml": f'<?xml version="1.0"?><w:comments {W}><w:comment w:id="5" '
            'w:author="Relecteur"><w:p><w:r><w:t>COMMENTAIRE INTERNE</w:t></w:r></w:p>'
            "</w:comment></w:comments>",
            "word/footnotes.xml": f'<?xml version="1.0"?><w:footnotes {W}><w:footnote w:id="1">'
            "<w:p><w:r><w:t>Rapport annuel 2016 de la ville.</w:t></w:r></w:p></w:footnote>"
            "</w:footnotes>",
        },
        rels=[
            f'<Relationship Id="rIdC1" Type="{REL}/comments" Target="comments.xml"/>',
            f'<Relationship Id="rIdF1" Type="{REL}/footnotes" Target="footnotes.xml"/>',
        ],
        content_types=[
            '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.comments+xml"/>',
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.wordprocessingml.footnotes+xml"/>',
        ],
    )
    # alt text on the first picture only
    return patch(
        data,
        replace={
            '<wp:docPr id="1" name="Picture 1"/>': '<wp:docPr id="1" name="Picture 1" '
            'descr="Carte des quartiers d\'accueil"/>'
        },
    )


def simple_docx(text: str = "Un texte simple.", heading: str | None = None) -> bytes:
    def build(d: docx.document.Document) -> None:
        if heading:
            d.add_heading(heading, 1)
        d.add_paragraph(text)

    return document(build)


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def _with_footnotes(data: bytes, notes: dict[int, str]) -> bytes:
    """``data`` with a footnotes part holding ``notes`` (id -> paragraphs separated by '\\n')."""
    body = "".join(
        f'<w:footnote w:id="{n}">'
        + "".join(f"<w:p><w:r><w:t>{para}</w:t></w:r></w:p>" for para in text.split("\n"))
        + "</w:footnote>"
        for n, text in notes.items()
    )
    return patch(
        data,
        parts={"word/footnotes.xml": f'<?xml version="1.0"?><w:footnotes {W}>{body}</w:footnotes>'},
        rels=[f'<Relationship Id="rIdF1" Type="{REL}/footnotes" Target="footnotes.xml"/>'],
        content_types=[
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.wordprocessingml.footnotes+xml"/>'
        ],
    )


def note_ref(n: int, before: str = "") -> str:
    """A paragraph's XML: ``before`` then the reference to footnote ``n``."""
    return (
        f'<w:p><w:r><w:t xml:space="preserve">{before}</w:t></w:r>'
        f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        f'<w:footnoteReference w:id="{n}"/></w:r></w:p>'
    )


def tables_docx() -> bytes:
    """Tables of every shape real submissions have: empty rows, a header row only, one
    column, a table nested in a cell, merged cells across and down, a list and paragraphs in
    a cell, footnotes in cells (one of two paragraphs), and an entirely empty table."""

    def build(d: docx.document.Document) -> None:
        d.add_paragraph("Empty rows:")
        t = d.add_table(rows=4, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "Year", "Arrivals"
        t.cell(2, 0).text, t.cell(2, 1).text = "2016", "1200"
        d.add_paragraph("Header only:")
        t = d.add_table(rows=1, cols=3)
        for i, word in enumerate(("Alpha", "Beta", "Gamma")):
            t.cell(0, i).text = word
        d.add_paragraph("One column:")
        t = d.add_table(rows=3, cols=1)
        for i, word in enumerate(("Solo", "uno", "dos")):
            t.cell(i, 0).text = word
        d.add_paragraph("Nested:")
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "Outer A", "Outer B"
        t.cell(1, 1).text = "Beside the inner table"
        inner = t.cell(1, 0).add_table(rows=2, cols=2)
        for (r, c), word in {(0, 0): "Inner1", (0, 1): "Inner2", (1, 0): "Inner3"}.items():
            inner.cell(r, c).text = word
        inner.cell(1, 1).text = "Inner4"
        d.add_paragraph("Merged:")
        t = d.add_table(rows=3, cols=3)
        for i, word in enumerate(("M1", "M2", "M3")):
            t.cell(0, i).text = word
        t.cell(1, 0).merge(t.cell(1, 1)).text = "Across two"
        t.cell(1, 2).merge(t.cell(2, 2)).text = "Down two"
        t.cell(2, 0).text, t.cell(2, 1).text = "Left", "Middle"
        d.add_paragraph("Rich cells:")
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "Measures", "Notes"
        cell = t.cell(1, 0)
        cell.text = "First measure"
        cell.paragraphs[0].style = "List Bullet"
        cell.add_paragraph("Second measure", style="List Bullet")
        t.cell(1, 1).text = "CELLNOTE"
        t.cell(1, 1).add_paragraph("A second paragraph in the cell.")
        d.add_paragraph("Simple note cell:")
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "Country", "Figure"
        t.cell(1, 0).text, t.cell(1, 1).text = "Chile", "SIMPLENOTE"
        d.add_table(rows=2, cols=2)
        d.add_paragraph("After the tables.")

    data = document(build)
    data = patch(
        data,
        part_edits={
            "word/document.xml": lambda b: b.replace(
                b"<w:p><w:r><w:t>CELLNOTE</w:t></w:r></w:p>",
                note_ref(1, "Figures of 2016").encode(),
            ).replace(b"<w:p><w:r><w:t>SIMPLENOTE</w:t></w:r></w:p>", note_ref(2, "42 %").encode())
        },
    )
    return _with_footnotes(
        data,
        {
            1: "Source: the city's annual report.\nSecond paragraph of the note.",
            2: "Estimate | rounded, see [annex].",
        },
    )


ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:math="http://www.w3.org/1998/Math/MathML" office:version="1.3"'
)
FRACTION_MATHML = (
    '<math:math xmlns:math="http://www.w3.org/1998/Math/MathML" display="block">'
    "<math:semantics><math:mrow><math:mfrac><math:mi>a</math:mi><math:mi>b</math:mi>"
    '</math:mfrac></math:mrow><math:annotation encoding="StarMath 5.0">{a} over {b}'
    "</math:annotation></math:semantics></math:math>"
)
SQUARE_MATHML = (
    '<math:math xmlns:math="http://www.w3.org/1998/Math/MathML"><math:semantics>'
    "<math:msup><math:mi>x</math:mi><math:mn>2</math:mn></math:msup>"
    '<math:annotation encoding="StarMath 5.0">x^2</math:annotation></math:semantics>'
    "</math:math>"
)


def formula_frame(n: int) -> str:
    return (
        f'<draw:frame draw:name="Object{n}" text:anchor-type="as-char" svg:width="1cm" '
        f'svg:height="0.5cm"><draw:object xlink:href="./Object {n}" xlink:type="simple" '
        f'xlink:show="embed" xlink:actuate="onLoad"/><draw:image '
        f'xlink:href="./ObjectReplacements/Object {n}" xlink:type="simple"/></draw:frame>'
    )


def odt(body: str, objects: dict[str, str] | None = None, styles: str = "") -> bytes:
    """An OpenDocument text with ``body`` (the XML inside office:text), embedded objects
    ``objects`` (folder name -> content.xml) and automatic ``styles``."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}>'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    style_part = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODT_NS}>'
        '<office:styles><style:default-style style:family="paragraph">'
        '<style:text-properties fo:language="en" fo:country="GB" '
        'style:language-complex="ar" style:country-complex="EG"/></style:default-style>'
        "</office:styles></office:document-styles>"
    )
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}/" '
        'manifest:media-type="application/vnd.oasis.opendocument.formula"/>'
        f'<manifest:file-entry manifest:full-path="{name}/content.xml" '
        'manifest:media-type="text/xml"/>'
        for name in objects or {}
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        f"{entries}</manifest:manifest>"
    )
    members = {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "META-INF/manifest.xml": manifest.encode(),
        "content.xml": content.encode(),
        "styles.xml": style_part.encode(),
    }
    for name, xml in (objects or {}).items():
        members[f"{name}/content.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>' + xml).encode()
    return zip_bytes(members, zipfile.ZIP_STORED)


def rich_odt() -> bytes:
    """An OpenDocument text with an inline and a display equation (MathML objects, as
    LibreOffice writes them), a paragraph set right to left in Arabic, a French span in an
    English paragraph, and a footnote."""
    styles = (
        '<style:style style:name="P1" style:family="paragraph">'
        '<style:paragraph-properties style:writing-mode="rl-tb"/></style:style>'
        '<style:style style:name="T1" style:family="text">'
        '<style:text-properties fo:language="fr" fo:country="FR"/></style:style>'
    )
    body = (
        "<text:p>The area is " + formula_frame(1) + " square metres.</text:p>"
        "<text:p>" + formula_frame(2) + "</text:p>"
        '<text:p text:style-name="P1">مرحبا بالمهاجرين في مدينتنا</text:p>'
        '<text:p>We say <text:span text:style-name="T1">bienvenue à tous</text:span> here'
        '<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1'
        "</text:note-citation><text:note-body><text:p>A note on the welcome.</text:p>"
        "</text:note-body></text:note>.</text:p>"
    )
    return odt(body, {"Object 1": SQUARE_MATHML, "Object 2": FRACTION_MATHML}, styles)


MATH_NS = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def text_box(text: str) -> str:
    """A run holding a text box with ``text``, drawn as Word 2010 and later write it: a
    shape and, as fallback, the same box in VML."""
    content = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f"<w:r><mc:AlternateContent {MC_NS}><mc:Choice xmlns:wps="
        '"http://schemas.microsoft.com/office/word/2010/wordprocessingShape" Requires="wps">'
        "<w:drawing><wp:anchor xmlns:wp="
        '"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" distT="0" '
        'distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="914400" cy="914400"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="90" name="Text Box 90"/><a:graphic xmlns:a='
        '"http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri='
        '"http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        f'<wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx>{content}</wps:txbx><wps:bodyPr/>'
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
        f'type="#_x0000_t202"><v:textbox>{content}</v:textbox></v:shape></w:pict>'
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )


def vml_text_box(text: str) -> str:
    """A run holding a text box drawn in VML only (Word 2007 and older converters)."""
    return (
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" type="#_x0000_t202">'
        f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
    )


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def kept_docx() -> bytes:
    """What pandoc's Word reader loses, all in one document: a title block (Title, Subtitle,
    two Author paragraphs, Abstract), text boxes sharing their paragraph with text, an inline
    and a display equation, a paragraph set right to left in Arabic, a Hebrew run and a
    French run in English paragraphs, a form check box and a footnote in a table cell."""
    from docx.enum.style import WD_STYLE_TYPE

    def build(d: docx.document.Document) -> None:
        for name in ("Author", "Abstract"):
            d.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        d.add_paragraph("Cities of welcome", style="Title")
        d.add_paragraph("A report from the field", style="Subtitle")
        d.add_paragraph("Amina Diallo", style="Author")
        d.add_paragraph("Jonas Berg", style="Author")
        d.add_paragraph("We summarise two years of municipal reception.", style="Abstract")
        d.add_heading("Reception", 1)
        d.add_paragraph("BOXES")
        d.add_paragraph("VMLBOX")
        d.add_paragraph("EQUATIONS")
        d.add_paragraph("ARABIC")
        d.add_paragraph("LANGUAGES")
        d.add_paragraph("CHECKBOX")
        table = d.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "City", "Arrivals"
        table.cell(1, 0).text, table.cell(1, 1).text = "Lyon", "CELLNOTE"

    boxes = (
        "<w:p>"
        + run("Text before the box. ")
        + text_box("Inside the modern box.")
        + run(" Text after the box.")
        + "</w:p>"
    )
    vml = "<w:p>" + run("Before the old box. ") + vml_text_box("Inside the old box.") + "</w:p>"
    equations = (
        "<w:p>"
        + run("The area is ")
        + f"<m:oMath {MATH_NS}><m:sSup><m:e><m:r><m:t>x</m:t></m:r></m:e><m:sup><m:r>"
        "<m:t>2</m:t></m:r></m:sup></m:sSup></m:oMath>"
        + run(" square metres.")
        + f"</w:p><w:p><m:oMathPara {MATH_NS}><m:oMath><m:f><m:num><m:r><m:t>a</m:t></m:r>"
        "</m:num><m:den><m:r><m:t>b</m:t></m:r></m:den></m:f></m:oMath></m:oMathPara></w:p>"
    )
    arabic = (
        '<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/><w:lang w:bidi="ar-SA"/></w:rPr>'
        "<w:t>مرحبا بالمهاجرين في مدينتنا</w:t></w:r></w:p>"
    )
    languages = (
        "<w:p>"
        + run("We say ")
        + '<w:r><w:rPr><w:lang w:val="fr-FR"/></w:rPr><w:t>bienvenue à tous</w:t></w:r>'
        + run(" and ")
        + '<w:r><w:rPr><w:rtl/><w:lang w:bidi="he-IL"/></w:rPr><w:t>ברוכים הבאים</w:t></w:r>'
        + run(".")
        + "</w:p>"
    )
    checkbox = (
        "<w:p>"
        + run("Consent form signed: ")
        + '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
        '<w:checkBox><w:sizeAuto/><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar>'
        '</w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    data = patch(
        document(build),
        replace={
            marker("BOXES"): boxes,
            marker("VMLBOX"): vml,
            marker("EQUATIONS"): equations,
            marker("ARABIC"): arabic,
            marker("LANGUAGES"): languages,
            marker("CHECKBOX"): checkbox,
        },
        part_edits={
            "word/document.xml": lambda b: b.replace(
                b"<w:p><w:r><w:t>CELLNOTE</w:t></w:r></w:p>",
                note_ref(1, "12 400").encode(),
            )
        },
    )
    return _with_footnotes(data, {1: "Figures of the prefecture, 2016."})


def only_in_header_docx() -> bytes:
    """A document whose only text is in its page header and footer."""

    def build(d: docx.document.Document) -> None:
        section = d.sections[0]
        section.header.paragraphs[0].text = "Submission of the Coastal Cities Network to IDM"
        section.footer.paragraphs[0].text = "Page one of one"
        d.add_paragraph("")

    return document(build)


def only_pictures_docx() -> bytes:
    """A scanned submission: two pictures and no text."""

    def build(d: docx.document.Document) -> None:
        d.add_picture(io.BytesIO(png(6, 8)), width=Inches(2))
        d.add_picture(io.BytesIO(png(6, 8, b"\x00\xff\x00")), width=Inches(2))

    return document(build)


def smartart_docx() -> bytes:
    """Text and a SmartArt diagram (its data part, as Word writes it)."""
    data = document(lambda d: d.add_paragraph("Our process has three steps."))
    dgm = (
        '<?xml version="1.0"?><dgm:dataModel xmlns:dgm='
        '"http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a='
        '"http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
        + "".join(
            f'<dgm:pt modelId="{i}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>{word}</a:t></a:r></a:p>'
            "</dgm:t></dgm:pt>"
            for i, word in enumerate(("Register", "Orient", "Include"), 1)
        )
        + "</dgm:ptLst></dgm:dataModel>"
    )
    return patch(data, parts={"word/diagrams/data1.xml": dgm})


def libreoffice_rtf(docx_data: bytes, folder: object) -> bytes:
    """``docx_data`` saved as RTF by LibreOffice (which writes footnotes as ``{\\*\\footnote``)."""
    import subprocess
    from pathlib import Path

    work = Path(str(folder))
    work.mkdir(parents=True, exist_ok=True)
    (work / "in.docx").write_bytes(docx_data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "rtf",
            "--outdir",
            str(work),
            str(work / "in.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (work / "in.rtf").read_bytes()


def footnotes_docx() -> bytes:
    """Two footnotes, one of two paragraphs."""
    data = document(lambda d: d.add_paragraph("NOTES"))
    data = patch(
        data,
        replace={
            marker("NOTES"): note_ref(1, "Arrivals rose").replace("</w:p>", "")
            + run(" and so did departures")
            + '<w:r><w:footnoteReference w:id="2"/></w:r>'
            + run(".")
            + "</w:p>"
        },
    )
    return _with_footnotes(
        data,
        {1: "Ministry of the Interior, 2016.", 2: "Estimate.\nSecond paragraph of the note."},
    )


def field_and_ruby_docx() -> bytes:
    """A simple field (the file name, as Word last showed it), Japanese with a phonetic guide
    (ruby), and a phrase in a bidirectional embedding (w:dir), all of which pandoc drops."""
    data = document(
        lambda d: (d.add_paragraph("FIELD"), d.add_paragraph("RUBY"), d.add_paragraph("DIR"))
    )
    embedding = (
        '<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space="preserve">'
        'انظر </w:t></w:r><w:dir w:val="rtl"><w:r><w:t>Fundamental Rights Agency</w:t></w:r>'
        "</w:dir><w:r><w:rPr><w:rtl/></w:rPr><w:t>، 2012.</w:t></w:r></w:p>"
    )
    field_xml = (
        "<w:p>"
        + run("Saved as ")
        + '<w:fldSimple w:instr=" FILENAME \\* MERGEFORMAT "><w:r><w:t>report-final.docx</w:t>'
        "</w:r></w:fldSimple>" + run(" on the shared drive.") + "</w:p>"
    )
    ruby = (
        "<w:p>"
        + run("Tokyo is ")
        + '<w:r><w:ruby><w:rubyPr><w:rubyAlign w:val="distributeSpace"/><w:hps w:val="11"/>'
        '<w:hpsRaise w:val="20"/><w:hpsBaseText w:val="22"/><w:lid w:val="ja-JP"/></w:rubyPr>'
        "<w:rt><w:r><w:t>とうきょう</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>東京</w:t></w:r>"
        "</w:rubyBase></w:ruby></w:r>" + run(" in Japanese.") + "</w:p>"
    )
    return patch(
        data,
        replace={marker("FIELD"): field_xml, marker("RUBY"): ruby, marker("DIR"): embedding},
    )


def typed_rules_docx() -> bytes:
    """Lines typed as hyphens and equals signs, as people draw separators: alone, in a list,
    in a table cell, after a line break, and indented as a quotation."""

    def build(d: docx.document.Document) -> None:
        d.add_paragraph("Before the separators.")
        d.add_paragraph("----------")
        d.add_paragraph("-- --")
        d.add_paragraph("----------", style="List Bullet")
        quoted = d.add_paragraph("-----")
        quoted.paragraph_format.left_indent = Inches(1)
        lines = d.add_paragraph("A title typed above")
        lines.add_run().add_break()
        lines.add_run("==========")
        table = d.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Item", "Amount"
        table.cell(1, 0).text, table.cell(1, 1).text = "Total", "------"
        d.add_paragraph("After the separators.")

    return document(build)


def outline_docx() -> bytes:
    """Headings as real documents have them: a jump from level 1 to level 4, a heading that
    holds only a picture, an empty heading, and a heading inside a table cell."""

    def build(d: docx.document.Document) -> None:
        d.add_heading("Context", 1)
        d.add_paragraph("Why we write.")
        d.add_heading("A detail four levels down", 4)
        d.add_paragraph("The detail.")
        d.add_heading("", 2).add_run().add_picture(io.BytesIO(png()), width=Inches(1))
        d.add_heading("", 2)
        table = d.add_table(rows=1, cols=2)
        table.cell(0, 0).paragraphs[0].style = "Heading 1"
        table.cell(0, 0).paragraphs[0].add_run("Statement")
        table.cell(0, 1).text = "Seasoned professional"
        d.add_heading("Conclusion", 1)
        d.add_paragraph("The end.")

    return document(build)
