"""Reading a built PDF back as a reader and a screen reader would: poppler's pdftotext for the
text and where it is on the page, pypdf for the tagged structure (which text belongs to which
structure element, in which language, and what is an artifact)."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


def pdftotext(pdf: bytes, *options: str) -> str:
    """The text poppler's pdftotext finds in ``pdf`` (pages separated by form feeds)."""
    done = subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8", errors="replace")


def flat(text: str) -> str:
    """Text with every run of whitespace as one space, words hyphenated at a line end joined,
    and without the direction marks pdftotext puts around right-to-left runs."""
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(re.sub(r"(\w)-\n(\w)", r"\1\2", text).split())


@dataclass(frozen=True)
class Word:
    page: int
    """0-based."""
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    """In points from the top left corner of the page."""
    text: str


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def words(pdf: bytes) -> list[Word]:
    """Every word with its box, from ``pdftotext -bbox``."""
    html = pdftotext(pdf, "-bbox")
    found = []
    for page, chunk in enumerate(html.split("<page ")[1:]):
        for match in _WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            found.append(Word(page, x0, y0, x1, y1, unescape(match.group(5))))
    return found


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


# ---------------------------------------------------------------- tagged structure


@dataclass
class Element:
    """A structure element of the tagged PDF with the text of its marked content."""

    kind: str
    """``P``, ``H1``, ``L``, ``LI``, ``Note``, ``Formula``, ``Table``..."""
    lang: str | None
    """Its language: its own /Lang, else its parent's."""
    attributes: dict[str, Any]
    parents: tuple[str, ...]
    children: list[Element]
    direct: list[tuple[str, str | None]]
    """The text of the marked content it owns directly, with the /Lang of that content."""
    kids: list[str]
    """What its /K holds, in order: ``mcid`` for marked content, else the child's kind."""

    @property
    def text(self) -> str:
        parts = [text for text, _ in self.direct] + [child.text for child in self.children]
        return " ".join(" ".join(parts).split())

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Tagged:
    """What the structure of a PDF says, and the text outside it."""

    root: Element
    artifacts: list[str]
    """Text drawn as artifacts (page furniture, the watermark): not read aloud."""
    untagged: list[str]
    """Text drawn neither in an element's marked content nor as an artifact."""

    def elements(self, kind: str | None = None) -> list[Element]:
        return [e for e in self.root.walk() if kind is None or e.kind == kind]


def tagged(pdf: bytes) -> Tagged:
    """Read the structure tree of ``pdf`` with the text each element owns."""
    reader = PdfReader(io.BytesIO(pdf))
    content: dict[tuple[int, int], list[tuple[str, str | None]]] = {}
    artifacts: list[str] = []
    untagged: list[str] = []
    for page in reader.pages:
        ref = page.indirect_reference
        assert ref is not None
        _read_page(page, ref.idnum, content, artifacts, untagged)
    catalog = reader.trailer["/Root"]
    lang = _text(catalog["/Lang"]) if "/Lang" in catalog else None
    root = _element(catalog["/StructTreeRoot"], lang, (), None, content, set())
    return Tagged(root, artifacts, untagged)


def _read_page(
    page: Any,
    number: int,
    content: dict[tuple[int, int], list[tuple[str, str | None]]],
    artifacts: list[str],
    untagged: list[str],
) -> None:
    stack: list[tuple[str, int | None, str | None]] = []

    def before(operator: bytes, operands: list[Any], *_: Any) -> None:
        if operator in (b"BDC", b"BMC"):
            properties = operands[1] if len(operands) > 1 else None
            mcid = lang = None
            if isinstance(properties, DictionaryObject):
                mcid = properties.get("/MCID")
                lang = _text(properties["/Lang"]) if "/Lang" in properties else None
            stack.append((str(operands[0]), None if mcid is None else int(mcid), lang))
        elif operator == b"EMC" and stack:
            stack.pop()

    def shown(text: str, *_: Any) -> None:
        if not text.strip():
            return
        if any(tag == "/Artifact" for tag, _, _ in stack):
            artifacts.append(text)
            return
        marked = [(mcid, lang) for _, mcid, lang in stack if mcid is not None]
        if not marked:
            untagged.append(text)
            return
        mcid, lang = marked[-1]
        content.setdefault((number, mcid), []).append((text, lang))

    page.extract_text(visitor_operand_before=before, visitor_text=shown)


def _text(value: Any) -> str:
    """A PDF string as text: a language tag is ASCII bytes, which pypdf may take for UTF-16."""
    raw = getattr(value, "original_bytes", None)
    return raw.decode("latin-1") if isinstance(raw, bytes) else str(value)


def _element(
    node: Any,
    lang: str | None,
    parents: tuple[str, ...],
    page: int | None,
    content: dict[tuple[int, int], list[tuple[str, str | None]]],
    seen: set[int],
) -> Element:
    if isinstance(node, IndirectObject):
        seen.add(node.idnum)
        node = node.get_object()
    kind = str(node.get("/S", "/StructTreeRoot")).lstrip("/")
    if "/Lang" in node:
        lang = _text(node["/Lang"])
    if "/Pg" in node:
        page = node.raw_get("/Pg").idnum
    attributes = {str(k): v for k, v in node.items() if k not in ("/K", "/P", "/Pg")}
    element = Element(kind, lang, attributes, parents, [], [], [])
    kids = node.get("/K")
    items = list(kids) if isinstance(kids, ArrayObject) else [] if kids is None else [kids]
    for item in items:
        if isinstance(item, IndirectObject) and item.idnum in seen:
            continue
        value = item.get_object() if isinstance(item, IndirectObject) else item
        if isinstance(value, int):
            element.kids.append("mcid")
            if page is not None:
                element.direct += content.get((page, int(value)), [])
        elif isinstance(value, DictionaryObject) and "/MCID" in value:
            element.kids.append("mcid")
            where = value.raw_get("/Pg").idnum if "/Pg" in value else page
            if where is not None:
                element.direct += content.get((where, int(value["/MCID"])), [])
        elif isinstance(value, DictionaryObject) and value.get("/Type") == "/OBJR":
            element.kids.append("object")
        elif isinstance(value, DictionaryObject):
            child = _element(item, lang, (*parents, kind), page, content, seen)
            element.kids.append(child.kind)
            element.children.append(child)
    return element


def language_of(element: Element, text: str) -> str | None:
    """The language the text ``text`` (a part of ``element``'s) is tagged with: that of the
    marked content that shows it, else the element's."""
    for child in element.walk():
        for shown, lang in child.direct:
            if text in shown:
                return lang or child.lang
    return None
