"""Assemble the publication: one Markdown document in the structure of the book.

The order follows the IDM series: foreword and introduction, one chapter per theme, key
recommendations, supplementary materials per workshop, annexes. The words around submitted
text come from Jinja templates in the project's ``templates/book/`` folder. Submitted text is
wrapped with :func:`idmbook.pandoc.markdown.contain`; plain values are escaped.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from idmbook.compose import i18n
from idmbook.compose.grouping import group
from idmbook.compose.typography import smarten
from idmbook.errors import IdmbookError
from idmbook.load.sources import CONFIG_NAME
from idmbook.model.config import Config, Taxonomy, Workshop
from idmbook.model.documents import Chapter, Contribution, Documents, Note, Recommendation
from idmbook.model.fields import STAKEHOLDER_TYPES
from idmbook.model.recommendations import rec_id
from idmbook.pandoc.markdown import attributes, contain, escape, in_language, source_name


class Md(str):
    """A string that is already Markdown and must not be escaped by the templates."""


@dataclass
class Assembled:
    """The book body as Markdown, plus what the renderers need beside it."""

    markdown: str
    labels: dict[str, Any]
    imprint: tuple[str, ...]
    stats: dict[str, Any] = field(default_factory=dict)
    themes: tuple[str, ...] = ()
    """Theme titles in the book's language, in chapter order."""
    contributors: tuple[tuple[str, int], ...] = ()
    """(stakeholder type in the book's language, published contributions) for the chart of
    who contributed; empty when the chart is off or nothing is published."""


_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _finalize(value: object, language: str = "en") -> str:
    """A template value as Markdown: Markdown (:class:`Md`) as it is, any other value as
    escaped text with typographic quotes for ``language``."""
    if isinstance(value, Md):
        return str(value)
    if value is None:
        return ""
    text = str(value)
    if _PLAIN_WORD.match(text):
        return text
    text = smarten(text, language)
    # escape() folds all white space; keep the no-break spaces of French typography
    return "\u00a0".join(escape(part) for part in text.split("\u00a0"))


def anchor(value: object) -> Md:
    """A heading identifier made only of letters, digits, '-' and '_'."""
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", str(value)).strip("-")
    return Md(text if text[:1].isalpha() else f"id-{text}")


def format_date(day: dt.date, labels: dict[str, Any]) -> str:
    """``day`` in the labels' language (see :func:`idmbook.compose.i18n.format_date`)."""
    return i18n.format_date(day, labels)


def format_range(start: dt.date, end: dt.date, labels: dict[str, Any]) -> str:
    """A span of days in the labels' language (see :func:`idmbook.compose.i18n.format_range`)."""
    return i18n.format_range(start, end, labels)


TABLE_WIDTH = 100
"""Characters of a pipe table's separator line: longer than pandoc's 80 columns, so that its
dashes give the columns' relative widths."""
_NARROW = 26
"""A column whose longest cell is this many characters or fewer is set at its natural width
(a date, a time, a country); the others share what is left."""
_PADDING = 4
"""Characters a cell's inner margins take, added to every column's width."""
_MARKUP = re.compile(r"\]\(#[^)]*\)|\{[^}]*\}|\\(?=.)|[\[\]*_]")


def _visible(cell: str) -> str:
    """A cell's Markdown as the reader sees it, near enough to measure: link targets,
    attributes, escapes and emphasis marks left out."""
    return _MARKUP.sub("", cell)


def column_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Relative widths (characters, summing to about :data:`TABLE_WIDTH`) of a table's
    columns from their content: narrow columns at their natural width, wide ones sharing the
    rest in proportion to their longest cells, none narrower than its longest word."""
    columns = list(zip(header, *rows, strict=True))
    natural = [max(len(_visible(c)) for c in column) for column in columns]
    words = [
        max((len(w) for c in column for w in _visible(c).split()), default=1) for column in columns
    ]
    # each cell's padding is worth about as much as a few characters
    natural = [max(n, w, 3) + _PADDING for n, w in zip(natural, words, strict=True)]
    words = [w + _PADDING for w in words]
    if sum(natural) <= TABLE_WIDTH:
        widths = natural
    else:
        fixed = sum(n for n in natural if n <= _NARROW)
        wide = sum(n for n in natural if n > _NARROW)
        room = max(TABLE_WIDTH - fixed, wide // 3)
        widths = [
            n if n <= _NARROW else max(words[i], n * room // wide) for i, n in enumerate(natural)
        ]
    scale = TABLE_WIDTH / sum(widths)
    return [max(3, round(w * scale)) for w in widths]


def _environment(folder: Path, finalize: Callable[[object], str] | None) -> jinja2.Environment:
    kwargs: dict[str, Any] = {}
    if finalize is not None:
        kwargs["finalize"] = finalize
    # sandboxed: a received project's templates are as untrusted as its notes, and a plain
    # Environment lets a template reach Python's modules and run commands
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        comment_start_string="{##",
        comment_end_string="##}",
        **kwargs,
    )
    env.filters["anchor"] = anchor
    return env


def load_labels(templates: Path, language: str = "en") -> dict[str, Any]:
    """The book's words in ``language`` (see :func:`idmbook.compose.i18n.load_labels`)."""
    return i18n.load_labels(templates, language)


def _slug(rel: str) -> str:
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "item"
    digest = hashlib.sha1(rel.encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}"


def _indent_continuation(text: str, width: int = 4) -> str:
    lines = text.split("\n")
    pad = " " * width
    return "\n".join([lines[0]] + [pad + line if line else "" for line in lines[1:]])


def _wrap(
    body: str, prefix: str, rel: str, top: int | None, lang: str | None, book_lang: str
) -> Md:
    """Submitted Markdown inside a div that records where it came from: the file, the level
    its headings start at (``top``; None inside a list item, where none can be a heading)
    and its language when it is not the book's."""
    pairs: list[tuple[str, object]] = [("data-src", source_name(rel))]
    if top is not None:
        pairs.append(("data-top", top))
    if lang and lang != book_lang:
        pairs.append(("lang", lang))
    return Md(f"::: {attributes(classes=['idm-src'], pairs=pairs)}\n{contain(body, prefix)}\n:::")


_NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)


def _definitions(text: str) -> dict[str, str]:
    """The footnote definitions of ``text`` by label, each with its continuation lines."""
    found: dict[str, str] = {}
    matches = list(_NOTE_DEFINITION.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        block = text[match.start() : end].split("\n")
        kept = [block[0]]
        for line in block[1:]:
            if line.strip() and not line.startswith(("    ", "\t")):
                break
            kept.append(line)
        found.setdefault(match.group(1), "\n".join(kept).rstrip())
    return found


def with_footnotes(text: str, note: Note) -> str:
    """``text`` (a recommendation, the key messages or the summary of ``note``) with the
    definitions of the footnotes it refers to and does not define itself, taken from the rest
    of the note: a footnote at the note's end serves the recommendation or the key message
    that refers to it."""
    wanted = dict.fromkeys(_NOTE_REFERENCE.findall(text))
    if not wanted:
        return text
    own = _definitions(text)
    missing = [label for label in wanted if label not in own]
    if not missing:
        return text
    pool = {
        **_definitions(note.footnotes),
        **_definitions(note.key_messages),
        **_definitions(note.summary),
    }
    added = [pool[label] for label in missing if label in pool]
    return text.rstrip("\n") + "\n\n" + "\n\n".join(added) if added else text


def note_anchor(note: Note) -> Md:
    return anchor(f"note-{note.meta.workshop}-{note.meta.session}")


def contribution_anchor(contribution: Contribution) -> str:
    return f"contribution-{_slug(contribution.rel)}"


def chapter_anchor(chapter: Chapter) -> str:
    return f"chapter-{_slug(chapter.rel)}"


def source_texts(
    doc: Note | Contribution | Chapter, book_lang: str, source_lang: str
) -> dict[str, Md]:
    """The submitted texts of ``doc`` as the book embeds them (each in its div), by name:
    ``body`` of a contribution or a chapter, ``key_messages`` and ``summary`` of a note.
    ``source_lang`` is the language of a chapter that does not name its own."""
    if isinstance(doc, Note):
        prefix, lang = note_anchor(doc), doc.meta.language
        key_messages, summary = (
            with_footnotes(doc.key_messages, doc),
            with_footnotes(doc.summary, doc),
        )
        return {
            "key_messages": _wrap(key_messages, prefix, doc.rel, 4, lang, book_lang),
            "summary": _wrap(summary, f"sum-{prefix}", doc.rel, 4, lang, book_lang),
        }
    if isinstance(doc, Contribution):
        own = contribution_anchor(doc)
        return {"body": _wrap(doc.body, own, doc.rel, 3, doc.meta.language, book_lang)}
    lang = doc.meta.language or source_lang
    return {"body": _wrap(doc.body, chapter_anchor(doc), doc.rel, 2, lang, book_lang)}


def recommendation_text(text: str, number: int, note: Note, book_lang: str) -> Md:
    """The text of the recommendation ``number`` of ``note`` as the book embeds it in its
    numbered list: in a div, so that no bracket of the text can end it, with the note's
    language."""
    text = with_footnotes(text, note)
    return _wrap(text, f"rec{number}", note.rel, None, note.meta.language, book_lang)


KEEP = "idm-keep-"
"""Id prefix of a div the renderers keep on one page (Typst: an unbreakable block; Word:
keep with next on all its paragraphs but the last)."""
STICKY = "idm-sticky-"
"""Id prefix of a div the renderers keep with what follows (a byline under its heading)."""
KEEP_LIMIT = 1200
"""Characters of a recommendation above which it may break across pages (a block that
cannot break and is taller than a page would run over the foot of it)."""


def keep_id(name: str, keep: bool = True) -> str:
    """The id of the div around ``name``: kept on one page when ``keep``."""
    return f"{KEEP}{name}" if keep else name


def sticky_id(name: object) -> Md:
    """The template filter ``sticky``: the id of a div kept with what follows it, made from
    ``name`` and short enough for a Word bookmark (pandoc renames one of over 40 characters)."""
    return Md(f"{STICKY}{hashlib.sha1(str(name).encode()).hexdigest()[:10]}")


class Assembler:
    """Builds the book's Markdown from a loaded project."""

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
        self.labels = load_labels(templates, config.language)
        self.lang = config.language
        self.taxonomy = i18n.localize_taxonomy(taxonomy, self.labels, self.lang)
        self.env = _environment(templates / "book", self._finalize)
        self.env.globals["table"] = self.table
        self.env.filters["sticky"] = sticky_id
        self.env.filters["lang"] = self._in_language
        self.source_lang = source_language or config.language
        """Language of editorial chapters that do not name theirs (the project's own)."""
        self.anchors: dict[str, str] = {}
        self.where: dict[str, str] = {}
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

    # ------------------------------------------------------------------ helpers
    def _finalize(self, value: object) -> str:
        return _finalize(value, self.lang)

    def _in_language(self, value: object, lang: str | None) -> Md:
        """The template filter ``lang``: ``value`` as escaped text, tagged with ``lang`` when
        that is not the book's language (``{{ title | lang(contribution.meta.language) }}``),
        with the typographic quotes of its own language."""
        return Md(in_language(_finalize(value, lang or self.lang), lang, self.lang))

    def _render(self, name: str, **context: Any) -> str:
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
        its content (see :func:`column_widths`)."""
        head = [self._finalize(h) for h in header]
        body = [[self._finalize(c) for c in row] for row in rows]
        keep = [i for i in range(len(head)) if any(row[i].strip() for row in body)]
        head = [head[i] for i in keep]
        body = [[row[i] for i in keep] for row in body]
        widths = column_widths(head, body)
        lines = [
            "| " + " | ".join(head) + " |",
            "|" + "|".join("-" * w for w in widths) + "|",
            *("| " + " | ".join(row) + " |" for row in body),
        ]
        return Md("\n".join(lines))

    def _workshop(self, workshop_id: str) -> Workshop:
        workshop = self.config.workshop(workshop_id)
        assert workshop is not None, "validation guarantees known workshops"
        return workshop

    def _session_title(self, note: Note) -> str:
        workshop = self._workshop(note.meta.workshop)
        return next((s.title for s in workshop.sessions if s.id == note.meta.session), "")

    def _country(self, contribution: Contribution) -> str:
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

    # ------------------------------------------------------------------ parts
    def chapters(self, part: str) -> list[Chapter]:
        chosen = [c for c in self.docs.chapters if c.meta.part == part]
        return sorted(chosen, key=lambda c: (c.meta.order, c.rel))

    def editorial(self, chapter: Chapter, label: str = "{title}", number: str = "") -> str:
        """An editorial chapter: its heading is ``label`` (words of the book) with the
        chapter's title, tagged with the chapter's language, in place of ``{title}``."""
        anchor = chapter_anchor(chapter)
        body = source_texts(chapter, self.lang, self.source_lang)["body"]
        title = self._in_language(chapter.meta.title, chapter.meta.language or self.source_lang)
        before, _, after = label.partition("{title}")
        words = [
            self._finalize(before.format(number=number)),
            title,
            self._finalize(after.format(number=number)),
        ]
        heading = (" " if before[-1:].isspace() else "").join(words[:2])
        heading = (" " if after[:1].isspace() else "").join([heading, words[2]])
        return f"# {heading} {{#{anchor}}}\n\n{body}\n"

    def acronyms(self) -> str:
        """The list of acronyms (acronyms.yaml) in the book's language, or nothing."""
        listed = self.docs.acronyms
        if not listed.expansions:
            return ""
        rows = [
            [Md(f"**{escape(acronym)}**"), listed.expansion(acronym, self.lang)]
            for acronym in sorted(listed.expansions, key=lambda a: (a.casefold(), a))
        ]
        return self._render("acronyms.md.j2", rows=rows)

    def theme_chapters(self) -> list[str]:
        out = []
        groups = group(self.taxonomy, self.notes, self.published)
        for g in groups:
            theme_title = g.theme.title
            for note in g.notes:
                self.where[note.rel] = theme_title
            for contribution in g.contributions:
                self.where[contribution.rel] = theme_title
        for g in groups:
            notes = [
                {
                    "note": note,
                    "anchor": Md(self.anchors[note.rel]),
                    "workshop": self._workshop(note.meta.workshop),
                    "date": self._note_date(note),
                    "key_messages": source_texts(note, self.lang, self.source_lang)["key_messages"],
                }
                for note in g.notes
            ]
            contributions = [
                {"contribution": c, "anchor": Md(self.anchors[c.rel]), "country": self._country(c)}
                for c in g.contributions
            ]
            see_also = [
                {
                    "title": n.meta.title,
                    "lang": n.meta.language,
                    "anchor": Md(self.anchors[n.rel]),
                    "where": self.where.get(n.rel, ""),
                }
                for n in g.see_also_notes
            ] + [
                {
                    "title": c.meta.title,
                    "lang": c.meta.language,
                    "anchor": Md(self.anchors[c.rel]),
                    "where": self.where.get(c.rel, ""),
                }
                for c in g.see_also_contributions
            ]
            out.append(
                self._render(
                    "theme.md.j2",
                    theme=g.theme,
                    notes=notes,
                    contributions=contributions,
                    see_also=see_also,
                )
            )
        self._groups = groups
        return out

    def _note_date(self, note: Note) -> str:
        workshop = self._workshop(note.meta.workshop)
        session = next((s for s in workshop.sessions if s.id == note.meta.session), None)
        day = session.date if session and session.date else workshop.start
        return format_date(day, self.labels)

    def recommendations(self) -> tuple[str, int]:
        self._numbered: list[tuple[int, str, str, str | None, tuple[int, ...]]] = []
        """(number, text, source, language, objectives) of each printed recommendation."""
        number = 0
        groups = []
        names = self.labels.get("level_names", {})
        merged_into = {
            rec_id: key for key, k in self.config.consolidation.items() for rec_id in k.merge
        }
        printed: set[str] = set()
        for g in self._groups:
            items = []
            for note, rec in g.recommendations:
                position = next(i for i, r in enumerate(note.recommendations, 1) if r is rec)
                key = merged_into.get(rec_id(note, position))
                if key in printed:
                    continue  # a merged recommendation is printed once, with the first
                number += 1
                if key is not None:
                    printed.add(key)
                    items.append(self._key_recommendation(key, number))
                    merge = self.config.consolidation[key]
                    gcm = [
                        g for i in merge.merge if i in self._by_id for g in self._by_id[i][1].gcm
                    ]
                    wording = merge.wording(self.lang, self.source_lang) or ""
                    self._numbered.append((number, wording, CONFIG_NAME, None, tuple(gcm)))
                    continue
                self._numbered.append((number, rec.text, note.rel, note.meta.language, rec.gcm))
                text = recommendation_text(rec.text, number, note, self.lang)
                items.append(
                    {
                        "number": number,
                        "key": None,
                        "text": Md(_indent_continuation(text, len(f"{number}. "))),
                        "pad": Md(" " * len(f"{number}. ")),
                        "keep": Md(keep_id(f"rec-{number}", len(rec.text) <= KEEP_LIMIT)),
                        "workshop": self._workshop(note.meta.workshop),
                        "session_title": self._session_title(note),
                        "levels": ", ".join(names.get(level, level) for level in rec.levels),
                        "actors": "; ".join(rec.actors),
                    }
                )
            groups.append({"theme": g.theme, "recs": items})
        return self._render("recommendations.md.j2", groups=groups), number

    def _key_recommendation(self, key: str, number: int) -> dict[str, object]:
        """A key recommendation: the editor's merged wording, where each merged
        recommendation was raised, and the union of their themes, levels and actors."""
        merge = self.config.consolidation[key]
        fallback = self.source_lang
        wording = merge.wording(self.lang, fallback) or ""
        lang = self.lang if merge.wording(self.lang, "") else fallback
        merged = [self._by_id[i] for i in merge.merge if i in self._by_id]
        themes: list[str] = []
        levels: list[str] = []
        actors: list[str] = []
        for _, rec in merged:
            themes += [t for t in rec.themes if t not in themes]
            levels += [v for v in rec.levels if v not in levels]
            actors += [a for a in rec.actors if a not in actors]
        names = self.labels.get("level_names", {})
        titles = [self._theme_title(t) for t in themes]
        text = _wrap(wording, f"rec{number}", CONFIG_NAME, None, lang, self.lang)
        return {
            "number": number,
            "key": key,
            "text": Md(_indent_continuation(text, len(f"{number}. "))),
            "pad": Md(" " * len(f"{number}. ")),
            "keep": Md(keep_id(f"rec-{number}", len(wording) <= KEEP_LIMIT)),
            "provenance": self._provenance([note for note, _ in merged]),
            "themes": ", ".join(dict.fromkeys(titles)),
            "levels": ", ".join(names.get(level, level) for level in levels),
            "actors": "; ".join(actors),
        }

    @functools.cached_property
    def _by_id(self) -> dict[str, tuple[Note, Recommendation]]:
        return {
            rec_id(note, i): (note, rec)
            for note in self.docs.notes
            for i, rec in enumerate(note.recommendations, 1)
        }

    def _theme_title(self, theme_id: str) -> str:
        for theme in self.taxonomy.themes:
            if theme.id == theme_id:
                return theme.title
            for sub in theme.subthemes:
                if sub.id == theme_id:
                    return sub.title
        return theme_id

    def _provenance(self, notes: list[Note]) -> str:
        """ "Raised in New York, session 5, and Geneva, sessions 2 and 6"."""
        labels = self.labels
        word_and = str(labels.get("and", "and"))
        places = []
        for workshop in self.config.workshops:
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
                sessions = str(labels.get("session_many", "sessions {numbers}")).format(
                    numbers=listed
                )
            places.append(f"{workshop.city}, {sessions}")
        joined = (
            places[0]
            if len(places) == 1
            else ", ".join(places[:-1]) + f", {word_and} " + places[-1]
        )
        return str(labels.get("raised_in", "Raised in {places}")).format(places=joined)

    def workshops(self) -> list[str]:
        out = []
        for workshop in self.config.workshops:
            agenda = []
            for s in sorted(workshop.sessions, key=lambda s: s.order):
                row = {
                    "date": format_date(s.date, self.labels) if s.date else "",
                    "time": (s.time or "").replace("-", "–"),
                    "title": s.title,
                    "chairs": "; ".join(s.chairs),
                }
                agenda.append({**row, "cells": list(row.values())})
            summaries = []
            for note in self.notes:
                if note.meta.workshop != workshop.id:
                    continue
                rapporteur = note.meta.rapporteur
                summaries.append(
                    {
                        "note": note,
                        "anchor": Md(self.anchors[note.rel]),
                        "rapporteur": ", ".join(rapporteur)
                        if isinstance(rapporteur, list)
                        else rapporteur,
                        "summary": source_texts(note, self.lang, self.source_lang)["summary"],
                    }
                )
            out.append(
                self._render(
                    "workshop.md.j2",
                    workshop=workshop,
                    dates=format_range(workshop.start, workshop.end, self.labels),
                    agenda=agenda,
                    summaries=summaries,
                )
            )
        return out

    def annexes(self) -> list[str]:
        out = []
        number = 0
        roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

        def next_number() -> str:
            nonlocal number
            number += 1
            return roman[number - 1] if number <= len(roman) else str(number)

        for chapter in self.chapters("annex"):
            label = str(self.labels["annex_title"])
            if ":" in chapter.meta.title and self.labels.get("annex_title_colon"):
                # "Annex I: Background: ..." says the colon twice
                label = str(self.labels["annex_title_colon"])
            out.append(self.editorial(chapter, label, next_number()))
        if self.published:
            types = self.labels.get("stakeholder_types", {})
            sections = []
            for kind in STAKEHOLDER_TYPES:
                items = [
                    {
                        "contribution": c,
                        "anchor": Md(self.anchors[c.rel]),
                        "country": self._country(c),
                        "cells": [
                            self._in_language(c.meta.organisation, c.meta.language),
                            self._country(c),
                            Md(
                                f"[{self._in_language(c.meta.title, c.meta.language)}]"
                                f"(#{self.anchors[c.rel]})"
                            ),
                        ],
                    }
                    for c in self.published
                    if c.meta.stakeholder_type == kind
                ]
                if items:
                    sections.append({"label": types.get(kind, kind), "entries": items})
            out.append(
                self._render("contributions-list.md.j2", number=next_number(), sections=sections)
            )
            items = [
                {
                    "contribution": c,
                    "anchor": Md(self.anchors[c.rel]),
                    "country": self._country(c),
                    "body": source_texts(c, self.lang, self.source_lang)["body"],
                }
                for c in self.published
            ]
            out.append(self._render("contributions-texts.md.j2", number=next_number(), items=items))
        if any(gcm for *_, gcm in getattr(self, "_numbered", [])):
            out.append(self._gcm_annex(next_number()))
        return out

    def _gcm_annex(self, number: str) -> str:
        """The annex listing the key recommendations under each objective they address."""
        from idmbook.load.defaults import default_templates
        from idmbook.model.gcm import objectives

        listed = []
        for objective in objectives():
            recs = [
                {
                    "number": n,
                    "text": Md(
                        _indent_continuation(
                            _wrap(
                                text,
                                f"gcm{objective.number}-rec{n}",
                                rel,
                                None,
                                lang or self.lang,
                                self.lang,
                            )
                        )
                    ),
                }
                for n, text, rel, lang, gcm in self._numbered
                if objective.number in gcm
            ]
            if recs:
                listed.append({"number": objective.number, "title": objective.title, "recs": recs})
        name = "gcm-annex.md.j2"
        if not (self.templates / "book" / name).is_file():  # a project made before the annex
            env = _environment(default_templates() / "book", _finalize)
            template = env.get_template(name)
            return template.render(
                labels=self.labels, config=self.config, number=number, objectives=listed
            )
        return self._render(name, number=number, objectives=listed)

    def imprint(self, draft: bool, footer_note: str | None) -> tuple[str, ...]:
        env = _environment(self.templates / "book", None)
        env.loader = jinja2.FileSystemLoader(i18n.template_folders(self.templates))
        name = i18n.template_name(self.templates, "imprint.md.j2", self.lang)
        sample = any(n.meta.sample for n in self.docs.notes) or any(
            c.meta.sample for c in self.docs.contributions
        )
        try:
            text = env.get_template(name).render(
                config=self.config,
                labels=self.labels,
                sample=sample,
                draft=draft,
                footer_note=footer_note or "",
            )
        except jinja2.TemplateError as exc:
            raise IdmbookError(f"template templates/book/{name}: {exc}") from None
        # white space folded, but not the no-break spaces of French typography
        paragraphs = [re.sub(r"[^\S\u00a0]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
        return tuple(smarten(p, self.lang) for p in paragraphs if p)


# --------------------------------------------------------------------------- the contributors chart

FIGURE_SLOT = "idm-contributors-chart"
"""Id of the empty div that marks where the chart of who contributed goes; the build puts the
figure there after the submitted text has been sanitised (the chart is not a project file)."""


def contributor_counts(
    published: list[Contribution], labels: dict[str, Any]
) -> tuple[tuple[str, int], ...]:
    """(stakeholder type in the book's language, count) of the published contributions."""
    names = labels.get("stakeholder_types", {})
    counts = [
        (str(names.get(kind, kind)), sum(1 for c in published if c.meta.stakeholder_type == kind))
        for kind in STAKEHOLDER_TYPES
    ]
    return tuple((name, n) for name, n in counts if n)


def contributors_figure(
    counts: tuple[tuple[str, int], ...], labels: dict[str, Any], target: str
) -> str:
    """The Markdown of the chart of who contributed: a heading, then the picture ``target``
    with its caption and an alternative text that gives every number of the chart."""
    labelled = str(labels["labelled"])
    items = "; ".join(labelled.format(label=name, value=n) for name, n in counts)
    alt = str(labels["contributors_alt"]).format(total=sum(n for _, n in counts), items=items)
    alt = re.sub(r"[^\S\u00a0]+", " ", alt).strip()
    picture = attributes("fig-contributors", pairs=[("alt", alt), ("width", "85%")])
    return (
        f"## {_finalize(labels['contributors_heading'])} {{#contributors-chart}}\n\n"
        f"![{_finalize(labels['contributors_caption'])}]({target}){picture}\n"
    )


def figure_placed(body: list[Any], blocks: list[Any]) -> tuple[list[Any], list[Any]]:
    """``body`` with the :data:`FIGURE_SLOT` div replaced by ``blocks`` (at any depth), and
    the slot divs replaced (none when ``body`` has no slot)."""
    slots: list[Any] = []

    def walk(items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for block in items:
            if block.get("t") == "Div":
                (ident, classes, attrs), content = block["c"]
                if ident == FIGURE_SLOT:
                    slots.append(block)
                    out.extend(blocks)
                    continue
                block = {"t": "Div", "c": [[ident, classes, attrs], walk(content)]}
            out.append(block)
        return out

    return walk(body), slots


def _introduction(chapters: list[Chapter]) -> int | None:
    """Index of the introduction among the front chapters: the file named introduction.md,
    else the last front chapter."""
    for index, chapter in enumerate(chapters):
        if chapter.rel.rsplit("/", 1)[-1] == "introduction.md":
            return index
    return len(chapters) - 1 if chapters else None


def assemble(
    config: Config,
    taxonomy: Taxonomy,
    docs: Documents,
    templates: Path,
    draft: bool = False,
    footer_note: str | None = None,
    source_language: str | None = None,
) -> Assembled:
    """The whole book body as Markdown.

    ``source_language`` is the language the project's editorial chapters are written in when
    they do not say (the config's own, when the book is built in another with --lang).
    """
    # each piece translated into the book's language stands in for its original
    docs, coverage = i18n.localize_documents(
        docs, config.language, source_language or config.language
    )
    a = Assembler(config, taxonomy, docs, templates, source_language)
    front = a.chapters("front")
    parts = [a.editorial(c) for c in front]
    acronyms = a.acronyms()
    contributors: tuple[tuple[str, int], ...] = ()
    where = _introduction(front)
    if config.output.contributors_chart and a.published and where is not None:
        contributors = contributor_counts(a.published, a.labels)
        parts[where] = parts[where].rstrip("\n") + f"\n\n::: {{#{FIGURE_SLOT}}}\n:::\n"
    if acronyms:  # the list of acronyms opens the front matter, before the foreword
        parts.insert(0, acronyms)
    parts += a.theme_chapters()
    recommendations, count = a.recommendations()
    parts.append(recommendations)
    parts += a.workshops()
    parts += a.annexes()
    stats = {
        "notes": len(a.notes),
        "contributions_published": len(a.published),
        "contributions_withheld": len(docs.contributions) - len(a.published),
        "recommendations": count,
        "words": sum(n.words for n in docs.notes) + sum(c.words for c in a.published),
        "themes": {
            g.theme.id: {
                "title": g.theme.title,
                "notes": len(g.notes),
                "contributions": len(g.contributions),
                "recommendations": len(g.recommendations),
            }
            for g in a._groups
        },
    }
    if (source_language or config.language) != config.language:
        stats["translation"] = coverage.as_dict()
    return Assembled(
        markdown="\n\n".join(p.strip("\n") for p in parts) + "\n",
        labels=a.labels,
        imprint=a.imprint(draft, footer_note),
        stats=stats,
        themes=tuple(t.title for t in a.taxonomy.themes),
        contributors=contributors,
    )
