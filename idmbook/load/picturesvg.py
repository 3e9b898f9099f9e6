"""An SVG's structure and size: no entities, nothing outside it, bounded elements expanded."""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from idmbook.load.picturecost import MAX_PICTURE_BYTES, Cost, Refused

MAX_SVG_ELEMENTS = 50_000
"""Elements of an SVG once every ``<use>`` is expanded."""
MAX_SVG_DEPTH = 64
"""Nesting of an SVG's elements (and of its ``<use>`` chains)."""
MAX_SVG_SIZE = 20_000.0
"""Width or height of an SVG, in its own units (pixels)."""
MAX_EMBEDDED_DEPTH = 2
"""Pictures embedded in an SVG embedded in an SVG..."""
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}href"
_DATA_URI = re.compile(r"data:([^,;]*)((?:;[^,;]*)*),(.*)", re.DOTALL | re.IGNORECASE)
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z%]*)\s*$")
_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_UNITS |= {"in": 96.0, "em": 16.0, "ex": 8.0}
_URL_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)

Inspect = Callable[[bytes, int], Cost]
"""How a picture embedded in the SVG is checked: its bytes and how deep it is embedded."""


def svg_cost(data: bytes, depth: int, inspect: Inspect) -> Cost:
    """The cost of the SVG ``data`` (embedded ``depth`` pictures deep), each picture it
    embeds checked by ``inspect``; raises :class:`Refused`."""
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
            pixels += _attribute(name, value, depth, inspect)
        if element.text and _URL_REFERENCE.search(element.text):
            raise Refused("the SVG refers to another file or a web address (in a style)")
        stack.extend((child, level + 1) for child in element)
    _expanded(root, by_id)
    return Cost("svg", pixels)


def _attribute(name: str, value: str, depth: int, inspect: Inspect) -> int:
    """Pixels of a picture embedded by the attribute, after checking that it refers to
    nothing outside the SVG."""
    local = name.rsplit("}", 1)[-1].lower()
    if local in ("href", "src"):
        target = value.strip()
        if not target or target.startswith("#"):
            return 0
        if target[:5].lower() == "data:":
            return _embedded(target, depth, inspect)
        raise Refused("the SVG refers to another file or a web address")
    if _URL_REFERENCE.search(value):
        raise Refused("the SVG refers to another file or a web address (in a style)")
    return 0


def _embedded(uri: str, depth: int, inspect: Inspect) -> int:
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
