"""Place notes, contributions and recommendations under the themes of the taxonomy.

An item goes under its first theme; every other theme it is tagged with gets a reference to
it, so nothing is duplicated silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from idmbook.model.config import Taxonomy, Theme
from idmbook.model.documents import Contribution, Note, Recommendation


@dataclass
class ThemeGroup:
    """What one theme's chapter draws on."""

    theme: Theme
    notes: list[Note] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    see_also_notes: list[Note] = field(default_factory=list)
    see_also_contributions: list[Contribution] = field(default_factory=list)
    recommendations: list[tuple[Note, Recommendation]] = field(default_factory=list)


def _parents(taxonomy: Taxonomy, ids: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for theme_id in ids:
        parent = taxonomy.parent(theme_id)
        if parent is not None and parent.id not in seen:
            seen.append(parent.id)
    return seen


def group(
    taxonomy: Taxonomy, notes: Sequence[Note], contributions: Sequence[Contribution]
) -> list[ThemeGroup]:
    """One group per theme in taxonomy order. Only consented contributions are placed."""
    groups = {t.id: ThemeGroup(t) for t in taxonomy.themes}
    for note in notes:
        parents = _parents(taxonomy, note.meta.themes)
        if not parents:
            continue
        groups[parents[0]].notes.append(note)
        for other in parents[1:]:
            groups[other].see_also_notes.append(note)
        for rec in note.recommendations:
            rec_parents = _parents(taxonomy, rec.themes) or parents
            groups[rec_parents[0]].recommendations.append((note, rec))
    for contribution in contributions:
        if not contribution.meta.consent:
            continue
        parents = _parents(taxonomy, contribution.meta.themes)
        if not parents:
            continue
        groups[parents[0]].contributions.append(contribution)
        for other in parents[1:]:
            groups[other].see_also_contributions.append(contribution)
    return list(groups.values())
