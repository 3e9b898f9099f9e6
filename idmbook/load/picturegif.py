"""A GIF's structure and size: its logical screen, every frame inside it, the first frame's data."""

from __future__ import annotations

import struct

from idmbook.load.picturecost import Cost, Refused, check_size

MAX_GIF_FRAMES = 1000
MAX_GIF_PIXELS = 4_000_000
"""Pixels of a GIF's frame: its compressed data is followed code by code to be sure it fills
the frame (a GIF is a chart or a logo; a photograph comes as JPEG or PNG)."""


def gif_cost(data: bytes) -> Cost:
    if len(data) < 13:
        raise Refused("the GIF is truncated")
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pixels = check_size(width, height, "logical screen")
    colours = bool(flags & 0x80)  # a global colour table
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _skip_sub_blocks(data, pos + 2)
            continue
        if block != 0x2C or pos + 10 > len(data):
            raise Refused("the GIF is damaged")
        left, top, fw, fh, fflags = struct.unpack("<HHHHB", data[pos + 1 : pos + 10])
        frames += 1
        if frames > MAX_GIF_FRAMES:
            raise Refused(f"the GIF has more than {MAX_GIF_FRAMES} frames")
        check_size(fw, fh, "frame")
        if fw * fh > MAX_GIF_PIXELS:
            raise Refused(
                f"its frame is {fw}x{fh} pixels, more than the {MAX_GIF_PIXELS // 1_000_000} "
                "million idmbook places from a GIF (save it as PNG)"
            )
        if left + fw > width or top + fh > height:
            raise Refused(
                f"a frame of the GIF ({fw}x{fh} pixels at {left},{top}) is larger than its "
                f"logical screen ({width}x{height})"
            )
        if not colours and not fflags & 0x80:
            raise Refused("a frame of the GIF has no colour table")
        pos += 10 + (3 * 2 ** ((fflags & 7) + 1) if fflags & 0x80 else 0)
        if pos >= len(data) or not 2 <= data[pos] <= 8:
            raise Refused("the GIF's picture data is damaged")
        end = _skip_sub_blocks(data, pos + 1)  # the LZW code size, then the data
        if frames == 1:  # (the frame a decoder shows)
            _lzw_covers(data[pos], _sub_blocks(data, pos + 1, end), fw * fh)
        pos = end
    if frames == 0:
        raise Refused("the GIF has no picture")
    return Cost("gif", pixels)


def _sub_blocks(data: bytes, start: int, end: int) -> bytes:
    """The data of the sub-blocks from ``start`` to ``end`` (as :func:`_skip_sub_blocks`
    found them), joined."""
    parts = []
    pos = start
    while pos < end:
        size = data[pos]
        parts.append(data[pos + 1 : pos + 1 + size])
        pos += 1 + size
    return b"".join(parts)


def _lzw_covers(minimum: int, raw: bytes, pixels: int) -> None:
    """Refuse a GIF frame whose compressed data decodes to fewer than ``pixels`` pixels, or
    holds a code no decoder knows (a decoder would stop on it). Only the length of what each
    code stands for is followed, not the pixels themselves."""
    clear, end = 1 << minimum, (1 << minimum) + 1
    lengths = [1] * clear + [0, 0]
    size = minimum + 1
    previous = -1
    produced = 0
    buffer = bits = index = 0
    while produced < pixels:
        while bits < size:
            if index >= len(raw):
                raise Refused("the GIF's picture data is truncated")
            buffer |= raw[index] << bits
            bits += 8
            index += 1
        code = buffer & ((1 << size) - 1)
        buffer >>= size
        bits -= size
        if code == clear:
            del lengths[end + 1 :]
            size, previous = minimum + 1, -1
            continue
        if code == end:
            break
        known = len(lengths)
        if previous < 0:
            if code >= clear:
                raise Refused("the GIF's picture data is damaged")
            produced += 1
            previous = code
            continue
        if code < known:
            produced += lengths[code]
        elif code == known:
            produced += lengths[previous] + 1
        else:
            raise Refused("the GIF's picture data is damaged")
        if known < 4096:
            lengths.append(lengths[previous] + 1)
            if len(lengths) == 1 << size and size < 12:
                size += 1
        previous = code
    if produced < pixels:
        raise Refused("the GIF's picture data is truncated")


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        if pos >= len(data):
            raise Refused("the GIF is truncated")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
