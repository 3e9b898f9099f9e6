"""What the build will change in a submitted text, reported by validation on its source line.

The sanitiser (:mod:`idmbook.parse.sanitize`) is the one place that decides what the book drops or
changes. Here a document's text is parsed by pandoc with the book's reader, given to the
sanitiser as the book embeds it, and each change it records (:class:`idmbook.parse.sanitize.Change`)
becomes a warning at the line and column of the text that causes it: a dropped attribute
(IDM070), a heading printed as bold text (IDM071) or at another level (IDM072), an equation
printed as its source (IDM073), a link printed as its text (IDM074). Raw code printed as text
is reported by :mod:`idmbook.load.content` (IDM052).

pandoc runs only for a text that holds something the sanitiser may change (:func:`may_change`):
most texts have no attribute, equation or unusual link, and headings that only a parse can
place. Without pandoc (``pip install idmbook`` without the build extra) the check is left out
and said to be (IDM170).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from idmbook.diagnostics import Diagnostic
from idmbook.errors import ExtraMissing
from idmbook.load import content
from idmbook.pandoc.ast import ast_loads
from idmbook.pandoc.markdown import READER, contain, outside_code
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.sanitize import Change, Levels, Sanitizer
from idmbook.rules import diag
from idmbook.rules.extras import not_checked

Kind = Literal["note", "contribution", "chapter"]
TOPS: dict[str, int] = {"contribution": 3, "chapter": 2, "note": 4}
"""The level the book gives the first heading of each kind of text (see
:func:`idmbook.compose.embedded.source_texts`)."""

CODES = {
    "attribute": "IDM070",
    "heading": "IDM071",
    "level": "IDM072",
    "math": "IDM073",
    "link": "IDM074",
}
WHAT_THE_BUILD_CHANGES = "what the build changes in the text (IDM070-IDM074)"
"""The check left out without pandoc (see :func:`idmbook.rules.extras.not_checked`)."""
_HINTS = {
    "attribute": "remove it; keep only lang, dir, and a picture's width and height",
    "heading": "move the heading out of it, or write it as bold text (**...**)",
    "level": "go down one heading level at a time (## then ###)",
    "math": "write the equation out in full, without macros, files or addresses",
    "link": "link to a web page (https://...) or leave the text without a link",
}

# --------------------------------------------------------------------------- what needs a parse

_ATTRIBUTE_PLACE = re.compile(
    r"[\])`]\{"  # a span, link, picture or code
    r"|^[ \t>*+\-0-9.):|~\[\]^]*(?:#|`{3}|~{3}|\[[^\]\n]+\]:)[^\n]*\{"  # heading, fence, reference
    r"|\{[^\n]*\n[ \t>]*(?:=+|-+)[ \t]*$",  # a setext heading
    re.MULTILINE,
)
_MATH_PLACE = re.compile(r"\$(?:\$|[^\s$])")
"""Where an equation may open (``$$``, or ``$`` and no space)."""
_LINK_PLACE = re.compile(
    r"\]\([ \t]*+<?+(?!https?://|mailto:|#)"  # an inline link (or picture) elsewhere than the web
    r"|^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*+<?+(?!https?://|mailto:|#)"  # a reference's definition
    r"|<(?!https?:|mailto:)[A-Za-z][A-Za-z0-9+.-]*:",  # an autolink
    re.IGNORECASE | re.MULTILINE,
)
_ATX = re.compile(r"^(?P<prefix>[ \t>*+\-0-9.):|~\[\]^]*?)(?P<marks>#{1,6})(?:[ \t]|$)")
_SETEXT = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:=+|-+)[ \t]*$")
_GRID = re.compile(r"^[ \t]*\+[-=:]")


def may_change(text: str, top: int, split_at: int = 0) -> bool:
    """Whether the sanitiser may change something in ``text``, whose first heading the book
    prints at level ``top``: False only when it certainly will not. ``split_at``: headings of
    this level or above start a new text (a note's sections)."""
    if _has_marked_place(text):
        return True
    if "#" not in text and "\n" not in text.strip():
        return False
    return _headings_may_change(text, top, split_at)


def _has_marked_place(text: str) -> bool:
    """Whether ``text`` may hold an equation, an attribute or a link elsewhere than the web."""
    if ("$" in text and _MATH_PLACE.search(text)) or (
        "{" in text and _ATTRIBUTE_PLACE.search(text)
    ):
        return True
    return _LINK_PLACE.search(text) is not None


def _headings_may_change(text: str, top: int, split_at: int) -> bool:
    """Whether a heading of ``text`` (outside code) may be read otherwise than it looks, or
    be printed at another level than the one it is written at."""
    levels = Levels(top, [])
    blank = True
    for _, line, info in outside_code(text.split("\n")):
        if info is not None:
            blank = False
            continue
        if (_SETEXT.match(line) and not blank) or _GRID.match(line):
            return True
        heading = _ATX.match(line)
        if heading:
            if _only_pandoc_can_tell(heading, line, blank):
                return True
            level = len(heading.group("marks"))
            if level <= split_at:
                levels = Levels(top, [])
            else:
                printed, why = levels.place(level)
                if why is not None or printed > 6:
                    return True
        blank = not line.strip()
    return False


def _only_pandoc_can_tell(heading: re.Match[str], line: str, blank: bool) -> bool:
    """Whether the ATX heading ``heading`` on ``line`` may not be read as the heading it looks
    like (``blank``: the line before it is blank)."""
    if heading.group("prefix"):
        return True  # in a container, or indented: only pandoc can tell
    if not blank:
        return True  # pandoc may not read it as a heading
    title = line[heading.end() :]
    return not _words(title) or "![" in title  # no words: no heading


# --------------------------------------------------------------------------- the check


def check(
    body: str, rel: str, first_line: int, root: Path, base: Path, kind: Kind
) -> list[Diagnostic]:
    """The checks of a document's text: pictures, raw code and limits
    (:func:`idmbook.load.content.scan`, ``base`` the folder its pictures are found from), then what
    the build will change in it (:func:`scan`), unless the text is past a limit that pandoc
    would take minutes over (IDM004)."""
    found = content.scan(body, rel, first_line, root, base)
    if any(d.code == "IDM004" for d in found):
        return found
    return found + scan(body, rel, first_line, root, kind)


def scan(body: str, rel: str, first_line: int, root: Path, kind: Kind) -> list[Diagnostic]:
    """Warnings for what the build will change in the text ``body`` of ``rel`` (a note, a
    contribution or an editorial chapter), whose first line is line ``first_line`` of the
    file. ``root``: the project (pictures are looked up in it)."""
    split_at = 2 if kind == "note" else 0
    if not may_change(body, TOPS[kind], split_at):
        return []
    try:
        out = run_pandoc(["-f", READER, "-t", "json"], contain(body, "p").encode())
    except ExtraMissing as missing:  # pip install idmbook without the build extra
        return [not_checked(WHAT_THE_BUILD_CHANGES, rel, missing)]
    parsed = ast_loads(out)
    sanitizer = Sanitizer(root)
    if kind == "note":
        for top, blocks in _note_texts(parsed["blocks"]):
            sanitizer.submitted(blocks, rel, top)
    else:
        sanitizer.submitted(parsed["blocks"], rel, TOPS[kind])
    return Locator(body, rel, first_line).diagnostics(sanitizer.changes)


def _note_texts(blocks: list[Any]) -> Iterator[tuple[int | None, list[Any]]]:
    """The texts of a note the book publishes, with the level their headings start at: the
    summary and the key messages, and each recommendation (None: in a list item)."""
    from idmbook.load.notebody import SECTIONS
    from idmbook.pandoc.ast import stringify

    section: str | None = None
    current: list[Any] = []
    for block in [*blocks, {"t": "Header", "c": [1, ["", [], []], []]}]:
        if block.get("t") == "Header" and block["c"][0] <= 2:
            if section in ("summary", "key_messages"):
                yield TOPS["note"], current
            elif section == "recommendations":
                for item in _list_items(current):
                    yield None, item
            name = " ".join(stringify(block["c"][2]).rstrip(": \t\u00a0\u202f").split())
            section = SECTIONS.get(name.lower()) if block["c"][0] == 2 else None
            current = []
        else:
            current.append(block)


def _list_items(blocks: list[Any]) -> Iterator[list[Any]]:
    for block in blocks:
        if block.get("t") == "BulletList":
            yield from block["c"]
        elif block.get("t") == "OrderedList":
            yield from block["c"][1]


# --------------------------------------------------------------------------- where in the text

_ATTR_BLOCK = re.compile(r"\{([^{}\n]*)\}")
_ATTR_ITEM = re.compile(
    r"""(?P<id>\#[^\s}]+)|(?P<cls>\.[^\s}=]+)|(?P<key>[^\s=}"'#.][^\s=}"']*)\s*=\s*"""
    r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s}]+)|(?P<dash>-)(?=[\s}])"""
)
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_NOT_WORD = re.compile(r"[\W_]+")


class Locator:
    """Finds the line and column of each change in the text it was found in."""

    def __init__(self, body: str, rel: str, first_line: int) -> None:
        self.body = body
        self.rel = rel
        self.first_line = first_line
        self.lines = body.split("\n")
        self.used: set[tuple[str, int]] = set()
        self._attributes: list[tuple[str, int, bool]] | None = None
        self._headings: list[tuple[str, int, bool]] | None = None

    def diagnostics(self, changes: list[Change]) -> list[Diagnostic]:
        out = []
        for change in changes:
            code = CODES.get(change.kind)
            if code is None:
                continue  # raw code: IDM052, from the text itself
            offset = self._find(change)
            line, column = self._position(offset)
            out.append(diag(code, self.rel, line, column, _message(change), _HINTS[change.kind]))
        return out

    def _position(self, offset: int | None) -> tuple[int, int]:
        if offset is None:
            return self.first_line, 1
        before = self.body[:offset]
        line = before.count("\n")
        return self.first_line + line, offset - (before.rfind("\n") + 1) + 1

    def _find(self, change: Change) -> int | None:
        if change.kind == "attribute":
            return self._next(change.kind, self.attributes(), change.what.lower())
        if change.kind in ("heading", "level"):
            words = _words(change.what)
            return self._next("heading", self.headings(), words, partial=bool(words))
        return self._substring(change.kind, change.what)

    def _next(
        self, kind: str, found: list[tuple[str, int, bool]], name: str, partial: bool = False
    ) -> int | None:
        """The offset of the first ``found`` item not used yet with ``name`` (with
        ``partial``: whose name contains it), outside code blocks first; else of the first
        one not used yet. (Where a code block is, is a guess: a fence in a list item is not
        seen as one.)"""
        for wanted, in_code in ((True, False), (True, True), (False, False), (False, True)):
            for item, offset, code in found:
                if code != in_code or (kind, offset) in self.used:
                    continue
                if not wanted or (name in item if partial else item == name):
                    self.used.add((kind, offset))
                    return offset
        return None

    def _substring(self, kind: str, text: str) -> int | None:
        start = 0
        while text:
            offset = self.body.find(text, start)
            if offset < 0:
                return None
            if (kind, offset) not in self.used:
                self.used.add((kind, offset))
                return offset
            start = offset + 1
        return None

    def attributes(self) -> list[tuple[str, int, bool]]:
        """(name, offset, in code) of every item of every attribute block, in order: ``#id``,
        ``.class`` or the key, lower case."""
        if self._attributes is None:
            self._attributes = []
            for offset, line, code in self._rows():
                for block in _ATTR_BLOCK.finditer(line):
                    start = offset + block.start(1)
                    for item in _ATTR_ITEM.finditer(block.group(1)):
                        if item.group("dash"):
                            name = ".unnumbered"
                        else:
                            name = item.group("id") or item.group("cls") or item.group("key")
                        self._attributes.append((name.lower(), start + item.start(), code))
        return self._attributes

    def headings(self) -> list[tuple[str, int, bool]]:
        """(words, offset, in code) of every line that may be a heading: a ``#`` line in or
        out of a container, and a line above a setext underline."""
        if self._headings is None:
            self._headings = []
            rows = list(self._rows())
            for index, (offset, line, code) in enumerate(rows):
                atx = _ATX.match(line)
                below = rows[index + 1][1] if index + 1 < len(rows) else ""
                if atx:
                    words = _words(line[atx.end() :])
                    self._headings.append((words, offset + atx.start("marks"), code))
                elif line.strip() and _SETEXT.match(below) and not _SETEXT.match(line):
                    stripped = line.lstrip(" \t>")
                    at = offset + len(line) - len(stripped)
                    self._headings.append((_words(stripped), at, code))
        return self._headings

    def _rows(self) -> Iterator[tuple[int, str, bool]]:
        """(offset, line, in a code block) of each line, code spans blanked."""
        outside = {number for number, _, _ in outside_code(self.lines)}
        offset = 0
        for number, line in enumerate(self.lines):
            blanked = _CODE_SPAN.sub(
                lambda m: m.group(1) + " " * len(m.group(2)) + m.group(1), line
            )
            yield offset, blanked, number not in outside
            offset += len(line) + 1


def _words(text: str) -> str:
    """Letters and digits only, lower case: what a heading's text and its source share."""
    return _NOT_WORD.sub("", re.sub(r"\{[^{}]*\}\s*$", "", text)).lower()


def _message(change: Change) -> str:
    what = " ".join(change.what.split())
    if len(what) > 60:
        what = what[:57] + "..."
    if change.kind == "attribute":
        return f"the attribute '{what}' is left out of the book: {change.why}"
    if change.kind == "heading":
        return f"the heading '{what}': {change.why}"
    if change.kind == "level":
        return f"the heading '{what}': {change.why}"
    if change.kind == "math":
        return f"the equation '{what}' is printed as its TeX source: {change.why}"
    return f"the link to '{what}' is printed as its text: {change.why}"
