"""The files an ingest reads, collected from the paths given; each one's kind checked."""

from __future__ import annotations

import os
from pathlib import Path

from idmbook.diagnostics import Severity
from idmbook.errors import IdmbookError
from idmbook.ingest.sniff import SUPPORTED, Sniffed, is_junk
from idmbook.load.findings import Finding, Refused

_HINTS = {
    "pdf": "ask the sender for the Word (.docx) or LibreOffice (.odt) file the PDF was made "
    "from; text taken from a PDF loses its paragraphs, footnotes and tables",
    "encrypted": "ask the sender for a copy without a password",
    "pages": "ask the sender to export it from Pages as Word (File > Export To > Word)",
    "zip": "unpack the archive and ingest the files inside it",
    "image": "ask the sender for the text as a Word document (.docx); a picture goes inside it",
    "empty": "ask the sender to send the file again",
}
_ASK_DOCX = "ask the sender for the text saved as a Word document (.docx)"


def collect_files(paths: list[Path], root: Path, register: Path | None) -> list[Path]:
    """The files to ingest, in a stable order; junk and the register itself left out."""
    skip = register.resolve() if register is not None else None
    found: list[Path] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise IdmbookError(f"{path}: no such file or folder")
        if path.is_dir() and not path.is_symlink():
            found += _walk(path)
        elif not is_junk(path.name):
            found.append(path)
    inside = [root / "contributions", root / "chapters"]
    out = []
    for path in found:
        absolute = path.absolute()
        if skip is not None and not path.is_symlink() and absolute.resolve() == skip:
            continue
        if any(absolute.is_relative_to(p) for p in inside):
            raise IdmbookError(
                f"{path} is already part of the project",
                "ingest files from an inbox folder outside contributions/ and chapters/",
            )
        out.append(path)
    return out


def _walk(folder: Path) -> list[Path]:
    """The files under ``folder`` in name order, without following links; hidden files and
    folders, macOS's __MACOSX and junk left out."""
    found: list[Path] = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for name in sorted(files):
            if is_junk(name) or name.startswith("."):
                continue
            found.append(Path(parent) / name)
    return found


def check_kind(sniffed: Sniffed, path: Path) -> list[Finding]:
    """Refuse what cannot be read; a content that contradicts its name is refused too, except
    the old habit of naming RTF, web pages and .docx files '.doc'."""
    suffix = path.suffix.lower()
    readable = sniffed.kind in ("docx", "odt", "rtf", "html", "text", "doc")
    if suffix == ".doc":
        if sniffed.kind == "doc":
            return []
        if sniffed.kind in ("rtf", "html", "docx"):
            return [
                Finding(
                    "IDM101",
                    f"the file is named .doc but it is {sniffed.what}; it was read as such",
                    severity=Severity.INFO,
                )
            ]
    if sniffed.kind == "encrypted":
        raise Refused(
            "IDM102", "the file is a password-protected Office document", _HINTS["encrypted"]
        )
    if sniffed.kind == "doc" and suffix != ".doc":
        raise Refused(
            "IDM101",
            f"the file is named '{path.name}' but it is {sniffed.what}",
            "rename it to .doc if you trust the sender, or ask for a .docx",
        )
    if suffix in SUPPORTED and readable and sniffed.matches(suffix):
        return []
    hint = _HINTS.get(sniffed.kind, _ASK_DOCX)
    if suffix in SUPPORTED or suffix == ".doc":
        if readable:
            hint = "ask the sender to send the file again as saved, or rename it if you trust it"
        raise Refused("IDM101", f"the file is named '{path.name}' but it is {sniffed.what}", hint)
    raise Refused("IDM100", f"the file is {sniffed.what}, which idmbook cannot ingest", hint)
