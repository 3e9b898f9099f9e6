"""Tell what a file is from its bytes, not from its name.

The extension says what the sender meant; the content says what the file is. Only the
content decides how a file is read, and a disagreement between the two is reported.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

SUPPORTED = {".docx", ".docm", ".odt", ".rtf", ".html", ".htm", ".md", ".markdown", ".txt"}
JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", ".localized"}

_WHAT = {
    "docx": "a Word document (.docx)",
    "docm": "a Word document with macros (.docm)",
    "odt": "an OpenDocument text (.odt)",
    "rtf": "a Rich Text Format file (.rtf)",
    "html": "a web page (.html)",
    "text": "a text file",
    "doc": "a Word 97-2003 document (.doc)",
    "encrypted": "a password-protected Office document",
    "pdf": "a PDF",
    "xlsx": "an Excel workbook",
    "xls": "an Excel 97-2003 workbook",
    "pptx": "a PowerPoint presentation",
    "ppt": "a PowerPoint 97-2003 presentation",
    "ods": "an OpenDocument spreadsheet",
    "odp": "an OpenDocument presentation",
    "pages": "an Apple Pages document",
    "zip": "a zip archive",
    "image": "a picture",
    "ole": "an old Microsoft Office file",
    "binary": "a binary file of unknown type",
    "empty": "an empty file",
}

_EXPECTED = {
    ".docx": "docx",
    ".docm": "docx",
    ".odt": "odt",
    ".rtf": "rtf",
    ".html": "html",
    ".htm": "html",
    ".md": "text",
    ".markdown": "text",
    ".txt": "text",
}


@dataclass(frozen=True)
class Sniffed:
    """What a file is: ``kind`` (docx, odt, rtf, html, text, or something refused)."""

    kind: str
    macros: bool = False
    """A macro-enabled Word document (.docm content type)."""

    @property
    def what(self) -> str:
        return _WHAT.get(self.kind, self.kind)

    def matches(self, suffix: str) -> bool:
        """Whether the content is what the extension ``suffix`` promises."""
        expected = _EXPECTED.get(suffix.lower())
        if expected == "html":
            return self.kind in ("html", "text")
        if expected == "text":
            return self.kind in ("text", "html")
        return expected == self.kind


def is_junk(name: str) -> bool:
    """Files that appear in real inboxes and are never submissions."""
    return name.startswith(("~$", "._")) or name in JUNK_NAMES


def sniff(raw: bytes) -> Sniffed:
    """What ``raw`` is, judged from its first bytes and, for zip files, its member names."""
    head = raw[:2048]
    if not raw.strip():
        return Sniffed("empty")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(raw)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Sniffed(_sniff_ole(raw))
    if head.startswith(b"%PDF-"):
        return Sniffed("pdf")
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"{\\rtf"):
        return Sniffed("rtf")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return Sniffed("image")
    if _looks_html(head):
        return Sniffed("html")
    if _looks_text(head):
        return Sniffed("text")
    return Sniffed("binary")


def _sniff_zip(raw: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = zf.namelist()
            mimetype = b""
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size < 200:
                    mimetype = zf.read(info).strip()
            content_types = b""
            if "[Content_Types].xml" in names:
                info = zf.getinfo("[Content_Types].xml")
                if info.file_size < 1_000_000:
                    content_types = zf.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        # a damaged zip that still looks like a Word file is reported by the archive reader
        if b"word/" in raw[:65536] or b"[Content_Types].xml" in raw[:65536]:
            return Sniffed("docx")
        return Sniffed("zip")
    except Exception:  # noqa: BLE001 - zlib and struct errors of a hostile archive
        return Sniffed("zip")
    if mimetype:
        kinds = {
            b"application/vnd.oasis.opendocument.text": "odt",
            b"application/vnd.oasis.opendocument.text-template": "odt",
            b"application/vnd.oasis.opendocument.spreadsheet": "ods",
            b"application/vnd.oasis.opendocument.presentation": "odp",
        }
        return Sniffed(kinds.get(mimetype, "zip"))
    if content_types:
        macros = b"macroEnabled.main" in content_types or b"vbaProject" in content_types
        if macros and any(n.startswith("word/") for n in names):
            return Sniffed("docx", macros=True)
        if any(n.startswith("word/") for n in names):
            return Sniffed("docx")
        if any(n.startswith("xl/") for n in names):
            return Sniffed("xlsx")
        if any(n.startswith("ppt/") for n in names):
            return Sniffed("pptx")
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in names) or "index.xml" in names:
        return Sniffed("pages")
    return Sniffed("zip")


def _sniff_ole(raw: bytes) -> str:
    """An OLE2 compound file: the names of its streams (UTF-16) tell what it holds."""

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in raw

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return "encrypted"
    if has("WordDocument"):
        return "doc"
    if has("Workbook") or has("Book"):
        return "xls"
    if has("PowerPoint Document"):
        return "ppt"
    return "ole"


def _looks_html(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return text.startswith((b"<!doctype html", b"<html", b"<?xml")) and (
        b"<html" in text or b"<!doctype html" in text
    )


def _looks_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        half = len(head) // 2
        # UTF-16 without a byte order mark: every other byte is NUL
        return len(head) >= 4 and (
            head[1::2].count(0) > half * 0.7 or head[::2].count(0) > half * 0.7
        )
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100
