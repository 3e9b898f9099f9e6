"""Step 3 of the DOCX (see :mod:`idmbook.render.docx`): python-docx finishes pandoc's file.

The front part's page breaks, a table of contents that is visible without updating fields, the
running header, the draft watermark and footer note, the languages, scripts and directions of
the body and the notes (:mod:`idmbook.render.docx_runs`), horizontal rules in the house style,
and the document properties; then the package is rewritten byte for byte reproducibly.

Imported only once pandoc has written the file, when the book's AST has been let go:
python-docx and lxml, imported while it is alive, leave long-lived objects among its memory,
which Python then cannot give back (on the benchmark's compendium, 63 more of Python's 1 MiB
memory arenas kept while Typst typesets).
"""

from __future__ import annotations

import copy
import io
import time
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsmap, qn
from lxml import etree

from idmbook.errors import IdmbookError
from idmbook.render import docx_runs
from idmbook.render.docx_cover import finish_covers, word_keywords
from idmbook.render.docx_styles import (
    HEADING_STYLES,
    STYLE_FOOTER_NOTE,
    STYLE_HORIZONTAL_RULE,
    STYLE_IMPRINT,
    TOC_STYLES,
    front_paragraphs,
)
from idmbook.render.meta import BookMeta

__all__ = ["deterministic_zip", "finish_docx", "zip_members"]

ZIP_EPOCH_MIN = 315532800
"""1980-01-01T00:00:00Z: the earliest date a ZIP entry can carry."""
ZIP_EPOCH_MAX = 4354819199
"""2107-12-31T23:59:59Z: the latest date a ZIP entry can carry."""


def finish_docx(raw: bytes, meta: BookMeta) -> bytes:
    """Add what pandoc cannot write to the DOCX ``raw`` and return reproducible bytes."""
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several types for a broken package
        raise IdmbookError(f"the DOCX written by pandoc could not be read: {exc}") from None
    styles = _StyleIds(document)
    front = _front_styles(document, meta, styles)
    _insert_after(front[-1], _toc_field(_toc_entries(front[-1], styles), styles))
    _set_language(document, meta.language)
    notes = _note_parts(document)
    for root in (document.element.body, *notes.values()):
        _finish_text(root, styles)
    _store_note_parts(notes)
    _keep_together(document.element.body)
    _rows_kept_whole(document.element.body)
    _fill_header_footer(document, meta, styles)
    _openings_without_header(document, front, styles)
    finish_covers(document, meta)  # the covers' pictures, the back cover, the ISBN
    _word_settings(document)
    _set_core_properties(document, meta)
    members = _package_members(document)
    if members is None:  # a python-docx without the writer used below: save, then rewrite
        out = io.BytesIO()
        document.save(out)
        return deterministic_zip(
            out.getvalue(), meta.timestamp, {"docProps/app.xml": _app_xml(meta)}
        )
    members["docProps/app.xml"] = _app_xml(meta)
    return zip_members(members, meta.timestamp)


def _package_members(document: Any) -> dict[str, bytes] | None:
    """The package's members as python-docx would save them, without zipping them: the
    package is zipped once, by :func:`zip_members` (saving it and rewriting it deflated a
    long book twice). None when this python-docx does not have the steps of its writer."""
    from docx.opc.pkgwriter import PackageWriter

    steps = ("_write_content_types_stream", "_write_pkg_rels", "_write_parts")
    if not all(hasattr(PackageWriter, step) for step in steps):
        return None
    members: dict[str, bytes] = {}

    class Members:
        def write(self, uri: Any, blob: bytes) -> None:
            members[uri.membername] = blob

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    writer: Any = Members()  # the one method of python-docx's zip writer that the steps use
    package_writer: Any = PackageWriter
    package_writer._write_content_types_stream(writer, parts)
    package_writer._write_pkg_rels(writer, package.rels)
    package_writer._write_parts(writer, parts)
    return members


class _StyleIds:
    """Style names of the reference document resolved to the ids used in the XML."""

    def __init__(self, document: Any) -> None:
        self._ids: dict[str, str] = {}
        for style in document.styles.element.findall(qn("w:style")):
            name = style.find(qn("w:name"))
            if name is not None:
                self._ids[name.get(qn("w:val")).lower()] = style.get(qn("w:styleId"))

    def get(self, name: str) -> str | None:
        """The id of the style ``name``, or None when the template lacks it."""
        return self._ids.get(name.lower())

    def __getitem__(self, name: str) -> str:
        try:
            return self._ids[name.lower()]
        except KeyError:
            raise IdmbookError(
                f"the Word template has no style {name!r}",
                "regenerate it with `python scripts/make_reference_docx.py`",
            ) from None


def _paragraph_style(paragraph: Any) -> str | None:
    """The style id of a w:p element, or None."""
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else str(style.get(qn("w:val")))


def _front_styles(document: Any, meta: BookMeta, styles: _StyleIds) -> list[Any]:
    """Find the front part's paragraphs, check their styles, and start imprint on a new page.

    The cover starts the document; the imprint's first paragraph gets a page break before it;
    the contents heading breaks the page through its style (based on Heading 1).
    """
    expected = front_paragraphs(meta)
    paragraphs: list[Any] = document.element.body.findall(qn("w:p"))[: len(expected)]
    found = [_paragraph_style(p) for p in paragraphs]
    if found != [styles[style] for style, _ in expected]:
        raise IdmbookError("pandoc did not write the cover, imprint and contents as expected")
    for paragraph, (style, _) in zip(paragraphs, expected, strict=True):
        if style == STYLE_IMPRINT:
            paragraph.get_or_add_pPr().pageBreakBefore_val = True
            break
    return paragraphs


_W = {"w": nsmap["w"]}
_TEXTS = etree.XPath(".//w:t/text()", namespaces=_W)


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
            kept = _w("rPr")
            kept.extend(copy.deepcopy(c) for c in children)
        pieces.append((text, kept))
        previous_key = key
    return tuple(pieces)


def _is_language_child(element: Any) -> bool:
    return etree.QName(element).localname in docx_runs.RUN_LANGUAGE_CHILDREN


def _toc_entries(start: Any, styles: _StyleIds) -> list[TocEntry]:
    """The entry of every heading of levels 1 to TOC_DEPTH after the ``start`` paragraph."""
    levels = {styles[name]: level for level, name in enumerate(HEADING_STYLES, start=1)}
    ids = {f"s{number}": style for number, style in enumerate(levels)}
    # one XPath query, run by libxml2, instead of a look at every paragraph of the book
    select = " or ".join(f"@w:val=${name}" for name in ids)
    query = etree.XPath(f"following::w:p[w:pPr/w:pStyle[{select}]]", namespaces=_W)
    headings = query(start, **ids)
    entries: list[TocEntry] = []
    for paragraph in headings:
        level = levels[_paragraph_style(paragraph) or ""]
        text, name = _heading_text(paragraph), _bookmark_name(paragraph)
        if text and name:
            language = _heading_language(paragraph)
            entries.append(TocEntry(level, text, name, language, _heading_runs(paragraph)))
    return entries


def _w(tag: str, **attrs: str) -> Any:
    """A WordprocessingML element ``w:tag`` with ``w:`` attributes."""
    return OxmlElement(f"w:{tag}", attrs={qn(f"w:{k}"): v for k, v in attrs.items()})


def _run(child: Any) -> Any:
    """A run holding ``child``."""
    run = _w("r")
    run.append(child)
    return run


def _text_run(text: str, language: str | None = None) -> Any:
    """A run of plain text, marked as being in ``language`` when given."""
    t = _w("t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run = _run(t)
    if language:
        rpr = _w("rPr")
        rpr.append(_w("lang", val=language))
        run.insert(0, rpr)
    return run


def _toc_paragraph(style_id: str) -> Any:
    """An empty paragraph in the paragraph style ``style_id``."""
    paragraph = _w("p")
    ppr = _w("pPr")
    ppr.append(_w("pStyle", val=style_id))
    paragraph.append(ppr)
    return paragraph


def _toc_field(entries: list[TocEntry], styles: _StyleIds) -> list[Any]:
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
        link = _w("hyperlink", anchor=entry.bookmark, history="1")
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
    opening (see :func:`_word_settings`)."""
    return [
        _run(_w("tab")),
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
    return _run(_w("fldChar", fldCharType=kind))


def _instruction(code: str) -> Any:
    """A run holding a field instruction such as ``PAGE``."""
    instr = _w("instrText")
    instr.text = code
    instr.set(qn("xml:space"), "preserve")
    return _run(instr)


def _insert_after(anchor: Any, elements: list[Any]) -> None:
    """Insert ``elements`` right after ``anchor``, keeping their order."""
    for element in reversed(elements):
        anchor.addnext(element)


def _set_language(document: Any, language: str) -> None:
    """Make ``language`` the default of the text (styles) and the theme (settings), in the slot
    of its script (Word's defaults stay in the other slots).

    Also drops the proofing state and revision-save ids pandoc copies from its template.
    """
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _w("docDefaults")
        document.styles.element.insert(0, defaults)
    rpr_default = _child(defaults, "rPrDefault", first=True)
    rpr = _child(rpr_default, "rPr")
    lang = docx_runs.set_rpr_child(rpr, "lang")
    attributes = docx_runs.language_attributes(language)
    for key, value in attributes.items():
        lang.set(qn(f"w:{key}"), value)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        for key, value in attributes.items():
            theme_lang.set(qn(f"w:{key}"), value)
    for tag in ("w:proofState", "w:rsids"):  # editing history, not content
        for element in settings.findall(qn(tag)):
            settings.remove(element)


_NOTE_PARTS = ("/word/footnotes.xml", "/word/endnotes.xml")


def _note_parts(document: Any) -> dict[Any, Any]:
    """The footnotes and endnotes parts (python-docx keeps them as bytes), parsed."""
    parts = {}
    for part in document.part.package.parts:
        if str(part.partname) in _NOTE_PARTS:
            try:
                parts[part] = parse_xml(part.blob)
            except etree.XMLSyntaxError as exc:
                raise IdmbookError(f"pandoc wrote notes that cannot be read: {exc}") from None
    return parts


def _store_note_parts(parts: dict[Any, Any]) -> None:
    """Write the parsed note parts back into their parts."""
    for part, root in parts.items():
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_HEADING_STYLES_ALL = tuple(f"heading {level}" for level in range(1, 10))
_RULES = etree.XPath(
    ".//w:p[w:r/w:pict/*[@o:hr='t']]",
    namespaces={**_W, "o": "urn:schemas-microsoft-com:office:office"},
)


def _finish_text(root: Any, styles: _StyleIds) -> None:
    """Languages, fonts and directions of the text under ``root``; horizontal rules."""
    docx_runs.set_special_fonts(root)
    docx_runs.complete_languages(root)
    docx_runs.paragraph_directions(root)
    docx_runs.right_to_left_tables(root)
    body, first = styles.get("Body Text"), styles.get("First Paragraph")
    if body is not None:
        headings = frozenset(filter(None, (styles.get(name) for name in _HEADING_STYLES_ALL)))
        docx_runs.keep_body_style(root, body, first or body, headings)
    rule = styles.get(STYLE_HORIZONTAL_RULE)
    if rule is not None:
        for paragraph in _RULES(root):
            _house_rule(paragraph, rule)


KEEP = "idm-keep-"
STICKY = "idm-sticky-"
"""Bookmark (div id) prefixes of the book's keep-together and keep-with-next passages (see
:mod:`idmbook.compose.assemble`)."""


def _keep_together(body: Any) -> None:
    """The paragraphs of a kept passage (a recommendation and its attribution) kept on one
    page: keep lines together on each, keep with next on all but the last; those of a sticky
    passage (a byline) kept with the paragraph after them."""
    # pandoc numbers the bookmarks of divs and of sections apart, so two open bookmarks can
    # share an id: an end closes the latest bookmark opened with its id (they nest)
    opened: dict[str, list[tuple[str, list[Any]]]] = {}
    start, end, paragraph = qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:p")
    for element in body.iter(start, end, paragraph):
        if element.tag == start:
            name = str(element.get(qn("w:name")) or "")
            opened.setdefault(str(element.get(qn("w:id"))), []).append((name, []))
        elif element.tag == end:
            stack = opened.get(str(element.get(qn("w:id"))))
            if stack:
                name, paragraphs = stack.pop()
                if name.startswith((KEEP, STICKY)):
                    _keep(paragraphs, sticky=name.startswith(STICKY))
        else:
            for stack in opened.values():
                for name, paragraphs in stack:
                    if name.startswith((KEEP, STICKY)):
                        paragraphs.append(element)


def _keep(paragraphs: list[Any], sticky: bool) -> None:
    for index, kept in enumerate(paragraphs):
        properties = _child(kept, "pPr", first=True)
        if sticky or index < len(paragraphs) - 1:
            _set_flag(properties, "keepNext")
        if not sticky:
            _set_flag(properties, "keepLines")


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


def _set_flag(properties: Any, name: str) -> None:
    """The on/off property ``w:name`` set on in the paragraph properties ``properties``, at
    its place in the schema's order."""
    if properties.find(qn(f"w:{name}")) is not None:
        return
    flag = _w(name)
    before = _PPR_ORDER[: _PPR_ORDER.index(name)]
    at = 0
    for index, child in enumerate(properties):
        if etree.QName(child).localname in before:
            at = index + 1
    properties.insert(at, flag)


def _rows_kept_whole(body: Any) -> None:
    """No table row split across pages (``w:cantSplit``), and the header rows pandoc marks
    (``w:tblHeader``) repeated at the top of each page a table runs onto."""
    for row in body.iter(qn("w:tr")):
        properties = row.find(qn("w:trPr"))
        if properties is None:
            properties = _w("trPr")
            at = 1 if len(row) and row[0].tag in (qn("w:tblPrEx"),) else 0
            row.insert(at, properties)
        if properties.find(qn("w:cantSplit")) is None:
            properties.insert(0, _w("cantSplit"))


_WORD_URI = "http://schemas.microsoft.com/office/word"
COMPATIBILITY_MODE = "15"
"""Word 2013 and later: the file opens in Word's current layout, not in Compatibility Mode."""


def _word_settings(document: Any) -> None:
    """The document settings Word reads on opening: the current compatibility mode, and a
    request to update fields (the contents' page numbers; Word asks the user first)."""
    settings = document.settings.element
    for tag in ("w:updateFields", "w:compat"):
        for old in settings.findall(qn(tag)):
            settings.remove(old)
    compat = _w("compat")
    for name, value in (
        ("compatibilityMode", COMPATIBILITY_MODE),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"),
    ):
        compat.append(_w("compatSetting", name=name, uri=_WORD_URI, val=value))
    _insert_before(settings, _w("updateFields", val="true"), _AFTER_UPDATE)
    _insert_before(settings, compat, _AFTER_COMPAT)


_AFTER_COMPAT = [
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
]
"""The children of w:settings that come after w:compat in the schema's order (Word refuses
a settings part out of order)."""
_AFTER_UPDATE = ["hdrShapeDefaults", "footnotePr", "endnotePr", "compat", *_AFTER_COMPAT]
"""Those that come after w:updateFields."""


def _insert_before(parent: Any, element: Any, after: list[str]) -> None:
    """``element`` inserted into ``parent`` before its first child named in ``after``."""
    for index, child in enumerate(parent):
        if etree.QName(child).localname in after:
            parent.insert(index, element)
            return
    parent.append(element)


def _openings_without_header(document: Any, front: list[Any], styles: _StyleIds) -> None:
    """The imprint, the contents and each chapter start a section of their own whose first
    page shows no running header (the section's first-page header, the cover's, is empty):
    the running header is on the pages that follow an opening, not on the opening itself.

    The new sections have the body's page set-up and headers; the page break that the
    opening's style or paragraph asked for is given by the section break instead (both would
    leave a blank page)."""
    body = document.element.body
    last = body.find(qn("w:sectPr"))
    if last is None:
        return
    if last.find(qn("w:titlePg")) is None:
        last.append(_w("titlePg"))
    cover = copy.deepcopy(last)
    # after the cover, an opening page has the page number: its first-page footer is the
    # body's footer (the cover's own is empty)
    footers = {f.get(qn("w:type")): f for f in last.findall(qn("w:footerReference"))}
    if "first" in footers and "default" in footers:
        footers["first"].set(qn("r:id"), str(footers["default"].get(qn("r:id"))))
    openings = _openings(body, front, styles)
    for opening in openings:
        section = copy.deepcopy(cover if opening is openings[0] else last)
        _section_before(opening, section)


def _openings(body: Any, front: list[Any], styles: _StyleIds) -> list[Any]:
    """The imprint's first paragraph, the contents' heading and each chapter's heading."""
    chapter = styles.get("Heading 1")
    openings = [p for p in front if _paragraph_style(p) in (styles[STYLE_IMPRINT],)][:1]
    openings += [p for p in front if _paragraph_style(p) == styles.get("TOC Heading")][:1]
    if chapter is not None:
        openings += [
            p for p in body.findall(qn("w:p")) if _paragraph_style(p) == chapter and p not in front
        ]
    return openings


def _section_before(opening: Any, section: Any) -> None:
    """End a section (``section``'s set-up) right before ``opening``, which then starts a page
    by the section break rather than by a page break of its own."""
    before = opening.getprevious()
    while before is not None and before.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        before = before.getprevious()
    if before is None:
        return
    if before.tag != qn("w:p"):  # a table or anything else: an empty paragraph ends it
        carrier = _w("p")
        before.addnext(carrier)
        before = carrier
    properties = _child(before, "pPr", first=True)
    if properties.find(qn("w:sectPr")) is not None:
        return
    kind = section.find(qn("w:type"))
    if kind is not None:
        section.remove(kind)
    properties.append(section)
    opening_properties = _child(opening, "pPr", first=True)
    for old in opening_properties.findall(qn("w:pageBreakBefore")):
        opening_properties.remove(old)
    _set_flag(opening_properties, "pageBreakBefore")
    opening_properties.find(qn("w:pageBreakBefore")).set(qn("w:val"), "0")


def _house_rule(paragraph: Any, style: str) -> None:
    """A horizontal rule (pandoc draws a VML line) as an empty paragraph in the house style's
    rule: a short centred line, which Word and LibreOffice draw alike."""
    for child in list(paragraph):
        paragraph.remove(child)
    paragraph.append(_w("pPr"))
    paragraph[0].append(_w("pStyle", val=style))


def _child(parent: Any, tag: str, first: bool = False) -> Any:
    """The ``w:tag`` child of ``parent``, created (first or last) when missing."""
    child = parent.find(qn(f"w:{tag}"))
    if child is None:
        child = _w(tag)
        if first:
            parent.insert(0, child)
        else:
            parent.append(child)
    return child


def _fill_header_footer(document: Any, meta: BookMeta, styles: _StyleIds) -> None:
    """Running header on every page but the cover; in a draft, watermark and footer note.

    The reference document gives the section a first-page header and footer (the cover's, empty)
    and the default ones (running header; page number in the footer).
    """
    section = document.sections[0]
    header = section.header
    running = meta.running_header or meta.title
    if header.paragraphs:
        header.paragraphs[0].text = running
    else:
        header.add_paragraph(running)._p.style = styles["header"]
    if not meta.draft:
        return
    for number, part in enumerate((section.first_page_header, header), start=1):
        paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
        paragraph._p.append(_watermark_run(meta.watermark, number))
    if meta.footer_note:
        note_style = styles[STYLE_FOOTER_NOTE]
        for footer in (section.first_page_footer, section.footer):
            footer.add_paragraph(meta.footer_note)._p.style = note_style


_WATERMARK_XML = """\
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
     xmlns:w10="urn:schemas-microsoft-com:office:word">
<w:rPr><w:noProof/></w:rPr>
<w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
  path="m@7,l@8,m@5,21600l@6,21600e">
<v:formulas>
<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
<v:f eqn="sum @6 0 @5"/>
</v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
  o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/>
<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{spid}" type="#_x0000_t136"
  style="position:absolute;margin-left:0;margin-top:0;width:{width:.1f}pt;height:{height:.1f}pt;\
rotation:315;z-index:-251654144;mso-position-horizontal:center;\
mso-position-horizontal-relative:margin;mso-position-vertical:center;\
mso-position-vertical-relative:margin"
  o:allowincell="f" fillcolor="#c0c0c0" stroked="f">
<v:fill opacity=".5"/>
<v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string={text}/>
<w10:wrap anchorx="margin" anchory="margin"/>
</v:shape>
</w:pict>
</w:r>"""
"""Word's own "Watermark" shape: light grey text path, rotated 315 degrees, behind the text."""


def _watermark_run(text: str, number: int) -> Any:
    """A run holding a diagonal watermark shape; ``number`` keeps shape ids unique per header."""
    text = " ".join(text.split()) or "DRAFT"
    height = 110.0
    width = height * 0.72 * len(text)
    if width > 470.0:
        width, height = 470.0, 470.0 / (0.72 * len(text))
    xml = _WATERMARK_XML.format(
        number=number, spid=2048 + number, width=width, height=height, text=quoteattr(text)
    )
    return parse_xml(xml)


def _set_core_properties(document: Any, meta: BookMeta) -> None:
    """Title, author, subject, keywords, language and dates; no revision counter."""
    props = document.core_properties
    when = datetime.fromtimestamp(max(meta.timestamp, 0), tz=UTC).replace(tzinfo=None)
    props.title = meta.title
    props.author = meta.author
    props.subject = meta.subject
    props.keywords = word_keywords(meta)  # (python-docx takes 255 characters at most)
    props.language = meta.language
    props.last_modified_by = meta.publisher
    props.created = when
    props.modified = when
    props.content_status = "Draft" if meta.draft else ""
    revision = props._element.find(qn("cp:revision"))
    if revision is not None:
        props._element.remove(revision)


def _app_xml(meta: BookMeta) -> bytes:
    """Extended properties naming the publisher, without pandoc's made-up word counts."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes">'
        f"<Company>{escape(meta.publisher)}</Company>"
        "<Application>idmbook</Application><DocSecurity>0</DocSecurity></Properties>"
    ).encode()


# --------------------------------------------------------------------------------------------
# The package


def deterministic_zip(
    data: bytes, timestamp: int, replace: Mapping[str, bytes] | None = None
) -> bytes:
    """Rewrite the ZIP package ``data`` so equal content gives equal bytes.

    Entries keep their content (or take ``replace[name]`` when given) and are written with
    "[Content_Types].xml" first and the others sorted by name, one date derived from
    ``timestamp`` (clamped to the range a ZIP can store), fixed attributes and ZIP_DEFLATED.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            entries = {info.filename: source.read(info) for info in source.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IdmbookError(f"the DOCX package could not be read: {exc}") from None
    return zip_members({**entries, **(replace or {})}, timestamp)


def zip_members(entries: Mapping[str, bytes], timestamp: int) -> bytes:
    """A ZIP package of ``entries`` in which equal content gives equal bytes (see
    :func:`deterministic_zip`)."""
    clamped = min(max(timestamp, ZIP_EPOCH_MIN), ZIP_EPOCH_MAX)
    date_time = time.gmtime(clamped)[:6]
    names = sorted(entries, key=lambda name: (name != "[Content_Types].xml", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            # level 3: the IDM book's document.xml deflates in 8 ms instead of 19 ms (level 6)
            # into 13 % more bytes
            target.writestr(info, entries[name], compresslevel=3)
    return out.getvalue()
