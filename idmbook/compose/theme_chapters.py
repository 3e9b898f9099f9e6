"""The theme chapters: each theme's notes, contributions and where else the book discusses it."""

from __future__ import annotations

from idmbook.compose.book import Book
from idmbook.compose.embedded import source_texts
from idmbook.compose.grouping import ThemeGroup, group
from idmbook.compose.templating import Md

__all__ = ["theme_chapters"]


def theme_chapters(book: Book) -> tuple[list[str], list[ThemeGroup]]:
    """A chapter for each theme, and the groups of notes, contributions and recommendations
    under each theme that the chapters were written from."""
    out = []
    where: dict[str, str] = {}
    groups = group(book.taxonomy, book.notes, book.published)
    for g in groups:
        theme_title = g.theme.title
        for note in g.notes:
            where[note.rel] = theme_title
        for contribution in g.contributions:
            where[contribution.rel] = theme_title
    for g in groups:
        notes = [
            {
                "note": note,
                "anchor": Md(book.anchors[note.rel]),
                "workshop": book.workshop(note.meta.workshop),
                "date": book.note_date(note),
                "key_messages": source_texts(note, book.lang, book.source_lang)["key_messages"],
            }
            for note in g.notes
        ]
        contributions = [
            {"contribution": c, "anchor": Md(book.anchors[c.rel]), "country": book.country(c)}
            for c in g.contributions
        ]
        see_also = [
            {
                "title": n.meta.title,
                "lang": n.meta.language,
                "anchor": Md(book.anchors[n.rel]),
                "where": where.get(n.rel, ""),
            }
            for n in g.see_also_notes
        ] + [
            {
                "title": c.meta.title,
                "lang": c.meta.language,
                "anchor": Md(book.anchors[c.rel]),
                "where": where.get(c.rel, ""),
            }
            for c in g.see_also_contributions
        ]
        out.append(
            book.render(
                "theme.md.j2",
                theme=g.theme,
                notes=notes,
                contributions=contributions,
                see_also=see_also,
            )
        )
    return out, groups
