"""What a submitted file holds that its contribution cannot: text in the page header and
footer, SmartArt diagrams, charts. Each is counted with its reason for the ingest report, and
a file whose body has no text at all is refused with the places its text is in.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from idmbook.diagnostics import Severity
from idmbook.load.findings import Finding, Refused

_DRAWING_TEXT = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"
_W_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ODF_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_ODF_FORM = "{urn:oasis:names:tc:opendocument:xmlns:form:1.0}"
_ODF_CONTROLS = {
    "text",
    "textarea",
    "password",
    "checkbox",
    "radio",
    "combobox",
    "listbox",
    "formatted-text",
    "number",
    "date",
    "time",
    "file",
    "button",
}
_HEADER_PART = re.compile(r"^word/(header|footer)\d*\.xml$")
_RTF_HEADER = re.compile(rb"\{\\(header|footer)[lrf]?(?![A-Za-z])")
_ASK = (
    "ask the sender for the text typed in the body of the document (not in the page "
    "header or footer, a picture, a diagram or form fields)"
)


@dataclass
class LeftOut:
    """Content of a file outside the body pandoc reads, by place."""

    header_words: int = 0
    headers: int = 0
    diagrams: int = 0
    diagram_words: int = 0
    charts: int = 0
    form_fields: int = 0


def _words(texts: list[str]) -> int:
    return len(" ".join(texts).split())


def word_left_out(trees: dict[str, ET.Element], main: ET.Element | None) -> LeftOut:
    """What a Word document holds outside its body (``trees``: its parsed XML parts)."""
    left = LeftOut()
    for name, tree in trees.items():
        if _HEADER_PART.match(name):
            words = _words([e.text or "" for e in tree.iter(_W_TEXT)])
            if words:
                left.headers += 1
                left.header_words += words
        elif name.startswith("word/diagrams/data") and name.endswith(".xml"):
            left.diagrams += 1
            left.diagram_words += _words([e.text or "" for e in tree.iter(_DRAWING_TEXT)])
        elif name.startswith("word/charts/chart") and name.endswith(".xml"):
            left.charts += 1
    if main is not None:
        left.form_fields = sum(1 for _ in main.iter(_W + "ffData")) + sum(
            1 for _ in main.iter(_W + "sdt")
        )
    return left


def odt_left_out(trees: dict[str, ET.Element]) -> LeftOut:
    """What an OpenDocument text holds in its page headers and footers and in form
    controls."""
    left = LeftOut()
    content = trees.get("content.xml")
    if content is not None:
        left.form_fields = sum(
            1
            for element in content.iter()
            if isinstance(element.tag, str)
            and element.tag.startswith(_ODF_FORM)
            and element.tag[len(_ODF_FORM) :] in _ODF_CONTROLS
        )
    styles = trees.get("styles.xml")
    if styles is not None:
        for tag in ("header", "footer", "header-left", "footer-left", "header-first"):
            for part in styles.iter(_ODF_STYLE + tag):
                words = _words(list(part.itertext()))
                if words:
                    left.headers += 1
                    left.header_words += words
    return left


def rtf_left_out(raw: bytes) -> LeftOut:
    """Whether an RTF file has page headers or footers (their words are not counted)."""
    left = LeftOut()
    left.headers = len(_RTF_HEADER.findall(raw))
    return left


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def findings(left: LeftOut) -> list[Finding]:
    """One finding per kind of content left out, with its reason."""
    out: list[Finding] = []
    if left.header_words:
        out.append(
            Finding(
                "IDM124",
                f"the page header and footer ({_plural(left.header_words, 'word')}) left out: "
                "the book sets its own",
                severity=Severity.INFO,
            )
        )
    if left.diagrams:
        out.append(
            Finding(
                "IDM124",
                f"{_plural(left.diagrams, 'SmartArt diagram')} "
                f"({_plural(left.diagram_words, 'word')}) left out: the book cannot print them",
                "ask the sender for the diagram's text as a list, or the diagram as a picture",
            )
        )
    if left.charts:
        out.append(
            Finding(
                "IDM124",
                f"{_plural(left.charts, 'chart')} left out: the book cannot print Word charts",
                "ask the sender for the chart's figures as a table, or the chart as a picture",
            )
        )
    return out


def refuse_empty(left: LeftOut, pictures: int, comments: int = 0) -> Refused:
    """The refusal of a file whose body has no text, naming where its content is."""
    places: list[str] = []
    if left.header_words:
        places.append(f"the page header and footer ({_plural(left.header_words, 'word')})")
    elif left.headers:
        places.append("the page header and footer")
    if left.diagram_words:
        places.append(f"SmartArt diagrams ({_plural(left.diagram_words, 'word')})")
    if left.charts:
        places.append(_plural(left.charts, "chart"))
    if left.form_fields:
        places.append(_plural(left.form_fields, "form field"))
    if pictures:
        places.append(_plural(pictures, "picture") + " (a scanned page?)")
    if comments:
        places.append(_plural(comments, "comment") + " (comments are not published)")
    if places:
        where = ", ".join(places[:-1]) + (" and " if len(places) > 1 else "") + places[-1]
        message = f"the document has no text in its body; what it holds is in {where}"
    else:
        message = "the document has no text"
    return Refused("IDM116", message, _ASK)


def has_text(blocks: list[Any]) -> bool:
    """Whether ``blocks`` hold any word (pictures, rules and empty tables hold none)."""

    def walk(value: Any) -> bool:
        if isinstance(value, list):
            return any(walk(v) for v in value)
        if isinstance(value, dict) and isinstance(value.get("t"), str):
            kind = value["t"]
            if kind == "Str":
                return any(c.isalnum() for c in str(value["c"]))
            if kind in ("Math", "Code"):
                return bool(str(value["c"][1]).strip())
            if kind == "CodeBlock":
                return bool(str(value["c"][1]).strip())
            if kind == "Image":
                return False
            return walk(value.get("c"))
        return False

    return walk(blocks)
