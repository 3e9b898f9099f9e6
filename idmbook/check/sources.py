"""Every source of a project loaded into models and checked: each file on its own (its front
matter, its body, the build's preflight of its text), then across files."""

from __future__ import annotations

from pathlib import Path

from idmbook.check import preflight
from idmbook.check.memo import LoadMemo, context_digest
from idmbook.check.project import check_project
from idmbook.check.translated import is_translation, load_translation, translation_name
from idmbook.check.wordnote import note_from_word
from idmbook.diagnostics import Report
from idmbook.load.acronyms import load_acronyms
from idmbook.load.frontmatter import FrontMatterFile, TextFile, decode, split
from idmbook.load.modelerrors import validate_keys, validate_model
from idmbook.load.notebody import RawRecommendation, parse_note_body
from idmbook.load.placeholders import placeholder_diagnostics
from idmbook.load.project import Project, read_source
from idmbook.load.references import (
    check_chapter,
    check_contribution,
    check_note,
    check_unvalidated,
)
from idmbook.load.sources import (
    SOURCE_SUFFIXES,
    Kind,
    discover,
    inside,
    linked_out,
    not_read,
    rel_path,
)
from idmbook.model.documents import (
    Chapter,
    ChapterMeta,
    Contribution,
    ContributionMeta,
    Note,
    NoteMeta,
    Recommendation,
)
from idmbook.model.gcm import parse_gcm, titles_hint
from idmbook.rules import diag


def sniff(fm: FrontMatterFile) -> Kind | None:
    data = fm.data
    if "session" in data or "rapporteur" in data:
        return "note"
    if "organisation" in data or "stakeholder_type" in data or "consent" in data:
        return "contribution"
    if "part" in data:
        return "chapter"
    return None


def load_file(
    path: Path, kind: Kind | None, project: Project
) -> Note | Contribution | Chapter | None:
    """Load one source file, adding its diagnostics to the project's report. A note of
    chapters/notes/WORKSHOP/SESSION.md that cannot be loaded leaves its session marked as
    having a note that is invalid (not a missing one)."""
    doc = _load_file(path, kind, project)
    if doc is None:
        parts = rel_path(path, project.root).split("/")
        if len(parts) == 4 and parts[:2] == ["chapters", "notes"]:
            project.unloaded_sessions.add((parts[2], parts[3].rsplit(".", 1)[0]))
    return doc


def _load_file(
    path: Path, kind: Kind | None, project: Project
) -> Note | Contribution | Chapter | None:
    root, report = project.root, project.report
    rel = rel_path(path, root)
    raw = read_source(path, rel, project)
    if raw is None:
        return None
    if path.suffix.lower() == ".docx":
        return _load_docx_note(path, raw, rel, project)
    text_file, problems = decode(raw, rel)
    report.extend(problems)
    if text_file is None:
        return None
    report.sources[rel] = text_file.text
    fm, problems = split(text_file)
    report.extend(problems)
    if fm is None:
        return None
    if "translation_of" not in fm.data:
        report.extend(placeholder_diagnostics(fm))
    if "translation_of" in fm.data:  # named like no translation, or beside no original
        line, col = fm.position(("translation_of",))
        report.add(
            diag(
                "IDM080",
                rel,
                line,
                col,
                "a translation with no original beside it",
                "name it NAME.LANG.md beside its original NAME.md (children.fr.md beside "
                "children.md)",
            )
        )
        return None
    kind = sniff(fm) or kind
    base = path.parent
    if kind == "note":
        return _load_note(fm, project, base)
    if kind == "contribution":
        return _load_contribution(fm, project, base)
    if kind == "chapter":
        return _load_chapter(fm, project, base)
    report.add(
        diag(
            "IDM011",
            rel,
            fm.front_line,
            1,
            "cannot tell whether this is a note, a contribution or a chapter",
            "a note has 'session', a contribution has 'organisation', a chapter has 'part'",
        )
    )
    return None


def _load_docx_note(path: Path, raw: bytes, rel: str, project: Project) -> Note | None:
    """A rapporteur note written in Word: converted to note Markdown in memory, then loaded
    as a Markdown note; diagnostics point at the Word document's table rows and paragraphs."""
    report = project.report
    converted, problems = note_from_word(raw, rel)
    report.extend(problems)
    if converted is None:
        return None
    report.sources[rel] = converted.view
    start = len(report.diagnostics)
    fm, problems = split(TextFile(rel, converted.markdown))
    report.extend(problems)
    if fm is not None:
        report.extend(placeholder_diagnostics(fm))
    note = _load_note(fm, project, path.parent) if fm is not None else None
    report.diagnostics[start:] = [converted.locate(d) for d in report.diagnostics[start:]]
    if note is not None:  # checks across files use the key positions: point them at the rows
        for key, (line, _) in list(note.lines.items()):
            row = converted.lines.get(line)
            note.lines[key] = (row, 1) if row else (0, 0)
    return note


def _load_note(fm: FrontMatterFile, project: Project, base: Path) -> Note | None:
    report = project.report
    meta, problems, wrong = validate_keys(NoteMeta, fm)
    report.extend(problems)
    body, problems = parse_note_body(fm.body, fm.rel, fm.body_line)
    report.extend(problems)
    report.extend(preflight.check(fm.body, fm.rel, fm.body_line, project.root, base, "note"))
    if meta is None:  # the keys that are right are still checked against the config
        report.extend(check_unvalidated("note", body, fm, wrong, project.config, project.taxonomy))
        workshop, session = fm.data.get("workshop"), fm.data.get("session")
        if isinstance(workshop, str) and isinstance(session, str):
            project.unloaded_sessions.add((workshop, session))
        return None
    report.extend(check_note(meta, body, fm, project.config, project.taxonomy))
    note_gcm = _note_gcm(meta.gcm, fm, report)
    recs = []
    for raw in body.recommendations:
        recs.append(
            Recommendation(
                text=raw.text,
                line=raw.line,
                themes=tuple(raw.split("themes")) or tuple(meta.themes),
                levels=tuple(raw.split("levels")) or tuple(meta.levels),
                actors=tuple(raw.split("actors")),
                gcm=_recommendation_gcm(raw, fm.rel, report) or note_gcm,
            )
        )
    return Note(
        rel=fm.rel,
        meta=meta,
        summary=body.sections.get("summary", ""),
        key_messages=body.sections.get("key_messages", ""),
        recommendations=tuple(recs),
        words=len(fm.body.split()),
        lines=_key_lines(fm),
        footnotes=body.footnotes,
    )


def _note_gcm(numbers: list[int], fm: FrontMatterFile, report: Report) -> tuple[int, ...]:
    """The note's objectives of the global compact; a number out of 1-23 is reported."""
    good, bad = parse_gcm(" ".join(str(n) for n in numbers))
    for word in bad:
        index = next(i for i, n in enumerate(numbers) if str(n) == word)
        line, column = fm.position(("gcm", index), value=True)
        report.add(
            diag(
                "IDM094",
                fm.rel,
                line,
                column,
                f"no objective {word} in the global compact",
                titles_hint(),
            )
        )
    return good


def _recommendation_gcm(raw: RawRecommendation, rel: str, report: Report) -> tuple[int, ...]:
    """The objectives named in a recommendation's block; a word that is not one is reported."""
    good, bad = parse_gcm(raw.attributes.get("gcm", ""))
    for word in bad:
        report.add(
            diag(
                "IDM094",
                rel,
                raw.attr_line or raw.line,
                raw.attr_column or 1,
                f"no objective '{word}' in the global compact",
                titles_hint(),
            )
        )
    return good


def _load_contribution(fm: FrontMatterFile, project: Project, base: Path) -> Contribution | None:
    meta, problems, wrong = validate_keys(ContributionMeta, fm)
    project.report.extend(problems)
    project.report.extend(
        preflight.check(fm.body, fm.rel, fm.body_line, project.root, base, "contribution")
    )
    if meta is None:
        project.report.extend(
            check_unvalidated("contribution", None, fm, wrong, project.config, project.taxonomy)
        )
        return None
    project.report.extend(check_contribution(meta, fm, project.config, project.taxonomy))
    return Contribution(fm.rel, meta, fm.body.strip("\n"), len(fm.body.split()), _key_lines(fm))


def _key_lines(fm: FrontMatterFile) -> dict[str, tuple[int, int]]:
    return {str(loc[0]): pos for loc, pos in fm.positions.items() if len(loc) == 1}


def _load_chapter(fm: FrontMatterFile, project: Project, base: Path) -> Chapter | None:
    meta, problems = validate_model(ChapterMeta, fm, "IDM064")
    project.report.extend(problems)
    project.report.extend(
        preflight.check(fm.body, fm.rel, fm.body_line, project.root, base, "chapter")
    )
    if meta is None:
        return None
    project.report.extend(check_chapter(meta, fm))
    return Chapter(fm.rel, meta, fm.body.strip("\n"))


def load_project(
    project: Project,
    paths: list[Path] | None = None,
    memo: LoadMemo | None = None,
) -> Project:
    """Load every source (or only ``paths``) and run the checks across files; ``memo``
    remembers each file's result for the next load (a long-lived process: watch mode)."""
    if paths is None:
        targets = discover(project.root, project.report)
    else:
        targets = []
        for path in paths:
            if _lexically_inside(path, project.root) and not inside(path, project.root):
                # inside the project by name, elsewhere through a link: not read, as in
                # discover(); a file outside the project named on the command line is read
                project.report.add(linked_out(rel_path(path, project.root)))
                continue
            if path.suffix.lower() not in (*SOURCE_SUFFIXES, ".docx"):
                project.report.add(not_read(path, rel_path(path, project.root)))
                continue
            targets.append((path, _kind_from_folder(path, project.root)))
    context = context_digest(project) if memo is not None else b""
    translations = [path for path, _ in targets if is_translation(path)]
    targets = [(path, kind) for path, kind in targets if not is_translation(path)]
    for path, kind in targets:
        if memo is not None:
            doc = memo.load(path, kind, project, context, load_file)
        else:
            doc = load_file(path, kind, project)
        if isinstance(doc, Note):
            project.documents.notes.append(doc)
        elif isinstance(doc, Contribution):
            project.documents.contributions.append(doc)
        elif isinstance(doc, Chapter):
            project.documents.chapters.append(doc)
    _load_translations(project, translations)
    project.documents.acronyms, problems = load_acronyms(project.root)
    project.report.extend(problems)
    project.report.extend(check_project(project, whole=paths is None))
    return project


def _load_translations(project: Project, paths: list[Path]) -> None:
    """Load the translations ``paths`` against their originals (loaded already, or loaded
    now without their own diagnostics when only the translation was named)."""
    docs = project.documents
    loaded: dict[str, Note | Contribution | Chapter] = {}
    pieces: list[Note | Contribution | Chapter] = [*docs.notes, *docs.contributions]
    for piece in [*pieces, *docs.chapters]:
        loaded[piece.rel] = piece
    for path in paths:
        named = translation_name(path)
        if named is None:
            continue
        original_path, language = named
        rel = rel_path(original_path, project.root)
        if rel not in loaded:
            saved, project.report = project.report, Report()
            try:
                doc = load_file(
                    original_path, _kind_from_folder(original_path, project.root), project
                )
                sources = project.report.sources
            finally:
                project.report = saved
            project.report.sources.update(sources)
            if doc is not None:
                loaded[rel] = doc
        translated = load_translation(path, language, loaded.get(rel), project)
        if translated is not None:
            docs.translations.append(translated)


def _lexically_inside(path: Path, root: Path) -> bool:
    try:
        path.absolute().relative_to(root)
    except ValueError:
        return False
    return True


def _kind_from_folder(path: Path, root: Path) -> Kind | None:
    rel = rel_path(path, root)
    if rel.startswith("chapters/notes/"):
        return "note"
    if rel.startswith("contributions/"):
        return "contribution"
    if rel.startswith("chapters/"):
        return "chapter"
    return None


__all__ = ["load_file", "load_project"]
