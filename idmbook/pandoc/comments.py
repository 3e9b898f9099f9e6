"""Comments left in a source (``<!-- ... -->``): found with their place, and hidden from the
text the book prints. They are notes between the people who write and edit the book, never
part of it; `idmbook validate` lists each one as a review item. A comment inside a fenced
code block or an inline code span is text, not a comment."""

from __future__ import annotations

import re
from dataclasses import dataclass

from idmbook.pandoc.markdown import outside_code

_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")


@dataclass(frozen=True)
class Comment:
    line: int
    """0-based line of ``<!--`` in the text searched."""
    column: int
    """0-based column of ``<!--``."""
    text: str
    """What the comment says, on one line."""
    start: int
    end: int
    """Offsets of the whole comment in the text searched."""


def find_comments(text: str) -> list[Comment]:
    """Every comment of ``text`` outside code, in order."""
    if "<!--" not in text:
        return []
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    masked = list(text)
    code_lines = set(range(len(lines))) - {number for number, _, _ in outside_code(lines)}
    for number in code_lines:
        for offset in range(starts[number], starts[number] + len(lines[number])):
            masked[offset] = " "
    for number, line in enumerate(lines):
        for span in _CODE_SPAN.finditer(line):
            for offset in range(starts[number] + span.start(), starts[number] + span.end()):
                masked[offset] = " "
    out: list[Comment] = []
    for match in _COMMENT.finditer("".join(masked)):
        row = text.count("\n", 0, match.start())
        column = match.start() - starts[row]
        words = " ".join(text[match.start(1) : match.end(1)].split())
        out.append(Comment(row, column, words, match.start(), match.end()))
    return out


def hide_comments(text: str) -> str:
    """``text`` with each comment blanked out: spaces in its place, its line breaks kept, so
    that every other character keeps its line and column."""
    comments = find_comments(text)
    if not comments:
        return text
    chars = list(text)
    for comment in comments:
        for offset in range(comment.start, comment.end):
            if chars[offset] != "\n":
                chars[offset] = " "
    return "".join(chars)
