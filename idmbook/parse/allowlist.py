"""The attributes submitted text keeps: languages, directions, picture sizes, the book's classes."""

from __future__ import annotations

import re

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,6}")
"""A ``lang`` value kept: the shape of a BCP 47 tag."""
DIRECTIONS = frozenset({"rtl", "ltr"})
"""``dir`` values kept."""
PICTURE_SIZE = re.compile(r"[0-9]{1,5}(?:\.[0-9]{1,4})?(?:%|px|cm|mm|in|pt|em)?")
"""A picture's ``width`` or ``height`` kept."""
HEADING_CLASSES = frozenset({"unnumbered", "unlisted"})
"""Classes a heading keeps (pandoc's ``{-}`` and ``{.unlisted}``: left out of numbering and
of the contents)."""
CROSSREF_ID = re.compile(r"(?:fig|tbl|sec)-[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*")
"""An id submitted text may give a figure, a table or a section, for cross-references
(``@fig-ID``; see :mod:`idmbook.parse.crossref`)."""
CODE_LANGUAGE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,31}")
"""The one class code keeps: the name of its programming language."""


def pair_problem(kind: str, key: str, value: str) -> str | None:
    """Why the attribute ``key=value`` of a ``kind`` node is dropped, or None."""
    if key == "lang":
        return None if LANGUAGE_TAG.fullmatch(value) else f"'{value}' is not a language tag"
    if key == "dir":
        return None if value in DIRECTIONS else "dir is rtl or ltr"
    if key in ("width", "height") and kind == "Image":
        return None if PICTURE_SIZE.fullmatch(value) else f"'{value}' is not a size"
    return "submitted text keeps only lang, dir, and a picture's width and height"
