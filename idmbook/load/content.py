"""Checks on the Markdown text of notes, contributions and chapters: pictures and raw code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from idmbook.diagnostics import Diagnostic
from idmbook.load import glyphs
from idmbook.load.picturefiles import (
    IMAGE_SUFFIXES,
    check_image,
    is_picture_file,
    picture_problem,
    resolve_image,
)
from idmbook.pandoc.markdown import outside_code
from idmbook.rules import diag

__all__ = [
    "IMAGE_SUFFIXES",
    "image_references",
    "is_picture_file",
    "picture_problem",
    "resolve_image",
    "scan",
]

_IMAGE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*)?\)")
_RAW = re.compile(
    r"(\{=\s*(?P<fmt>[A-Za-z]+)\s*\})"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>|<!--)"
    r"|(?P<latex>\\(?:begin|end|input|include|usepackage|documentclass)\b)"
)
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_MATH = re.compile(r"\$\$.+?\$\$|(?<!\\)\$(?![\s$])(?:\\.|[^$\\])*?(?<![\s\\])\$(?!\d)")
"""An equation on one line, as pandoc reads ``$...$`` and ``$$...$$`` (see
:func:`_blank_code_spans`)."""
# Reference-style pictures: ![alt][label], ![alt][] and ![alt] (pandoc reads the picture the
# label's definition points at, exactly as for ![alt](target)).
_IMAGE_REF = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\](?:\[([^\]]*)\])?(?![(\[])")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*(<[^>]*>|\S+)")
MAX_NESTING = 48
"""How deep one line may nest blocks inside one another, in the units Typst spends on them:
a block quote or a list item 2, a column of indentation 1 (a nested list's items are
indented two columns at least), a table or a definition 6. Typst stops at a depth that the
book's own structure shares (lists 31 levels deep, tables 10, definitions 11 are the most it
typesets), and pandoc's JSON nests four levels per list level."""
MAX_CONTAINER_DEPTH = MAX_NESTING // 2
"""Block quotes and list items opened on one line (``> > - x``)."""
MAX_INDENT = MAX_NESTING
"""Columns of indentation (every two are a list level)."""
MAX_BRACKET_DEPTH = 5
"""``[`` open at once in a paragraph."""
MAX_PAREN_DEPTH = 32
"""``(`` open at once in a paragraph (``[x](`` repeated is a link never closed)."""
MAX_OPEN_ANGLES = 64
"""``<`` never closed in a paragraph (each may start an autolink pandoc looks for)."""
MAX_WORD = 5000
"""Characters without a place to break the line (spaces; no-break spaces join words into
one): pandoc writes such a run of words for Typst, and Typst breaks it into lines, in
quadratic time."""
MAX_INLINE = 400
"""Emphasised, strong, struck, raised or lowered runs, code spans, links and note references
in one paragraph: Typst spends a time and memory on each that grows with the paragraph (a
paragraph of 20,000 emphasised words takes it 9 s and 900 MB; the same split into paragraphs
of 500, 1 s)."""
_LIMIT_HINT = "write the text without it: pandoc or Typst would take minutes over it"
# pandoc's and Typst's time grows steeply with these: 50,000 nested '>' or '[' keep pandoc
# busy for many minutes, 15 nested '[x]' for seconds, '[x](' 500 times for more than 30 s,
# 2,000 list levels or 20,000 '<http://' for more than 40 s; a word of 200,000 characters
# takes Typst two minutes, and 16,000 words joined by no-break spaces take pandoc's Typst
# writer ten seconds (four times as many, sixteen times as long).
_PREFIX = re.compile(
    r"[ \t]+|>|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t])|[:~](?=[ \t])|\|(?=[ \t|+])|\+[-=:]"
)
"""One token of what opens blocks at the start of a line: indentation, a block quote, a list
item, a definition, a table cell, a table's border."""
_GLUE = str.maketrans({"\u00a0": "x", "\u2007": "x", "\u202f": "x"})
"""No-break spaces (Python counts them as spaces): they join words into one."""
_ESCAPED_SPACE = re.compile(r"\\ ")
"""A backslash and a space: pandoc's no-break space."""
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
_INLINE_DELIMITERS = re.compile(r"(?<!\\)(?:\*+|~+|\^|`+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9]))")
_INLINE_OPENERS = re.compile(r"\]\(|\]\[|\[\^|<(?:https?|mailto|ftp):", re.IGNORECASE)
_RULE_LINE = re.compile(r"[ \t]*(?:[*_-][ \t]*){3,}")
# Searched once in the whole text (:func:`_possible`): each finds whatever a line's check could
# find, and more, so where they find nothing no line needs to be looked at for it.
_LINE_PAST_LIMITS = rf"[ \t>*+\-|:~0-9.)]{{{(MAX_NESTING + 1) // 6}}}"
"""The start of a line that may nest past MAX_NESTING: no token of :data:`_PREFIX` is worth
more than 6 units per character."""
_FIRST_LINE_PAST = re.compile(_LINE_PAST_LIMITS)
_LATER_LINE_PAST = re.compile("\n" + _LINE_PAST_LIMITS)  # a literal first: found fast
_MAYBE_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1}}}")
_LATEX = re.compile(r"\\(?:begin|end|input|include|usepackage|documentclass)\b")


def scan(body: str, rel: str, first_line: int, root: Path, base: Path) -> list[Diagnostic]:
    """Diagnostics for pictures and raw markup in a Markdown body.

    ``base`` is the folder relative image paths are resolved from; ``root`` the project root.
    """
    lines = body.split("\n")
    maybe = _possible(body)
    problems: list[Diagnostic] = _nesting(lines, maybe, rel, first_line)
    problems += glyphs.scan(body, rel, first_line)
    if not maybe.pictures and not maybe.raw:
        return problems  # nothing the loop below looks for is in the text
    definitions = _definitions(lines, first_line) if maybe.pictures else {}
    for i, line, info in outside_code(lines):
        lineno = first_line + i
        if info is not None:  # a code block opens here
            problems += _raw_block(info, line, rel, lineno)
            continue
        line = _blank_code_spans(line)
        problems += _line_pictures(line, definitions, rel, lineno, root, base)
        problems += _raw_markup(line, rel, lineno)
    return problems


def _raw_block(info: str, line: str, rel: str, lineno: int) -> list[Diagnostic]:
    """A code block of raw output (```` ```{=html} ````), opened on ``line``."""
    if "{=" not in info:
        return []
    fmt = info.split("{=", 1)[1].split("}", 1)[0].strip()
    return [
        diag(
            "IDM052",
            rel,
            lineno,
            line.index("{=") + 1,
            f"raw {fmt} block will be printed as text, not run",
            "write plain Markdown instead",
        )
    ]


def _line_pictures(
    line: str,
    definitions: dict[str, tuple[str, tuple[int, int]]],
    rel: str,
    lineno: int,
    root: Path,
    base: Path,
) -> list[Diagnostic]:
    """The checks of the pictures ``line`` shows, inline and reference-style."""
    problems: list[Diagnostic] = []
    for match in _IMAGE.finditer(line):
        alt, target = match.group(1), match.group(2)
        col = match.start() + 1
        problems += check_image(
            alt, target, rel, (lineno, col), (lineno, col + len(alt) + 4), root, base
        )
    for match in _IMAGE_REF.finditer(line):
        label = _label(match.group(2) or match.group(1))
        if label in definitions:
            target, where = definitions[label]
            problems += check_image(
                match.group(1), target, rel, (lineno, match.start() + 1), where, root, base
            )
    return problems


def _raw_markup(line: str, rel: str, lineno: int) -> list[Diagnostic]:
    """Raw inline output, HTML tags and LaTeX commands on ``line``: printed as text."""
    problems: list[Diagnostic] = []
    for match in _RAW.finditer(line):
        if match.group("fmt"):
            what = f"raw {match.group('fmt')}"
        elif match.group("html"):
            what = "HTML"
        else:
            what = "LaTeX"
        problems.append(
            diag(
                "IDM052",
                rel,
                lineno,
                match.start() + 1,
                f"{what} markup will be printed as text, not interpreted",
                "write plain Markdown instead",
            )
        )
    return problems


def image_references(text: str, first_line: int = 1) -> list[tuple[int, int, str]]:
    """(line, column, file name) of every picture ``text`` shows, in order, as :func:`scan`
    finds them (reference-style pictures at their definition's file name)."""
    if "![" not in text:
        return []
    lines = text.split("\n")
    definitions = _definitions(lines, first_line)
    found: list[tuple[int, int, str]] = []
    for i, line, info in outside_code(lines):
        if info is not None or "![" not in line:
            continue
        line = _blank_code_spans(line)
        for match in _IMAGE.finditer(line):
            alt = match.group(1)
            found.append((first_line + i, match.start() + len(alt) + 5, match.group(2)))
        for match in _IMAGE_REF.finditer(line):
            label = _label(match.group(2) or match.group(1))
            if label in definitions:
                target, _ = definitions[label]
                found.append((first_line + i, match.start() + 1, target))
    return found


class _Possible(NamedTuple):
    """What the whole text shows may be found in it; what is not possible is not looked for
    line by line (most submissions have no pictures, no raw markup and nothing near a
    limit: the content checks were a third of validating a project)."""

    pictures: bool
    raw: bool
    line_limits: bool
    """Some line may be nested or run on past a limit of a single line."""
    brackets: bool
    """More '[', '(' or '<' than a paragraph may leave open."""
    inline: bool = True
    """More inline markup than a paragraph may hold."""


def _possible(body: str) -> _Possible:
    return _Possible(
        pictures="![" in body,
        # what every finding of _RAW (and a raw code block's "{=") contains
        raw="<" in body or "{=" in body or ("\\" in body and _LATEX.search(body) is not None),
        line_limits=(
            _FIRST_LINE_PAST.match(body) is not None
            or _LATER_LINE_PAST.search(body) is not None
            or (len(body) > MAX_WORD and _MAYBE_LONG_WORD.search(_words(body)) is not None)
        ),
        brackets=(
            body.count("[") > MAX_BRACKET_DEPTH
            or body.count("(") > MAX_PAREN_DEPTH
            or body.count("<") > MAX_OPEN_ANGLES
        ),
        inline=_inline_units_at_most(body) > 2 * MAX_INLINE,
    )


def _inline_units_at_most(body: str) -> int:
    """At least what :func:`_inline_units` counts over all the lines of ``body``."""
    delimiters = sum(body.count(c) for c in "*~^`_")
    openers = body.count("](") + body.count("][") + body.count("[^") + body.count("<")
    return delimiters + 2 * openers


def _words(text: str) -> str:
    """``text`` with the no-break spaces that join words made part of them."""
    if "\\ " in text:
        text = _ESCAPED_SPACE.sub("xx", text)
    if "\u00a0" in text or "\u2007" in text or "\u202f" in text:
        text = text.translate(_GLUE)
    return text


def _nesting(lines: list[str], maybe: _Possible, rel: str, first_line: int) -> list[Diagnostic]:
    """IDM004 for the first line that nests or runs on further than pandoc and Typst can
    handle in reasonable time (fenced code blocks and code spans are not counted)."""
    each_line = maybe.line_limits
    if not each_line and not maybe.brackets and not maybe.inline:
        return []
    depth = {"[": 0, "(": 0, "<": 0, "inline": 0}
    for i, line, info in outside_code(lines):
        if info is not None:
            continue
        if not line.strip():
            depth = dict.fromkeys(depth, 0)
            continue
        what = _too_deep(line) if each_line else None
        if what is None and maybe.inline:
            what = _too_much_inline(line, depth)
        if what is None and (maybe.brackets or each_line):
            what = _brackets_too_deep(line, depth)
        if what:
            return [diag("IDM004", rel, first_line + i, 1, what, _LIMIT_HINT)]
    return []


def _too_deep(line: str) -> str | None:
    """What in ``line`` goes past a limit of a single line: blocks nested too deep, a word
    too long."""
    nested = _nesting_of(line)
    if nested is not None:
        return nested
    if len(line) > MAX_WORD:
        word = _LONG_WORD.search(_words(line))
        if word:
            return (
                f"a word of {len(word.group())} characters (words joined by no-break spaces "
                f"count as one); the limit is {MAX_WORD}"
            )
    return None


def _nesting_of(line: str) -> str | None:
    """Why the blocks ``line`` opens or continues are nested too deep (see
    :data:`MAX_NESTING`), or None."""
    units = indent = containers = tables = pipes = 0
    pos = 0
    previous = ""
    while True:
        match = _PREFIX.match(line, pos)
        if match is None:
            break
        token = match.group()
        pos = match.end()
        if token[0] in " \t":
            width = token.count(" ") + 4 * token.count("\t")
            if previous and (line.startswith("|", pos) or pos == len(line)):
                width = 0  # the space left in a cell of a table, or at the end of the line
            elif previous == ">":  # the space a block quote's marker takes
                width -= 1
            elif previous and previous not in "|+":
                width = 0  # what follows a list item's marker
            indent += width
            units += width
        elif token == "|":
            pipes += 1
        elif token[0] == "+" and token != "+":  # a table's border: the cells around it
            tables += pipes + 1
            units += 6 * (pipes + 1)
            pipes = 0
            break
        elif token in (":", "~"):
            containers += 1
            units += 6
        else:  # a block quote or a list item
            containers += 1
            units += 2
        if token[0] not in " \t":
            previous = token
    if pipes:  # a row of a table (the tables around it are counted on its borders)
        tables += 1
        units += 6
    if units <= MAX_NESTING:
        return None
    if indent > MAX_INDENT and not containers and not tables:
        return f"the line is indented {indent} columns; the limit is {MAX_INDENT}"
    return (
        f"the line is nested too deep for the PDF: {containers} block quotes, list items or "
        f"definitions and {tables} tables inside one another, and {indent} columns of "
        f"indentation (every two are a list level); at most {MAX_CONTAINER_DEPTH} block quotes "
        f"or list levels, or {MAX_NESTING // 6} tables, fit inside one another"
    )


def _too_much_inline(line: str, depth: dict[str, int]) -> str | None:
    """Whether the paragraph that ``line`` continues (a list item or a table row starts
    one of its own) holds more inline markup than :data:`MAX_INLINE` (``depth`` keeps the
    count)."""
    prefix = _PREFIX.match(line)
    rest = line
    if prefix is not None:
        end = 0
        while (match := _PREFIX.match(line, end)) is not None:
            end = match.end()
        if line[:end].strip(" \t>"):  # a list item, a definition or a table row begins
            depth["inline"] = 0
        rest = line[end:]
    if _RULE_LINE.fullmatch(rest):
        return None
    depth["inline"] += _inline_units(rest)
    if depth["inline"] > 2 * MAX_INLINE:
        return (
            f"more than {MAX_INLINE} emphasised runs, code spans, links or note references in "
            "one paragraph"
        )
    return None


def _inline_units(text: str) -> int:
    """Two for each link or note reference, one for each emphasis delimiter (two make a
    run)."""
    text = _blank_code_spans(text)
    return len(_INLINE_DELIMITERS.findall(text)) + 2 * len(_INLINE_OPENERS.findall(text))


def _brackets_too_deep(line: str, depth: dict[str, int]) -> str | None:
    """The part of :func:`_too_deep` that follows the paragraph: brackets left open."""
    if not any(depth.values()) and not any(c in line for c in "[(<"):
        return None
    limits = {"[": MAX_BRACKET_DEPTH, "(": MAX_PAREN_DEPTH, "<": MAX_OPEN_ANGLES}
    closing = {"]": "[", ")": "(", ">": "<"}
    escaped = False
    for char in _blank_code_spans(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in limits:
            depth[char] += 1
            if depth[char] > limits[char]:
                if char == "<":
                    return f"{depth[char]} '<' never closed; the limit is {limits[char]}"
                return f"'{char}' nested {depth[char]} deep; the limit is {limits[char]}"
        elif char in closing and depth[closing[char]]:
            depth[closing[char]] -= 1
    return None


def _blank_code_spans(line: str) -> str:
    """The line with the inside of `code spans` and of equations replaced by spaces (columns
    are kept): pictures and markup in code are printed as code, TeX in an equation is math
    (what an equation may hold is checked by :mod:`idmbook.check.preflight`)."""
    line = _CODE_SPAN.sub(lambda m: m.group(1) + " " * len(m.group(2)) + m.group(1), line)
    if "$" in line:
        line = _MATH.sub(lambda m: " " * len(m.group()), line)
    return line


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _definitions(lines: list[str], first_line: int) -> dict[str, tuple[str, tuple[int, int]]]:
    """Link reference definitions ``[label]: target``: label -> (target, its line and column)."""
    found: dict[str, tuple[str, tuple[int, int]]] = {}
    for i, line, info in outside_code(lines):
        match = None if info is not None else _DEFINITION.match(line)
        if match:
            target = match.group(2)
            column = match.start(2) + 1
            if target.startswith("<"):
                target, column = target[1:-1], column + 1
            found.setdefault(_label(match.group(1)), (target, (first_line + i, column)))
    return found
