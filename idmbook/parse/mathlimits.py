"""Which equations are set as math, and why another is printed as its TeX source."""

from __future__ import annotations

import re

MAX_MATH_CHARACTERS = 2000
"""Characters of TeX in one equation."""
MAX_MATH_DEPTH = 8
"""Groups (``{``, ``\\left``) open at once in one equation: pandoc's time to read an equation
doubles with each subscript nested in another."""
_MATH_REFUSED = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand|(?:re)?newenvironment|DeclareMathOperator"
    r"|[egx]?def|let|futurelet|catcode|csname|expandafter|input|include|usepackage"
    r"|documentclass|href|url|hyperref|openin|openout|read|write|immediate|special"
    r"|newtheorem)(?![A-Za-z])"
)
"""Control sequences that define macros (whose expansion costs grow without bound), name
other files or addresses, or talk to TeX itself: none belongs in an equation of the book."""


def math_problem(tex: str) -> str | None:
    """Why the equation ``tex`` is printed as its TeX source instead of as math, or None."""
    if len(tex) > MAX_MATH_CHARACTERS:
        return f"it is {len(tex)} characters long; the limit is {MAX_MATH_CHARACTERS}"
    refused = _MATH_REFUSED.search(tex)
    if refused:
        return f"it uses {refused.group()}, which the book does not run"
    depth = deepest = 0
    escaped = False
    for index, char in enumerate(tex):
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
            if tex.startswith("left", index + 1):
                depth += 1
            elif tex.startswith("right", index + 1):
                depth = max(depth - 1, 0)
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_MATH_DEPTH:
        return f"it nests groups {deepest} deep; the limit is {MAX_MATH_DEPTH}"
    return None
