"""Hostile submitted files built in code: Word documents, broken zips, disguised formats.

Nothing here is an opaque binary: every file is assembled from its parts, so a reader can see
exactly what is wrong with it.
"""

from __future__ import annotations

import io
import struct
import zipfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def content_types(main: str = MAIN, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
    )


ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def paragraphs(*texts: str) -> str:
    return "".join(f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>' for t in texts)


def document_xml(body: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>'
    )


def document_rels(*relationships: str) -> str:
    inner = "".join(relationships)
    return f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}">{inner}</Relationships>'


def docx(
    body: str | None = None,
    *,
    prolog: str = "",
    main: str = MAIN,
    rels: tuple[str, ...] = (),
    extra: dict[str, bytes] | None = None,
    types_extra: str = "",
) -> bytes:
    """A Word document from its parts; ``extra`` adds or replaces members."""
    members: dict[str, bytes] = {
        "[Content_Types].xml": content_types(main, types_extra).encode(),
        "_rels/.rels": ROOT_RELS.encode(),
        "word/document.xml": document_xml(
            body if body is not None else paragraphs("A submission on migration governance."),
            prolog,
        ).encode(),
    }
    if rels:
        members["word/_rels/document.xml.rels"] = document_rels(*rels).encode()
    members.update(extra or {})
    return zip_of(members)


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


def zip_bomb_ratio() -> bytes:
    """A Word document whose document.xml inflates 1,000 times (4 MB of spaces in a comment)."""
    xml = document_xml(paragraphs("Bomb.")).replace(
        "<w:body>", "<!--" + " " * 4_000_000 + "-->" + "<w:body>"
    )
    return docx(extra={"word/document.xml": xml.encode()})


def zip_bomb_members(count: int = 3000) -> bytes:
    """A Word document of ``count`` empty members."""
    return docx(extra={f"word/media/empty{i}.xml": b"" for i in range(count)})


def lying_sizes() -> bytes:
    """A document.xml whose headers claim 100 bytes while it inflates to 1 MB."""
    xml = document_xml(paragraphs("x" * 1_000_000)).encode()
    data = bytearray(docx(extra={"word/document.xml": xml}))
    _patch_sizes(data, b"word/document.xml", 100)
    return bytes(data)


def _patch_sizes(data: bytearray, name: bytes, size: int) -> None:
    """Set the uncompressed size of member ``name`` in its local and central headers."""
    start = 0
    while True:
        at = data.find(name, start)
        if at < 0:
            return
        local = data.rfind(b"PK\x03\x04", 0, at)
        central = data.rfind(b"PK\x01\x02", 0, at)
        if central >= 0 and at - central == 46:
            struct.pack_into("<I", data, central + 24, size)
        elif local >= 0 and at - local == 30:
            struct.pack_into("<I", data, local + 22, size)
        start = at + len(name)


def with_member_name(placeholder: str, name: str) -> bytes:
    """A document with one extra member called ``name`` (written as-is: zipfile keeps it)."""
    return docx(extra={name: b"<x/>", placeholder: b"<x/>"})


def encrypted_member() -> bytes:
    """A document whose document.xml says it is encrypted (general purpose flag bit 0)."""
    data = bytearray(docx())
    name = b"word/document.xml"
    start = 0
    while (at := data.find(name, start)) >= 0:
        local, central = data.rfind(b"PK\x03\x04", 0, at), data.rfind(b"PK\x01\x02", 0, at)
        if central >= 0 and at - central == 46:
            data[central + 8] |= 1
        elif local >= 0 and at - local == 30:
            data[local + 6] |= 1
        start = at + len(name)
    return bytes(data)


def ole(*streams: str) -> bytes:
    """The start of an OLE2 compound file naming ``streams`` (enough for any sniffer)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(
        s.encode("utf-16-le").ljust(128, b"\x00") for s in ("Root Entry", *streams)
    )
    return header + directory + b"\x00" * 1024


def pdf() -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Submission</title>"
    b'<link rel=stylesheet href="file:///etc/passwd"></head><body>'
    b"<script>fetch('http://127.0.0.1:9/')</script>"
    b'<p>A submission <img src="file:///etc/passwd" alt="pw"> with '
    b'<iframe src="http://127.0.0.1:9/"></iframe> things.</p>'
    b'<p>#read("/etc/passwd")</p></body></html>'
)

LAUGHS_PROLOG = (
    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
)


def xxe_prolog(path: str) -> str:
    return f'<!DOCTYPE w:document [<!ENTITY leak SYSTEM "file://{path}">]>'


def external_picture(target: str) -> bytes:
    """A document showing a picture linked (not embedded) from ``target``."""
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        'drawingml/2006/wordprocessingDrawing"><wp:extent cx="952500" cy="952500"/>'
        '<wp:docPr id="1" name="Picture 1" descr="A linked picture"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="0" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:link="rId9"/></pic:blipFill><pic:spPr/></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    relation = (
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/image" Target="{target}" TargetMode="External"/>'
    )
    return docx(paragraphs("A submission with a linked picture.") + drawing, rels=(relation,))


def macro_document() -> bytes:
    """A macro-enabled Word document carrying a VBA project."""
    types = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    relation = (
        '<Relationship Id="rId7" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/>'
    )
    return docx(
        paragraphs("A submission with a macro.", 'Sub AutoOpen(): Shell "id": End Sub'),
        main=MACRO_MAIN,
        rels=(relation,),
        extra={"word/vbaProject.bin": ole("VBA", "dir", "AutoOpen")},
        types_extra=types,
    )
