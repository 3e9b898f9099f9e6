"""Checks on the Markdown text of notes, contributions and chapters: pictures and raw code."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import unquote

from idmbook import glyphs
from idmbook.diagnostics import Diagnostic
from idmbook.markdown import outside_code
from idmbook.rules import diag

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
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}
MAX_CONTAINER_DEPTH = 32
"""Block quotes and list items opened on one line (``> > - x``)."""
MAX_BRACKET_DEPTH = 5
"""``[`` open at once in a paragraph."""
MAX_PAREN_DEPTH = 32
"""``(`` open at once in a paragraph (``[x](`` repeated is a link never closed)."""
MAX_OPEN_ANGLES = 64
"""``<`` never closed in a paragraph (each may start an autolink pandoc looks for)."""
MAX_INDENT = 128
"""Columns of indentation (every two are a list level)."""
MAX_WORD = 5000
"""Characters without a space: Typst breaks such a word into lines in quadratic time."""
_LIMIT_HINT = "write the text without it: pandoc or Typst would take minutes over it"
# pandoc's and Typst's time grows steeply with these: 50,000 nested '>' or '[' keep pandoc
# busy for many minutes, 15 nested '[x]' for seconds, '[x](' 500 times for more than 30 s,
# 2,000 list levels or 20,000 '<http://' for more than 40 s; a word of 200,000 characters
# takes Typst two minutes.
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[*+-](?=[ \t])))+")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
# Searched once in the whole text (:func:`_possible`): each finds whatever a line's check could
# find, and more, so where they find nothing no line needs to be looked at for it.
_LINE_PAST_LIMITS = (
    rf"(?:\s{{{MAX_INDENT // 4 + 1}}}|(?:[ \t]*(?:>|[*+-](?=[ \t]))){{{MAX_CONTAINER_DEPTH + 1}}})"
)
"""The start of a line that may be indented past MAX_INDENT (a tab counts four columns at
most) or open more than MAX_CONTAINER_DEPTH containers."""
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
    problems += glyphs.scan(body, rel, first_line, root)
    if not maybe.pictures and not maybe.raw:
        return problems  # nothing the loop below looks for is in the text
    definitions = _definitions(lines, first_line) if maybe.pictures else {}
    for i, line, info in outside_code(lines):
        lineno = first_line + i
        if info is not None:  # a code block opens here
            if "{=" in info:
                fmt = info.split("{=", 1)[1].split("}", 1)[0].strip()
                problems.append(
                    diag(
                        "IDM052",
                        rel,
                        lineno,
                        line.index("{=") + 1,
                        f"raw {fmt} block will be printed as text, not run",
                        "write plain Markdown instead",
                    )
                )
            continue
        line = _blank_code_spans(line)
        for match in _IMAGE.finditer(line):
            alt, target = match.group(1), match.group(2)
            col = match.start() + 1
            problems += _check_image(
                alt, target, rel, (lineno, col), (lineno, col + len(alt) + 4), root, base
            )
        for match in _IMAGE_REF.finditer(line):
            label = _label(match.group(2) or match.group(1))
            if label in definitions:
                target, where = definitions[label]
                problems += _check_image(
                    match.group(1), target, rel, (lineno, match.start() + 1), where, root, base
                )
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


class _Possible(NamedTuple):
    """What the whole text shows may be found in it; what is not possible is not looked for
    line by line (most submissions have no pictures, no raw markup and nothing near a
    limit: the content checks were a third of validating a project)."""

    pictures: bool
    raw: bool
    line_limits: bool
    """Some line may be indented, nested or run on past a limit of a single line."""
    brackets: bool
    """More '[', '(' or '<' than a paragraph may leave open."""


def _possible(body: str) -> _Possible:
    return _Possible(
        pictures="![" in body,
        # what every finding of _RAW (and a raw code block's "{=") contains
        raw="<" in body or "{=" in body or ("\\" in body and _LATEX.search(body) is not None),
        line_limits=(
            _FIRST_LINE_PAST.match(body) is not None
            or _LATER_LINE_PAST.search(body) is not None
            or (len(body) > MAX_WORD and _MAYBE_LONG_WORD.search(body) is not None)
        ),
        brackets=(
            body.count("[") > MAX_BRACKET_DEPTH
            or body.count("(") > MAX_PAREN_DEPTH
            or body.count("<") > MAX_OPEN_ANGLES
        ),
    )


def _nesting(lines: list[str], maybe: _Possible, rel: str, first_line: int) -> list[Diagnostic]:
    """IDM004 for the first line that nests or runs on further than pandoc and Typst can
    handle in reasonable time (fenced code blocks and code spans are not counted)."""
    each_line = maybe.line_limits
    if not each_line and not maybe.brackets:
        return []
    depth = {"[": 0, "(": 0, "<": 0}
    for i, line, info in outside_code(lines):
        if info is not None:
            continue
        if not line.strip():
            depth = dict.fromkeys(depth, 0)
            continue
        what = _too_deep(line, depth) if each_line else _brackets_too_deep(line, depth)
        if what:
            return [diag("IDM004", rel, first_line + i, 1, what, _LIMIT_HINT)]
    return []


def _too_deep(line: str, depth: dict[str, int]) -> str | None:
    """What in ``line`` goes past a limit, given what the paragraph left open in ``depth``
    (updated)."""
    containers = _CONTAINERS.match(line)
    opened = len(re.findall(r"[>*+-]", containers.group())) if containers else 0
    if opened > MAX_CONTAINER_DEPTH:
        return (
            f"{opened} block quotes or list items nested on one line; "
            f"the limit is {MAX_CONTAINER_DEPTH}"
        )
    indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
    if indent > MAX_INDENT:
        return f"the line is indented {indent} columns; the limit is {MAX_INDENT}"
    word = _LONG_WORD.search(line)
    if word:
        return f"a word of {len(word.group())} characters; the limit is {MAX_WORD}"
    return _brackets_too_deep(line, depth)


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
    (what an equation may hold is checked by :mod:`idmbook.preflight`)."""
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


def _check_image(
    alt: str,
    target: str,
    rel: str,
    at: tuple[int, int],
    target_at: tuple[int, int],
    root: Path,
    base: Path,
) -> list[Diagnostic]:
    """``at`` is where the picture is written, ``target_at`` where its file name is."""
    out: list[Diagnostic] = []
    if not alt.strip():
        out.append(
            diag(
                "IDM050",
                rel,
                *at,
                f"picture '{target}' has no alternative text",
                "describe the picture between the brackets: ![what it shows](...)",
            )
        )
    resolved = resolve_image(target, root, base)
    if isinstance(resolved, str):
        out.append(
            diag(
                "IDM051",
                rel,
                *target_at,
                resolved,
                "put the picture in the project's media folder and link it there",
            )
        )
    elif isinstance(state := _file_state(resolved), str):
        out.append(diag("IDM053", rel, *target_at, f"picture '{target}' cannot be read: {state}"))
    elif not state:
        out.append(diag("IDM053", rel, *target_at, f"picture '{target}' does not exist"))
    elif resolved.suffix.lower() not in IMAGE_SUFFIXES:
        out.append(
            diag("IDM053", rel, *target_at, f"'{target}' is not a PNG, JPEG, GIF or SVG picture")
        )
    else:
        problem = picture_problem(resolved)
        if problem:
            out.append(
                diag(
                    "IDM053",
                    rel,
                    *target_at,
                    f"picture '{target}' cannot be printed: {problem}",
                    "open the picture in an image editor and export it again as PNG or JPEG",
                )
            )
    return out


_SVG_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SVG_LINK = re.compile(rb"""(?:href|src)\s*=\s*["'](?![#"']|data:)""", re.IGNORECASE)


def picture_problem(path: Path) -> str | None:
    """Why a picture file cannot go into the book safely, or None.

    The file's bytes must be the format its name says, and a raster picture's header must
    give a size within the limit: Typst decodes what it is given, and a PNG header claiming
    100,000 x 100,000 pixels makes it ask for 30 GB and abort the whole process. An SVG may
    declare no DOCTYPE or entities and refer to no other file or address.
    """
    from idmbook.ingest.archive import DEFAULT_LIMITS
    from idmbook.ingest.pictures import check_picture

    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    suffix = path.suffix.lower()
    if suffix == ".svg":
        if _SVG_DECLARATIONS.search(data):
            return "the SVG declares a DOCTYPE or entities"
        if _SVG_LINK.search(data):
            return "the SVG refers to another file or a web address"
        return None
    extension, problem = check_picture(data, DEFAULT_LIMITS)
    if extension is None:
        return problem
    if extension != {".jpeg": ".jpg"}.get(suffix, suffix):
        return f"it is a {extension[1:].upper()} picture named '{path.name}'"
    return None


def _file_state(path: Path) -> bool | str:
    """Whether ``path`` is a file, or why the system cannot even look (a name too long for
    it, a folder without permission)."""
    try:
        return path.is_file()
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def is_picture_file(path: Path) -> bool:
    """Whether ``path`` is a file; False also where the system cannot look."""
    return _file_state(path) is True


def resolve_image(target: str, root: Path, base: Path) -> Path | str:
    """The picture's path inside the project, or a message saying why it is refused.

    pandoc percent-decodes local paths (``%2e%2e/x.png`` reads ``../x.png``), so the decoded
    path is the one checked.
    """
    if not target:
        return "the picture has no file name"
    decoded = unquote(target)
    for form in dict.fromkeys((target, decoded)):
        drive = re.match(r"^[A-Za-z]:([\\/]|$)", form)
        if not drive and (re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", form) or form.startswith("//")):
            return f"picture '{target}' is a URL; idmbook never fetches from the network"
        if drive or form.startswith(("/", "\\")) or "\\" in form:
            return f"picture '{target}' is an absolute path; only project files are used"
    candidate = (base / PurePosixPath(decoded)).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return f"picture '{target}' is outside the project"
    return candidate
