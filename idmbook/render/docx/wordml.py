"""WordprocessingML as the finishing steps write it: elements, schema order, paragraph styles."""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from lxml import etree

__all__ = [
    "W",
    "child",
    "insert_after",
    "insert_before",
    "paragraph_style",
    "set_flag",
    "w",
]

W = {"w": nsmap["w"]}
"""The ``w:`` prefix of XPath queries."""


def w(tag: str, **attrs: str) -> Any:
    """A WordprocessingML element ``w:tag`` with ``w:`` attributes."""
    return OxmlElement(f"w:{tag}", attrs={qn(f"w:{k}"): v for k, v in attrs.items()})


def child(parent: Any, tag: str, first: bool = False) -> Any:
    """The ``w:tag`` child of ``parent``, created (first or last) when missing."""
    found = parent.find(qn(f"w:{tag}"))
    if found is None:
        found = w(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def paragraph_style(paragraph: Any) -> str | None:
    """The style id of a w:p element, or None."""
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else str(style.get(qn("w:val")))


_PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
)
"""The first children of w:pPr in the schema's order (a flag goes after those before it)."""


def set_flag(properties: Any, name: str) -> None:
    """The on/off property ``w:name`` set on in the paragraph properties ``properties``, at
    its place in the schema's order."""
    if properties.find(qn(f"w:{name}")) is not None:
        return
    flag = w(name)
    before = _PPR_ORDER[: _PPR_ORDER.index(name)]
    at = 0
    for index, existing in enumerate(properties):
        if etree.QName(existing).localname in before:
            at = index + 1
    properties.insert(at, flag)


def insert_before(parent: Any, element: Any, after: list[str]) -> None:
    """``element`` inserted into ``parent`` before its first child named in ``after``."""
    for index, existing in enumerate(parent):
        if etree.QName(existing).localname in after:
            parent.insert(index, element)
            return
    parent.append(element)


def insert_after(anchor: Any, elements: list[Any]) -> None:
    """Insert ``elements`` right after ``anchor``, keeping their order."""
    for element in reversed(elements):
        anchor.addnext(element)
