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

import base64
import binascii
import os
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote_to_bytes

MAX_PICTURE_PIXELS = 40_000_000
"""Pixels of one picture (a 40-megapixel photograph; a printed page needs 9 at most)."""
MAX_PICTURE_BYTES = 50 * 1024 * 1024
"""Size of one picture file."""
MAX_JPEG_SCANS = 64
"""Scans of a progressive JPEG (each makes a decoder go over the whole picture again)."""
MAX_GIF_FRAMES = 1000
MAX_GIF_PIXELS = 4_000_000
"""Pixels of a GIF's frame: its compressed data is followed code by code to be sure it fills
the frame (a GIF is a chart or a logo; a photograph comes as JPEG or PNG)."""
MAX_SVG_ELEMENTS = 50_000
"""Elements of an SVG once every ``<use>`` is expanded."""
MAX_SVG_DEPTH = 64
"""Nesting of an SVG's elements (and of its ``<use>`` chains)."""
MAX_SVG_SIZE = 20_000.0
"""Width or height of an SVG, in its own units (pixels)."""
MAX_EMBEDDED_DEPTH = 2
"""Pictures embedded in an SVG embedded in an SVG..."""
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_TEXT_CHUNKS = {b"zTXt", b"iCCP", b"iTXt"}
_MAX_TEXT_INFLATED = 16 * 1024 * 1024


@dataclass(frozen=True)
class Cost:
    """What decoding a picture takes."""

    kind: str
    """png, jpeg, gif or svg."""
    pixels: int
    """Pixels decoded (for an SVG: those of the pictures it embeds)."""


class Refused(ValueError):
    """The picture cannot go into the book; the message says why, in the user's words."""


def kind_of(data: bytes) -> str | None:
    """png, jpeg, gif or svg from the first bytes, else None."""
    if data.startswith(_PNG_SIGNATURE):
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
        return _png(data)
    if kind == "jpeg":
        return _jpeg(data)
    if kind == "gif":
        return _gif(data)
    if kind == "svg":
        return _svg(data, depth)
    raise Refused("it is not a PNG, JPEG, GIF or SVG picture")


@lru_cache(maxsize=512)
def _inspect_file(path: str, size: int, mtime: int, inode: int) -> Cost | str:
    from idmbook.load.confine import read_file

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


def _check_size(width: int, height: int, what: str) -> int:
    if width <= 0 or height <= 0:
        raise Refused(f"its {what} has no size ({width}x{height} pixels)")
    pixels = width * height
    if pixels > MAX_PICTURE_PIXELS:
        raise Refused(
            f"its {what} is {width}x{height} pixels, more than the "
            f"{MAX_PICTURE_PIXELS // 1_000_000} million idmbook places"
        )
    return pixels


# --------------------------------------------------------------------------------- PNG


def _png(data: bytes) -> Cost:
    pos = len(_PNG_SIGNATURE)
    header: tuple[int, int, int, int, int] | None = None
    inflater = zlib.decompressobj()
    expected = inflated = row = 0
    ended = palette = False
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
        if header is None:
            if kind != b"IHDR" or length != 13:
                raise Refused("the PNG has no header")
            width, height, bits, colour, method, filtering, interlace = struct.unpack(
                ">IIBBBBB", body
            )
            if colour not in _PNG_CHANNELS or bits not in _PNG_DEPTHS[colour]:
                raise Refused("the PNG's header is damaged")
            if method != 0 or filtering != 0 or interlace not in (0, 1):
                raise Refused("the PNG's header is damaged")
            _check_size(width, height, "picture")
            header = (width, height, bits, colour, interlace)
            expected = _png_raw_size(width, height, bits * _PNG_CHANNELS[colour], interlace)
            row = 0 if interlace else 1 + (width * bits * _PNG_CHANNELS[colour] + 7) // 8
        elif kind == b"PLTE":
            palette = True
        elif kind == b"IDAT":
            if header[3] == 3 and not palette:
                raise Refused("the PNG has colours from a palette and no palette")
            inflated = _inflate_idat(inflater, body, inflated, expected, row)
        elif kind in _TEXT_CHUNKS:
            _bounded_inflate(body)
        elif kind == b"fcTL" and len(body) >= 20:
            fw, fh, fx, fy = struct.unpack(">IIII", body[4:20])
            width, height = header[0], header[1]
            if fx + fw > width or fy + fh > height:
                raise Refused("a frame of the animated PNG is larger than the picture")
        elif kind == b"IEND":
            ended = True
            break
    if header is None:
        raise Refused("the PNG has no header")
    if not ended:
        raise Refused("the PNG is truncated (no end)")
    if inflated != expected or not inflater.eof:
        raise Refused("the PNG's picture data is incomplete")
    return Cost("png", header[0] * header[1])


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


# -------------------------------------------------------------------------------- JPEG

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> Cost:
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
            pixels = max(pixels, _check_size(width, height, "picture"))
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


# --------------------------------------------------------------------------------- GIF


def _gif(data: bytes) -> Cost:
    if len(data) < 13:
        raise Refused("the GIF is truncated")
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pixels = _check_size(width, height, "logical screen")
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
        _check_size(fw, fh, "frame")
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


# --------------------------------------------------------------------------------- SVG

_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}href"
_DATA_URI = re.compile(r"data:([^,;]*)((?:;[^,;]*)*),(.*)", re.DOTALL | re.IGNORECASE)
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z%]*)\s*$")
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_UNITS |= {"in": 96.0, "em": 16.0, "ex": 8.0}
_URL_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


def _svg(data: bytes, depth: int) -> Cost:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    doctype = re.search(rb"<!DOCTYPE[^>\[]*(\[)?", data, re.IGNORECASE)
    if re.search(rb"<!ENTITY", data, re.IGNORECASE) or (doctype and doctype.group(1)):
        raise Refused("the SVG declares entities (a DOCTYPE with declarations of its own)")
    try:  # a DOCTYPE naming the SVG standard (as drawing programs write) is read, not fetched
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise Refused("the SVG declares entities or refers to another file") from None
    except (ET.ParseError, ValueError, RecursionError) as exc:
        raise Refused(f"the SVG is not well-formed XML ({exc})") from None
    if root.tag not in (f"{_SVG_NS}svg", "svg"):
        raise Refused("the file is not an SVG drawing")
    for attribute in ("width", "height"):
        size = _length(root.get(attribute))
        if size is not None and size > MAX_SVG_SIZE:
            what = "wide" if attribute == "width" else "high"
            raise Refused(f"the SVG is {root.get(attribute)} {what}, larger than idmbook places")
    by_id: dict[str, ET.Element] = {}
    elements = 0
    pixels = 0
    stack: list[tuple[ET.Element, int]] = [(root, 1)]
    while stack:
        element, level = stack.pop()
        elements += 1
        if level > MAX_SVG_DEPTH:
            raise Refused(f"the SVG nests elements more than {MAX_SVG_DEPTH} deep")
        if elements > MAX_SVG_ELEMENTS:
            raise Refused(f"the SVG has more than {MAX_SVG_ELEMENTS:,} elements")
        identifier = element.get("id")
        if identifier:
            by_id.setdefault(identifier, element)
        for name, value in element.attrib.items():
            pixels += _attribute(name, value, depth)
        if element.text and _URL_REFERENCE.search(element.text):
            raise Refused("the SVG refers to another file or a web address (in a style)")
        stack.extend((child, level + 1) for child in element)
    _expanded(root, by_id)
    return Cost("svg", pixels)


def _attribute(name: str, value: str, depth: int) -> int:
    """Pixels of a picture embedded by the attribute, after checking that it refers to
    nothing outside the SVG."""
    local = name.rsplit("}", 1)[-1].lower()
    if local in ("href", "src"):
        target = value.strip()
        if not target or target.startswith("#"):
            return 0
        if target[:5].lower() == "data:":
            return _embedded(target, depth)
        raise Refused("the SVG refers to another file or a web address")
    if _URL_REFERENCE.search(value):
        raise Refused("the SVG refers to another file or a web address (in a style)")
    return 0


def _embedded(uri: str, depth: int) -> int:
    if depth >= MAX_EMBEDDED_DEPTH:
        raise Refused("the SVG embeds pictures in pictures too deep")
    match = _DATA_URI.fullmatch(uri.strip())
    if match is None:
        raise Refused("the SVG embeds a picture that cannot be read")
    params, payload = match.group(2).lower(), match.group(3)
    if len(payload) > MAX_PICTURE_BYTES * 2:
        raise Refused("the SVG embeds a picture larger than idmbook accepts")
    try:
        if ";base64" in params:
            raw = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
        else:
            raw = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise Refused("the SVG embeds a picture that cannot be read") from None
    try:
        return inspect(raw, depth + 1).pixels
    except Refused as exc:
        raise Refused(f"a picture embedded in the SVG is refused: {exc}") from None


def _expanded(root: ET.Element, by_id: dict[str, ET.Element]) -> int:
    """Elements the SVG has once each ``<use>`` is replaced by what it refers to; refuses
    cycles and more than MAX_SVG_ELEMENTS."""
    memo: dict[int, int] = {}
    visiting: set[int] = set()

    def count(element: ET.Element, level: int) -> int:
        key = id(element)
        if key in memo:
            return memo[key]
        if key in visiting:
            raise Refused("the SVG has a <use> that refers to itself")
        if level > MAX_SVG_DEPTH:
            raise Refused(f"the SVG's <use> elements nest more than {MAX_SVG_DEPTH} deep")
        visiting.add(key)
        total = 1
        for child in element:
            total += count(child, level + 1)
            if total > MAX_SVG_ELEMENTS:
                break
        if element.tag.rsplit("}", 1)[-1] == "use":
            target = (element.get("href") or element.get(_XLINK) or "").strip()
            if target.startswith("#") and target[1:] in by_id:
                total += count(by_id[target[1:]], level + 1)
        visiting.discard(key)
        if total > MAX_SVG_ELEMENTS:
            raise Refused(
                f"the SVG's <use> elements repeat it into more than {MAX_SVG_ELEMENTS:,} elements"
            )
        memo[key] = total
        return total

    return count(root, 1)


def _length(value: str | None) -> float | None:
    if value is None:
        return None
    match = _LENGTH.match(value)
    if match is None:
        return None
    unit = match.group(2).lower()
    if unit == "%":
        return None
    return float(match.group(1)) * _UNITS.get(unit, 1.0)
