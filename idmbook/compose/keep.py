"""Ids of the divs the renderers keep on one page, or with what follows them."""

from __future__ import annotations

import hashlib

from idmbook.compose.templating import Md

__all__ = ["KEEP", "KEEP_LIMIT", "STICKY", "keep_id", "sticky_id"]

KEEP = "idm-keep-"
"""Id prefix of a div the renderers keep on one page (Typst: an unbreakable block; Word:
keep with next on all its paragraphs but the last)."""
STICKY = "idm-sticky-"
"""Id prefix of a div the renderers keep with what follows (a byline under its heading)."""
KEEP_LIMIT = 1200
"""Characters of a recommendation above which it may break across pages (a block that
cannot break and is taller than a page would run over the foot of it)."""


def keep_id(name: str, keep: bool = True) -> str:
    """The id of the div around ``name``: kept on one page when ``keep``."""
    return f"{KEEP}{name}" if keep else name


def sticky_id(name: object) -> Md:
    """The template filter ``sticky``: the id of a div kept with what follows it, made from
    ``name`` and short enough for a Word bookmark (pandoc renames one of over 40 characters)."""
    return Md(f"{STICKY}{hashlib.sha1(str(name).encode()).hexdigest()[:10]}")
