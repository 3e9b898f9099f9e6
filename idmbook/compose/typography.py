"""Typographic quotes and apostrophes in the words the book generates.

The body's Markdown gets curly quotes from pandoc's ``smart`` reading, but the words idmbook
writes itself (labels, the imprint, the config's titles and agenda, metadata) are escaped
before pandoc reads them, so a straight ``'`` there would stay straight next to curly ones in
the text. :func:`smarten` sets them as the book's language does: an apostrophe is ’ in every
language; double quotes are “…” in English, « … » with no-break spaces in French and «…» in
Spanish.
"""

from __future__ import annotations

import re
from typing import Any

APOSTROPHE = "\u2019"
NBSP = "\u00a0"

_APOSTROPHE = re.compile(r"(?<=[^\W_])'|'(?=\d\d\b)")
"""A straight apostrophe after a letter or digit (l'Organisation, migrants'), or before a
two-digit year ('90s)."""
_DOUBLE = re.compile(r'"([^"\n]*)"')
_SINGLE_PAIR = re.compile(r"(?<![^\W_])'([^'\n]+)'(?![^\W_])")
"""A pair of single quotes around words, opened after a space or at the start."""


def _quotes(language: str) -> tuple[str, str]:
    primary = language.split("-")[0].lower()
    if primary == "fr":
        return "«" + NBSP, NBSP + "»"
    if primary in ("es", "pt", "it", "ca"):
        return "«", "»"
    if primary == "de":
        return "„", "“"
    return "“", "”"


def smarten(text: str, language: str = "en") -> str:
    """``text`` with its straight quotes and apostrophes made typographic for ``language``.

    Text with no straight quote is returned as it is; already curly quotes are left alone.
    """
    if "'" not in text and '"' not in text:
        return text
    opening, closing = _quotes(language)
    text = _DOUBLE.sub(lambda m: f"{opening}{m.group(1).strip()}{closing}", text)
    text = _SINGLE_PAIR.sub(lambda m: f"\u2018{m.group(1)}\u2019", text)
    text = _APOSTROPHE.sub(APOSTROPHE, text)
    # a quote left alone (no pair): an apostrophe when it follows a letter, else as written
    return text


def smarten_all(value: Any, language: str) -> Any:
    """Every string inside ``value`` (dicts and lists walked) smartened; other values as they
    are. Format fields such as ``{city}`` hold no quotes and are kept."""
    if isinstance(value, str):
        return smarten(value, language)
    if isinstance(value, dict):
        return {key: smarten_all(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [smarten_all(item, language) for item in value]
    return value
