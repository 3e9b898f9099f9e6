"""Read one submitted file, whatever its format, into pandoc's AST and what was found in it.

The file's content (not its name) decides how it is read. Containers are checked and
cleaned first (archive.py, docx.py, odt.py); pandoc then reads the cleaned copy in a
sandbox. Pictures are looked up in the cleaned container, never on disk or the network.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook.ingest import libreoffice
from idmbook.ingest.convert import Node, plain_text, text_ast, to_ast
from idmbook.ingest.docx import inspect_docx
from idmbook.ingest.leftout import LeftOut, rtf_left_out
from idmbook.ingest.marks import Marks, strip_marks
from idmbook.ingest.odt import inspect_odt
from idmbook.ingest.odtprep import prepare_odt
from idmbook.ingest.package import Package
from idmbook.ingest.sniff import Sniffed
from idmbook.ingest.titleblock import TitleBlock, title_block
from idmbook.ingest.wordprep import prepare_word
from idmbook.load.archive import Limits, read_zip, write_zip
from idmbook.load.findings import Finding, Refused
from idmbook.load.frontmatter import TextFile, split
from idmbook.pandoc.markdown import READER

_RTF_STARRED_NOTE = re.compile(rb"\{\\\*\\footnote(?![A-Za-z])")
"""A footnote written as an ignorable destination (LibreOffice writes ``{\\*\\footnote``);
pandoc skips ignorable destinations, and the note with them."""
_RTF_EQUATION = re.compile(rb"\\moMath(?![A-Za-z])")
_RTF_FIELD = re.compile(rb"\\fldinst[^}]{0,200}?\b(INCLUDETEXT|INCLUDEPICTURE|IMPORT)\b", re.I)
_HTML_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)
_ASK_DOCX = "ask the sender for the text saved as a Word document (.docx)"


@dataclass
class Document:
    """A submission as pandoc's AST, with what was found in it on the way."""

    ast: Node
    findings: list[Finding] = field(default_factory=list)
    package: Package | None = None
    pictures: dict[str, bytes] = field(default_factory=dict)
    """Picture bytes by the target pandoc gives them in the AST."""
    front_matter: dict[str, Any] = field(default_factory=dict)
    """Front matter of a Markdown submission."""
    converted: str | None = None
    """How the file was converted before pandoc read it (LibreOffice for a .doc)."""
    title_block: TitleBlock | None = None
    """The title block pandoc took out of a Word document's text (its Title, Subtitle,
    Author, Date and Abstract paragraphs)."""
    language: str | None = None
    """The language most of the text is in, as the document's runs say (Word)."""
    left_out: LeftOut = field(default_factory=LeftOut)
    """What the file holds outside the text pandoc reads (headers, diagrams, charts)."""

    @property
    def blocks(self) -> list[Node]:
        blocks = self.ast["blocks"]
        assert isinstance(blocks, list)
        return blocks

    def meta_text(self, key: str) -> str:
        """A metadata field pandoc found (a title in HTML or RTF), as plain text."""
        value = self.ast.get("meta", {}).get(key)
        if not isinstance(value, dict):
            return ""
        if value.get("t") == "MetaInlines":
            return plain_text(value["c"])
        if value.get("t") == "MetaString":
            return str(value["c"])
        return ""


def read_document(
    raw: bytes, sniffed: Sniffed, suffix: str, workdir: Path, limits: Limits
) -> Document:
    """The AST of a supported file; :class:`Refused` for anything else."""
    kind = sniffed.kind
    if kind == "doc":
        docx, finding = _from_legacy_doc(raw, workdir, limits)
        document = _read_docx(docx, workdir, limits, macros=False)
        document.findings.insert(0, finding)
        document.converted = "LibreOffice"
        return document
    if kind == "docx":
        return _read_docx(raw, workdir, limits, macros=sniffed.macros or suffix == ".docm")
    if kind == "odt":
        members = read_zip(raw, limits)
        package = inspect_odt(members, limits)
        marks = Marks()
        prepared = prepare_odt(package.members, package.formulas, marks, workdir, limits)
        package.findings += prepared.findings
        (workdir / "in.odt").write_bytes(write_zip(package.members))
        ast = to_ast(["-f", "odt", "in.odt"], workdir, limits)
        ast["blocks"] = marks.apply(ast["blocks"])
        ast["meta"] = strip_marks(ast.get("meta", {}))
        pictures = {n: d for n, d in package.members.items() if n.startswith("Pictures/")}
        document = Document(ast, list(package.findings), package, pictures)
        document.language = prepared.language
        document.left_out = package.left_out
        return document
    if kind == "rtf":
        return _read_rtf(raw, workdir, limits)
    if kind in ("html", "text"):
        text, findings = decode_text(raw)
        if kind == "html" or suffix in (".html", ".htm"):
            ast = to_ast(["-f", "html-raw_html"], workdir, limits, text.encode("utf-8"))
            return Document(ast, findings, pictures=_data_pictures(ast))
        if suffix in (".md", ".markdown"):
            fm, _ = split(TextFile("submission", text), required=False)
            data = fm.data if fm is not None else {}
            body = fm.body if fm is not None else text
            ast = to_ast(["-f", READER], workdir, limits, body.encode("utf-8"))
            return Document(ast, findings, front_matter=data)
        return Document(text_ast(text), findings)
    raise Refused("IDM100", f"the file is {sniffed.what}, which idmbook cannot ingest", _ASK_DOCX)


def _read_docx(raw: bytes, workdir: Path, limits: Limits, macros: bool) -> Document:
    members = read_zip(raw, limits)
    package = inspect_docx(members, limits, macros=macros)
    marks = Marks()
    prepared = prepare_word(package.members, package.main_part, marks)
    package.findings += prepared.findings
    (workdir / "in.docx").write_bytes(write_zip(package.members))
    ast = to_ast(["-f", "docx", "--track-changes=accept", "in.docx"], workdir, limits)
    ast["blocks"] = marks.apply(ast["blocks"])
    ast["meta"] = strip_marks(ast.get("meta", {}))
    base = package.media_base
    pictures = {
        name[len(base) :]: data
        for name, data in package.members.items()
        if name.startswith(base + "media/")
    }
    document = Document(ast, list(package.findings), package, pictures)
    document.left_out = package.left_out
    document.title_block = title_block(ast["meta"])
    document.language = prepared.language
    return document


def _read_rtf(raw: bytes, workdir: Path, limits: Limits) -> Document:
    findings: list[Finding] = []
    for match in _RTF_FIELD.finditer(raw):
        findings.append(
            Finding(
                "IDM107",
                f"{match.group(1).decode().upper()} field not followed",
                "the text last shown for the field is kept",
            )
        )
    if b"\\object" in raw:
        findings.append(Finding("IDM106", "embedded objects removed"))
    if b"\\deleted" in raw or b"\\revised" in raw:
        findings.append(
            Finding(
                "IDM108",
                "the RTF file has tracked changes, which pandoc cannot accept from RTF: "
                "deleted text may appear in the contribution",
                "ask the sender to accept all changes and send the file again, or check the text",
                severity=None,
            )
        )
    equations = len(_RTF_EQUATION.findall(raw))
    if equations:
        findings.append(
            Finding(
                "IDM124",
                f"{equations} equation{'s' * (equations != 1)} left out: equations cannot be "
                "read from an RTF file",
                "ask the sender for the file saved as a Word document (.docx), which keeps them",
            )
        )
    raw = _RTF_STARRED_NOTE.sub(rb"{\\footnote", raw)
    raw = _binary_as_hex(raw)
    (workdir / "in.rtf").write_bytes(raw)
    media = workdir / "media"
    ast = to_ast(["-f", "rtf", f"--extract-media={media}", "in.rtf"], workdir, limits)
    _clear_placeholder_alt(ast["blocks"])
    pictures: dict[str, bytes] = {}
    if media.is_dir():
        for path in media.rglob("*"):
            if path.is_file() and not path.is_symlink():
                pictures[str(path)] = path.read_bytes()
                pictures[path.relative_to(workdir).as_posix()] = pictures[str(path)]
    document = Document(ast, findings, pictures=pictures)
    document.left_out = rtf_left_out(raw)
    return document


_RTF_BIN = re.compile(rb"\\bin(\d{1,10}) ?")


def _binary_as_hex(raw: bytes) -> bytes:
    """RTF with its binary data (``\\binN`` and N raw bytes, which pandoc cannot read: the
    file failed with 'unexpected end of input') written as hexadecimal digits, the other way
    RTF holds a picture's data."""
    if b"\\bin" not in raw:
        return raw
    out: list[bytes] = []
    position = 0
    for _ in range(len(raw)):
        match = _RTF_BIN.search(raw, position)
        if match is None:
            break
        length = min(int(match.group(1)), len(raw) - match.end())
        out += [
            raw[position : match.start()],
            raw[match.end() : match.end() + length].hex().encode(),
        ]
        position = match.end() + length
    out.append(raw[position:])
    return b"".join(out)


def _clear_placeholder_alt(value: Any) -> None:
    """pandoc's RTF reader gives every picture the alt text 'image'; it is no description."""
    if isinstance(value, list):
        for item in value:
            _clear_placeholder_alt(item)
    elif isinstance(value, dict) and "t" in value:
        if value["t"] == "Image" and value["c"][1] == [{"t": "Str", "c": "image"}]:
            value["c"][1] = []
        _clear_placeholder_alt(value.get("c"))


def _data_pictures(ast: Node) -> dict[str, bytes]:
    """Pictures embedded in a web page as data: URIs; anything else is never fetched."""
    found: dict[str, bytes] = {}

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict) and "t" in value:
            if value["t"] == "Image":
                target = value["c"][2][0]
                if target.startswith("data:image/") and ";base64," in target[:100]:
                    with contextlib.suppress(binascii.Error, ValueError):
                        found[target] = base64.b64decode(target.split(",", 1)[1], validate=True)
            walk(value.get("c"))

    walk(ast["blocks"])
    return found


def decode_text(raw: bytes) -> tuple[str, list[Finding]]:
    """Text of a .txt, .md or .html file: UTF-8 or UTF-16 (with a byte order mark),
    a declared charset, else Windows-1252 with a warning."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _normalise(raw.decode("utf-16", "replace")), []
    elif b"\x00" in raw[:2048]:
        half = len(raw[:2048]) // 2
        codec = "utf-16-le" if raw[1:2048:2].count(0) > half * 0.7 else "utf-16-be"
        return _normalise(raw.decode(codec, "replace")), []
    try:
        return _normalise(raw.decode("utf-8")), []
    except UnicodeDecodeError:
        pass
    declared = _HTML_CHARSET.search(raw[:4096])
    if declared:
        try:
            return _normalise(raw.decode(declared.group(1).decode("ascii"))), []
        except (LookupError, UnicodeDecodeError):
            pass
    return _normalise(raw.decode("cp1252", "replace")), [
        Finding("IDM123", "the file is not UTF-8; it was read as Windows-1252")
    ]


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _from_legacy_doc(raw: bytes, workdir: Path, limits: Limits) -> tuple[bytes, Finding]:
    if libreoffice.program() is None:
        raise Refused(
            "IDM100",
            "the file is a Word 97-2003 document (.doc), which idmbook reads only through "
            "LibreOffice, and LibreOffice is not installed",
            "ask the sender to save it as .docx (File > Save As > Word Document), or "
            "install LibreOffice",
        )
    source = workdir / "legacy.doc"
    source.write_bytes(raw)
    out = workdir / "libreoffice"
    timeout = max(limits.pandoc_timeout, 60)
    try:
        ran = libreoffice.run(
            ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
            workdir,
            timeout,
        )
    except OSError as exc:
        raise Refused(
            "IDM116",
            f"LibreOffice could not convert the Word 97-2003 document: {exc}",
            "ask the sender to save it as .docx (File > Save As > Word Document)",
        ) from None
    if ran.returncode is None:
        raise Refused(
            "IDM116",
            f"LibreOffice took longer than {timeout:.0f} s to convert the Word 97-2003 "
            "document; it was stopped",
            "ask the sender to save it as .docx (File > Save As > Word Document)",
        )
    result = out / "legacy.docx"
    if not result.is_file():
        raise Refused(
            "IDM116",
            "LibreOffice could not convert the Word 97-2003 document (it may be damaged or "
            "protected by a password)",
            "ask the sender to save it as .docx (File > Save As > Word Document)",
        )
    return result.read_bytes(), Finding(
        "IDM103",
        f"converted from Word 97-2003 (.doc) to .docx with LibreOffice, run {ran.isolation}",
    )
