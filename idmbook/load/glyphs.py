"""The check that every character of a text can be printed in the PDF (IDM054).

The PDF is set in the fonts of :mod:`idmbook.load.fonts`. A character none of them has (a
private-use character left by a Symbol or Wingdings font in a Word file, a control character, a code
point Unicode has not assigned) is printed as its code point in a box: the build goes on, and this
check says where it is, once per character and file. Without the fonts (``pip install idmbook``
without the build extra) a text with characters outside the ones every font has is not checked,
and said not to be (IDM170).
"""

from __future__ import annotations

from idmbook.cache import Cache
from idmbook.diagnostics import Diagnostic
from idmbook.errors import ExtraMissing
from idmbook.load.fonts import SURELY_SHOWN, coverage, describe
from idmbook.rules import diag
from idmbook.rules.extras import not_checked

WHAT_THE_FONTS_LACK = "the characters the PDF's fonts lack (IDM054)"
"""The check left out without the fonts (see :func:`idmbook.rules.extras.not_checked`)."""


def scan(body: str, rel: str, first_line: int) -> list[Diagnostic]:
    """A warning for each character of ``body`` that the PDF cannot show, at its first place
    (``first_line`` is the line the body starts on); what the fonts cover is kept in the
    user's cache (see :mod:`idmbook.cache`)."""
    if SURELY_SHOWN.fullmatch(body):
        return []

    try:
        glyphs = coverage(Cache.default())
    except ExtraMissing as missing:  # pip install idmbook without the build extra
        return [not_checked(WHAT_THE_FONTS_LACK, rel, missing)]
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for match in glyphs.missing(body):
        char = match.group()
        first.setdefault(char, match.start())
        count[char] = count.get(char, 0) + 1
    problems = []
    for char, offset in first.items():
        line_start = body.rfind("\n", 0, offset) + 1
        line = first_line + body.count("\n", 0, offset)
        times = count[char]
        more = f" ({times} times in this file, the first here)" if times > 1 else ""
        problems.append(
            diag(
                "IDM054",
                rel,
                line,
                offset - line_start + 1,
                f"the character {describe(char)} cannot be printed in the PDF: none of the "
                f"book's fonts has it{more}",
                _hint(char),
            )
        )
    return problems


def _hint(char: str) -> str:
    point = ord(char)
    shown = f"the PDF prints [U+{point:04X}] in a box in its place"
    if 0xE000 <= point <= 0xF8FF or point >= 0xF0000:
        return (
            "it is a private-use character, often a symbol of a Symbol or Wingdings font in a "
            f"Word file: write the character meant instead (for example • or ✓); {shown}"
        )
    if point < 0x20 or 0x7F <= point < 0xA0:
        return f"it is an invisible control character: delete it; {shown}"
    return f"write the character another way or remove it; {shown}"
