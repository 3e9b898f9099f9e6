"""Typst's errors told in terms of the book's source files, not of the Typst files made for it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

_START = "/* idm-src: {} */"
END_MARK = "/* idm-src-end */"
_MARK = re.compile(r"/\* idm-src: (?P<path>[^\s*]+) \*/|/\* idm-src-end \*/")
_MARK_BYTES = re.compile(rb"/\* idm-src: ([^\s*\"]+) \*/")
_LOCATION = re.compile(r"^\s*┌─ (?P<file>.+?):(?P<line>\d+):(?P<column>\d+)\s*$", re.M)
_ERROR = re.compile(r"^(?:error|warning): (?P<message>.*)$", re.M)
_WORD = re.compile(r"[^\W_]{2,}")
_CODE = re.compile(r"#[A-Za-z][\w.-]*|\b[a-z][\w-]*:\s|<[\w:.-]+>|\\u\{[0-9a-fA-F]+\}")
"""Typst code in pandoc's output: function names, named arguments, labels, escapes."""
_TYPST_WORDS = frozenset({"image", "box", "none", "auto", "true", "false", "rtl", "ltr", "png"})
"""Names of pandoc's Typst that are not written after a ``#``."""
MAX_ERRORS = 5
"""Errors told in one message; Typst may report dozens from one cause."""


def source_mark(path: str) -> str:
    """The Typst comment where the text of the source file ``path`` begins (the path is
    percent-encoded, so that nothing in it can end the comment)."""
    return _START.format(quote(path, safe="/"))


def sources_in(data: bytes, limit: int = 5) -> list[str]:
    """The source files whose marks are in ``data`` (a piece of the body, as Typst or as
    pandoc's JSON), in order, each once."""
    found = dict.fromkeys(
        unquote(m.group(1).decode("utf-8", "replace")) for m in _MARK_BYTES.finditer(data)
    )
    return list(found)[:limit]


@dataclass(frozen=True)
class Place:
    """Where an error happened, as an editor can find it."""

    path: str | None
    """The source file (relative to the project), or None for the book's own text."""
    line: int | None
    """Its line, when the failing text was found there."""
    text: str
    """The words of the Typst line that failed."""

    def describe(self, template: str) -> str:
        if self.path is None:
            where = f"in the text idmbook adds to the book, or in {template}"
        else:
            where = f"in {self.path}" + (f":{self.line}" if self.line else "")
        return f"{where}, near: {self.text}" if self.text else where


def typst_failure(
    exc: Any,
    main_name: str,
    main: str,
    chapters: Sequence[tuple[str, str]],
    sources: Path | None,
    template: str = "templates/idm.typ",
) -> tuple[str, str | None]:
    """The message and hint of a TypstError ``exc`` raised while typesetting ``main`` (named
    ``main_name``) with its ``chapters`` (name, text) in book order; ``sources`` is the folder
    the sources' paths are relative to (None: lines are not looked for).

    The PDF is typeset from Typst files written into a temporary folder that is gone by the
    time an error is shown, and whose lines mean nothing to an editor. The body's Typst carries
    a comment where each submitted text begins and ends (``/* idm-src: contributions/x.md */``,
    made from the marks the sanitiser leaves, see :mod:`idmbook.parse.sanitize`); an error's
    place in a chapter file is traced back through them to the source file, and its line there
    is found by the words of the Typst line that failed."""
    message = str(getattr(exc, "message", "") or exc).strip()
    diagnostic = str(getattr(exc, "diagnostic", "") or "")
    lines = [f"Typst could not typeset the PDF: {_first_line(message)}"]
    told: set[str] = set()
    for error, file, line in _errors(diagnostic)[:MAX_ERRORS]:
        name = Path(file).name
        if name == main_name:
            place = Place(None, None, _words(_line_of(main, line)))
            where = f"in {template} (filled in with the book's details)"
            if place.text:
                where += f", near: {place.text}"
        else:
            index = next((i for i, (n, _) in enumerate(chapters) if n == name), None)
            if index is None:
                continue
            place = _place(chapters, index, line, sources)
            where = place.describe(template)
        entry = f"{error}: {where}" if error != message else where
        if entry not in told:
            told.add(entry)
            lines.append(f"  {entry}")
    hints = [str(hint) for hint in getattr(exc, "hints", None) or []]
    if len(lines) > 1:
        hints.append(
            "look at the text or picture at that place (export a picture again, write an "
            "unusual character another way); if it looks ordinary, it is a fault of idmbook or "
            "of its template: report it with the file"
        )
    return "\n".join(lines), "; ".join(hints) if hints else None


def typst_crash(exc: BaseException, texts: Sequence[str]) -> tuple[str, str]:
    """The message and hint of an exception other than a TypstError raised by the typst
    package while typesetting ``texts`` (the book's Typst files): a fault of Typst's (a panic
    of its Rust code) or of the package, never of the text. It names the source files of the
    book, since a panic does not say where it happened."""
    kind = type(exc).__name__
    detail = _first_line(str(exc).strip())
    message = f"Typst stopped with an internal error ({kind}) while typesetting the PDF: {detail}"
    named = sources_in("\n".join(texts).encode("utf-8"), limit=10**6)
    if named:
        shown = ", ".join(named[:MAX_ERRORS]) + (", …" if len(named) > MAX_ERRORS else "")
        files = "1 file" if len(named) == 1 else f"{len(named)} files"
        message += f"\n  the book's text comes from {files}: {shown}"
    hint = (
        "this is a fault of Typst or of idmbook, not of the text: report it with the files "
        "named; the other formats can still be built (idmbook build --format docx)"
    )
    return message, hint


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else "unknown error"


def _errors(diagnostic: str) -> list[tuple[str, str, int]]:
    """(message, file, line) of each error of a Typst diagnostic, at its first location."""
    found = []
    heads = list(_ERROR.finditer(diagnostic))
    for number, head in enumerate(heads):
        end = heads[number + 1].start() if number + 1 < len(heads) else len(diagnostic)
        location = _LOCATION.search(diagnostic, head.end(), end)
        if location is not None:
            found.append((head["message"], location["file"], int(location["line"])))
    return found


def _line_of(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _place(
    chapters: Sequence[tuple[str, str]], index: int, line: int, sources: Path | None
) -> Place:
    """The source of line ``line`` of chapter ``index``: the innermost submitted text open
    there, found by reading the marks of every chapter up to it."""
    open_sources: list[str] = []
    for number, (_, text) in enumerate(chapters[: index + 1]):
        if number == index:
            text = "\n".join(text.splitlines()[:line])
        for mark in _MARK.finditer(text):
            if mark["path"] is not None:
                open_sources.append(unquote(mark["path"]))
            elif open_sources:
                open_sources.pop()
    failing = _line_of(chapters[index][1], line)
    words = _words(failing)
    if not open_sources:
        return Place(None, None, words)
    path = open_sources[-1]
    return Place(path, _source_line(sources, path, failing), words)


def _text_words(typst_line: str) -> list[str]:
    """The words of a line of pandoc's Typst, without its code."""
    text = _CODE.sub(" ", _MARK.sub(" ", typst_line))
    return [w for w in _WORD.findall(text) if w.isalpha() and w.lower() not in _TYPST_WORDS]


def _words(typst_line: str, limit: int = 12) -> str:
    """The words of a line of pandoc's Typst, to quote in a message."""
    words = _text_words(typst_line)
    shown = " ".join(words[:limit])
    return shown + (" …" if len(words) > limit else "")


def _source_line(sources: Path | None, path: str, failing: str) -> int | None:
    """The line of the source file whose words best match the failing Typst line."""
    if sources is None:
        return None
    wanted = {w.lower() for w in _text_words(failing)}
    if not wanted:
        return None
    try:
        file = (sources / path).resolve()
        if not file.is_relative_to(sources.resolve()) or not file.is_file():
            return None
        text = file.read_text("utf-8", errors="replace")
    except (OSError, ValueError):
        return None
    best, best_line = 0, None
    for number, source in enumerate(text.splitlines(), start=1):
        score = len(wanted & {w.lower() for w in _WORD.findall(source)})
        if score > best:
            best, best_line = score, number
    return best_line
