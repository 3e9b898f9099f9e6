"""The heading levels of one submitted text, as the book prints them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Levels:
    """The heading levels of one submitted text, as the book prints them: the first heading at
    the wrapper's level ``top``, each heading at most one level below the one it follows, none
    above ``top``."""

    top: int
    stack: list[tuple[int, int]]
    """(level written, level printed) of the headings the next one may be under."""
    first: int | None = None
    """The level the text's first heading is written at."""

    def place(self, level: int) -> tuple[int, str | None]:
        """The printed level of a heading written at ``level`` (past 6: not a heading), and
        why it is not the written level moved with the text's first heading."""
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        why = None
        if self.first is None:
            self.first = level
        if self.stack:
            parent = self.stack[-1][0]
            printed = self.stack[-1][1] + 1
            if level > parent + 1:
                why = (
                    f"it jumps from level {parent} ({'#' * parent}) to level {level} "
                    f"({'#' * level}): it is printed one level below the heading before it"
                )
        else:
            printed = self.top
            if level != self.first:
                why = (
                    f"it (level {level}) is above the text's first heading (level "
                    f"{self.first}): it is printed at that heading's level"
                )
        self.stack.append((level, printed))
        return printed, why
