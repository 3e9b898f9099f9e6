"""`idmbook translate export`: notes, contributions and chapters as XLIFF 2.0 (or PO) files.

One XLIFF file per original (``xliff/LANG/<the original's path>.xlf``), written with
translate-toolkit. Its ``<file original="...">`` names the original; each unit is one segment
of it (:mod:`idmbook.load.segments`: the title, each heading, paragraph, list item,
recommendation and footnote), with notes for the translator (the workshop, session and themes,
what the unit is) and the paragraph's markup as XLIFF inline codes (``<ph/>`` for a footnote
call, an attribute block, a picture...; ``<pc>`` around emphasised or linked words), whose
Markdown stays in the unit's ``<originalData>``. Code blocks and tables are not exported:
they are copied as they are.

``--format po`` writes the same units as PO entries for tools that prefer it (Weblate,
Crowdin): ``msgctxt`` the unit's id, the codes written ``<x1/>`` and ``<g2>...</g2>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from idmbook.check.translated import translation_name
from idmbook.commands.inline import Placeholder, Token, tokens
from idmbook.commands.translate import Original, load_originals
from idmbook.commands.xliff import Unit, qname, units_of
from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError
from idmbook.load.project import Project
from idmbook.load.segments import fingerprint
from idmbook.load.sources import discover, find_root, rel_path
from idmbook.model.documents import Chapter, Note


def export(
    start: Path, language: str, paths: list[Path] | None, out: Path | None, fmt: str = "xlf"
) -> list[Path]:
    """Write one XLIFF file (``fmt`` "xlf") or PO file ("po") per original of ``paths`` (every
    note, contribution and chapter when None) for translation into ``language``; the files
    written."""
    project, originals = load_originals(start, _originals(find_root(start), paths))
    originals = _to_translate(project, originals, language, explicit=paths is not None)
    folder = out or project.root / "xliff" / language
    files: dict[Path, bytes] = {}
    for original in originals:
        rel = rel_path(original.path.absolute(), project.root)
        if fmt == "po":
            files[folder / (rel.rsplit(".", 1)[0] + ".po")] = _po_file(
                project, original, rel, language
            )
        else:
            files[folder / (rel.rsplit(".", 1)[0] + ".xlf")] = _xliff_file(
                project, original, rel, language
            )
    for target, data in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return list(files)


def _originals(project_root: Path, paths: list[Path] | None) -> list[Path]:
    """The originals named (a translation named is refused), or every Markdown source."""
    if paths is None:
        found = discover(project_root, Report())
        paths = [p for p, kind in found if kind is not None and translation_name(p) is None]
        return [p for p in paths if p.suffix.lower() in (".md", ".markdown")]
    paths = [p.absolute() for p in paths]
    for path in paths:
        named = translation_name(path)
        if named is not None and named[0].is_file():
            raise IdmbookError(
                f"{path}: a translation, not an original", "export the original NAME.md"
            )
    return paths


def _to_translate(
    project: Project, originals: list[Original], language: str, explicit: bool
) -> list[Original]:
    """The originals not written in ``language`` already (one named explicitly is refused)."""
    kept: list[Original] = []
    for original in originals:
        written_in = original.doc.meta.language or project.config.language
        if written_in.split("-")[0].lower() != language.split("-")[0].lower():
            kept.append(original)
        elif explicit:
            rel = rel_path(original.path.absolute(), project.root)
            raise IdmbookError(f"{rel} is written in '{written_in}' already")
    return kept


def _xliff_file(project: Project, original: Original, rel: str, language: str) -> bytes:
    from translate.storage.xliff2 import Xliff2File

    store = Xliff2File()
    store.setsourcelanguage(original.doc.meta.language or project.config.language)
    store.settargetlanguage(language)
    store.body.set("id", "f1")
    store.body.set("original", rel)
    digest, segments = fingerprint(original.segments)
    _notes(
        store.body,
        [
            ("idmbook-fingerprint", digest),
            ("idmbook-segments", segments),
            ("description", _about(project, original)),
        ],
    )
    for number, unit in enumerate(units_of(original), start=1):
        _add_unit(store, f"u{number}", unit, original, project)
    return bytes(store)


def _about(project: Project, original: Original) -> str:
    doc = original.doc
    if isinstance(doc, Chapter):
        return "Editorial chapter of the publication."
    themes = _themes(project, doc.meta.themes)
    if isinstance(doc, Note):
        workshop = project.config.workshop(doc.meta.workshop)
        session = (
            next((s for s in workshop.sessions if s.id == doc.meta.session), None)
            if workshop
            else None
        )
        where = f"{workshop.title} ({workshop.city})" if workshop else doc.meta.workshop
        title = session.title if session else doc.meta.session
        return f"Rapporteur's note. Workshop: {where}. Session: {title}. Themes: {themes}."
    return f"Contribution of {doc.meta.organisation}. Themes: {themes}."


def _themes(project: Project, ids: Sequence[str]) -> str:
    titles: list[str] = []
    for theme_id in ids:
        theme = project.taxonomy.parent(theme_id)
        if theme is not None and theme.title not in titles:
            titles.append(theme.title)
    return ", ".join(titles)


def _notes(parent: Any, notes: list[tuple[str, str]]) -> None:
    element = etree.Element(qname("notes"))
    for category, text in notes:
        note = etree.SubElement(element, qname("note"))
        note.set("category", category)
        note.text = text
    parent.insert(0, element)


def _add_unit(store: Any, ident: str, unit: Unit, original: Original, project: Project) -> None:
    from translate.storage.xliff2 import Xliff2Unit

    xunit = Xliff2Unit("")
    store.addunit(xunit)
    xunit.setid(ident)
    element = xunit.getunitelement()
    _notes(element, _unit_notes(unit, original, project))
    source = xunit.xmlelement.find(qname("source"))
    data: list[str] = []
    _fill(source, tokens(unit.text), data)
    if data:
        original_data = etree.Element(qname("originalData"))
        for index, value in enumerate(data, start=1):
            item = etree.SubElement(original_data, qname("data"))
            item.set("id", f"d{index}")
            item.text = value
        element.insert(1, original_data)


def _unit_notes(unit: Unit, original: Original, project: Project) -> list[tuple[str, str]]:
    """The notes for the translator of one unit: what and where it is, a recommendation's
    themes."""
    segment = unit.segment
    what = {
        "title": "The title.",
        "heading": "A heading.",
        "recommendation": f"Recommendation {segment.number}.",
        "item": "A list item.",
        "footnote": "A footnote.",
    }.get(segment.kind, "A paragraph.")
    notes = [("location", f"{what} Line {segment.line} of the original.")]
    doc = original.doc
    if (
        segment.kind == "recommendation"
        and isinstance(doc, Note)
        and segment.number <= len(doc.recommendations)
    ):
        rec = doc.recommendations[segment.number - 1]
        notes.append(("themes", f"Themes: {_themes(project, rec.themes)}."))
    return notes


def _po_file(project: Project, original: Original, rel: str, language: str) -> bytes:
    """The PO file of ``original``: one entry per unit (msgctxt its id), the codes written
    ``<x1/>`` and ``<g2>...</g2>``, the notes as comments for the translator."""
    from translate.storage.po import pofile

    store = pofile()
    _, segments = fingerprint(original.segments)
    store.updateheader(  # type: ignore[no-untyped-call]
        add=True,
        Language=language,
        X_Idmbook_Original=rel,
        X_Idmbook_Segments=segments,
    )
    about = _about(project, original)
    for number, unit in enumerate(units_of(original), start=1):
        entry = store.addsourceunit(_po_codes(tokens(unit.text), [0]))
        entry.setcontext(f"u{number}")
        if number == 1:
            entry.addnote(about, origin="developer")
        for _, note in _unit_notes(unit, original, project):
            entry.addnote(note, origin="developer")
        entry.addlocation(f"{rel}:{unit.segment.line}")
    return bytes(store)


def _po_codes(parts: list[Token], counter: list[int]) -> str:
    """``parts`` as PO text, numbered as :func:`_fill` numbers the XLIFF codes."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Placeholder):
            counter[0] += 1
            out.append(f"<x{counter[0]}/>")
        else:
            counter[0] += 1
            ident = counter[0]
            counter[0] += 1
            out.append(f"<g{ident}>{_po_codes(part.inside, counter)}</g{ident}>")
    return "".join(out)


def _fill(element: Any, parts: list[Token], data: list[str]) -> None:
    """Put ``parts`` into ``element`` as text, ``<ph/>`` and ``<pc>``; ``data`` collects the
    Markdown each code stands for."""
    last: Any = None

    def text(value: str) -> None:
        if last is None:
            element.text = (element.text or "") + value
        else:
            last.tail = (last.tail or "") + value

    for part in parts:
        if isinstance(part, str):
            text(part)
            continue
        if isinstance(part, Placeholder):
            data.append(part.data)
            last = etree.SubElement(element, qname("ph"))
            last.set("id", str(len(data)))
            last.set("dataRef", f"d{len(data)}")
            continue
        data.append(part.start)
        start = len(data)
        data.append(part.end)
        last = etree.SubElement(element, qname("pc"))
        last.set("id", str(start))
        last.set("dataRefStart", f"d{start}")
        last.set("dataRefEnd", f"d{start + 1}")
        _fill(last, part.inside, data)
