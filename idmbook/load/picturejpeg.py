"""A JPEG's structure and size: its markers, its one frame, a bounded number of scans."""

from __future__ import annotations

import struct

from idmbook.load.picturecost import Cost, Refused, check_size

MAX_JPEG_SCANS = 64
"""Scans of a progressive JPEG (each makes a decoder go over the whole picture again)."""
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_cost(data: bytes) -> Cost:
    pos = 2
    frames = scans = 0
    pixels = 0
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise Refused("the JPEG is damaged")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:  # end of image
            break
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            raise Refused("the JPEG is truncated")
        segment = data[pos + 4 : pos + 2 + length]
        if marker in _SOF:
            frames += 1
            if len(segment) < 6:
                raise Refused("the JPEG's frame header is damaged")
            height, width = struct.unpack(">HH", segment[1:5])
            components = segment[5]
            if height == 0:
                raise Refused("the JPEG gives its height later (DNL), which is not supported")
            if not 1 <= components <= 4:
                raise Refused("the JPEG has an unusual number of colour components")
            pixels = max(pixels, check_size(width, height, "picture"))
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise Refused(f"the JPEG has more than {MAX_JPEG_SCANS} scans")
            pos = _after_entropy_data(data, pos)
    if frames == 0:
        raise Refused("the JPEG has no frame header")
    if frames > 1:
        raise Refused("the JPEG has more than one frame")
    if scans == 0:
        raise Refused("the JPEG has no picture data")
    return Cost("jpeg", pixels)


def _after_entropy_data(data: bytes, pos: int) -> int:
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos
