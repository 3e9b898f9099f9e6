"""Languages and writing direction of submitted text: which languages are written right to
left, what script a piece of text is in, and the language tags ingest writes.

The book marks right-to-left text with ``dir="rtl"`` and its ``lang`` on a span (the shared
decision of the project: renderers set such text right to left). This module only answers
questions about text and tags; where the marks go is decided by the readers of each format.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "ps", "sd", "syr", "ug", "ur"}
    | {"yi", "ji", "prs", "pnb", "lrc", "mzn", "azb", "glk", "bal", "bqi"}
)
"""Primary language subtags of languages written right to left."""

_ARABIC_SCRIPT = frozenset(
    {"ar", "fa", "ur", "ps", "ckb", "sd", "ug", "ks", "prs", "pnb", "lrc", "mzn", "azb", "glk"}
    | {"bal", "bqi", "ku"}
)
_HEBREW_SCRIPT = frozenset({"he", "iw", "yi", "ji", "lad"})


def primary(tag: str) -> str:
    """The primary subtag of a language tag, lower case: 'fr-FR' -> 'fr'."""
    return tag.replace("_", "-").split("-", 1)[0].strip().lower()


@cache
def normal_tag(tag: str | None) -> str | None:
    """The tag ingest writes for a language a document names, or None when it names none
    (Word's 'x-none', 'zxx', an empty or malformed value).

    The primary subtag is enough for hyphenation and fonts, except for Chinese, whose region
    says whether the text is in simplified or traditional characters.
    """
    if not tag:
        return None
    tag = tag.strip().replace("_", "-")
    lowered = tag.lower()
    if lowered in ("x-none", "zxx", "und", "mul", "none") or lowered.startswith("x-"):
        return None
    import langcodes

    if not langcodes.tag_is_valid(tag):
        return None
    first = primary(tag)
    if first == "zh":
        return "zh-Hant" if any(r in lowered for r in ("-tw", "-hk", "-mo", "hant")) else "zh-Hans"
    return {"iw": "he", "ji": "yi", "in": "id"}.get(first, first)


def is_rtl_language(tag: str | None) -> bool:
    """Whether ``tag`` names a language written right to left."""
    return bool(tag) and primary(str(tag)) in RTL_LANGUAGES


def _bidi_class(char: str) -> str:
    return unicodedata.bidirectional(char)


def strong_direction(text: str) -> str | None:
    """'rtl' or 'ltr' from the first letter with a strong direction in ``text`` (as a web
    browser decides for ``dir="auto"``), None when there is none (digits, punctuation)."""
    for char in text:
        kind = _bidi_class(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds any right-to-left letter."""
    return any(_bidi_class(c) in ("R", "AL") for c in text)


def script_of(text: str) -> str | None:
    """'hebrew', 'arabic', 'cjk' or 'latin' (any other letters): the script of the first
    letter of ``text`` with a strong direction, None when there is none."""
    for char in text:
        kind = _bidi_class(char)
        if kind not in ("R", "AL", "L"):
            continue
        code = ord(char)
        if 0x0590 <= code <= 0x05FF or 0xFB1D <= code <= 0xFB4F:
            return "hebrew"
        if kind in ("R", "AL"):
            return "arabic"
        if (
            0x3040 <= code <= 0x30FF
            or 0x3400 <= code <= 0x9FFF
            or 0xAC00 <= code <= 0xD7AF
            or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3FFFF
        ):
            return "cjk"
        return "latin"
    return None


def rtl_language(text: str, named: str | None) -> str | None:
    """The language of right-to-left ``text``: the one the document names when it is written
    in the script of the text, otherwise the language the script says most (Hebrew for the
    Hebrew script); None for the Arabic script without a named language, which serves many."""
    script = script_of(text)
    tag = normal_tag(named)
    if tag is not None:
        first = primary(tag)
        if script == "hebrew" and first in _HEBREW_SCRIPT:
            return tag
        if script == "arabic" and first in _ARABIC_SCRIPT:
            return tag
    if script == "hebrew":
        return "he"
    return None


def worth_a_span(text: str, lang: str) -> bool:
    """Whether words in another language than their paragraph's get a span of their own:
    right-to-left text always (its direction matters), other text from two words on (a
    product name or an acronym typed in another proofing language needs none)."""
    if is_rtl_language(lang) or has_rtl(text):
        return True
    return sum(1 for word in text.split() if any(c.isalpha() for c in word)) >= 2


def mark_rtl_paragraphs(blocks: list[Any]) -> int:
    """Put the text of every paragraph, heading or cell line that starts in a right-to-left
    script in a span with ``dir="rtl"`` (and the language when the script names one), in
    place, for formats whose reader keeps no direction (RTF, web pages, plain text). Returns
    how many were marked."""
    marked = 0

    def walk(value: Any, inside_rtl: bool) -> None:
        nonlocal marked
        if isinstance(value, list):
            for item in value:
                walk(item, inside_rtl)
            return
        if not (isinstance(value, dict) and isinstance(value.get("t"), str)):
            return
        kind, c = value["t"], value.get("c", [])
        if kind in ("Para", "Plain", "Header"):
            inlines = c[2] if kind == "Header" else c
            if not inside_rtl and _starts_rtl(inlines):
                text = _text(inlines)
                attrs = [["dir", "rtl"]]
                lang = rtl_language(text, None)
                if lang:
                    attrs.append(["lang", lang])
                span = {"t": "Span", "c": [["", [], attrs], inlines]}
                if kind == "Header":
                    c[2] = [span]
                else:
                    value["c"] = [span]
                marked += 1
            for inline in inlines:
                walk(inline, inside_rtl)
            return
        if kind == "Span":
            pairs = dict(c[0][2])
            walk(c[1], inside_rtl or pairs.get("dir") == "rtl")
            return
        walk(c, inside_rtl)

    walk(blocks, False)
    return marked


def _starts_rtl(inlines: list[Any]) -> bool:
    if (
        len(inlines) == 1
        and inlines[0].get("t") == "Span"
        and dict(inlines[0]["c"][0][2]).get("dir")
    ):
        return False
    return strong_direction(_text(inlines)) == "rtl"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        kind = value.get("t")
        if kind == "Str":
            return str(value["c"])
        if kind in ("Note", "Math", "Code", "Image"):
            return ""
        return _text(value.get("c"))
    return ""
