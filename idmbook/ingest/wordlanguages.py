"""Paragraphs and runs in another language or direction than the document's, given marks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from idmbook.ingest.direction import (
    normal_tag,
    primary,
    rtl_language,
    script_of,
    worth_a_span,
)
from idmbook.ingest.marks import Attrs, Marks
from idmbook.ingest.wordstyles import Styles, lang_attrs
from idmbook.ingest.wordxml import W, local, mark_run, on

_PARAGRAPH_SHARE = 0.8
"""The share of a paragraph's letters that must be in one language for the whole paragraph
to be marked as in that language."""


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


def mark_languages(root: Any, styles: Styles, marks: Marks, base: str | None) -> str | None:
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


def _read_paragraph(element: Any, styles: Styles) -> _Paragraph:
    """The runs of the paragraph ``element`` with their text and language, and its direction."""
    props = element.find(W + "pPr")
    style = props.find(W + "pStyle") if props is not None else None
    style_id = style.get(W + "val") if style is not None else None
    bidi_element = props.find(W + "bidi") if props is not None else None
    bidi = on(bidi_element) if bidi_element is not None else styles.bidi(style_id)
    paragraph_lang = styles.lang(style_id, paragraph=True)
    runs: list[_Run] = []
    named: Counter[str] = Counter()
    for run in _own_runs(element):
        text = _run_text(run)
        if not text:
            continue
        langs, rtl = _run_properties(run, paragraph_lang, styles)
        runs.append(_Run(run, text, _run_language(text, langs, rtl, named), rtl))
    return _Paragraph(element, runs, bidi, _majority(named))


def _run_text(run: Any) -> str:
    """The text of a run, a tab as a space."""
    return "".join(
        (t.text or "") if t.tag == W + "t" else " " for t in run if t.tag in (W + "t", W + "tab")
    )


def _run_properties(
    run: Any, paragraph_lang: dict[str, str], styles: Styles
) -> tuple[dict[str, str], bool]:
    """The languages a run is marked with (its paragraph's, then its character style's, then
    its own), and whether it is set right to left."""
    rpr = run.find(W + "rPr")
    langs = dict(paragraph_lang)
    char_style = rpr.find(W + "rStyle") if rpr is not None else None
    if char_style is not None:
        langs.update(styles.lang(char_style.get(W + "val"), paragraph=False))
    own = rpr.find(W + "lang") if rpr is not None else None
    if own is not None:
        langs.update(lang_attrs(own))
    rtl = rpr is not None and (on(rpr.find(W + "rtl")) or on(rpr.find(W + "cs")))
    return langs, rtl


def _run_language(text: str, langs: dict[str, str], rtl: bool, named: Counter[str]) -> str | None:
    """The language of a run's ``text``: the one its marks give for the script it is written
    in. A right-to-left language it names is counted in ``named``, by letters."""
    script = script_of(text)
    if script in ("hebrew", "arabic") or (rtl and script is None):
        lang = normal_tag(langs.get("bidi"))
        if lang and script:
            named[lang] += _letters(text)
        return rtl_language(text, langs.get("bidi")) if script else lang
    if script == "cjk":
        return normal_tag(langs.get("eastAsia"))
    if script == "latin":
        return normal_tag(langs.get("val"))
    return None


def _own_runs(paragraph: Any) -> list[Any]:
    """The runs of ``paragraph`` whose text is shown: not deleted, not in a nested paragraph,
    not the fallback copy of an mc:AlternateContent."""
    out: list[Any] = []
    stack = list(reversed(list(paragraph)))
    while stack:
        element = stack.pop()
        name = local(element.tag)
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


def _insert_mark(paragraph: Any, text: str) -> None:
    props = paragraph.find(W + "pPr")
    position = paragraph.index(props) + 1 if props is not None else 0
    paragraph.insert(position, mark_run(text))


def _mark_before(run: Any, text: str) -> None:
    parent = run.getparent()
    parent.insert(parent.index(run), mark_run(text))


def _mark_after(run: Any, text: str) -> None:
    parent = run.getparent()
    parent.insert(parent.index(run) + 1, mark_run(text))
