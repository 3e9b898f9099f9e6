"""Check a picture taken from a submission: its real format and its size in pixels."""

from __future__ import annotations

import struct

from idmbook.load.archive import Limits

KEPT = {"png": ".png", "jpeg": ".jpg", "gif": ".gif"}
"""Formats carried into the book, with the extension they are written with."""


def picture_kind(data: bytes) -> str | None:
    """The format of ``data`` from its first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        return "emf"
    if data.startswith((b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")):
        return "wmf"
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return "svg"
    return None


def dimensions(data: bytes, kind: str) -> tuple[int, int] | None:
    """Width and height in pixels, read from the header; None when it cannot be read."""
    try:
        if kind == "png" and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if kind == "gif":
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if kind == "jpeg":
            return _jpeg_dimensions(data)
    except struct.error:
        return None
    return None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


def check_picture(data: bytes, limits: Limits) -> tuple[str | None, str | None]:
    """(extension to write the picture with, None) or (None, why it is left out)."""
    kind = picture_kind(data)
    if kind is None:
        return None, "it is not a picture idmbook recognises"
    if kind not in KEPT:
        return None, f"it is in {kind.upper()} format, which the book cannot print safely"
    size = dimensions(data, kind)
    if size is None:
        return None, f"its {kind.upper()} header cannot be read (damaged picture)"
    width, height = size
    if width <= 0 or height <= 0:
        return None, f"it has no size ({width}x{height} pixels)"
    if width * height > limits.max_picture_pixels:
        return None, f"it is {width}x{height} pixels, larger than idmbook accepts"
    return KEPT[kind], None
