"""A paragraph's Markdown as words and inline codes, for translators' tools.

The words of a paragraph are the translator's; its markup is not. :func:`tokens` cuts a
segment's text into plain text, placeholders (a footnote call, an attribute block, a picture,
inline code, math, an escaped character: one code standing for text the translator must not
touch) and pairs (emphasis, a link, a span: an opening and a closing code around words that
are translated). :func:`markdown` puts the text back together from the same tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PLACEHOLDERS = [
    re.compile(r"(`+)(?:(?!\1).)+?\1", re.S),  # inline code
    re.compile(r"\$(?=\S)[^$\n]*?(?<=\S)\$(?!\d)"),  # math
    re.compile(r"!\[(?:[^\]\\]|\\.)*\]\([^)\n]*\)(?:\{[^{}\n]*\})?"),  # a picture
    re.compile(r"\[\^[^\]\s]+\]"),  # a footnote call
    re.compile(r"\{\s*(?:[#.][^{}\n]*|[A-Za-z_][\w-]*\s*=[^{}\n]*)\}"),  # attribute block
    re.compile(r"<[A-Za-z/!][^<>\n]*>"),  # raw HTML tag or autolink
    re.compile(r"\\."),  # an escaped character
]
_LINK = re.compile(
    r"\[((?:[^\[\]\\]|\\.|\[[^\]]*\])*)\](\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|\{[^{}\n]*\})"
)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_EMPHASIS = re.compile(r"(?<![\w*])(\*|_)(?=[^\s*])(.+?)(?<=[^\s*])\1(?![\w*])")


@dataclass
class Placeholder:
    data: str


@dataclass
class Pair:
    start: str
    end: str
    inside: list[Token] = field(default_factory=list)


Token = str | Placeholder | Pair


def tokens(text: str) -> list[Token]:
    """``text`` (one line of Markdown) as plain text, placeholders and pairs."""
    out: list[Token] = []
    position = 0
    while position < len(text):
        found = _next_code(text, position)
        if found is None:
            out.append(text[position:])
            break
        start, end, token = found
        if start > position:
            out.append(text[position:start])
        out.append(token)
        position = end
    return out


def _next_code(text: str, position: int) -> tuple[int, int, Token] | None:
    best: tuple[int, int, Token] | None = None
    for pattern in _PLACEHOLDERS:
        match = pattern.search(text, position)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end(), Placeholder(match.group(0)))
    for pattern, kind in ((_LINK, "link"), (_STRONG, "strong"), (_EMPHASIS, "emphasis")):
        match = pattern.search(text, position)
        if match is None or (best is not None and match.start() >= best[0]):
            continue
        if kind == "link":
            pair = Pair("[", "]" + match.group(2), tokens(match.group(1)))
        else:
            pair = Pair(match.group(1), match.group(1), tokens(match.group(2)))
        best = (match.start(), match.end(), pair)
    return best


def markdown(parts: list[Token]) -> str:
    """The Markdown the tokens stand for."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Placeholder):
            out.append(part.data)
        else:
            out.append(part.start + markdown(part.inside) + part.end)
    return "".join(out)
