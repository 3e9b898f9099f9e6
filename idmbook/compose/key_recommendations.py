"""The key recommendations of the book: one numbered list under the themes, merged ones once."""

from __future__ import annotations

from typing import NamedTuple

from idmbook.compose.book import Book
from idmbook.compose.embedded import indent_continuation, recommendation_text, wrap
from idmbook.compose.grouping import ThemeGroup
from idmbook.compose.keep import KEEP_LIMIT, keep_id
from idmbook.compose.templating import Md
from idmbook.load.sources import CONFIG_NAME
from idmbook.model.documents import Note, Recommendation
from idmbook.model.recommendations import rec_id

__all__ = ["Numbered", "key_recommendations"]


class Numbered(NamedTuple):
    """A recommendation as the book prints it."""

    number: int
    text: str
    source: str
    """The file its text comes from: a note, or the config for a merged one."""
    language: str | None
    objectives: tuple[int, ...]
    """The objectives of the Global Compact it addresses."""


def key_recommendations(book: Book, groups: list[ThemeGroup]) -> tuple[str, list[Numbered]]:
    """The chapter of key recommendations, numbered in the order of the themes' ``groups``,
    and each recommendation it prints."""
    numbered: list[Numbered] = []
    chapter = []
    by_id = {
        rec_id(note, i): (note, rec)
        for note in book.docs.notes
        for i, rec in enumerate(note.recommendations, 1)
    }
    merged_into = {
        rec_id: key for key, k in book.config.consolidation.items() for rec_id in k.merge
    }
    printed: set[str] = set()
    for g in groups:
        items = []
        for note, rec in g.recommendations:
            position = next(i for i, r in enumerate(note.recommendations, 1) if r is rec)
            key = merged_into.get(rec_id(note, position))
            if key in printed:
                continue  # a merged recommendation is printed once, with the first
            number = len(numbered) + 1
            if key is not None:
                printed.add(key)
                items.append(_key_recommendation(book, by_id, key, number))
                merge = book.config.consolidation[key]
                gcm = [g for i in merge.merge if i in by_id for g in by_id[i][1].gcm]
                wording = merge.wording(book.lang, book.source_lang) or ""
                numbered.append(Numbered(number, wording, CONFIG_NAME, None, tuple(gcm)))
                continue
            numbered.append(Numbered(number, rec.text, note.rel, note.meta.language, rec.gcm))
            items.append(_note_recommendation(book, note, rec, number))
        chapter.append({"theme": g.theme, "recs": items})
    return book.render("recommendations.md.j2", groups=chapter), numbered


def _note_recommendation(
    book: Book, note: Note, rec: Recommendation, number: int
) -> dict[str, object]:
    """A recommendation of one note: its text, its session, its levels and actors."""
    names = book.labels.get("level_names", {})
    text = recommendation_text(rec.text, number, note, book.lang)
    return {
        "number": number,
        "key": None,
        "text": Md(indent_continuation(text, len(f"{number}. "))),
        "pad": Md(" " * len(f"{number}. ")),
        "keep": Md(keep_id(f"rec-{number}", len(rec.text) <= KEEP_LIMIT)),
        "workshop": book.workshop(note.meta.workshop),
        "session_title": book.session_title(note),
        "levels": ", ".join(names.get(level, level) for level in rec.levels),
        "actors": "; ".join(rec.actors),
    }


def _key_recommendation(
    book: Book, by_id: dict[str, tuple[Note, Recommendation]], key: str, number: int
) -> dict[str, object]:
    """A key recommendation: the editor's merged wording, where each merged
    recommendation was raised, and the union of their themes, levels and actors."""
    merge = book.config.consolidation[key]
    fallback = book.source_lang
    wording = merge.wording(book.lang, fallback) or ""
    lang = book.lang if merge.wording(book.lang, "") else fallback
    merged = [by_id[i] for i in merge.merge if i in by_id]
    themes: list[str] = []
    levels: list[str] = []
    actors: list[str] = []
    for _, rec in merged:
        themes += [t for t in rec.themes if t not in themes]
        levels += [v for v in rec.levels if v not in levels]
        actors += [a for a in rec.actors if a not in actors]
    names = book.labels.get("level_names", {})
    titles = [book.theme_title(t) for t in themes]
    text = wrap(wording, f"rec{number}", CONFIG_NAME, None, lang, book.lang)
    return {
        "number": number,
        "key": key,
        "text": Md(indent_continuation(text, len(f"{number}. "))),
        "pad": Md(" " * len(f"{number}. ")),
        "keep": Md(keep_id(f"rec-{number}", len(wording) <= KEEP_LIMIT)),
        "provenance": _provenance(book, [note for note, _ in merged]),
        "themes": ", ".join(dict.fromkeys(titles)),
        "levels": ", ".join(names.get(level, level) for level in levels),
        "actors": "; ".join(actors),
    }


def _provenance(book: Book, notes: list[Note]) -> str:
    """ "Raised in New York, session 5, and Geneva, sessions 2 and 6"."""
    labels = book.labels
    word_and = str(labels.get("and", "and"))
    places = []
    for workshop in book.config.workshops:
        numbers = sorted(
            {
                next((s.order for s in workshop.sessions if s.id == n.meta.session), 0)
                for n in notes
                if n.meta.workshop == workshop.id
            }
        )
        if not numbers:
            continue
        shown = [str(n) for n in numbers]
        if len(shown) == 1:
            sessions = str(labels.get("session_one", "session {n}")).format(n=shown[0])
        else:
            listed = ", ".join(shown[:-1]) + f" {word_and} " + shown[-1]
            sessions = str(labels.get("session_many", "sessions {numbers}")).format(numbers=listed)
        places.append(f"{workshop.city}, {sessions}")
    joined = (
        places[0] if len(places) == 1 else ", ".join(places[:-1]) + f", {word_and} " + places[-1]
    )
    return str(labels.get("raised_in", "Raised in {places}")).format(places=joined)
