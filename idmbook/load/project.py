"""Discover a publication project's sources and load them into models, with diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from idmbook.check import preflight
from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError
from idmbook.load.confine import Unconfined, read_file
from idmbook.load.frontmatter import FrontMatterFile, TextFile, decode, parse_yaml, split
from idmbook.load.memo import LoadMemo, context_digest
from idmbook.load.modelerrors import errors_to_diagnostics, validate_model
from idmbook.load.notebody import RawRecommendation, parse_note_body
from idmbook.load.references import check_chapter, check_contribution, check_note
from idmbook.load.sources import (
    CONFIG_NAME,
    Kind,
    discover,
    find_root,
    inside,
    linked_out,
    rel_path,
)
from idmbook.model.config import Config, Taxonomy
from idmbook.model.documents import (
    Chapter,
    ChapterMeta,
    Contribution,
    ContributionMeta,
    Documents,
    Note,
    NoteMeta,
    Recommendation,
)
from idmbook.model.gcm import parse_gcm, titles_hint
from idmbook.rules import diag


@dataclass
class Project:
    """A loaded publication project: its config, taxonomy, documents and diagnostics."""

    root: Path
    config: Config
    taxonomy: Taxonomy
    documents: Documents = field(default_factory=Documents)
    report: Report = field(default_factory=Report)
    inputs: list[Path] = field(default_factory=list)
    """Every file read, for the build manifest."""
    config_source: FrontMatterFile | None = None
    """idmbook.yaml as parsed, for positions of its keys."""
    unloaded_sessions: set[tuple[str, str]] = field(default_factory=set)
    """(workshop, session) of notes that exist but could not be loaded."""


def load_config(
    root: Path, report: Report
) -> tuple[Config | None, Taxonomy | None, FrontMatterFile | None]:
    """Read idmbook.yaml and the taxonomy. Unreadable files raise; invalid ones report."""
    path = root / CONFIG_NAME
    try:
        raw = read_file(path)  # a regular file of the project: never a link, pipe or device
    except OSError as exc:
        raise IdmbookError(f"cannot read {path}: {exc.strerror}") from None
    text_file, problems = decode(raw, CONFIG_NAME)
    report.extend(problems)
    if text_file is None:
        raise IdmbookError(f"{CONFIG_NAME} cannot be read", problems[0].message)
    report.sources[CONFIG_NAME] = text_file.text
    parsed, problems = parse_yaml(text_file.text, CONFIG_NAME, top_level="config")
    report.extend(problems)
    if parsed is None:
        return None, None, None
    data, positions, values = parsed
    fm = FrontMatterFile(CONFIG_NAME, text_file.text, data, positions, values)
    config, problems = validate_model(Config, fm, "IDM060")
    report.extend(problems)
    if config is None:
        return None, None, fm
    return config, load_taxonomy(root, config, report), fm


def load_taxonomy(root: Path, config: Config, report: Report) -> Taxonomy | None:
    if config.taxonomy is None:
        text = resources.files("idmbook").joinpath("data/themes.yaml").read_text("utf-8")
        rel = "<built-in themes>"
    else:
        path = (root / config.taxonomy).resolve()
        rel = config.taxonomy
        try:
            path.relative_to(root.resolve())
            raw = read_file(path)
        except (ValueError, OSError):
            report.add(
                diag(
                    "IDM061",
                    CONFIG_NAME,
                    1,
                    1,
                    f"taxonomy file '{config.taxonomy}' cannot be read inside the project",
                    "remove the taxonomy key to use the built-in New York Declaration themes",
                )
            )
            return None
        text_file, problems = decode(raw, rel)
        report.extend(problems)
        if text_file is None:
            return None
        text = text_file.text
        report.sources[rel] = text
    parsed, problems = parse_yaml(text, rel, top_level="taxonomy")
    report.extend(problems)
    if parsed is None:
        return None
    fm = FrontMatterFile(rel, text, *parsed)
    taxonomy, problems = validate_model(Taxonomy, fm, "IDM061")
    report.extend(problems)
    return taxonomy


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
    """Load one source file, adding its diagnostics to the project's report."""
    root, report = project.root, project.report
    rel = rel_path(path, root)
    try:
        # a regular file with one name: a named pipe would block the read forever, a device
        # never end, a hard link may be a file from anywhere
        raw = read_file(path)
    except Unconfined as exc:
        if exc.why.startswith(("it has", "it is a link")):
            report.add(diag("IDM062", rel, 0, 0, f"the file is not read: {exc.why}"))
        else:
            report.add(diag("IDM001", rel, 0, 0, f"cannot read the file: {exc.why}"))
        return None
    except OSError as exc:
        report.add(diag("IDM001", rel, 0, 0, f"cannot read the file: {exc.strerror}"))
        return None
    project.inputs.append(path)
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
    from idmbook.ingest.notes import note_from_docx

    report = project.report
    converted, problems = note_from_docx(raw, rel)
    report.extend(problems)
    if converted is None:
        return None
    report.sources[rel] = converted.view
    start = len(report.diagnostics)
    fm, problems = split(TextFile(rel, converted.markdown))
    report.extend(problems)
    note = _load_note(fm, project, path.parent) if fm is not None else None
    report.diagnostics[start:] = [converted.locate(d) for d in report.diagnostics[start:]]
    if note is not None:  # checks across files use the key positions: point them at the rows
        for key, (line, _) in list(note.lines.items()):
            row = converted.lines.get(line)
            note.lines[key] = (row, 1) if row else (0, 0)
    return note


def _load_note(fm: FrontMatterFile, project: Project, base: Path) -> Note | None:
    report = project.report
    meta, problems = validate_model(NoteMeta, fm)
    report.extend(problems)
    body, problems = parse_note_body(fm.body, fm.rel, fm.body_line)
    report.extend(problems)
    report.extend(preflight.check(fm.body, fm.rel, fm.body_line, project.root, base, "note"))
    if meta is None:
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
    meta, problems = validate_model(ContributionMeta, fm)
    project.report.extend(problems)
    project.report.extend(
        preflight.check(fm.body, fm.rel, fm.body_line, project.root, base, "contribution")
    )
    if meta is None:
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


def open_project(start: Path) -> Project | Report:
    """Find and load the config; a Report is returned when the config itself is invalid."""
    root = find_root(start)
    report = Report()
    config, taxonomy, source = load_config(root, report)
    if config is None or taxonomy is None:
        return report
    project = Project(
        root=root, config=config, taxonomy=taxonomy, report=report, config_source=source
    )
    project.inputs.append(root / CONFIG_NAME)
    return project


def load_project(
    project: Project,
    paths: list[Path] | None = None,
    memo: LoadMemo | None = None,
) -> Project:
    """Load every source (or only ``paths``) and run the checks across files; ``memo``
    remembers each file's result for the next load (a long-lived process: watch mode)."""
    from idmbook.check.project import check_project

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
            targets.append((path, _kind_from_folder(path, project.root)))
    context = context_digest(project) if memo is not None else b""
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
    project.report.extend(check_project(project, whole=paths is None))
    return project


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


__all__ = ["Project", "errors_to_diagnostics", "load_project", "open_project"]
