"""The Word edition's table of contents, written out so that it shows without updating fields."""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from docx.oxml.ns import qn
from lxml import etree

from idmbook.render.docx.document import Finishing, StyleIds
from idmbook.render.docx.runs import RUN_LANGUAGE_CHILDREN
from idmbook.render.docx.styles import HEADING_STYLES, TOC_STYLES
from idmbook.render.docx.wordml import W, insert_after, paragraph_style, w

__all__ = ["TocEntry", "add_contents"]


def add_contents(book: Finishing) -> None:
    """The table of contents, right after the contents heading (the front part's last
    paragraph)."""
    heading = book.front[-1]
    insert_after(heading, _toc_field(_toc_entries(heading, book.styles), book.styles))


_TEXTS = etree.XPath(".//w:t/text()", namespaces=W)


def _heading_text(paragraph: Any) -> str:
    """The visible text of a heading paragraph (footnote marks and field codes left out)."""
    return "".join(_TEXTS(paragraph)).strip()


def _bookmark_name(paragraph: Any) -> str | None:
    """The bookmark pandoc put on a heading: inside it, or just before it (section bookmark)."""
    inner = paragraph.find(f".//{qn('w:bookmarkStart')}")
    if inner is not None:
        return str(inner.get(qn("w:name")))
    sibling = paragraph.getprevious()
    while sibling is not None and sibling.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        if sibling.tag == qn("w:bookmarkStart"):
            return str(sibling.get(qn("w:name")))
        sibling = sibling.getprevious()
    return None


class TocEntry(NamedTuple):
    """One line of the table of contents."""

    level: int
    text: str
    bookmark: str
    language: str | None
    """The heading's own language (w:lang of its text), when it differs from the book's."""
    runs: tuple[tuple[str, Any], ...] = ()
    """The heading's text, run by run, with what its run properties say of its script,
    direction and language (a w:rPr, or None): an entry keeps the languages of its heading."""


def _run_language(run: Any) -> str | None:
    """The w:lang of a run, if it has one."""
    lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
    return None if lang is None else str(lang.get(qn("w:val")))


def _text_runs(paragraph: Any) -> list[Any]:
    return [run for run in paragraph.iter(qn("w:r")) if run.find(qn("w:t")) is not None]


def _heading_language(paragraph: Any) -> str | None:
    """The language pandoc marked on all of a heading's text (a heading in a ``lang`` Div)."""
    languages = {_run_language(run) for run in _text_runs(paragraph)}
    return languages.pop() if len(languages) == 1 else None


def _heading_runs(paragraph: Any) -> tuple[tuple[str, Any], ...]:
    """(text, language properties or None) of the runs of text of a heading, runs of the same
    language and direction joined (pandoc writes a run for each word and each space)."""
    pieces: list[tuple[str, Any]] = []
    previous_key: bytes | None = None
    for run in _text_runs(paragraph):
        text = "".join(t.text or "" for t in run.findall(qn("w:t")))
        rpr = run.find(qn("w:rPr"))
        children = [] if rpr is None else [c for c in rpr if _is_language_child(c)]
        key = b"".join(etree.tostring(c) for c in children)
        if pieces and key == previous_key:
            pieces[-1] = (pieces[-1][0] + text, pieces[-1][1])
            continue
        kept = None
        if children:
            kept = w("rPr")
            kept.extend(copy.deepcopy(c) for c in children)
        pieces.append((text, kept))
        previous_key = key
    return tuple(pieces)


def _is_language_child(element: Any) -> bool:
    return etree.QName(element).localname in RUN_LANGUAGE_CHILDREN


def _toc_entries(start: Any, styles: StyleIds) -> list[TocEntry]:
    """The entry of every heading of levels 1 to TOC_DEPTH after the ``start`` paragraph."""
    levels = {styles[name]: level for level, name in enumerate(HEADING_STYLES, start=1)}
    ids = {f"s{number}": style for number, style in enumerate(levels)}
    # one XPath query, run by libxml2, instead of a look at every paragraph of the book
    select = " or ".join(f"@w:val=${name}" for name in ids)
    query = etree.XPath(f"following::w:p[w:pPr/w:pStyle[{select}]]", namespaces=W)
    headings = query(start, **ids)
    entries: list[TocEntry] = []
    for paragraph in headings:
        level = levels[paragraph_style(paragraph) or ""]
        text, name = _heading_text(paragraph), _bookmark_name(paragraph)
        if text and name:
            language = _heading_language(paragraph)
            entries.append(TocEntry(level, text, name, language, _heading_runs(paragraph)))
    return entries


def _run(child: Any) -> Any:
    """A run holding ``child``."""
    run = w("r")
    run.append(child)
    return run


def _text_run(text: str, language: str | None = None) -> Any:
    """A run of plain text, marked as being in ``language`` when given."""
    t = w("t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run = _run(t)
    if language:
        rpr = w("rPr")
        rpr.append(w("lang", val=language))
        run.insert(0, rpr)
    return run


def _toc_paragraph(style_id: str) -> Any:
    """An empty paragraph in the paragraph style ``style_id``."""
    paragraph = w("p")
    ppr = w("pPr")
    ppr.append(w("pStyle", val=style_id))
    paragraph.append(ppr)
    return paragraph


def _toc_field(entries: list[TocEntry], styles: StyleIds) -> list[Any]:
    """The table of contents: one paragraph per entry in style "toc N", each a hyperlink to
    the heading's bookmark followed by its page number, a PAGEREF field (page numbers only a
    layout engine can know).

    The entries are not wrapped in a TOC field: LibreOffice shows a TOC field's result as
    static text, leaving its page references empty, whereas it computes page references that
    stand on their own as it lays out the pages. Word fills them in when it updates the
    fields on opening (the document asks it to; Word asks the user first), and on F9.
    """
    toc_ids = [styles[name] for name in TOC_STYLES]
    paragraphs = []
    for entry in entries:
        paragraph = _toc_paragraph(toc_ids[entry.level - 1])
        link = w("hyperlink", anchor=entry.bookmark, history="1")
        _entry_runs(link, entry)
        link.extend(_page_number(entry))
        paragraph.append(link)
        paragraphs.append(paragraph)
    if not paragraphs:
        paragraphs.append(_toc_paragraph(toc_ids[0]))
    return paragraphs


def _page_number(entry: TocEntry) -> list[Any]:
    """A tab (the contents styles draw a dotted leader to the right margin) and a PAGEREF
    field to the heading's bookmark, its result left empty: LibreOffice computes page
    references as it lays the pages out, and Word fills them when it updates the fields on
    opening (see :func:`idmbook.render.docx.properties.word_settings`)."""
    return [
        _run(w("tab")),
        _field_char("begin"),
        _instruction(f" PAGEREF {entry.bookmark} \\h "),
        _field_char("separate"),
        _field_char("end"),
    ]


def _entry_runs(link: Any, entry: TocEntry) -> None:
    """The runs of a contents entry: its heading's, with their languages, or its text."""
    if not entry.runs:
        link.append(_text_run(entry.text.strip(), entry.language))
        return
    last = len(entry.runs) - 1
    for index, (text, rpr) in enumerate(entry.runs):
        if index == 0:
            text = text.lstrip()
        if index == last:
            text = text.rstrip()
        if not text:
            continue
        run = _text_run(text)
        if rpr is not None:
            run.insert(0, copy.deepcopy(rpr))
        link.append(run)


def _field_char(kind: str) -> Any:
    """A run holding a complex field character: begin, separate or end."""
    return _run(w("fldChar", fldCharType=kind))


def _instruction(code: str) -> Any:
    """A run holding a field instruction such as ``PAGE``."""
    instr = w("instrText")
    instr.text = code
    instr.set(qn("xml:space"), "preserve")
    return _run(instr)
