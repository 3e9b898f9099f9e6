"""Prepare the text of a Word document for pandoc, so that pandoc's reader loses none of it.

- Text boxes: pandoc keeps a text box's text but drops the rest of the paragraph the box is
  anchored in (and drops the text of a box drawn the old way, in VML). Each text box's
  paragraphs are moved out of it, to just after the paragraph it is anchored in.
- Check boxes of forms: their state becomes the character ☒ or ☐ (pandoc drops them).
- Content controls still showing their placeholder ("Click here to enter text.") are emptied:
  the placeholder is the form's, not the sender's.
- Direction and language: a paragraph set right to left (``w:bidi``), a paragraph or run in
  another language than the document's (``w:lang``) gets marks (marks.py) that become spans
  with ``dir`` and ``lang`` once pandoc has read the document.

The XML was checked by docx.py (no DTD, no entities, bounded depth) before it is parsed here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from idmbook.diagnostics import Severity
from idmbook.ingest.direction import (
    normal_tag,
    primary,
    rtl_language,
    script_of,
    worth_a_span,
)
from idmbook.ingest.marks import Attrs, Marks
from idmbook.load.findings import Finding

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BLOCKS = {"p", "tbl", "sdt", "customXml"}
_PARTS = ("word/footnotes.xml", "word/endnotes.xml")
_MAX_BOXES = 5000
_PARAGRAPH_SHARE = 0.8
"""The share of a paragraph's letters that must be in one language for the whole paragraph
to be marked as in that language."""


@dataclass
class WordText:
    """What preparing a Word document did."""

    text_boxes: int = 0
    fields: int = 0
    ruby: int = 0
    embeddings: int = 0
    check_boxes: int = 0
    placeholders: int = 0
    language: str | None = None
    """The language most of the document's text is in, as its runs say."""
    findings: list[Finding] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _on(element: Any) -> bool:
    """A Word on/off property: present, and not switched off by its value."""
    if element is None:
        return False
    return element.get(W + "val", "true").lower() not in ("0", "false", "off")


def prepare_word(members: dict[str, bytes], main: str, marks: Marks) -> WordText:
    """Rewrite the main part (and the notes) of ``members`` in place; see the module."""
    styles = _Styles(members.get("word/styles.xml"))
    done = WordText()
    for name in (main, *_PARTS):
        data = members.get(name)
        if data is None:
            continue
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError:
            continue  # docx.py read it already; pandoc will say what is wrong
        done.text_boxes += _move_text_boxes(root)
        done.fields += _open_simple_fields(root)
        done.ruby += _ruby_in_parentheses(root)
        done.check_boxes += _check_boxes(root)
        done.placeholders += _placeholders(root)
        done.embeddings += _open_embeddings(root, marks)
        language = _mark_languages(root, styles, marks, done.language)
        if name == main:
            done.language = language
        members[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if done.text_boxes:
        done.findings.append(
            Finding(
                "IDM125",
                f"{_count(done.text_boxes, 'text box', 'text boxes')}: the text is placed after "
                "the paragraph each box is anchored in",
                severity=Severity.INFO,
            )
        )
    if done.ruby:
        done.findings.append(
            Finding(
                "IDM125",
                f"{_count(done.ruby, 'phonetic guide')} (ruby) written in parentheses after the "
                "text it reads",
                severity=Severity.INFO,
            )
        )
    if done.check_boxes:
        done.findings.append(
            Finding(
                "IDM125",
                f"{_count(done.check_boxes, 'form check box', 'form check boxes')} written as "
                "☒ (checked) or ☐",
                severity=Severity.INFO,
            )
        )
    if done.placeholders:
        done.findings.append(
            Finding(
                "IDM125",
                f"{_count(done.placeholders, 'form field')} left empty by the sender: the "
                "form's placeholder text (such as 'Click here to enter text') is left out",
                severity=Severity.INFO,
            )
        )
    return done


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# ---------------------------------------------------------------------------- text boxes


def _move_text_boxes(root: Any) -> int:
    moved = 0
    for _ in range(_MAX_BOXES):
        content = next(root.iter(W + "txbxContent"), None)
        if content is None:
            break
        holder = _holder(content)
        boxes = _box_contents(holder) if _local(holder.tag) == "AlternateContent" else [content]
        anchor = _ancestor(holder, W + "p")
        parent = holder.getparent()
        if parent is None:
            break
        blocks = [child for box in boxes for child in box if _local(child.tag) in _BLOCKS]
        parent.remove(holder)
        if anchor is None or anchor.getparent() is None:
            continue
        if any("".join(b.itertext()).strip() for b in blocks):
            moved += 1
        position = anchor.getparent().index(anchor)
        for offset, block in enumerate(blocks, 1):
            anchor.getparent().insert(position + offset, block)
    return moved


def _holder(content: Any) -> Any:
    """The element that draws the text box: its mc:AlternateContent (Word 2010 and later
    write the box twice, as a shape and in VML), else its w:drawing or w:pict."""
    found = None
    element = content.getparent()
    while element is not None and _local(element.tag) not in ("p", "body", "tc"):
        if element.tag == MC + "AlternateContent" or (
            found is None and element.tag in (W + "drawing", W + "pict")
        ):
            found = element
        element = element.getparent()
    return found if found is not None else content


def _box_contents(alternate: Any) -> list[Any]:
    """The text boxes of one mc:AlternateContent: those of its first choice that has any,
    else those of its fallback (never both: they are the same boxes)."""
    for branch in alternate:
        boxes = [b for b in branch.iter(W + "txbxContent") if _owner(b) is alternate]
        if boxes:
            return boxes
    return []


def _owner(content: Any) -> Any:
    element = content.getparent()
    while element is not None and element.tag != MC + "AlternateContent":
        element = element.getparent()
    return element


def _ancestor(element: Any, tag: str) -> Any:
    element = element.getparent()
    while element is not None and element.tag != tag:
        element = element.getparent()
    return element


# ---------------------------------------------------------------------------- fields, ruby


def _open_simple_fields(root: Any) -> int:
    """Simple fields other than links (a file name, a date, a page number) are replaced by
    the text Word last showed for them, which pandoc drops."""
    opened = 0
    for field_element in list(root.iter(W + "fldSimple")):
        instruction = (field_element.get(W + "instr") or "").strip().upper()
        parent = field_element.getparent()
        if instruction.startswith("HYPERLINK") or parent is None:
            continue
        position = parent.index(field_element)
        for offset, child in enumerate(list(field_element)):
            parent.insert(position + offset, child)
        tail = field_element.tail
        parent.remove(field_element)
        if tail:
            parent[position - 1 if position else 0].tail = tail
        opened += 1
    return opened


def _ruby_in_parentheses(root: Any) -> int:
    """A phonetic guide (ruby, as over Japanese kanji) becomes its base text followed by the
    reading in parentheses; pandoc drops both."""
    done = 0
    for ruby in list(root.iter(W + "ruby")):
        run = ruby.getparent()
        if run is None or run.tag != W + "r" or run.getparent() is None:
            continue
        base = "".join(t.text or "" for t in ruby.iter(W + "t") if _inside(t, W + "rubyBase"))
        reading = "".join(t.text or "" for t in ruby.iter(W + "t") if _inside(t, W + "rt"))
        ruby_index = run.index(ruby)
        run.remove(ruby)
        text = etree.Element(W + "t")
        text.set(XML_SPACE, "preserve")
        text.text = f"{base} ({reading})" if reading else base
        run.insert(ruby_index, text)
        done += 1
    return done


def _open_embeddings(root: Any, marks: Marks) -> int:
    """Runs inside a bidirectional embedding or override (``w:dir``, ``w:bdo``, which Word
    writes around a phrase of the other direction) are taken out of it, in a span with its
    direction; pandoc drops them with their text."""
    opened = 0
    for tag in (W + "bdo", W + "dir"):
        for element in list(root.iter(tag)):
            parent = element.getparent()
            if parent is None:
                continue
            children = list(element)
            direction = (element.get(W + "val") or "").lower()
            position = parent.index(element)
            if children and direction in ("rtl", "ltr"):
                start, end = marks.span([("dir", direction)])
                children = [_mark_run(start), *children, _mark_run(end)]
            for offset, child in enumerate(children):
                parent.insert(position + offset, child)
            parent.remove(element)
            opened += 1
    return opened


def _inside(element: Any, tag: str) -> bool:
    return _ancestor(element, tag) is not None


# ---------------------------------------------------------------------------- forms


def _check_boxes(root: Any) -> int:
    """Legacy check-box form fields become ☒ or ☐ after the field."""
    found = 0
    for data in list(root.iter(W + "ffData")):
        box = data.find(W + "checkBox")
        if box is None:
            continue
        checked = box.find(W + "checked")
        default = box.find(W + "default")
        state = _on(checked) if checked is not None else _on(default) and default is not None
        begin_run = _ancestor(data, W + "r")
        if begin_run is None or begin_run.getparent() is None:
            continue
        parent = begin_run.getparent()
        run = etree.SubElement(parent, W + "r")
        parent.remove(run)
        text = etree.SubElement(run, W + "t")
        text.text = "☒" if state else "☐"
        end = _field_end(begin_run)
        anchor = end if end is not None and end.getparent() is parent else begin_run
        parent.insert(parent.index(anchor) + 1, run)
        found += 1
    return found


def _field_end(begin_run: Any) -> Any:
    depth = 0
    for run in begin_run.itersiblings():
        for char in run.iter(W + "fldChar"):
            kind = char.get(W + "fldCharType")
            if kind == "begin":
                depth += 1
            elif kind == "end":
                if depth == 0:
                    return run
                depth -= 1
    return None


def _placeholders(root: Any) -> int:
    emptied = 0
    for sdt in list(root.iter(W + "sdt")):
        props = sdt.find(W + "sdtPr")
        content = sdt.find(W + "sdtContent")
        if props is None or content is None or props.find(W + "showingPlcHdr") is None:
            continue
        if not "".join(content.itertext()).strip():
            continue
        for text in content.iter(W + "t"):
            text.text = ""
        emptied += 1
    return emptied


# ---------------------------------------------------------------------------- languages


class _Styles:
    """The languages and paragraph direction that styles give, with their inheritance."""

    def __init__(self, data: bytes | None) -> None:
        self.default_lang: dict[str, str] = {}
        self.styles: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        if data is None:
            return
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError:
            return
        lang = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        if lang is not None:
            self.default_lang = _lang_attrs(lang)
        for style in root.iter(W + "style"):
            ident = style.get(W + "styleId")
            if ident:
                self.styles[ident] = style
                if style.get(W + "type") == "paragraph" and _on_attr(style.get(W + "default")):
                    self.default_paragraph = ident

    def _chain(self, ident: str | None) -> list[Any]:
        chain: list[Any] = []
        seen: set[str] = set()
        while ident and ident in self.styles and ident not in seen and len(chain) < 20:
            seen.add(ident)
            style = self.styles[ident]
            chain.append(style)
            based = style.find(W + "basedOn")
            ident = based.get(W + "val") if based is not None else None
        return chain

    def lang(self, ident: str | None, paragraph: bool) -> dict[str, str]:
        """The languages a style gives (val, eastAsia, bidi), inherited ones included."""
        merged = dict(self.default_lang)
        if paragraph and ident is None:
            ident = self.default_paragraph
        for style in reversed(self._chain(ident)):
            lang = style.find(f"{W}rPr/{W}lang")
            if lang is not None:
                merged.update(_lang_attrs(lang))
        return merged

    def bidi(self, ident: str | None) -> bool:
        for style in self._chain(ident or self.default_paragraph):
            bidi = style.find(f"{W}pPr/{W}bidi")
            if bidi is not None:
                return _on(bidi)
        return False


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _lang_attrs(element: Any) -> dict[str, str]:
    return {key: value for key in ("val", "eastAsia", "bidi") if (value := element.get(W + key))}


@dataclass
class _Run:
    element: Any
    text: str
    lang: str | None
    rtl: bool


@dataclass
class _Paragraph:
    element: Any
    runs: list[_Run]
    bidi: bool
    named_rtl: str | None
    """The right-to-left language the paragraph's runs name (w:lang w:bidi)."""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    def language(self, base: str | None) -> str | None:
        """The paragraph's language: the one of nearly all its letters, else ``base``
        (a paragraph of two languages keeps the document's, its other runs get spans)."""
        counts: Counter[str] = Counter()
        for run in self.runs:
            if run.lang:
                counts[run.lang] += _letters(run.text)
        chosen = _majority(counts)
        total = sum(counts.values())
        if chosen is None or counts[chosen] < _PARAGRAPH_SHARE * total:
            return base
        return chosen


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def _majority(counts: Counter[str]) -> str | None:
    ranked = [(n, tag) for tag, n in counts.items() if n > 0]
    return max(ranked)[1] if ranked else None


def _mark_languages(root: Any, styles: _Styles, marks: Marks, base: str | None) -> str | None:
    paragraphs = [_read_paragraph(p, styles) for p in root.iter(W + "p")]
    paragraphs = [p for p in paragraphs if p.runs]
    if base is None:
        counts: Counter[str] = Counter()
        for paragraph in paragraphs:
            for run in paragraph.runs:
                if run.lang:
                    counts[primary(run.lang)] += _letters(run.text)
        base = _majority(counts)
    for paragraph in paragraphs:
        _mark_paragraph(paragraph, base, marks)
    return base


def _read_paragraph(element: Any, styles: _Styles) -> _Paragraph:
    props = element.find(W + "pPr")
    style = props.find(W + "pStyle") if props is not None else None
    style_id = style.get(W + "val") if style is not None else None
    bidi_element = props.find(W + "bidi") if props is not None else None
    bidi = _on(bidi_element) if bidi_element is not None else styles.bidi(style_id)
    paragraph_lang = styles.lang(style_id, paragraph=True)
    runs: list[_Run] = []
    named: Counter[str] = Counter()
    for run in _own_runs(element):
        text = "".join(
            (t.text or "") if t.tag == W + "t" else " "
            for t in run
            if t.tag in (W + "t", W + "tab")
        )
        if not text:
            continue
        rpr = run.find(W + "rPr")
        langs = dict(paragraph_lang)
        char_style = rpr.find(W + "rStyle") if rpr is not None else None
        if char_style is not None:
            langs.update(styles.lang(char_style.get(W + "val"), paragraph=False))
        own = rpr.find(W + "lang") if rpr is not None else None
        if own is not None:
            langs.update(_lang_attrs(own))
        rtl = rpr is not None and (_on(rpr.find(W + "rtl")) or _on(rpr.find(W + "cs")))
        script = script_of(text)
        if script in ("hebrew", "arabic") or (rtl and script is None):
            lang = normal_tag(langs.get("bidi"))
            if lang and script:
                named[lang] += _letters(text)
            lang = rtl_language(text, langs.get("bidi")) if script else lang
        elif script == "cjk":
            lang = normal_tag(langs.get("eastAsia"))
        elif script == "latin":
            lang = normal_tag(langs.get("val"))
        else:
            lang = None
        runs.append(_Run(run, text, lang, rtl))
    return _Paragraph(element, runs, bidi, _majority(named))


def _own_runs(paragraph: Any) -> list[Any]:
    """The runs of ``paragraph`` whose text is shown: not deleted, not in a nested paragraph,
    not the fallback copy of an mc:AlternateContent."""
    out: list[Any] = []
    stack = list(reversed(list(paragraph)))
    while stack:
        element = stack.pop()
        name = _local(element.tag)
        if element.tag == W + "r":
            out.append(element)
            continue
        if name in ("p", "del", "moveFrom", "Fallback", "pPr", "rPr", "txbxContent"):
            continue
        stack.extend(reversed(list(element)))
    return out


def _mark_paragraph(paragraph: _Paragraph, base: str | None, marks: Marks) -> None:
    text = paragraph.text
    if not text.strip():
        return
    own = paragraph.language(base)
    attrs: Attrs = []
    if paragraph.bidi:
        attrs.append(("dir", "rtl"))
        lang = rtl_language(text, paragraph.named_rtl) or (
            own if own and primary(own) != primary(base or "") else None
        )
        if lang:
            attrs.append(("lang", lang))
    elif own and base and primary(own) != primary(base):
        attrs.append(("lang", own))
    if attrs:
        _insert_mark(paragraph.element, marks.paragraph(attrs))
    inherited = dict(attrs).get("lang") or own or base
    for group_lang, first, last in _groups(paragraph.runs, inherited):
        text = "".join(r.text for r in paragraph.runs[first : last + 1])
        if not worth_a_span(text, group_lang):
            continue
        start, end = marks.span([("lang", group_lang)])
        _mark_before(paragraph.runs[first].element, start)
        _mark_after(paragraph.runs[last].element, end)


def _groups(runs: list[_Run], inherited: str | None) -> list[tuple[str, int, int]]:
    """Consecutive sibling runs in another language than ``inherited``: (language, index of
    the first run, index of the last). Runs without letters between two runs of one language
    belong to the group."""
    groups: list[tuple[str, int, int]] = []
    current: tuple[str, int, int] | None = None
    for index, run in enumerate(runs):
        if _letters(run.text) == 0:
            continue
        same_parent = (
            current is not None and runs[current[2]].element.getparent() is run.element.getparent()
        )
        other = (
            run.lang is not None
            and inherited is not None
            and primary(run.lang) != primary(inherited)
        )
        if current is not None and other and run.lang == current[0] and same_parent:
            current = (current[0], current[1], index)
            continue
        if current is not None:
            groups.append(current)
            current = None
        if other and run.lang is not None:
            current = (run.lang, index, index)
    if current is not None:
        groups.append(current)
    return groups


def _mark_run(text: str) -> Any:
    run = etree.Element(W + "r")
    element = etree.SubElement(run, W + "t")
    element.set(XML_SPACE, "preserve")
    element.text = text
    return run


def _insert_mark(paragraph: Any, text: str) -> None:
    props = paragraph.find(W + "pPr")
    position = paragraph.index(props) + 1 if props is not None else 0
    paragraph.insert(position, _mark_run(text))


def _mark_before(run: Any, text: str) -> None:
    parent = run.getparent()
    parent.insert(parent.index(run), _mark_run(text))


def _mark_after(run: Any, text: str) -> None:
    parent = run.getparent()
    parent.insert(parent.index(run) + 1, _mark_run(text))
