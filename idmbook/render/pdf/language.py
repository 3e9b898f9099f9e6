"""Languages and writing directions as Typst takes them: tags, directions, a passage's style."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from idmbook.errors import IdmbookError
from idmbook.render.meta import BookMeta
from idmbook.render.pdf.markup import typst_string

_LANGUAGE = re.compile(
    r"(?P<lang>[A-Za-z]{2,3})(?:-[A-Za-z]{4})?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-[A-Za-z0-9]{1,8})*"
)

RTL_LANGUAGES = frozenset(
    {
        "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw",
        "ks", "lrc", "mzn", "nqo", "pnb", "prs", "ps", "sd", "skr", "syc", "syr", "ug", "ur",
        "yi",
    }
)  # fmt: skip
"""Languages written right to left when their tag names no script."""
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})
"""ISO 15924 scripts written right to left (a tag's script decides over its language)."""
_SCRIPT = re.compile(r"^[A-Za-z]{2,3}-(?P<script>[A-Za-z]{4})(?:-|$)")

ISOLATES = {"rtl": ("\\u{2067}", "\\u{2069}"), "ltr": ("\\u{2066}", "\\u{2069}")}
"""Unicode's directional isolates (RLI or LRI, then PDI) in Typst markup: within a paragraph,
the direction of a passage is decided by the bidirectional algorithm, not by ``text(dir:)``."""


def typst_language(tag: str) -> tuple[str, str | None] | None:
    """Typst's ``(lang, region)`` for a BCP 47 tag (``"fr-CA"`` -> ``("fr", "CA")``), or None.

    Typst wants an ISO 639 code and an optional ISO 3166-1 alpha-2 region; numeric regions
    (``es-419``) and scripts are dropped.
    """
    match = _LANGUAGE.fullmatch(tag.strip())
    if match is None:
        return None
    region = match.group("region")
    if region is not None and not region.isalpha():
        region = None
    return match.group("lang").lower(), region.upper() if region else None


def text_direction(tag: str) -> str:
    """``"rtl"`` or ``"ltr"``: how a language (a BCP 47 tag such as ``ar``, ``ku-Arab`` or
    ``he-IL``) is written. Typst would guess from the language alone, and takes Punjabi,
    written left to right in India, for a right-to-left language."""
    tag = tag.strip()
    script = _SCRIPT.match(tag)
    if script is not None:
        return "rtl" if script.group("script").lower() in RTL_SCRIPTS else "ltr"
    language = typst_language(tag)
    return "rtl" if language is not None and language[0] in RTL_LANGUAGES else "ltr"


def book_language(meta: BookMeta) -> tuple[str, str | None]:
    """The book's language for Typst; a tag Typst cannot use raises IdmbookError."""
    language = typst_language(meta.language)
    if language is None:
        raise IdmbookError(
            f"the book's language {meta.language!r} is not a language tag",
            "set language to a BCP 47 tag such as 'en', 'fr' or 'es-ES'",
        )
    return language


def language_args(lang: str, region: str | None) -> str:
    """Arguments of ``text()`` for a validated language and region."""
    region_code = typst_string(region) if region else "none"
    return f"lang: {typst_string(lang)}, region: {region_code}"


@dataclass(frozen=True)
class TextStyle:
    """What a Div's or a Span's ``lang`` and ``dir`` ask of Typst's ``text()``."""

    language: tuple[str, str | None] | None
    direction: str | None
    """``"rtl"`` or ``"ltr"``, from ``dir`` or else from the language."""
    explicit: bool
    """Whether ``dir`` said so."""

    def within(self, outer: TextStyle | None) -> TextStyle:
        """This style inside ``outer``: what this one does not say, ``outer`` does."""
        if outer is None:
            return self
        language = self.language if self.language is not None else outer.language
        direction = self.direction if self.direction is not None else outer.direction
        return TextStyle(language, direction, self.explicit or outer.explicit)

    def args(self) -> str:
        args = [language_args(*self.language)] if self.language is not None else []
        if self.direction is not None:
            args.append(f"dir: {self.direction}")
        return ", ".join(args)


def split_lang(attr: list[Any]) -> tuple[list[Any], TextStyle | None, bool]:
    """``attr`` without ``lang`` and ``dir``, what they ask of Typst's text (None when neither
    is usable), and whether ``attr`` had either."""
    ident, classes, pairs = attr
    tags = [value for key, value in pairs if key == "lang"]
    dirs = [str(value).strip().lower() for key, value in pairs if key == "dir"]
    rest = [[key, value] for key, value in pairs if key not in ("lang", "dir")]
    language = typst_language(tags[-1]) if tags else None
    direction = dirs[-1] if dirs and dirs[-1] in ("rtl", "ltr") else None
    explicit = direction is not None
    if direction is None and language is not None:
        direction = text_direction(tags[-1])
    style = TextStyle(language, direction, explicit) if language or direction else None
    return [ident, classes, rest], style, bool(tags or dirs)
