"""What a picture file costs the build, read from its bytes before any tool decodes it.

Typst decodes every picture of the PDF to its full size in memory, and the build process
dies with it when a picture claims more than memory holds (a PNG header saying 100,000 x
100,000 pixels makes it ask for 30 GB and abort); a damaged picture makes it stop the whole
book. So a picture is accepted only when its structure is sound and its size known:

- PNG: every chunk's checksum, a header with a size within the limit, compressed data that
  decompresses to exactly what that size needs (never more is decompressed);
- JPEG: its markers, the size of each frame, a bounded number of scans;
- GIF: the logical screen and every frame inside it, each within the limit;
- SVG: well-formed XML without entities (a DOCTYPE may name the SVG standard, nothing more),
  nothing outside the file referred to,
  a bounded number of elements once every ``<use>`` is expanded (no ``<use>`` that refers to
  itself through others), and every picture embedded as ``data:`` checked the same way.

:func:`inspect` gives the pixels a picture decodes to (what the book's budget counts, see
:mod:`idmbook.check.picturebudget`) or why it is refused.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from idmbook.load.confine import read_file
from idmbook.load.picturecost import MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS, Cost, Refused
from idmbook.load.picturegif import gif_cost
from idmbook.load.picturejpeg import jpeg_cost
from idmbook.load.picturepng import PNG_SIGNATURE, png_cost
from idmbook.load.picturesvg import svg_cost

__all__ = [
    "MAX_PICTURE_BYTES",
    "MAX_PICTURE_PIXELS",
    "Cost",
    "Refused",
    "inspect",
    "inspect_file",
    "kind_of",
]


def kind_of(data: bytes) -> str | None:
    """png, jpeg, gif or svg from the first bytes, else None."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    opening = head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype"))
    if opening and b"<svg" in data[:4096].lower():
        return "svg"
    return None


def inspect(data: bytes, depth: int = 0) -> Cost:
    """The cost of the picture ``data``; raises :class:`Refused` when it is not a PNG, JPEG,
    GIF or SVG whose structure is sound and whose size is within the limits."""
    if len(data) > MAX_PICTURE_BYTES:
        raise Refused(f"the file is larger than {MAX_PICTURE_BYTES // 2**20} MB")
    kind = kind_of(data)
    if kind == "png":
        return png_cost(data)
    if kind == "jpeg":
        return jpeg_cost(data)
    if kind == "gif":
        return gif_cost(data)
    if kind == "svg":
        return svg_cost(data, depth, inspect)
    raise Refused("it is not a PNG, JPEG, GIF or SVG picture")


@lru_cache(maxsize=512)
def _inspect_file(path: str, size: int, mtime: int, inode: int) -> Cost | str:

    try:
        data = read_file(Path(path), MAX_PICTURE_BYTES)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    try:
        return inspect(data)
    except Refused as exc:
        return str(exc)


def inspect_file(path: Path) -> Cost | str:
    """:func:`inspect` of a file (remembered while it does not change): its cost, or why it
    is refused."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    return _inspect_file(str(path), info.st_size, info.st_mtime_ns, info.st_ino)
