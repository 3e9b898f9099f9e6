"""`idmbook translate export` and `import`: notes, contributions and chapters as XLIFF 2.0.

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

Import reads the targets back and writes ``NAME.LANG.md`` beside the original: the original's
layout with each segment's text replaced by its translation, and the codes replaced by the
original's own markup. A file whose codes were removed, added or reordered out of their pairs,
or whose original changed since the export, is refused (IDM086) and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from idmbook.commands.inline import Pair, Placeholder, Token, tokens
from idmbook.commands.translate import Original, load_originals, write_text
from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError, ProblemsFound
from idmbook.load.notebody import SECTIONS
from idmbook.load.project import Project
from idmbook.load.segments import Segment, fingerprint
from idmbook.load.sources import discover, rel_path
from idmbook.load.translations import translation_name
from idmbook.model.documents import Chapter, Note
from idmbook.rules import diag

NS = "urn:oasis:names:tc:xliff:document:2.0"
_SKIPPED = ("code",)


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


@dataclass
class Unit:
    """One exported segment: its place in the original and how it is written there."""

    segment: Segment
    prefix: str
    """What stays before the translated text on its line (list marker, hashes, '> ')."""
    text: str
    """The segment's text on one line."""
    first: int
    last: int
    """Lines of the original's body the segment covers (0-based, inclusive)."""


SECTION_HEADINGS = {
    "fr": {
        "summary": "Résumé",
        "key_messages": "Messages clés",
        "recommendations": "Recommandations",
    },
    "es": {
        "summary": "Resumen",
        "key_messages": "Mensajes clave",
        "recommendations": "Recomendaciones",
    },
}
"""The headings of a note's sections in the languages whose headings idmbook reads."""


def _section(segment: Segment) -> str | None:
    """The note section a level-2 heading opens, if it is one."""
    if segment.kind != "heading" or segment.marker != "##":
        return None
    name = " ".join(segment.text.rstrip(": \t\u00a0\u202f").split()).lower()
    return SECTIONS.get(name)


def units_of(original: Original) -> list[Unit]:
    """The exported units of ``original``: its segments but code blocks, tables and a note's
    section headings (which import writes in the translation's language)."""
    out: list[Unit] = []
    body_line = original.source.body_line
    note = isinstance(original.doc, Note)
    for segment in original.segments:
        if segment.kind == "title":
            out.append(Unit(segment, "", segment.text, -1, -1))
            continue
        if note and _section(segment) is not None:
            continue
        lines = segment.text.split("\n")
        if segment.kind in _SKIPPED or all(line.lstrip().startswith("|") for line in lines):
            continue
        first = segment.line - body_line
        last = first + len(lines) - 1
        if segment.kind == "heading":
            prefix = segment.marker + " "
        elif segment.marker:
            prefix = segment.marker
        else:
            prefix = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
        stripped = [line.strip() for line in lines]
        if stripped[0].startswith(">") and all(s.startswith(">") for s in stripped):
            prefix += "> "
            stripped = [s[1:].strip() for s in stripped]
        out.append(Unit(segment, prefix, " ".join(s for s in stripped if s), first, last))
    return out


# --------------------------------------------------------------------------- export


def export(
    start: Path, language: str, paths: list[Path] | None, out: Path | None, fmt: str = "xlf"
) -> list[Path]:
    """Write one XLIFF file (``fmt`` "xlf") or PO file ("po") per original of ``paths`` (every
    note, contribution and chapter when None) for translation into ``language``; the files
    written."""
    from translate.storage.xliff2 import Xliff2File

    project_root = _root(start)
    explicit = paths is not None
    if paths is None:
        found = discover(project_root, Report())
        paths = [p for p, kind in found if kind is not None and translation_name(p) is None]
        paths = [p for p in paths if p.suffix.lower() in (".md", ".markdown")]
    else:
        paths = [p.absolute() for p in paths]
        for path in paths:
            named = translation_name(path)
            if named is not None and named[0].is_file():
                raise IdmbookError(
                    f"{path}: a translation, not an original", "export the original NAME.md"
                )
    project, originals = load_originals(start, paths)
    kept: list[Original] = []
    for original in originals:
        written_in = original.doc.meta.language or project.config.language
        if written_in.split("-")[0].lower() != language.split("-")[0].lower():
            kept.append(original)
        elif explicit:
            rel = rel_path(original.path.absolute(), project.root)
            raise IdmbookError(f"{rel} is written in '{written_in}' already")
    originals = kept
    folder = out or project.root / "xliff" / language
    written: list[Path] = []
    files: dict[Path, bytes] = {}
    for original in originals:
        own = original.doc.meta.language
        source_language = own or project.config.language
        rel = rel_path(original.path.absolute(), project.root)
        if fmt == "po":
            files[folder / (rel.rsplit(".", 1)[0] + ".po")] = _po_file(
                project, original, rel, language
            )
            continue
        store = Xliff2File()
        store.setsourcelanguage(source_language)
        store.settargetlanguage(language)
        rel = rel_path(original.path.absolute(), project.root)
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
        target = folder / (rel.rsplit(".", 1)[0] + ".xlf")
        files[target] = bytes(store)
    for target, data in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


def _root(start: Path) -> Path:
    from idmbook.load.sources import find_root

    return find_root(start)


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
    element = etree.Element(_q("notes"))
    for category, text in notes:
        note = etree.SubElement(element, _q("note"))
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
    source = xunit.xmlelement.find(_q("source"))
    data: list[str] = []
    _fill(source, tokens(unit.text), data)
    if data:
        original_data = etree.Element(_q("originalData"))
        for index, value in enumerate(data, start=1):
            item = etree.SubElement(original_data, _q("data"))
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
            last = etree.SubElement(element, _q("ph"))
            last.set("id", str(len(data)))
            last.set("dataRef", f"d{len(data)}")
            continue
        data.append(part.start)
        start = len(data)
        data.append(part.end)
        last = etree.SubElement(element, _q("pc"))
        last.set("id", str(start))
        last.set("dataRefStart", f"d{start}")
        last.set("dataRefEnd", f"d{start + 1}")
        _fill(last, part.inside, data)


# --------------------------------------------------------------------------- import


@dataclass
class _Imported:
    path: Path
    text: str


def import_files(start: Path, files: list[Path], translator: str | None, final: bool) -> list[str]:
    """Write ``NAME.LANG.md`` for each XLIFF file of ``files``; every file is read and checked
    before anything is written. The translations written, by their project paths."""
    report = Report()
    results: list[_Imported] = []
    project_root = _root(start)
    for file in files:
        done = _import_one(start, project_root, file, translator, final, report)
        if done is not None:
            results.append(done)
    if report.has_errors:
        raise ProblemsFound("nothing was imported", report=report)
    for result in results:
        write_text(result.path, result.text)
    return [rel_path(r.path, project_root) for r in results]


@dataclass
class _Exchange:
    """What a translated XLIFF or PO file says."""

    language: str
    original: str
    """The original's project path."""
    segments: str
    """The original's segment hashes when it was exported."""
    line: int
    """Line of the file where the original is named."""
    targets: dict[str, tuple[Any, int]]
    """Unit id -> (its target as an element holding text, <ph/> and <pc>, or None when the
    unit is not translated; the target's line)."""


def _read_xliff(raw: bytes, shown: str, report: Report) -> _Exchange | None:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring
    from translate.storage.xliff2 import Xliff2File

    try:
        fromstring(raw, forbid_dtd=True)  # no DTD, no entity: refused before lxml reads it
        store = Xliff2File.parsestring(raw)  # type: ignore[no-untyped-call]
    except (
        DefusedXmlException,
        ParseError,
        etree.XMLSyntaxError,
        ValueError,
        AssertionError,
    ) as exc:
        report.add(diag("IDM086", shown, 0, 0, f"not an XLIFF 2 file: {exc}"))
        return None
    root_element = store.document.getroot()
    files = root_element.findall(_q("file"))
    if len(files) != 1 or not files[0].get("original"):
        report.add(
            diag(
                "IDM086",
                shown,
                root_element.sourceline or 1,
                1,
                "not a file written by `idmbook translate export` (one <file original=...>)",
            )
        )
        return None
    recorded = {
        n.get("category"): (n.text or "") for n in files[0].findall(f"{_q('notes')}/{_q('note')}")
    }
    targets: dict[str, tuple[Any, int]] = {}
    for unit in store.units:
        target = unit.xmlelement.find(_q("target"))
        if target is None or not "".join(target.itertext()).strip():
            targets[str(unit.getid())] = (None, unit.xmlelement.sourceline or 1)
        else:
            targets[str(unit.getid())] = (target, target.sourceline or 1)
    return _Exchange(
        root_element.get("trgLang") or "",
        files[0].get("original") or "",
        recorded.get("idmbook-segments", ""),
        files[0].sourceline or 1,
        targets,
    )


_PO_CODE = re.compile(r"(<x(\d+)/>|<g(\d+)>|</g(\d+)>)")


def _read_po(raw: bytes, shown: str, report: Report) -> _Exchange | None:
    from translate.storage.po import pofile

    text = raw.decode("utf-8", "replace")
    try:
        store = pofile.parsestring(raw)  # type: ignore[no-untyped-call]
    except (ValueError, UnicodeDecodeError) as exc:
        report.add(diag("IDM086", shown, 0, 0, f"not a PO file: {exc}"))
        return None
    header = store.parseheader()
    original = str(header.get("X-Idmbook-Original") or "")
    if not original:
        report.add(
            diag(
                "IDM086",
                shown,
                1,
                1,
                "not a file written by `idmbook translate export --format po` "
                "(no X-Idmbook-Original header)",
            )
        )
        return None
    targets: dict[str, tuple[Any, int]] = {}
    for unit in store.units:
        if unit.isheader():
            continue
        context = str(unit.getcontext() or "")
        where = text.find(f'msgctxt "{context}"')
        line = text.count("\n", 0, where) + 1 if where >= 0 else 1
        target = str(unit.target or "")
        if not target.strip():
            targets[context] = (None, line)
            continue
        targets[context] = (_po_element(target), line)
    return _Exchange(
        str(header.get("Language") or ""),
        original,
        str(header.get("X-Idmbook-Segments") or ""),
        1,
        targets,
    )


def _po_element(target: str) -> Any:
    """A PO target with its codes (``<x1/>``, ``<g2>...</g2>``) as an element holding text,
    ``<ph/>`` and ``<pc>``; a code left open or closed twice becomes an unknown element
    that :func:`_read_target` refuses."""
    from xml.sax.saxutils import escape

    parts: list[str] = []
    position = 0
    for match in _PO_CODE.finditer(target):
        parts.append(escape(target[position : match.start()]))
        if match.group(2):
            parts.append(f'<ph id="{match.group(2)}"/>')
        elif match.group(3):
            parts.append(f'<pc id="{match.group(3)}">')
        else:
            parts.append("</pc>")
        position = match.end()
    parts.append(escape(target[position:]))
    try:
        return etree.fromstring(f'<target xmlns="{NS}">{"".join(parts)}</target>')
    except etree.XMLSyntaxError:
        broken = etree.Element(_q("target"))
        etree.SubElement(broken, _q("unpaired"))
        return broken


def _import_one(
    start: Path, root: Path, file: Path, translator: str | None, final: bool, report: Report
) -> _Imported | None:
    shown = rel_path(file.absolute(), root)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        report.add(diag("IDM086", shown, 0, 0, f"cannot read the file: {exc.strerror}"))
        return None
    report.sources[shown] = raw.decode("utf-8", "replace")
    po = file.suffix.lower() in (".po", ".pot")
    exchange = _read_po(raw, shown, report) if po else _read_xliff(raw, shown, report)
    if exchange is None:
        return None
    language, original_rel = exchange.language, exchange.original
    import langcodes

    if not langcodes.tag_is_valid(language):
        where = "the Language header" if po else "trgLang on <xliff>"
        report.add(diag("IDM086", shown, 1, 1, f"no valid language tag in {where}"))
        return None
    original_path: Path | None = (root / original_rel).resolve()
    try:
        assert original_path is not None
        original_path.relative_to(root.resolve())
    except ValueError:
        original_path = None
    if original_path is None or not original_path.is_file() or ".." in original_rel.split("/"):
        report.add(
            diag(
                "IDM086",
                shown,
                exchange.line,
                1,
                f"its original '{original_rel}' is not a file of the project",
            )
        )
        return None
    try:
        project, originals = load_originals(start, [original_path])
    except ProblemsFound as exc:
        if isinstance(exc.report, Report):
            report.extend(exc.report.diagnostics)
            report.sources.update(exc.report.sources)
        return None
    original = originals[0]
    written_in = original.doc.meta.language or project.config.language
    if written_in.split("-")[0].lower() == language.split("-")[0].lower():
        report.add(
            diag(
                "IDM086",
                shown,
                1,
                1,
                f"a translation into '{language}' of {original_rel}, which is written in it",
            )
        )
        return None
    digest, segments = fingerprint(original.segments)
    if exchange.segments != segments:
        report.add(
            diag(
                "IDM086",
                shown,
                exchange.line,
                1,
                f"{original_rel} changed since this file was exported",
                f"export it again: idmbook translate export --lang {language} {original_rel}",
            )
        )
        return None
    units = units_of(original)
    translated: dict[int, str] = {}
    ok = True
    for number, unit in enumerate(units, start=1):
        found = exchange.targets.get(f"u{number}")
        if found is None:
            report.add(diag("IDM086", shown, 1, 1, f"unit u{number} is missing"))
            ok = False
            continue
        target, line = found
        if target is None:
            translated[number] = unit.text  # left untranslated: the original's words
            continue
        text, problem = _read_target(target, _codes(tokens(unit.text)))
        if problem is not None:
            report.add(
                diag(
                    "IDM086",
                    shown,
                    (problem[1] if not po else 0) or line,
                    1,
                    f"unit u{number} ({unit.segment.describe()}): {problem[0]}",
                    "keep every inline code of the source in the target, once each",
                )
            )
            ok = False
            continue
        translated[number] = " ".join(text.split())
    if not ok:
        return None
    stem, _, suffix = original.path.name.rpartition(".")
    target_path = original.path.with_name(f"{stem}.{language}.{suffix}")
    text = _translation_text(
        target_path, language, original, units, translated, digest, segments, translator, final
    )
    return _Imported(target_path, text)


def _codes(parts: list[Token]) -> dict[str, Token]:
    """The source's codes by their ids, numbered as :func:`_fill` numbers them."""
    codes: dict[str, Token] = {}
    counter = 0

    def walk(items: list[Token]) -> None:
        nonlocal counter
        for part in items:
            if isinstance(part, Placeholder):
                counter += 1
                codes[str(counter)] = part
            elif isinstance(part, Pair):
                counter += 1
                codes[str(counter)] = part
                counter += 1
                walk(part.inside)

    walk(parts)
    return codes


def _read_target(target: Any, codes: dict[str, Token]) -> tuple[str, tuple[str, int] | None]:
    """The Markdown of a target, or the first problem with its codes (message, line)."""
    used: list[str] = []

    def walk(element: Any) -> tuple[str, tuple[str, int] | None]:
        out = [element.text or ""]
        for child in element:
            name = etree.QName(child).localname if isinstance(child.tag, str) else ""
            ident = child.get("id") or ""
            code = codes.get(ident)
            line = child.sourceline or 0
            if name == "ph":
                if not isinstance(code, Placeholder):
                    return "", (f"<ph id='{ident}'> is not a code of the source", line)
                used.append(ident)
                out.append(code.data)
            elif name == "pc":
                if not isinstance(code, Pair):
                    return "", (f"<pc id='{ident}'> is not a code of the source", line)
                used.append(ident)
                inner, problem = walk(child)
                if problem is not None:
                    return "", problem
                out.append(code.start + inner + code.end)
            elif name == "unpaired":
                return "", ("a <gN> code is not closed, or closed twice", line)
            else:
                return "", (f"<{name}> is not an inline code idmbook reads back", line)
            out.append(child.tail or "")
        return "".join(out), None

    text, problem = walk(target)
    if problem is not None:
        return "", problem
    missing = [i for i in codes if i not in used]
    twice = sorted({i for i in used if used.count(i) > 1})
    if missing:
        shown = ", ".join(_describe(codes[i]) for i in missing)
        plural = len(missing) > 1
        return "", (
            f"the inline code{'s' if plural else ''} {shown} {'are' if plural else 'is'} missing",
            0,
        )
    if twice:
        return "", (f"the inline code {', '.join(twice)} is used more than once", 0)
    return text, None


def _describe(code: Token) -> str:
    if isinstance(code, Placeholder):
        return f"'{code.data}'"
    assert isinstance(code, Pair)
    return f"'{code.start}...{code.end}'"


def _translation_text(
    target: Path,
    language: str,
    original: Original,
    units: list[Unit],
    translated: dict[int, str],
    digest: str,
    segments: str,
    translator: str | None,
    final: bool,
) -> str:
    lines = original.source.body.split("\n")
    replaced: dict[int, str | None] = {}
    title = original.doc.meta.title
    for number, unit in enumerate(units, start=1):
        text = translated.get(number, unit.text)
        if unit.segment.kind == "title":
            title = text
            continue
        replaced[unit.first] = unit.prefix + text
        for index in range(unit.first + 1, unit.last + 1):
            replaced[index] = None
    if isinstance(original.doc, Note):
        words = SECTION_HEADINGS.get(language.split("-")[0].lower(), {})
        for segment in original.segments:
            section = _section(segment)
            if section is not None and section in words:
                replaced[segment.line - original.source.body_line] = f"## {words[section]}"
    body: list[str] = []
    for index, line in enumerate(lines):
        if index in replaced:
            value = replaced[index]
            if value is not None:
                body.append(value)
        else:
            body.append(line)
    who = translator or _existing_translator(target) or "unknown"
    front = "\n".join(
        [
            "---",
            f"title: {_yaml(title)}",
            f"translator: {_yaml(who)}",
            f"status: {'final' if final else 'draft'}",
            f'translation_of: "{digest}"',
            f'source_segments: "{segments}"',
        ]
    )
    if getattr(original.doc.meta, "sample", False):
        front += "\nsample: true"
    return front + "\n---\n" + "\n".join(body).rstrip("\n") + "\n"


def _existing_translator(path: Path) -> str | None:
    """The translator named by the translation ``path`` already holds, if any."""
    from idmbook.load.frontmatter import TextFile, split

    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    fm, _ = split(TextFile(path.name, text))
    value = fm.data.get("translator") if fm is not None else None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return value if isinstance(value, str) and value.strip() else None


def _yaml(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
