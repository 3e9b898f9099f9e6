"""`idmbook translate import`: translated XLIFF 2.0 (or PO) files back into NAME.LANG.md.

Import reads the targets back and writes ``NAME.LANG.md`` beside the original: the original's
layout with each segment's text replaced by its translation, and the codes replaced by the
original's own markup. A file whose codes were removed, added or reordered out of their pairs,
or whose original changed since the export, is refused (IDM086) and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from lxml import etree

from idmbook.commands.inline import Pair, Placeholder, Token, tokens
from idmbook.commands.translate import Original, load_originals, write_text
from idmbook.commands.xliff import NS, SECTION_HEADINGS, Unit, qname, section_of, units_of
from idmbook.diagnostics import Report
from idmbook.errors import ProblemsFound
from idmbook.load.frontmatter import TextFile, split
from idmbook.load.segments import fingerprint
from idmbook.load.sources import find_root, rel_path
from idmbook.model.documents import Note
from idmbook.rules import diag


@dataclass
class _Imported:
    path: Path
    text: str


def import_files(start: Path, files: list[Path], translator: str | None, final: bool) -> list[str]:
    """Write ``NAME.LANG.md`` for each XLIFF file of ``files``; every file is read and checked
    before anything is written. The translations written, by their project paths."""
    report = Report()
    results: list[_Imported] = []
    project_root = find_root(start)
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
    files = root_element.findall(qname("file"))
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
        n.get("category"): (n.text or "")
        for n in files[0].findall(f"{qname('notes')}/{qname('note')}")
    }
    targets: dict[str, tuple[Any, int]] = {}
    for unit in store.units:
        target = unit.xmlelement.find(qname("target"))
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
        broken = etree.Element(qname("target"))
        etree.SubElement(broken, qname("unpaired"))
        return broken


def _original_path(
    root: Path, exchange: _Exchange, shown: str, po: bool, report: Report
) -> Path | None:
    """The original the file translates, a file of the project; None (reported) when its
    language or its original cannot be used."""
    import langcodes

    if not langcodes.tag_is_valid(exchange.language):
        where = "the Language header" if po else "trgLang on <xliff>"
        report.add(diag("IDM086", shown, 1, 1, f"no valid language tag in {where}"))
        return None
    original_rel = exchange.original
    path = (root / original_rel).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        path = None  # type: ignore[assignment]
    if path is None or not path.is_file() or ".." in original_rel.split("/"):
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
    return path


def _targets(
    units: list[Unit], exchange: _Exchange, shown: str, po: bool, report: Report
) -> dict[int, str] | None:
    """The translated text of each unit (its original's words where it was left
    untranslated); None (reported) when a unit is missing or its inline codes are broken."""
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
    return translated if ok else None


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
    original_path = _original_path(root, exchange, shown, po, report)
    if original_path is None:
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
    translated = _targets(units, exchange, shown, po, report)
    if translated is None:
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
            section = section_of(segment)
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
