"""Checks across files: the agenda against the notes, consent, unused themes, drafts."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from idmbook.diagnostics import Diagnostic
from idmbook.load.sources import CONFIG_NAME
from idmbook.rules.codes import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project
    from idmbook.model.documents import Note


def _session_position(project: Project, workshop: int, session: int) -> tuple[int, int]:
    if project.config_source is None:
        return 1, 1
    return project.config_source.position(("workshops", workshop, "sessions", session, "id"))


def check_project(project: Project, whole: bool) -> list[Diagnostic]:
    """Checks over the set of loaded documents. ``whole`` is False when only some files
    were given, in which case checks that need every file are skipped."""
    docs = project.documents
    out: list[Diagnostic] = []
    by_session: dict[tuple[str, str], list[str]] = defaultdict(list)
    for note in docs.notes:
        by_session[(note.meta.workshop, note.meta.session)].append(note.rel)
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
    for (workshop_id, session_id), rels in by_session.items():
        for rel in rels[1:]:
            out.append(
                diag(
                    "IDM041",
                    rel,
                    *_session_line(docs.notes, rel),
                    f"session '{session_id}' of '{workshop_id}' already has a note: {rels[0]}",
                    "merge the two notes, or correct the session id",
                )
            )
    for contribution in docs.contributions:
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
    seen: dict[str, str] = {}
    for contribution in docs.contributions:
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
    if not whole:
        return out
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
    used = set()
    for note in docs.notes:
        used |= {_parent(project, t) for t in note.meta.themes}
        for rec in note.recommendations:
            used |= {_parent(project, t) for t in rec.themes}
    for contribution in docs.contributions:
        if contribution.meta.consent:
            used |= {_parent(project, t) for t in contribution.meta.themes}
    for theme in project.taxonomy.themes:
        if theme.id not in used:
            where = project.config.taxonomy or CONFIG_NAME
            out.append(
                diag(
                    "IDM044",
                    where,
                    0,
                    0,
                    f"no note or contribution is tagged with theme '{theme.id}'",
                )
            )
    return out


def _session_line(notes: list[Note], rel: str) -> tuple[int, int]:
    note = next((n for n in notes if n.rel == rel), None)
    return note.lines.get("session", (1, 1)) if note else (1, 1)


def _parent(project: Project, theme_id: str) -> str | None:
    theme = project.taxonomy.parent(theme_id)
    return theme.id if theme else None
