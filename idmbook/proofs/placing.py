"""Place a corrected paragraph's text back into the Markdown it was printed from.

The proof printed a paragraph's Markdown as text: emphasis, links and footnote calls became
formatting, a recommendation's attribute block was left out, quotes became typographic. The
corrections are the differences, word by word, between the text as sent and the text as
returned; each is carried onto the Markdown through an alignment of the printed text with
it, so that the markup around a change stays as it was. Whether the result prints as the
returned text is checked afterwards (:func:`printed_texts`), and a change that would not is
refused rather than written.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from idmbook.pandoc.ast import stringify
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import run_pandoc

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_SPECIAL = re.compile(r"([\\`*_\[\]{}<>$^~|])")
_DELIMITERS = "*_"


@dataclass(frozen=True)
class Edit:
    """Replace ``sent[start:end]`` by ``text``."""

    start: int
    end: int
    text: str


def text_edits(sent: str, returned: str) -> list[Edit]:
    """The differences between two texts of a paragraph, word by word, in order."""
    old, new = _TOKEN.findall(sent), _TOKEN.findall(returned)
    offsets = [0]
    for token in old:
        offsets.append(offsets[-1] + len(token))
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            edits.append(Edit(offsets[a1], offsets[a2], "".join(new[b1:b2])))
    return edits


def escape_inserted(text: str) -> str:
    """Text typed in Word, written so that Markdown prints it as typed."""
    return _SPECIAL.sub(r"\\\1", text)


def _alignment(printed: str, markdown: str) -> list[int]:
    """For each character of ``printed``, its index in ``markdown`` (-1: none matches it)."""
    where = [-1] * len(printed)
    matcher = difflib.SequenceMatcher(a=printed, b=markdown, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            where[block.a + offset] = block.b + offset
    return where


def apply_edits(markdown: str, printed: str, edits: list[Edit]) -> str:
    """``markdown`` with ``edits`` (in ``printed``'s coordinates) made at the places the
    alignment gives; the markup between words is kept."""
    where = _alignment(printed, markdown)
    spans: list[tuple[int, int, str]] = []
    for edit in edits:
        start, end = _span(where, edit, len(markdown))
        spans.append((start, end, escape_inserted(edit.text)))
    out = markdown
    for start, end, text in sorted(spans, reverse=True):
        start, end = _whole_emphasis(out, start, end, bool(text))
        out = out[:start] + text + out[end:]
    return out


def _span(where: list[int], edit: Edit, size: int) -> tuple[int, int]:
    def before(index: int) -> int:
        """Just after the last matched character before ``index``."""
        for i in range(index - 1, -1, -1):
            if where[i] >= 0:
                return where[i] + 1
        return 0

    def after(index: int) -> int:
        """At the first matched character from ``index`` on."""
        for i in range(index, len(where)):
            if where[i] >= 0:
                return where[i]
        return size

    if edit.start == edit.end:
        return (before(edit.start), before(edit.start)) if edit.start else (after(0), after(0))
    first, last = edit.start, edit.end - 1
    start = where[first] if where[first] >= 0 else before(first)
    end = where[last] + 1 if where[last] >= 0 else after(edit.end)
    return start, max(start, end)


def _whole_emphasis(markdown: str, start: int, end: int, replacing: bool) -> tuple[int, int]:
    """A deletion of all the text inside emphasis takes its delimiters too."""
    if replacing:
        return start, end
    while (
        start > 0
        and end < len(markdown)
        and markdown[start - 1] in _DELIMITERS
        and markdown[end] == markdown[start - 1]
    ):
        start, end = start - 1, end + 1
    return start, end


def normal(text: str) -> str:
    """Text as compared: typographic quotes and spaces made plain, spaces collapsed."""
    table = str.maketrans(
        {
            "\u2018": "'",
            "\u2019": "'",
            "\u201c": '"',
            "\u201d": '"',
            "\u00a0": " ",
            "\u202f": " ",
            "\u2011": "-",
            "\u00ab": '"',
            "\u00bb": '"',
        }
    )
    return " ".join(text.translate(table).split())


def printed_texts(pieces: list[str]) -> list[str]:
    """How each piece of Markdown prints (footnotes left out), with one run of pandoc."""
    if not pieces:
        return []
    document = "\n\n".join(
        f"::: {{#piece-{number}}}\n{piece}\n:::" for number, piece in enumerate(pieces)
    )
    ast = json.loads(run_pandoc(["-f", READER, "-t", "json"], document.encode("utf-8")))
    texts: dict[str, str] = {}
    for block in ast.get("blocks", []):
        if block.get("t") == "Div":
            ident = block["c"][0][0]
            texts[ident] = stringify(block["c"][1])
    return [texts.get(f"piece-{number}", "") for number in range(len(pieces))]
