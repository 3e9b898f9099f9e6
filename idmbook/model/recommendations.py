"""Every recommendation of the loaded notes as one row of data, with a stable id.

A recommendation's id is ``WORKSHOP/SESSION#N``: the workshop and session of its note and its
position (from 1) in that note's Recommendations section. It depends on nothing else, so it
stays the same when other notes change; the editor's consolidation file refers to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from idmbook.model.config import REC_ID_PATTERN, Config
from idmbook.model.documents import Note

REC_ID = re.compile(REC_ID_PATTERN)
"""The form of a recommendation's id."""


def rec_id(note: Note, position: int) -> str:
    """The id of the recommendation at ``position`` (from 1) in ``note``."""
    return f"{note.meta.workshop}/{note.meta.session}#{position}"


@dataclass(frozen=True)
class RecRow:
    """One recommendation with the facts of its note, as exported."""

    id: str
    text: str
    workshop: str
    """The workshop's id."""
    city: str
    """The workshop's city (its name in provenance lines)."""
    session: str
    """The session's id."""
    session_order: int
    """The session's number on its workshop's agenda (0 when it is not on the agenda)."""
    session_title: str
    rapporteur: str
    themes: tuple[str, ...]
    levels: tuple[str, ...]
    actors: tuple[str, ...]
    sdg_targets: tuple[str, ...]
    gcm: tuple[int, ...]
    """Objectives of the global compact the recommendation addresses."""
    language: str
    path: str
    """The note, relative to the project."""
    line: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "workshop": self.workshop,
            "city": self.city,
            "session": self.session,
            "session_order": self.session_order,
            "session_title": self.session_title,
            "rapporteur": self.rapporteur,
            "themes": list(self.themes),
            "levels": list(self.levels),
            "actors": list(self.actors),
            "sdg_targets": list(self.sdg_targets),
            "gcm": list(self.gcm),
            "language": self.language,
            "path": self.path,
            "line": self.line,
        }


COLUMNS = (
    "id",
    "text",
    "workshop",
    "city",
    "session",
    "session_order",
    "session_title",
    "rapporteur",
    "themes",
    "levels",
    "actors",
    "sdg_targets",
    "gcm",
    "language",
    "path",
    "line",
)
"""Columns of the CSV and XLSX exports, in order."""

LIST_SEPARATOR = {"actors": "; "}
"""How a list field is joined in a cell: actors may contain spaces, the others are ids."""


def flat(row: RecRow) -> list[str]:
    """The row's cells as text, lists joined (actors with '; ', the others with spaces)."""
    data = row.as_dict()
    cells = []
    for column in COLUMNS:
        value = data[column]
        if isinstance(value, list):
            cells.append(LIST_SEPARATOR.get(column, " ").join(str(v) for v in value))
        else:
            cells.append(str(value))
    return cells


def _rapporteur(note: Note) -> str:
    value = note.meta.rapporteur
    return ", ".join(value) if isinstance(value, list) else value


def recommendation_rows(config: Config, notes: list[Note] | tuple[Note, ...]) -> list[RecRow]:
    """Every recommendation of ``notes``, in the order of the workshops and their agendas."""
    rows: list[RecRow] = []
    for note in notes:
        workshop = config.workshop(note.meta.workshop)
        session = (
            next((s for s in workshop.sessions if s.id == note.meta.session), None)
            if workshop
            else None
        )
        for position, rec in enumerate(note.recommendations, 1):
            rows.append(
                RecRow(
                    id=rec_id(note, position),
                    text=rec.text,
                    workshop=note.meta.workshop,
                    city=workshop.city if workshop else note.meta.workshop,
                    session=note.meta.session,
                    session_order=session.order if session else 0,
                    session_title=session.title if session else note.meta.title,
                    rapporteur=_rapporteur(note),
                    themes=rec.themes,
                    levels=rec.levels,
                    actors=rec.actors,
                    sdg_targets=tuple(note.meta.sdg_targets),
                    gcm=rec.gcm,
                    language=note.meta.language,
                    path=note.rel,
                    line=rec.line,
                )
            )
    workshops = [w.id for w in config.workshops]

    def order(row: RecRow) -> tuple[int, int, str, int]:
        w = workshops.index(row.workshop) if row.workshop in workshops else len(workshops)
        return (w, row.session_order, row.path, int(row.id.rsplit("#", 1)[1]))

    return sorted(rows, key=order)
