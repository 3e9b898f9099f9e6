"""Prepare the text of an OpenDocument file for pandoc, so that pandoc's reader loses none of it.

- Equations: LibreOffice keeps each equation as an embedded object holding MathML, which
  pandoc's reader drops. Each becomes a mark (marks.py) that turns into math written in TeX
  once pandoc has read the document; the TeX comes from pandoc's own reading of the MathML.
- Direction and language: a paragraph whose style writes right to left
  (``style:writing-mode="rl-tb"``), a paragraph or a span in another language than the
  document's, gets marks that become spans with ``dir`` and ``lang``.

The XML was checked by odt.py (no DTD, no entities, bounded depth) before it is parsed here.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from idmbook.ingest.convert import to_ast
from idmbook.ingest.direction import (
    normal_tag,
    primary,
    rtl_language,
    script_of,
    worth_a_span,
)
from idmbook.ingest.marks import Attrs, Marks
from idmbook.load.archive import Limits
from idmbook.load.findings import Finding

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_SKIPPED_MATHML = {"annotation", "annotation-xml"}


@dataclass
class OdtText:
    """What preparing an OpenDocument text did."""

    equations: int = 0
    language: str | None = None
    findings: list[Finding] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def prepare_odt(
    members: dict[str, bytes],
    formulas: dict[str, ET.Element],
    marks: Marks,
    workdir: Path,
    limits: Limits,
) -> OdtText:
    """Rewrite content.xml of ``members`` in place; see the module."""
    done = OdtText()
    try:
        root = etree.fromstring(members["content.xml"], _parser())
    except (KeyError, etree.XMLSyntaxError):
        return done
    if formulas:
        _equations(root, formulas, marks, workdir, limits, done)
    styles = _Styles()
    if "styles.xml" in members:
        with contextlib.suppress(etree.XMLSyntaxError):
            styles.read(etree.fromstring(members["styles.xml"], _parser()))
    styles.read(root)
    done.language = _mark_languages(root, styles, marks)
    members["content.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return done


# ---------------------------------------------------------------------------- equations


def _mathml(element: ET.Element) -> str:
    """An equation's MathML with the default namespace and without its annotations (the
    StarMath source LibreOffice keeps beside it)."""
    name = element.tag.rsplit("}", 1)[-1]
    if name in _SKIPPED_MATHML:
        return ""
    attrs = "".join(f" {k.rsplit('}', 1)[-1]}={quoteattr(v)}" for k, v in element.attrib.items())
    xmlns = f' xmlns="{_MATHML_NS}"' if name == "math" else ""
    inner = escape(element.text or "") + "".join(
        _mathml(child) + escape(child.tail or "") for child in element
    )
    return f"<{name}{xmlns}{attrs}>{inner}</{name}>"


def _equations(
    root: Any,
    formulas: dict[str, ET.Element],
    marks: Marks,
    workdir: Path,
    limits: Limits,
    done: OdtText,
) -> None:
    frames: list[tuple[Any, str]] = []
    for frame in root.iter(DRAW + "frame"):
        for child in frame:
            if child.tag == DRAW + "object":
                name = child.get(XLINK + "href", "").strip().removeprefix("./").strip("/")
                if name in formulas:
                    frames.append((frame, name))
                break
    if not frames:
        return
    page = "".join(f"<p>{_mathml(formulas[name])}</p>" for _, name in frames)
    ast = to_ast(["-f", "html"], workdir, limits, f"<html><body>{page}</body></html>".encode())
    texs: list[str | None] = []
    for block in ast["blocks"]:
        maths = [i["c"][1] for i in block.get("c", []) if isinstance(i, dict) and i["t"] == "Math"]
        texs.append(" ".join(maths) if maths else None)
    lost = 0
    for index, (frame, _) in enumerate(frames):
        tex = texs[index] if index < len(texs) else None
        parent = frame.getparent()
        if parent is None:
            continue
        if tex is None or not tex.strip():
            lost += 1
            _replace(frame, "")
            continue
        alone = not "".join(t for t in _text_without(parent, frame)).strip()
        _replace(frame, marks.equation(tex, display=alone))
        done.equations += 1
    if lost:
        done.findings.append(
            Finding(
                "IDM124",
                f"{lost} equation{'s' * (lost != 1)} left out: their MathML could not be read",
                "ask the sender to check the equations, or for a .docx",
            )
        )


def _text_without(paragraph: Any, skipped: Any) -> list[str]:
    out = [paragraph.text or ""]
    for child in paragraph:
        if child is not skipped:
            out.append("".join(child.itertext()))
        out.append(child.tail or "")
    return out


def _replace(element: Any, text: str) -> None:
    """Put ``text`` where ``element`` was, keeping the text that followed it."""
    parent = element.getparent()
    joined = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)


# ---------------------------------------------------------------------------- languages


class _Styles:
    """Paragraph and text styles: their parent, writing mode and languages."""

    def __init__(self) -> None:
        self.styles: dict[tuple[str, str], Any] = {}
        self.default: dict[str, Any] = {}

    def read(self, root: Any) -> None:
        for style in root.iter(STYLE + "style"):
            name, family = style.get(STYLE + "name"), style.get(STYLE + "family")
            if name and family:
                self.styles[(family, name)] = style
        for style in root.iter(STYLE + "default-style"):
            family = style.get(STYLE + "family")
            if family:
                self.default[family] = style

    def _chain(self, family: str, name: str | None) -> list[Any]:
        chain: list[Any] = []
        seen: set[str] = set()
        while name and (family, name) in self.styles and name not in seen and len(chain) < 20:
            seen.add(name)
            style = self.styles[(family, name)]
            chain.append(style)
            name = style.get(STYLE + "parent-style-name")
        if family in self.default:
            chain.append(self.default[family])
        return chain

    def rtl(self, name: str | None) -> bool:
        for style in self._chain("paragraph", name):
            props = style.find(STYLE + "paragraph-properties")
            mode = props.get(STYLE + "writing-mode") if props is not None else None
            if mode:
                return str(mode).startswith("rl")
        return False

    def languages(self, family: str, name: str | None, base: dict[str, str]) -> dict[str, str]:
        """The languages (latin, complex, asian) a style gives, over ``base``."""
        merged = dict(base)
        for style in reversed(self._chain(family, name)):
            props = style.find(STYLE + "text-properties")
            if props is None:
                continue
            for key, lang_attr, country_attr in (
                ("latin", FO + "language", FO + "country"),
                ("complex", STYLE + "language-complex", STYLE + "country-complex"),
                ("asian", STYLE + "language-asian", STYLE + "country-asian"),
            ):
                lang = props.get(lang_attr)
                if lang:
                    country = props.get(country_attr) or ""
                    merged[key] = f"{lang}-{country}" if country and country != "none" else lang
        return merged


def _language(text: str, langs: dict[str, str]) -> str | None:
    script = script_of(text)
    if script in ("hebrew", "arabic"):
        return rtl_language(text, langs.get("complex"))
    if script == "cjk":
        return normal_tag(langs.get("asian"))
    if script == "latin":
        return normal_tag(langs.get("latin"))
    return None


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def _mark_languages(root: Any, styles: _Styles, marks: Marks) -> str | None:
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        return None
    paragraphs = [p for p in body.iter(TEXT + "p", TEXT + "h")]
    read: list[tuple[Any, dict[str, str], str | None, str]] = []
    counts: Counter[str] = Counter()
    for paragraph in paragraphs:
        style = paragraph.get(TEXT + "style-name")
        langs = styles.languages("paragraph", style, {})
        text = _own_text(paragraph)
        lang = _language(text, langs)
        if lang:
            counts[primary(lang)] += _letters(text)
        read.append((paragraph, langs, lang, text))
    ranked = [(n, tag) for tag, n in counts.items() if n]
    base = max(ranked)[1] if ranked else None
    for paragraph, langs, lang, text in read:
        if not text.strip():
            continue
        attrs: Attrs = []
        if styles.rtl(paragraph.get(TEXT + "style-name")):
            attrs.append(("dir", "rtl"))
            if lang:
                attrs.append(("lang", lang))
        elif lang and base and primary(lang) != base:
            attrs.append(("lang", lang))
        if attrs:
            paragraph.text = marks.paragraph(attrs) + (paragraph.text or "")
        inherited = lang or base
        for span in paragraph.iter(TEXT + "span"):
            span_text = "".join(span.itertext())
            span_lang = _language(
                span_text, styles.languages("text", span.get(TEXT + "style-name"), langs)
            )
            if (
                span_lang
                and inherited
                and primary(span_lang) != primary(inherited)
                and worth_a_span(span_text, span_lang)
            ):
                start, end = marks.span([("lang", span_lang)])
                span.text = start + (span.text or "")
                if len(span):
                    span[-1].tail = (span[-1].tail or "") + end
                else:
                    span.text += end
    return base


def _own_text(paragraph: Any) -> str:
    """The text of a paragraph without that of its notes and frames."""
    out = [paragraph.text or ""]
    for child in paragraph:
        if child.tag not in (TEXT + "note", DRAW + "frame"):
            out.append(_own_text(child))
        out.append(child.tail or "")
    return "".join(out)
