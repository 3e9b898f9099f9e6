"""Parse XML from a submitted document: no DTD, no entities, no external references, and a
limit on nesting, all enforced while parsing."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from idmbook.load.findings import Refused

_HINT = "ask the sender to open the file in their word processor and save it again"


def parse_xml(data: bytes, part: str, max_depth: int) -> ET.Element:
    """The root element of ``data``; :class:`Refused` (IDM105) when it is unsafe or broken."""
    depth = 0
    root: ET.Element | None = None
    try:
        for event, element in iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                if depth > max_depth:
                    raise Refused(
                        "IDM105",
                        f"'{part}' nests elements more than {max_depth} levels deep",
                        _HINT,
                    )
            else:
                depth -= 1
    except Refused:
        raise
    except DefusedXmlException as exc:
        what = type(exc).__name__.replace("Forbidden", "")
        kind = {"DTD": "a DOCTYPE declaration", "Entities": "an ENTITY declaration"}.get(
            what, "an external reference"
        )
        raise Refused("IDM105", f"'{part}' contains {kind}, which idmbook refuses", _HINT) from None
    except ET.ParseError as exc:
        raise Refused("IDM105", f"'{part}' is not well-formed XML ({exc})", _HINT) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise Refused("IDM105", f"'{part}' cannot be read as XML ({exc})", _HINT) from None
    if root is None:
        raise Refused("IDM105", f"'{part}' is empty", _HINT)
    return root


def local(tag: str) -> str:
    """The local name of ``{namespace}name``."""
    return tag.rsplit("}", 1)[-1]


def text_of(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""
