"""Putting untrusted Markdown and plain text safely into the assembled book."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from urllib.parse import quote, unquote

from idmbook.pandoc.notelabels import relabel

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
"""A code fence: its marker, then the rest of the line (the info string of an opening fence)."""
_DIV_FENCE = re.compile(r"^((?:\s|>|[-*+](?=\s)|\d{1,9}[.)](?=\s))*)(:{3,})")
"""A fenced div's fence, also inside block quotes and list items (``> :::``, ``- :::``)."""
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]]+\]:")
_CONTAINED = ("```", "~~~", ":::", "[^")
"""What :data:`FENCE`, :data:`_DIV_FENCE`, :data:`_FOOTNOTE` and :data:`_NOTE_DEFINITION`
need to match: a body without any of them is contained as it is."""
_ESCAPED = {ord(c): "\\" + c for c in string.punctuation}
"""Each ASCII punctuation mark, escaped (a table for ``str.translate``)."""
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
"""An identifier, class or key the book writes into an attribute block."""

READER = (
    "markdown-raw_html-raw_tex-raw_attribute-citations"
    "-tex_math_single_backslash-yaml_metadata_block-latex_macros-native_divs-native_spans"
)
"""The pandoc reader used for the whole book: raw formats, citations and TeX macros off, and
HTML ``<div>`` and ``<span>`` too (pandoc reads them even without raw HTML: an unclosed
``<div>`` would swallow the rest of the book). Equations written ``$...$`` and ``$$...$$``
are read as math; :mod:`idmbook.parse.sanitize` bounds what an equation may hold."""


def closes_fence(opening: str, match: re.Match[str]) -> bool:
    """Whether the fence line ``match`` (of :data:`FENCE`) closes the code block that the
    marker ``opening`` opened: the same character, at least as many, nothing after them."""
    marker = match.group(1)
    return marker[0] == opening[0] and len(marker) >= len(opening) and not match.group(2).strip()


def outside_code(lines: list[str]) -> Iterator[tuple[int, str, str | None]]:
    """(number, line, info) of the lines outside fenced code blocks. ``info`` is the rest of
    the line (the info string) for a line that opens a block, None for every other line; the
    block's own lines and its closing fence are left out."""
    fence: str | None = None
    for number, line in enumerate(lines):
        match = FENCE.match(line)
        if fence is not None:
            if match and closes_fence(fence, match):
                fence = None
        elif match:
            fence = match.group(1)
            yield number, line, match.group(2)
        else:
            yield number, line, None


def escape(text: object) -> str:
    """Plain text as Markdown inline text: every ASCII punctuation mark escaped."""
    return " ".join(str(text).split()).translate(_ESCAPED)


def attribute_value(value: object) -> str:
    """``value`` as a quoted value of a pandoc attribute block: on one line, its backslashes
    and double quotes escaped."""
    text = " ".join(str(value).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def attributes(
    ident: str = "", classes: Iterable[str] = (), pairs: Iterable[tuple[str, object]] = ()
) -> str:
    """A pandoc attribute block ``{#ident .class key="value"}``. ``ident`` and ``classes`` are
    the book's own names (letters, digits, '-' and '_'); values are quoted by
    :func:`attribute_value`."""
    names = [ident, *classes, *(key for key, _ in pairs)]
    if any(name and not _NAME.fullmatch(name) for name in names):
        raise ValueError(f"not an attribute name: {names!r}")
    parts = [f"#{ident}"] if ident else []
    parts += [f".{name}" for name in classes]
    parts += [f"{key}={attribute_value(value)}" for key, value in pairs]
    return "{" + " ".join(parts) + "}"


def in_language(markdown: str, lang: str | None, book_lang: str) -> str:
    """Inline ``markdown`` (escaped already) tagged with ``lang`` when it is not the book's
    language: a span that pandoc gives every renderer."""
    if not lang or lang == book_lang:
        return markdown
    return f"[{markdown}]{attributes(pairs=[('lang', lang)])}"


def source_name(rel: str) -> str:
    """A project file name as the book records it in a ``data-src`` attribute: percent-encoded,
    so no character of a name (a quote, a newline) can end the attribute; see
    :func:`source_rel`."""
    return quote(rel, safe="/")


def source_rel(name: str) -> str:
    """The project file name recorded by :func:`source_name`."""
    return unquote(name)


def contain(body: str, prefix: str) -> str:
    """Make a Markdown body safe to embed between other parts of the book.

    Footnote labels get ``prefix`` so two documents' ``[^1]`` do not collide; lines that
    would open or close a fenced div are escaped, so a body cannot close its wrapper; a code
    block left open at the end is closed, so it cannot swallow the rest of the book.

    Div fences are escaped inside code blocks too (where the backslash shows): where a code
    block starts is pandoc's to decide, and a fence line that follows a footnote definition,
    for one, is text to pandoc, not the start of a code block.
    """
    if not any(mark in body for mark in _CONTAINED):
        return body.strip("\n")  # nothing below would change a line
    out: list[str] = []
    notes: list[int] = []  # lines whose footnote labels get the prefix
    fence: str | None = None
    note_paragraph = False  # the first paragraph of a footnote definition: no fence opens
    for line in body.split("\n"):
        match = FENCE.match(line)
        if match and not (fence is None and note_paragraph):
            if fence is None:
                fence = match.group(1)
            elif closes_fence(fence, match):
                fence = None
            out.append(line)
            continue
        if fence is None:
            if _NOTE_DEFINITION.match(line):
                note_paragraph = True
            elif not line.strip():
                note_paragraph = False
        div = _DIV_FENCE.match(line)
        if div:
            line = div.group(1) + "\\" + line[len(div.group(1)) :]
        if fence is None:
            notes.append(len(out))
        out.append(line)
    out = relabel(out, notes, prefix)  # tables keep their columns (idmbook.pandoc.notelabels)
    if fence is not None:
        out.append(fence)
    return "\n".join(out).strip("\n")
