"""`idmbook status`: the editor's dashboard of a project, computed from a loaded project.

What has come in (a note per session, contributions by stakeholder type, theme, workshop and
language), which theme still lacks material (coverage matrices with their empty cells), and
what would stop a ``--final`` build, each with the command that shows the details. The numbers
are plain data (:class:`Status`, :meth:`Status.as_dict` for ``--format json``); the terminal
tables are in :mod:`idmbook.commands.statustables` and the figure in
:mod:`idmbook.commands.statuschart`.
"""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook.check.duplicates import project_near_duplicates
from idmbook.check.gcm import unaddressed
from idmbook.check.validate import for_build, validate
from idmbook.compose.editions import edition_pieces, untranslated_config
from idmbook.diagnostics import Report, Severity
from idmbook.load.project import Project
from idmbook.model.config import Taxonomy
from idmbook.model.documents import Contribution, Note
from idmbook.model.fields import STAKEHOLDER_TYPES
from idmbook.model.recommendations import recommendation_rows
from idmbook.rules import RULES

SHORT_TYPES = {
    "government": "government",
    "local_authority": "local",
    "international_organisation": "int. org.",
    "civil_society": "civil soc.",
    "migrant_diaspora": "diaspora",
    "private_sector": "private",
    "academia": "academia",
    "other": "other",
}
"""Column headers of the themes × stakeholder types matrix in a terminal."""

_LISTED_PATHS = 3
"""A blocker's command names its files when there are at most this many."""


@dataclass(frozen=True)
class SessionStatus:
    """One agenda session (or a note whose session is not on the agenda) and its note."""

    workshop: str
    session: str
    title: str
    note_required: bool
    note: str | None
    """Path of the note, relative to the project."""
    status: str
    """draft, final, missing (no note but one is required), not required, or invalid (a
    note exists but could not be read: `idmbook validate` says why)."""
    rapporteur: str = ""
    words: int = 0
    recommendations: int = 0
    on_agenda: bool = True


@dataclass(frozen=True)
class Blocker:
    """One kind of problem that would make `idmbook build --final` refuse."""

    code: str
    summary: str
    count: int
    paths: tuple[str, ...]
    command: str
    """The command that shows every occurrence with its line."""


@dataclass
class Status:
    """The dashboard's numbers."""

    title: str
    language: str
    config_ok: bool
    sessions: list[SessionStatus] = field(default_factory=list)
    themes: list[tuple[str, str]] = field(default_factory=list)
    """(id, title) of each theme, in chapter order."""
    workshops: list[tuple[str, str]] = field(default_factory=list)
    """(id, city) of each workshop, in the config's order."""
    received: dict[str, Counter[str]] = field(default_factory=dict)
    """Contributions received, counted by dimension (stakeholder_type, theme, workshop,
    language) and value."""
    published: dict[str, Counter[str]] = field(default_factory=dict)
    """The same counts for contributions with consent (the ones the book prints)."""
    consent_missing: list[tuple[str, str, str]] = field(default_factory=list)
    """(path, organisation, title) of each contribution without consent."""
    by_workshop: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    """theme -> workshop -> (notes, published contributions) tagged with the theme."""
    by_stakeholder_type: dict[str, dict[str, int]] = field(default_factory=dict)
    """theme -> stakeholder type -> published contributions tagged with the theme."""
    blockers: list[Blocker] = field(default_factory=list)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Language -> the edition in that language: per kind (note, contribution, chapter) how
    many pieces are translated, stale or missing, and the config keys left untranslated."""
    gcm_unaddressed: list[tuple[int, str]] = field(default_factory=list)
    """(number, title) of each objective of the global compact no recommendation names."""
    near_duplicates: list[dict[str, Any]] = field(default_factory=list)
    """Groups of recommendations from different notes that say the same thing (ids, texts,
    similarity), as `idmbook recommendations` shows them."""
    reviews: list[tuple[str, int, str]] = field(default_factory=list)
    """(path, line, message) of each open review item (IDM135)."""

    @property
    def ready_for_final(self) -> bool:
        return self.config_ok and not self.blockers

    def empty_cells(self) -> dict[str, list[list[str]]]:
        """The [theme, column] pairs of each matrix that have no material at all."""
        return {
            "by_workshop": [
                [t, w] for t, row in self.by_workshop.items() for w, n in row.items() if sum(n) == 0
            ],
            "by_stakeholder_type": [
                [t, k]
                for t, row in self.by_stakeholder_type.items()
                for k, n in row.items()
                if not n
            ],
        }

    def totals(self) -> dict[str, int]:
        notes = [s for s in self.sessions if s.note is not None]
        return {
            "sessions": sum(1 for s in self.sessions if s.on_agenda),
            "notes": len(notes),
            "notes_final": sum(1 for s in notes if s.status == "final"),
            "notes_draft": sum(1 for s in notes if s.status == "draft"),
            "notes_invalid": sum(1 for s in notes if s.status == "invalid"),
            "sessions_missing_note": sum(1 for s in self.sessions if s.status == "missing"),
            "words": sum(s.words for s in notes),
            "recommendations": sum(s.recommendations for s in notes),
            "contributions": sum(self.received.get("workshop", Counter()).values()),
            "contributions_published": sum(self.published.get("workshop", Counter()).values()),
            "contributions_without_consent": len(self.consent_missing),
        }

    def as_dict(self) -> dict[str, Any]:
        """The dashboard as JSON-ready data (``idmbook status --format json``)."""

        def counts(dimension: str, keys: list[str]) -> dict[str, dict[str, int]]:
            received = self.received.get(dimension, Counter())
            published = self.published.get(dimension, Counter())
            return {
                k: {"received": received.get(k, 0), "published": published.get(k, 0)} for k in keys
            }

        theme_ids = [t for t, _ in self.themes]
        workshop_ids = [w for w, _ in self.workshops]
        languages = sorted(self.received.get("language", Counter()))
        return {
            "project": {"title": self.title, "language": self.language},
            "config_ok": self.config_ok,
            "totals": self.totals(),
            "sessions": [
                {
                    "workshop": s.workshop,
                    "session": s.session,
                    "title": s.title,
                    "on_agenda": s.on_agenda,
                    "note_required": s.note_required,
                    "note": s.note,
                    "status": s.status,
                    "rapporteur": s.rapporteur,
                    "words": s.words,
                    "recommendations": s.recommendations,
                }
                for s in self.sessions
            ],
            "contributions": {
                "by_stakeholder_type": counts("stakeholder_type", list(STAKEHOLDER_TYPES)),
                "by_theme": counts("theme", theme_ids),
                "by_workshop": counts("workshop", workshop_ids),
                "by_language": counts("language", languages),
                "consent_missing": [
                    {"path": p, "organisation": o, "title": t} for p, o, t in self.consent_missing
                ],
            },
            "coverage": {
                "themes": [{"id": i, "title": t} for i, t in self.themes],
                "workshops": workshop_ids,
                "stakeholder_types": list(STAKEHOLDER_TYPES),
                "by_workshop": {
                    t: {w: {"notes": n, "contributions": c} for w, (n, c) in row.items()}
                    for t, row in self.by_workshop.items()
                },
                "by_stakeholder_type": self.by_stakeholder_type,
                "empty": self.empty_cells(),
            },
            "translations": self.translations,
            "review_items": [{"path": p, "line": n, "message": m} for p, n, m in self.reviews],
            "recommendations": {
                "near_duplicates": self.near_duplicates,
                "gcm_unaddressed": [{"objective": n, "title": t} for n, t in self.gcm_unaddressed],
            },
            "final": {
                "ready": self.ready_for_final,
                "blockers": [
                    {
                        "code": b.code,
                        "summary": b.summary,
                        "count": b.count,
                        "paths": list(b.paths),
                        "command": b.command,
                    }
                    for b in self.blockers
                ],
            },
        }


# --------------------------------------------------------------------------- computing


def _rapporteur(note: Note) -> str:
    value = note.meta.rapporteur
    return ", ".join(value) if isinstance(value, list) else value


def _themes_of(taxonomy: Taxonomy, ids: list[str]) -> list[str]:
    """The chapter themes that ``ids`` (themes or sub-themes) belong to, without repeats."""
    out: list[str] = []
    for theme_id in ids:
        parent = taxonomy.parent(theme_id)
        if parent is not None and parent.id not in out:
            out.append(parent.id)
    return out


def _sessions(project: Project) -> list[SessionStatus]:
    notes = project.documents.notes
    rows: list[SessionStatus] = []
    placed: set[int] = set()
    for workshop in project.config.workshops:
        for session in sorted(workshop.sessions, key=lambda s: s.order):
            mine = [
                n for n in notes if (n.meta.workshop, n.meta.session) == (workshop.id, session.id)
            ]
            placed |= {id(n) for n in mine}
            for note in mine:
                rows.append(
                    SessionStatus(
                        workshop.id,
                        session.id,
                        session.title,
                        session.note_required,
                        note.rel,
                        note.meta.status,
                        _rapporteur(note),
                        note.words,
                        len(note.recommendations),
                    )
                )
            if mine:
                continue
            if (workshop.id, session.id) in project.unloaded_sessions:
                status = "invalid"
            else:
                status = "missing" if session.note_required else "not required"
            rows.append(
                SessionStatus(
                    workshop.id,
                    session.id,
                    session.title,
                    session.note_required,
                    _unloaded_path(project, workshop.id, session.id)
                    if status == "invalid"
                    else None,
                    status,
                )
            )
    for note in notes:
        if id(note) not in placed:
            rows.append(
                SessionStatus(
                    note.meta.workshop,
                    note.meta.session,
                    note.meta.title,
                    False,
                    note.rel,
                    note.meta.status,
                    _rapporteur(note),
                    note.words,
                    len(note.recommendations),
                    on_agenda=False,
                )
            )
    return rows


def _unloaded_path(project: Project, workshop: str, session: str) -> str | None:
    """Where a note that could not be loaded probably is (the conventional path)."""
    rel = f"chapters/notes/{workshop}/{session}.md"
    return rel if (project.root / rel).is_file() else None


def _count(contributions: list[Contribution], taxonomy: Taxonomy) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {
        "stakeholder_type": Counter(),
        "theme": Counter(),
        "workshop": Counter(),
        "language": Counter(),
    }
    for c in contributions:
        counts["stakeholder_type"][c.meta.stakeholder_type] += 1
        counts["workshop"][c.meta.workshop] += 1
        counts["language"][c.meta.language] += 1
        for theme in _themes_of(taxonomy, list(c.meta.themes)):
            counts["theme"][theme] += 1
    return counts


def _blockers(project: Project | None, report: Report) -> list[Blocker]:
    if project is not None:
        report = for_build(report, final=True)
    groups: dict[str, list[str]] = {}
    for d in report.sorted():
        if d.severity is Severity.ERROR:
            paths = groups.setdefault(d.code, [])
            if d.path not in paths:
                paths.append(d.path)
    out = []
    for code, paths in sorted(groups.items()):
        count = sum(
            1 for d in report.diagnostics if d.code == code and d.severity is Severity.ERROR
        )
        files = [p for p in paths if p.startswith(("chapters/", "contributions/"))]
        if files and len(files) == len(paths) and len(files) <= _LISTED_PATHS:
            command = "idmbook validate " + " ".join(_quoted(p) for p in files)
        else:
            command = "idmbook validate"
        rule = RULES.get(code)
        out.append(Blocker(code, rule.summary if rule else code, count, tuple(paths), command))
    return out


def _quoted(path: str) -> str:
    return shlex.quote(path)


def status_of(project: Project | None, report: Report, title: str = "") -> Status:
    """The dashboard of a loaded project; ``project`` is None when idmbook.yaml is invalid."""
    if project is None:
        return Status(title=title, language="", config_ok=False, blockers=_blockers(None, report))
    config, taxonomy = project.config, project.taxonomy
    contributions = project.documents.contributions
    consented = [c for c in contributions if c.meta.consent]
    status = Status(
        title=config.title,
        language=config.language,
        config_ok=True,
        sessions=_sessions(project),
        themes=[(t.id, t.title) for t in taxonomy.themes],
        workshops=[(w.id, w.city) for w in config.workshops],
        received=_count(contributions, taxonomy),
        published=_count(consented, taxonomy),
        consent_missing=sorted(
            (c.rel, c.meta.organisation, c.meta.title) for c in contributions if not c.meta.consent
        ),
        blockers=_blockers(project, report),
        near_duplicates=_near_duplicates(project),
        gcm_unaddressed=_gcm_unaddressed(project),
    )
    status.translations = _translations(project)
    status.reviews = [(d.path, d.line, d.message) for d in report.sorted() if d.code == "IDM135"]
    for theme_id, _ in status.themes:
        status.by_workshop[theme_id] = {w: (0, 0) for w, _ in status.workshops}
        status.by_stakeholder_type[theme_id] = dict.fromkeys(STAKEHOLDER_TYPES, 0)
    for note in project.documents.notes:
        for theme_id in _themes_of(taxonomy, list(note.meta.themes)):
            row = status.by_workshop[theme_id]
            if note.meta.workshop in row:
                n, c = row[note.meta.workshop]
                row[note.meta.workshop] = (n + 1, c)
    for contribution in consented:
        for theme_id in _themes_of(taxonomy, list(contribution.meta.themes)):
            row = status.by_workshop[theme_id]
            if contribution.meta.workshop in row:
                n, c = row[contribution.meta.workshop]
                row[contribution.meta.workshop] = (n, c + 1)
            status.by_stakeholder_type[theme_id][contribution.meta.stakeholder_type] += 1
    return status


def _translations(project: Project) -> dict[str, dict[str, Any]]:
    """The editions in the languages the config translates into or translations exist in."""
    source = project.config.language
    languages = {str(lang) for lang in project.config.translations}
    languages |= {t.language for t in project.documents.translations}
    out: dict[str, dict[str, Any]] = {}
    for language in sorted(languages):
        if language.split("-")[0] == source.split("-")[0]:
            continue
        _, coverage = edition_pieces(project.documents, language, source)
        edition = coverage.as_dict()
        edition["config_missing"] = [
            key for key, _ in untranslated_config(project.config, language)
        ]
        out[language] = edition
    return out


def _near_duplicates(project: Project) -> list[dict[str, Any]]:
    rows = recommendation_rows(project.config, project.documents.notes)
    threshold = project.config.recommendations.near_duplicate_threshold
    return [g.as_dict() for g in project_near_duplicates(rows, threshold)]


def _gcm_unaddressed(project: Project) -> list[tuple[int, str]]:
    return unaddressed(recommendation_rows(project.config, project.documents.notes))


def project_status(start: Path) -> Status:
    """Load the project containing ``start`` and compute its dashboard."""
    project, report = validate(start)
    return status_of(project, report)
