"""What the PDF's template (templates/idm.typ) needs for the covers and the print edition,
as pandoc metadata: the cover's pictures by their names beside the book's Typst files, their
alternative texts, the back cover's publisher block, numbers and paragraph, and whether the
book is made for printing.

The pictures are copied into Typst's compile folder with the body's (their names are in
:attr:`BookMeta.images`); Typst reads nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idmbook.render.meta import BookMeta

Node = dict[str, Any]


def cover_picture_names(meta: BookMeta) -> set[str]:
    """The names of the cover's pictures the PDF places (``idm-cover/logo-<hash>.svg``...)."""
    return {name for name in (meta.cover.logo, meta.cover.photo) if name is not None}


def cover_values(
    meta: BookMeta,
    text: Callable[[str | None], Node | None],
    items: Callable[[tuple[str, ...]], Node],
) -> dict[str, Node | None]:
    """The template's variables for the covers and the print edition; ``text`` and
    ``items`` make pandoc metadata of a string and of a list of strings (escaped by pandoc
    as Typst markup)."""
    cover = meta.cover
    return {
        "cover-logo": text(cover.logo),
        "cover-logo-alt": text(cover.logo_alt),
        "cover-photo": text(cover.photo),
        "cover-photo-alt": text(cover.photo_alt),
        "cover-blurb": text(cover.blurb),
        "cover-publisher": items(cover.publisher_lines),
        "cover-numbers": items(cover.numbers),
        "print-edition": {"t": "MetaBool", "c": meta.print_edition},
    }
