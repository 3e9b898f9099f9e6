"""Near-duplicate recommendations: the same call made in different sessions or workshops.

Each recommendation becomes three TF-IDF vectors, weighed alike: over its words (one and two at
a time), over character n-grams within words (3 to 5 characters, accents folded), which match
the shared stems of English, French and Spanish words (détention, detención, detention), and
over the concepts of a small migration vocabulary in the three languages
(``idmbook/data/glossary.yaml``: enfants, niños and children are one concept). Two
recommendations from different notes whose cosine similarity reaches the threshold
(``recommendations.near_duplicate_threshold`` in idmbook.yaml) are linked; linked
recommendations form a group. Nothing is downloaded: the vectors are computed from the
project's own texts each time.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from ruamel.yaml import YAML

from idmbook.model.recommendations import RecRow

DEFAULT_THRESHOLD = 0.4
"""Similarity from which two recommendations are reported as near-duplicates."""

_MARKUP = re.compile(r"[*_`\[\]()#>{}]|https?://\S+")
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def glossary() -> dict[str, str]:
    """Word form -> concept, from idmbook's migration vocabulary in en, fr and es."""

    text = files("idmbook").joinpath("data/glossary.yaml").read_text("utf-8")
    data = YAML(typ="safe", pure=True).load(text)
    return {word: concept for concept, words in data.items() for word in words}


def fold(text: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def concepts(text: str) -> list[str]:
    """The concepts of the vocabulary that ``text`` names, in order, whatever its language."""
    words = glossary()
    return [words[w] for w in _WORD.findall(fold(text)) if w in words]


def plain(text: str) -> str:
    """The words of a recommendation, without Markdown's marks and links."""
    return " ".join(_MARKUP.sub(" ", text).split())


def vectors(texts: Sequence[str]) -> Any:
    """The rows of ``texts`` as unit vectors (a scipy sparse matrix): TF-IDF over concepts,
    words and character n-grams, each part weighed alike."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    cleaned = [plain(t) for t in texts]
    parts = []
    for vectorizer in (
        TfidfVectorizer(analyzer=concepts, sublinear_tf=True),
        TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), strip_accents="unicode", sublinear_tf=True
        ),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), strip_accents="unicode", sublinear_tf=True
        ),
    ):
        try:
            parts.append(normalize(vectorizer.fit_transform(cleaned)))
        except ValueError:  # no word at all in any text (only punctuation)
            continue
    if not parts:
        return csr_matrix((len(texts), 1))
    return normalize(hstack(parts).tocsr())


def similarities(texts: Sequence[str]) -> Any:
    """The matrix of cosine similarities between ``texts`` (a numpy array, 1 on the diagonal)."""
    import numpy as np

    if not texts:
        return np.zeros((0, 0))
    matrix = vectors(texts)
    result = (matrix @ matrix.T).toarray()
    np.fill_diagonal(result, 1.0)
    return result


@dataclass(frozen=True)
class Group:
    """Recommendations that say the same thing: their ids and texts, and the similarity of
    the weakest link that joined them."""

    ids: tuple[str, ...]
    texts: tuple[str, ...]
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "ids": list(self.ids),
            "texts": list(self.texts),
            "similarity": round(self.similarity, 3),
        }


def near_duplicates(
    items: Sequence[tuple[str, str, str]], threshold: float = DEFAULT_THRESHOLD
) -> list[Group]:
    """Groups among ``items`` (id, text, the note it comes from) whose members reach
    ``threshold`` with another member of a different note; most similar first."""
    matrix = similarities([text for _, text, _ in items])
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    weakest: dict[int, float] = {}
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[i][2] == items[j][2] or matrix[i, j] < threshold:
                continue
            a, b = root(i), root(j)
            link = float(matrix[i, j])
            if a != b:
                parent[b] = a
                weakest[a] = min(weakest.get(a, 1.0), weakest.pop(b, 1.0), link)
    members: dict[int, list[int]] = {}
    for i in range(len(items)):
        members.setdefault(root(i), []).append(i)
    groups = [
        Group(
            tuple(items[i][0] for i in idx),
            tuple(items[i][1] for i in idx),
            weakest.get(r, 1.0),
        )
        for r, idx in members.items()
        if len(idx) > 1
    ]
    return sorted(groups, key=lambda g: (-g.similarity, g.ids))


def project_near_duplicates(rows: Sequence[RecRow], threshold: float) -> list[Group]:
    """The near-duplicate groups among a project's recommendation rows."""
    return near_duplicates([(r.id, r.text, r.path) for r in rows], threshold)
