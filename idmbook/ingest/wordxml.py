"""Word's XML namespaces, and the small readers and writers the preparation steps share."""

from __future__ import annotations

from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def parser() -> etree.XMLParser:
    """A parser that reads no DTD, resolves no entity and fetches nothing."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def local(tag: Any) -> str:
    """The name of ``tag`` without its namespace ('' for a comment or an instruction)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def on(element: Any) -> bool:
    """A Word on/off property: present, and not switched off by its value."""
    if element is None:
        return False
    return element.get(W + "val", "true").lower() not in ("0", "false", "off")


def ancestor(element: Any, tag: str) -> Any:
    """The nearest ancestor of ``element`` with ``tag``, or None."""
    element = element.getparent()
    while element is not None and element.tag != tag:
        element = element.getparent()
    return element


def inside(element: Any, tag: str) -> bool:
    """Whether ``element`` has an ancestor with ``tag``."""
    return ancestor(element, tag) is not None


def mark_run(text: str) -> Any:
    """A run holding ``text`` as it is (a mark, see marks.py)."""
    run = etree.Element(W + "r")
    element = etree.SubElement(run, W + "t")
    element.set(XML_SPACE, "preserve")
    element.text = text
    return run
