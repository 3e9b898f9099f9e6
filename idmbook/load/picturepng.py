"""A PNG's structure and size: chunk checksums, header, and picture data decompressed in bounds."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from idmbook.load.picturecost import Cost, Refused, check_size

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_TEXT_CHUNKS = {b"zTXt", b"iCCP", b"iTXt"}
_MAX_TEXT_INFLATED = 16 * 1024 * 1024


@dataclass(frozen=True)
class _Header:
    """What a PNG's header says, and what its picture data must decompress to."""

    width: int
    height: int
    colour: int
    expected: int
    """Bytes of filtered scanlines the picture data decompresses to."""
    row: int
    """Bytes of one row, its filter byte first (0 for an interlaced picture)."""


def png_cost(data: bytes) -> Cost:
    """The cost of the PNG ``data``; raises :class:`Refused` when its structure is not sound or
    its size is past the limits."""
    header: _Header | None = None
    inflater = zlib.decompressobj()
    inflated = 0
    ended = palette = False
    for kind, body in _chunks(data):
        if header is None:
            header = _header(kind, body)
        elif kind == b"PLTE":
            palette = True
        elif kind == b"IDAT":
            if header.colour == 3 and not palette:
                raise Refused("the PNG has colours from a palette and no palette")
            inflated = _inflate_idat(inflater, body, inflated, header.expected, header.row)
        elif kind in _TEXT_CHUNKS:
            _bounded_inflate(body)
        elif kind == b"fcTL":
            _check_frame(body, header)
        elif kind == b"IEND":
            ended = True
            break
    if header is None:
        raise Refused("the PNG has no header")
    if not ended:
        raise Refused("the PNG is truncated (no end)")
    if inflated != header.expected or not inflater.eof:
        raise Refused("the PNG's picture data is incomplete")
    return Cost("png", header.width * header.height)


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Each chunk's type and body, in order, once its length and checksum are checked."""
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise Refused("the PNG is truncated")
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if length > 2**31 - 1 or len(body) != length or len(crc) != 4:
            raise Refused("the PNG is truncated")
        if zlib.crc32(kind + body) != int.from_bytes(crc, "big"):
            raise Refused(f"the PNG is damaged (a wrong checksum in its {kind!r} chunk)")
        pos += 12 + length
        yield kind, body


def _header(kind: bytes, body: bytes) -> _Header:
    """The first chunk, which must be a sound header (IHDR) of a size within the limit."""
    if kind != b"IHDR" or len(body) != 13:
        raise Refused("the PNG has no header")
    width, height, bits, colour, method, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if colour not in _PNG_CHANNELS or bits not in _PNG_DEPTHS[colour]:
        raise Refused("the PNG's header is damaged")
    if method != 0 or filtering != 0 or interlace not in (0, 1):
        raise Refused("the PNG's header is damaged")
    check_size(width, height, "picture")
    bits_per_pixel = bits * _PNG_CHANNELS[colour]
    expected = _png_raw_size(width, height, bits_per_pixel, interlace)
    row = 0 if interlace else 1 + (width * bits_per_pixel + 7) // 8
    return _Header(width, height, colour, expected, row)


def _check_frame(body: bytes, header: _Header) -> None:
    """A frame of an animated PNG (fcTL) must lie inside the picture."""
    if len(body) < 20:
        return
    fw, fh, fx, fy = struct.unpack(">IIII", body[4:20])
    if fx + fw > header.width or fy + fh > header.height:
        raise Refused("a frame of the animated PNG is larger than the picture")


def _inflate_idat(
    inflater: zlib._Decompress, body: bytes, inflated: int, expected: int, row: int
) -> int:
    """Decompress one chunk of picture data a megabyte at a time (nothing is kept), and
    refuse it past what the picture's size needs or with a row that names no filter (each
    row of ``row`` bytes starts with one, 0 to 4; ``row`` is 0 for an interlaced picture,
    whose rows are not checked); returns the bytes decompressed so far."""
    pending = body
    while pending:
        try:
            out = inflater.decompress(pending, 1 << 20)
        except zlib.error:
            raise Refused("the PNG's picture data is damaged") from None
        if row:
            first = (-inflated) % row
            if any(value > 4 for value in out[first::row]):
                raise Refused("the PNG's picture data is damaged (a row's filter is unknown)")
        inflated += len(out)
        if inflated > expected:
            raise Refused("the PNG holds more picture data than its size needs")
        pending = inflater.unconsumed_tail
        if not out and pending:
            break
    return inflated


def _png_raw_size(width: int, height: int, bits_per_pixel: int, interlace: int) -> int:
    """Bytes of filtered scanlines a PNG of this size decompresses to."""

    def rows(w: int, h: int) -> int:
        return 0 if w == 0 or h == 0 else h * (1 + (w * bits_per_pixel + 7) // 8)

    if not interlace:
        return rows(width, height)
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4)]
    passes += [(1, 0, 2, 2), (0, 1, 1, 2)]
    total = 0
    for x0, y0, dx, dy in passes:
        w = (width - x0 + dx - 1) // dx if width > x0 else 0
        h = (height - y0 + dy - 1) // dy if height > y0 else 0
        total += rows(w, h)
    return total


def _bounded_inflate(body: bytes) -> None:
    """A compressed text or colour profile chunk must not inflate past a limit."""
    start = body.find(b"\x00")
    if start < 0:
        return
    for offset in (start + 2, start + 1):  # zTXt/iCCP: name, 0, method; iTXt: more fields
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(body[offset:], _MAX_TEXT_INFLATED)
        except zlib.error:
            continue
        if len(out) >= _MAX_TEXT_INFLATED and inflater.unconsumed_tail:
            raise Refused("a compressed text or colour profile in the PNG is too large")
        return
