"""Objectives of the global compact: suggestions from a recommendation's text, and the
objectives no recommendation addresses.

A suggestion is only ever shown (in `idmbook recommendations`); the editor writes ``gcm="..."``
to assign it. Each recommendation is compared with each objective's title and short description
(``idmbook/data/gcm.yaml``) with the vectors of :mod:`idmbook.check.duplicates`.
"""

from __future__ import annotations

from collections.abc import Sequence

from idmbook.check.duplicates import vectors
from idmbook.model.gcm import objectives
from idmbook.model.recommendations import RecRow

SUGGEST_FROM = 0.12
"""Least similarity to an objective for it to be suggested."""

SUGGEST_WITHIN = 0.8
"""A second or third objective is suggested when it is at least this share of the best."""


def suggest(texts: Sequence[str], most: int = 3) -> list[list[int]]:
    """For each text, the objectives it is closest to, best first (possibly none)."""

    if not texts:
        return []
    goals = objectives()
    matrix = vectors([*texts, *(f"{o.title}. {o.about}" for o in goals)])
    scores = (matrix[: len(texts)] @ matrix[len(texts) :].T).toarray()
    out = []
    for row in scores:
        ranked = sorted(range(len(goals)), key=lambda i: -row[i])
        best = row[ranked[0]]
        out.append(
            [
                goals[i].number
                for i in ranked[:most]
                if row[i] >= SUGGEST_FROM and row[i] >= SUGGEST_WITHIN * best
            ]
        )
    return out


def suggestions(rows: Sequence[RecRow]) -> dict[str, list[int]]:
    """Suggested objectives for each row that names none, by id."""
    bare = [r for r in rows if not r.gcm]
    return {r.id: s for r, s in zip(bare, suggest([r.text for r in bare]), strict=True) if s}


def unaddressed(rows: Sequence[RecRow]) -> list[tuple[int, str]]:
    """(number, title) of each objective that no recommendation names."""
    named = {g for r in rows for g in r.gcm}
    return [(o.number, o.title) for o in objectives() if o.number not in named]
