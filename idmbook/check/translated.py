"""Translations beside their originals: ``NAME.LANG.md`` next to ``NAME.md``.

A translation has front matter of its own (:class:`TranslationMeta`: title, translator,
status, and the fingerprint of the original it was made from) and the original's body in
another language. It is checked like its original (the same checks of its text) and against
it (the same recommendations with the same attribute blocks, the same footnotes, pictures and
attribute blocks), and it is stale when the original's text changed since the fingerprint was
recorded. It never counts as a note, a contribution or a chapter of its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from idmbook.check import preflight
from idmbook.diagnostics import Diagnostic, Report
from idmbook.load.frontmatter import FrontMatterFile, TextFile, decode, split
from idmbook.load.modelerrors import validate_model
from idmbook.load.notebody import parse_note_body
from idmbook.load.project import read_source
from idmbook.load.segments import (
    Segment,
    document_segments,
    fingerprint,
    structure,
    structure_differences,
    what_changed,
)
from idmbook.load.sources import rel_path
from idmbook.model.documents import (
    Chapter,
    Contribution,
    Note,
    Translated,
    TranslationMeta,
)
from idmbook.rules import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project

_NAME = re.compile(
    r"^(?P<stem>.+)\.(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.(?P<ext>md|markdown)$"
)


def translation_name(path: Path) -> tuple[Path, str] | None:
    """(the original's path, the language) when ``path`` is named like a translation,
    ``NAME.LANG.md`` with LANG a language tag (children.fr.md, report.es-419.md)."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    import langcodes

    lang = match.group("lang")
    if not langcodes.tag_is_valid(lang):
        return None
    return path.with_name(f"{match.group('stem')}.{match.group('ext')}"), lang


def is_translation(path: Path) -> bool:
    """Whether ``path`` is a translation: named like one, beside an existing original."""
    found = translation_name(path)
    return found is not None and found[0].is_file()


def original_fm(project: Project, rel: str) -> FrontMatterFile | None:
    """The original's file as loaded (its text is in the report's sources)."""
    text = project.report.sources.get(rel)
    if text is None:
        return None
    fm, _ = split(TextFile(rel, text))
    return fm


def segments_of(doc: Note | Contribution | Chapter, fm: FrontMatterFile) -> list[Segment]:
    """The translatable segments of a loaded original."""
    line = fm.position(("title",))[0]
    return document_segments(doc.meta.title, line, fm.body, fm.body_line, isinstance(doc, Note))


def load_translation(
    path: Path, language: str, original: Note | Contribution | Chapter | None, project: Project
) -> Translated | None:
    """Load ``path``, a translation into ``language`` of ``original`` (None: the original
    could not be loaded, and its own diagnostics say why), adding diagnostics to the report."""
    root, report = project.root, project.report
    rel = rel_path(path, root)
    raw = read_source(path, rel, project)
    if raw is None:
        return None
    text_file, problems = decode(raw, rel)
    report.extend(problems)
    if text_file is None:
        return None
    report.sources[rel] = text_file.text
    fm, problems = split(text_file)
    report.extend(problems)
    if fm is None:
        return None
    named = translation_name(path)
    original_rel = rel_path(named[0] if named else path, root)
    if original is None:
        if not (root / original_rel).is_file():
            report.add(
                diag(
                    "IDM080",
                    rel,
                    fm.front_line,
                    1,
                    f"a translation of {original_rel}, which does not exist",
                    "put the translation beside its original, named NAME.LANG.md",
                )
            )
        return None
    meta, problems = validate_model(TranslationMeta, fm)
    report.extend(problems)
    report.extend(preflight.check(fm.body, rel, fm.body_line, root, path.parent, _kind(original)))
    own = original.meta.language or project.config.language
    if own.lower() == language.lower():
        report.add(
            diag(
                "IDM080",
                rel,
                fm.front_line,
                1,
                f"a translation into '{language}' of {original_rel}, which is written in it",
                "name the file after the language it is translated into, NAME.LANG.md",
            )
        )
        return None
    source = original_fm(project, original_rel)
    if meta is None or source is None:
        return None
    report.extend(_structure(fm, original, source, rel))
    doc = _translated_doc(fm, meta, original, source, language, rel, project)
    if doc is None:
        return None
    stale = _staleness(fm, meta, original, source, rel, original_rel, report)
    if meta.status == "draft":
        line, col = fm.position(("status",))
        report.add(
            diag(
                "IDM085",
                rel,
                line,
                col,
                "the translation is still a draft",
                f"set status: final when it has been revised; `idmbook build --final --lang "
                f"{language}` refuses drafts",
            )
        )
    return Translated(rel, original_rel, language, meta, doc, tuple(stale))


def _kind(doc: Note | Contribution | Chapter) -> Literal["note", "contribution", "chapter"]:
    if isinstance(doc, Note):
        return "note"
    return "contribution" if isinstance(doc, Contribution) else "chapter"


def _structure(
    fm: FrontMatterFile, original: Note | Contribution | Chapter, source: FrontMatterFile, rel: str
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for difference, needle in structure_differences(structure(source.body), structure(fm.body)):
        line = fm.body_line
        at = fm.body.find(needle) if needle else -1
        if at >= 0:
            line += fm.body.count("\n", 0, at)
        out.append(
            diag(
                "IDM081",
                rel,
                line,
                1,
                f"{difference} ({source.rel})",
                "translate the words only: keep footnotes, pictures and {...} blocks as they are",
            )
        )
    return out


def _translated_doc(
    fm: FrontMatterFile,
    meta: TranslationMeta,
    original: Note | Contribution | Chapter,
    source: FrontMatterFile,
    language: str,
    rel: str,
    project: Project,
) -> Note | Contribution | Chapter | None:
    report = project.report
    words = len(fm.body.split())
    if isinstance(original, Note):
        body, problems = parse_note_body(fm.body, rel, fm.body_line)
        report.extend(problems)
        if any(p.severity.value == "error" for p in problems):
            return None
        recs = body.recommendations
        theirs = original.recommendations
        if len(recs) != len(theirs):
            report.add(
                diag(
                    "IDM081",
                    rel,
                    body.section_lines.get("recommendations", fm.body_line),
                    1,
                    f"{len(recs)} recommendation{'s' if len(recs) != 1 else ''}; the original "
                    f"{original.rel} has {len(theirs)}",
                    "translate each recommendation as one list item, in the original's order",
                )
            )
            return None
        ok = True
        written, _ = parse_note_body(source.body, original.rel, source.body_line)
        blocks = [r.attributes for r in written.recommendations]
        for number, (mine, rec) in enumerate(zip(recs, theirs, strict=True), start=1):
            if number > len(blocks) or mine.attributes != blocks[number - 1]:
                ok = False
                report.add(
                    diag(
                        "IDM081",
                        rel,
                        mine.attr_line or mine.line,
                        mine.attr_column or 1,
                        f"recommendation {number} has not the attribute block of the original's "
                        f"(line {rec.line} of {original.rel})",
                        "copy the attribute block {themes=... levels=... actors=...} as it is",
                    )
                )
        if not ok:
            return None
        return Note(
            rel=rel,
            meta=original.meta.model_copy(update={"title": meta.title, "language": language}),
            summary=body.sections.get("summary", ""),
            key_messages=body.sections.get("key_messages", ""),
            recommendations=tuple(
                type(rec)(
                    text=mine.text,
                    line=mine.line,
                    themes=rec.themes,
                    levels=rec.levels,
                    actors=rec.actors,
                )
                for mine, rec in zip(recs, theirs, strict=True)
            ),
            words=words,
            lines=original.lines,
        )
    update = {"title": meta.title, "language": language}
    if isinstance(original, Contribution):
        return Contribution(
            rel, original.meta.model_copy(update=update), fm.body.strip("\n"), words, original.lines
        )
    return Chapter(rel, original.meta.model_copy(update=update), fm.body.strip("\n"))


def _staleness(
    fm: FrontMatterFile,
    meta: TranslationMeta,
    original: Note | Contribution | Chapter,
    source: FrontMatterFile,
    rel: str,
    original_rel: str,
    report: Report,
) -> list[str]:
    segments = segments_of(original, source)
    digest, _ = fingerprint(segments)
    if digest == meta.translation_of:
        return []
    changes = what_changed(meta.source_segments, segments) if meta.source_segments else []
    changes = changes or ["its text changed"]
    shown = "; ".join(changes[:8]) + (f"; and {len(changes) - 8} more" if len(changes) > 8 else "")
    line, col = fm.position(("translation_of",))
    report.add(
        diag(
            "IDM082",
            rel,
            line,
            col,
            f"the translation is stale: in {original_rel}, {shown}",
            f"update the translation, then `idmbook translate stamp {rel}`",
        )
    )
    return changes
