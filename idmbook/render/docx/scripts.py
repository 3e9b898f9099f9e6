"""Languages, scripts and fonts of the Word edition.

Word keeps three languages on a run (``w:lang``: ``w:val`` for Latin, Greek and Cyrillic text,
``w:eastAsia`` for Chinese, Japanese and Korean, ``w:bidi`` for complex scripts: Arabic, Hebrew,
the Indic scripts, Thai...) and four fonts (``w:rFonts``: ``w:ascii``/``w:hAnsi``,
``w:eastAsia``, ``w:cs``), and picks the slot from each character. This module says, for a
language tag, which slots it fills and which way it runs, and, for a character, which font covers
it when the style's fonts do not. The fonts are named here so the reference document
(``scripts/make_reference_docx.py``) and the finishing steps (:mod:`idmbook.render.docx.text`)
agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = [
    "COMPLEX_SCRIPT",
    "EAST_ASIAN_BY_LANGUAGE",
    "EMOJI",
    "INDIC",
    "SANS",
    "SANS_COMPLEX",
    "SANS_EAST_ASIAN",
    "SERIF",
    "SERIF_COMPLEX",
    "SERIF_EAST_ASIAN",
    "SOUTHEAST_ASIAN",
    "SYMBOL",
    "SYMBOLS",
    "Language",
    "Special",
    "language",
    "special_runs",
]

SERIF = "Cambria"
"""Latin, Greek and Cyrillic text: the serif face every Word (Windows and macOS, since Office
2007) installs; LibreOffice sets it in Caladea, its metric twin, where that is installed."""
SANS = "Calibri"
"""Headings, cover and tables: Word's own sans-serif face (Carlito in LibreOffice)."""
SERIF_COMPLEX = "Times New Roman"
"""Arabic and Hebrew in text: Word's Times New Roman has both."""
SANS_COMPLEX = "Arial"
"""Arabic and Hebrew in headings and tables: Word's Arial has both."""
SERIF_EAST_ASIAN = "SimSun"
"""Chinese in text: the Song (Ming) face every Chinese Windows has."""
SANS_EAST_ASIAN = "Microsoft YaHei"
"""Chinese in headings and tables: the sans-serif face of Chinese Windows."""
EAST_ASIAN_BY_LANGUAGE = {"ja": "MS Mincho", "ko": "Batang", "zh-Hant": "PMingLiU"}
"""East Asian text whose language is known and is not Simplified Chinese: its own face
(SimSun draws Chinese forms of the characters, and has no Hangul)."""
INDIC = "Nirmala UI"
"""Devanagari and the other Indic scripts, which Times New Roman lacks (Windows 8 and later)."""
SOUTHEAST_ASIAN = "Leelawadee UI"
"""Thai and Lao."""
EMOJI = "Segoe UI Emoji"
"""Emoji, in colour."""
SYMBOLS = "Segoe UI Symbol"
"""Dingbats, miscellaneous symbols, geometric shapes and technical signs."""
SYMBOL = "Symbol"
"""Characters U+F020 to U+F0FF: text typed in Word's Symbol font, which stores its Greek
letters and signs there (a bullet is U+F0B7); only the Symbol font draws them."""

RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"})
"""Scripts written right to left (ISO 15924)."""
COMPLEX_SCRIPT = RTL_SCRIPTS | frozenset(
    {"Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh", "Thai",
     "Laoo", "Tibt", "Mymr", "Khmr"}
)  # fmt: skip
"""Scripts Word sets with the complex-script font and language (``w:cs``, ``w:bidi``)."""
EAST_ASIAN_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Hira", "Kana", "Kore", "Hang"})


@dataclass(frozen=True)
class Language:
    """What a language tag means for a Word run."""

    tag: str
    script: str
    """ISO 15924 code: the tag's own, or the one its language is most often written in."""

    @property
    def rtl(self) -> bool:
        """Written right to left."""
        return self.script in RTL_SCRIPTS

    @property
    def complex_script(self) -> bool:
        """Set in the complex-script slot (``w:bidi``)."""
        return self.script in COMPLEX_SCRIPT

    @property
    def east_asian(self) -> bool:
        """Set in the East Asian slot (``w:eastAsia``)."""
        return self.script in EAST_ASIAN_SCRIPTS

    @property
    def east_asian_font(self) -> str | None:
        """The East Asian face this language needs instead of the styles' SimSun/YaHei."""
        if self.script == "Hant":
            return EAST_ASIAN_BY_LANGUAGE["zh-Hant"]
        return EAST_ASIAN_BY_LANGUAGE.get(self.tag.split("-")[0].lower())


@cache
def language(tag: str) -> Language:
    """The script and slots of the BCP 47 ``tag`` (Latin when the tag says nothing usable)."""
    import langcodes

    try:
        parsed = langcodes.Language.get(tag)
        script = parsed.script or parsed.maximize().script or "Latn"
    except (ValueError, LookupError, AttributeError):
        script = "Latn"
    return Language(tag, script)


class Special:
    """Kinds of characters the styles' fonts do not cover, each set in a font of its own."""

    SYMBOL_FONT = "symbol-font"
    EMOJI = "emoji"
    SYMBOLS = "symbols"
    INDIC = "indic"
    SOUTHEAST_ASIAN = "southeast-asian"


_SYMBOLS = "\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2b00-\u2bff"
_SPECIAL = re.compile(
    r"(?P<symbol_font>[\uf020-\uf0ff]+)"
    r"|(?P<emoji>(?:(?:[\U0001f000-\U0001faff]|[" + _SYMBOLS + r"]\ufe0f)"
    r"[\ufe0f\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]*)+)"
    r"|(?P<symbols>[" + _SYMBOLS + r"]+)"
    r"|(?P<indic>[\u0900-\u0dff](?:[\u0900-\u0dff\u200c\u200d\s]*[\u0900-\u0dff])?)"
    r"|(?P<southeast_asian>[\u0e00-\u0eff](?:[\u0e00-\u0eff\s]*[\u0e00-\u0eff])?)"
)
_KINDS = {
    "symbol_font": Special.SYMBOL_FONT,
    "emoji": Special.EMOJI,
    "symbols": Special.SYMBOLS,
    "indic": Special.INDIC,
    "southeast_asian": Special.SOUTHEAST_ASIAN,
}
HAS_SPECIAL = re.compile(r"[\uf020-\uf0ff\U0001f000-\U0001faff" + _SYMBOLS + r"\u0900-\u0eff]")
"""Any character :func:`special_runs` would set apart (a quick test of a whole text)."""


def special_runs(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, kind): kind is a :class:`Special` name, or None for text the
    styles' fonts cover."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in _SPECIAL.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], None))
        kind = match.lastgroup
        pieces.append((match.group(), _KINDS[kind] if kind else None))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
