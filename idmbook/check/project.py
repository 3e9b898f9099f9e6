"""Checks across files: the agenda against the notes, consent, unused themes, drafts."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from idmbook.diagnostics import Diagnostic
from idmbook.load.sources import CONFIG_NAME
from idmbook.rules.codes import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project
    from idmbook.model.documents import Contribution, Note


def _session_position(project: Project, workshop: int, session: int) -> tuple[int, int]:
    if project.config_source is None:
        return 1, 1
    return project.config_source.position(("workshops", workshop, "sessions", session, "id"))


def check_project(project: Project, whole: bool) -> list[Diagnostic]:
    """Checks over the set of loaded documents. ``whole`` is False when only some files
    were given, in which case checks that need every file are skipped."""
    docs = project.documents
    out = _drafts(docs.notes) + _second_notes(docs.notes)
    out += _without_consent(docs.contributions) + _same_sources(docs.contributions)
    if whole:
        out += _sessions_without_notes(project) + _unused_themes(project)
    return out


def _drafts(notes: list[Note]) -> list[Diagnostic]:
    out = []
    for note in notes:
        if note.meta.status == "draft":
            line, col = note.lines.get("status", (1, 1))
            out.append(
                diag(
                    "IDM045",
                    note.rel,
                    line,
                    col,
                    "the note is still a draft",
                    "set status: final when the rapporteur has signed off; "
                    "`idmbook build --final` refuses drafts",
                )
            )
    return out


def _by_session(notes: list[Note]) -> dict[tuple[str, str], list[str]]:
    """The notes of each (workshop, session), in the order they were loaded."""
    by_session: dict[tuple[str, str], list[str]] = defaultdict(list)
    for note in notes:
        by_session[(note.meta.workshop, note.meta.session)].append(note.rel)
    return by_session


def _second_notes(notes: list[Note]) -> list[Diagnostic]:
    out = []
    for (workshop_id, session_id), rels in _by_session(notes).items():
        for rel in rels[1:]:
            out.append(
                diag(
                    "IDM041",
                    rel,
                    *_session_line(notes, rel),
                    f"session '{session_id}' of '{workshop_id}' already has a note: {rels[0]}",
                    "merge the two notes, or correct the session id",
                )
            )
    return out


def _without_consent(contributions: list[Contribution]) -> list[Diagnostic]:
    out = []
    for contribution in contributions:
        if not contribution.meta.consent:
            line, col = contribution.lines.get("consent", (1, 1))
            out.append(
                diag(
                    "IDM043",
                    contribution.rel,
                    line,
                    col,
                    "no consent to publish: the contribution will be left out of the book",
                    "set consent: true once the authors have agreed",
                )
            )
    return out


def _same_sources(contributions: list[Contribution]) -> list[Diagnostic]:
    out = []
    seen: dict[str, str] = {}
    for contribution in contributions:
        source = contribution.meta.source
        if source is None:
            continue
        if source.sha256 in seen:
            line, col = contribution.lines.get("source", (1, 1))
            out.append(
                diag(
                    "IDM046",
                    contribution.rel,
                    line,
                    col,
                    f"same source file as {seen[source.sha256]} ({source.file})",
                )
            )
        else:
            seen[source.sha256] = contribution.rel
    return out


def _sessions_without_notes(project: Project) -> list[Diagnostic]:
    out = []
    by_session = _by_session(project.documents.notes)
    for wi, workshop in enumerate(project.config.workshops):
        for si, session in enumerate(workshop.sessions):
            key = (workshop.id, session.id)
            if (
                session.note_required
                and key not in by_session
                and key not in project.unloaded_sessions
            ):
                line, col = _session_position(project, wi, si)
                out.append(
                    diag(
                        "IDM040",
                        CONFIG_NAME,
                        line,
                        col,
                        f"session '{session.id}' of workshop '{workshop.id}' has no "
                        "rapporteur note",
                        f"idmbook new note --workshop {workshop.id} --session {session.id}",
                    )
                )
    return out


def _unused_themes(project: Project) -> list[Diagnostic]:
    docs = project.documents
    used = set()
    for note in docs.notes:
        used |= {_parent(project, t) for t in note.meta.themes}
        for rec in note.recommendations:
            used |= {_parent(project, t) for t in rec.themes}
    for contribution in docs.contributions:
        if contribution.meta.consent:
            used |= {_parent(project, t) for t in contribution.meta.themes}
    where = project.config.taxonomy or CONFIG_NAME
    return [
        diag("IDM044", where, 0, 0, f"no note or contribution is tagged with theme '{theme.id}'")
        for theme in project.taxonomy.themes
        if theme.id not in used
    ]


def _session_line(notes: list[Note], rel: str) -> tuple[int, int]:
    note = next((n for n in notes if n.rel == rel), None)
    return note.lines.get("session", (1, 1)) if note else (1, 1)


def _parent(project: Project, theme_id: str) -> str | None:
    theme = project.taxonomy.parent(theme_id)
    return theme.id if theme else None
