"""Themes suggested for a text: the chapter themes of the taxonomy closest to it.

Used by ingest when the register gives a submission no themes: the suggestion is reported, and
taken only when the editor asks (`idmbook ingest --accept-suggested-themes`). Each theme is
described by its title and the titles of its sub-themes, and compared with the text with the
vectors of :mod:`idmbook.check.duplicates`.
"""

from __future__ import annotations

from idmbook.check.duplicates import vectors
from idmbook.model.config import Taxonomy

SUGGEST_WITHIN = 0.8
"""A second theme is suggested when its similarity is at least this share of the best's."""


def suggest_themes(text: str, taxonomy: Taxonomy, most: int = 2) -> list[str]:
    """Ids of the chapter themes closest to ``text``, best first (none for an empty text)."""

    if not text.strip():
        return []
    themes = taxonomy.themes
    described = [". ".join([t.title, *(s.title for s in t.subthemes)]) for t in themes]
    matrix = vectors([text, *described])
    scores = (matrix[:1] @ matrix[1:].T).toarray()[0]
    ranked = sorted(range(len(themes)), key=lambda i: -scores[i])
    best = scores[ranked[0]]
    if best <= 0:
        return []
    return [themes[i].id for i in ranked[:most] if scores[i] >= SUGGEST_WITHIN * best]
