"""The project as the parts of the book see it: documents in order, anchors, words, templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from idmbook.compose import i18n, templating
from idmbook.compose.embedded import chapter_anchor, contribution_anchor, note_anchor, source_texts
from idmbook.compose.keep import sticky_id
from idmbook.compose.tables import pipe_table
from idmbook.compose.templating import Md
from idmbook.errors import IdmbookError
from idmbook.model.config import Config, Taxonomy, Workshop
from idmbook.model.documents import Chapter, Contribution, Documents, Note
from idmbook.pandoc import markdown

__all__ = ["Book"]


class Book:
    """A loaded project in the book's language, which every part of the book is written from."""

    def __init__(
        self,
        config: Config,
        taxonomy: Taxonomy,
        docs: Documents,
        templates: Path,
        source_language: str | None = None,
    ):
        self.config = config
        self.docs = docs
        self.templates = templates
        self.labels = i18n.load_labels(templates, config.language)
        self.lang = config.language
        self.taxonomy = i18n.localize_taxonomy(taxonomy, self.labels, self.lang)
        self.env = templating.environment(templates / "book", self.finalize)
        self.env.globals["table"] = self.table
        self.env.filters["sticky"] = sticky_id
        self.env.filters["lang"] = self.in_language
        self.source_lang = source_language or config.language
        """Language of editorial chapters that do not name theirs (the project's own)."""
        self.anchors: dict[str, str] = {}
        """The anchor of each note and published contribution, by file."""
        workshop_order = {w.id: i for i, w in enumerate(config.workshops)}

        def note_key(note: Note) -> tuple[int, int, str]:
            workshop = config.workshop(note.meta.workshop)
            order = (
                next((s.order for s in workshop.sessions if s.id == note.meta.session), 999)
                if workshop
                else 999
            )
            return workshop_order.get(note.meta.workshop, 999), order, note.rel

        self.notes = sorted(docs.notes, key=note_key)
        self.published = sorted(
            (c for c in docs.contributions if c.meta.consent),
            key=lambda c: (c.meta.organisation.casefold(), c.meta.title.casefold(), c.rel),
        )
        for note in self.notes:
            self.anchors[note.rel] = note_anchor(note)
        for contribution in self.published:
            self.anchors[contribution.rel] = contribution_anchor(contribution)

    def finalize(self, value: object) -> str:
        """A template value as Markdown in the book's language (see
        :func:`idmbook.compose.templating.finalize`)."""
        return templating.finalize(value, self.lang)

    def in_language(self, value: object, lang: str | None) -> Md:
        """The template filter ``lang``: ``value`` as escaped text, tagged with ``lang`` when
        that is not the book's language (``{{ title | lang(contribution.meta.language) }}``),
        with the typographic quotes of its own language."""
        return Md(
            markdown.in_language(templating.finalize(value, lang or self.lang), lang, self.lang)
        )

    def render(self, name: str, **context: Any) -> str:
        """The template ``templates/book/NAME`` rendered with ``context``, the book's words
        and the config; a template that fails raises IdmbookError naming it."""
        try:
            template = self.env.get_template(name)
            return template.render(labels=self.labels, config=self.config, **context)
        except (jinja2.TemplateError, TypeError, AttributeError, ValueError, KeyError) as exc:
            where = getattr(exc, "lineno", None)
            raise IdmbookError(
                f"template templates/book/{name}{f':{where}' if where else ''}: {exc}"
            ) from None

    def table(self, header: list[object], rows: list[list[object]]) -> Md:
        """The template function ``table``: a pipe table of ``header`` and ``rows`` (values
        escaped unless Markdown), without the columns no row fills, its column widths from
        its content (see :func:`idmbook.compose.tables.column_widths`)."""
        return pipe_table(
            [self.finalize(h) for h in header], [[self.finalize(c) for c in row] for row in rows]
        )

    def workshop(self, workshop_id: str) -> Workshop:
        """The workshop ``workshop_id`` of the config."""
        workshop = self.config.workshop(workshop_id)
        assert workshop is not None, "validation guarantees known workshops"
        return workshop

    def session_title(self, note: Note) -> str:
        """The title of the session ``note`` reports on."""
        workshop = self.workshop(note.meta.workshop)
        return next((s.title for s in workshop.sessions if s.id == note.meta.session), "")

    def country(self, contribution: Contribution) -> str:
        """The country of ``contribution`` in the book's language, or nothing when there is
        none or when its organisation's name already says it (in any of the book's
        languages): "(Niger) (Niger)" is never printed."""
        code = contribution.meta.country
        if not code:
            return ""
        languages = (self.lang, contribution.meta.language or self.lang, *i18n.BOOK_LANGUAGES)
        if i18n.names_country(contribution.meta.organisation, code, languages):
            return ""
        return i18n.country_name(code, self.lang)

    def chapters(self, part: str) -> list[Chapter]:
        """The editorial chapters of the part ``part`` (front, annex...), in order."""
        chosen = [c for c in self.docs.chapters if c.meta.part == part]
        return sorted(chosen, key=lambda c: (c.meta.order, c.rel))

    def editorial(self, chapter: Chapter, label: str = "{title}", number: str = "") -> str:
        """An editorial chapter: its heading is ``label`` (words of the book) with the
        chapter's title, tagged with the chapter's language, in place of ``{title}``."""
        anchor = chapter_anchor(chapter)
        body = source_texts(chapter, self.lang, self.source_lang)["body"]
        title = self.in_language(chapter.meta.title, chapter.meta.language or self.source_lang)
        before, _, after = label.partition("{title}")
        words = [
            self.finalize(before.format(number=number)),
            title,
            self.finalize(after.format(number=number)),
        ]
        heading = (" " if before[-1:].isspace() else "").join(words[:2])
        heading = (" " if after[:1].isspace() else "").join([heading, words[2]])
        return f"# {heading} {{#{anchor}}}\n\n{body}\n"

    def note_date(self, note: Note) -> str:
        """The day of the session ``note`` reports on (else its workshop's first day)."""
        workshop = self.workshop(note.meta.workshop)
        session = next((s for s in workshop.sessions if s.id == note.meta.session), None)
        day = session.date if session and session.date else workshop.start
        return i18n.format_date(day, self.labels)

    def theme_title(self, theme_id: str) -> str:
        """The title of the theme or subtheme ``theme_id`` in the book's language."""
        for theme in self.taxonomy.themes:
            if theme.id == theme_id:
                return theme.title
            for sub in theme.subthemes:
                if sub.id == theme_id:
                    return sub.title
        return theme_id
