"""Assemble the publication: one Markdown document in the structure of the book.

The order follows the IDM series: foreword and introduction, one chapter per theme, key
recommendations, supplementary materials per workshop, annexes. The words around submitted
text come from Jinja templates in the project's ``templates/book/`` folder. Submitted text is
wrapped with :func:`idmbook.markdown.contain`; plain values are escaped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from ruamel.yaml import YAML

from idmbook.config import Config, Taxonomy, Workshop
from idmbook.errors import IdmbookError
from idmbook.fields import STAKEHOLDER_TYPES
from idmbook.grouping import group
from idmbook.markdown import contain, escape
from idmbook.models import Chapter, Contribution, Documents, Note


class Md(str):
    """A string that is already Markdown and must not be escaped by the templates."""


@dataclass
class Assembled:
    """The book body as Markdown, plus what the renderers need beside it."""

    markdown: str
    labels: dict[str, Any]
    imprint: tuple[str, ...]
    stats: dict[str, Any] = field(default_factory=dict)


_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _finalize(value: object) -> str:
    if isinstance(value, Md):
        return str(value)
    if value is None:
        return ""
    text = str(value)
    return text if _PLAIN_WORD.match(text) else escape(text)


def anchor(value: object) -> Md:
    """A heading identifier made only of letters, digits, '-' and '_'."""
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", str(value)).strip("-")
    return Md(text if text[:1].isalpha() else f"id-{text}")


def format_date(day: dt.date, labels: dict[str, Any]) -> str:
    months = labels.get("months") or []
    month = months[day.month - 1] if len(months) == 12 else day.strftime("%B")
    return f"{day.day} {month} {day.year}"


def format_range(start: dt.date, end: dt.date, labels: dict[str, Any]) -> str:
    if start == end:
        return format_date(start, labels)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, labels)}"
    if start.year == end.year:
        return format_date(start, labels).rsplit(" ", 1)[0] + " – " + format_date(end, labels)
    return f"{format_date(start, labels)} – {format_date(end, labels)}"


def _environment(folder: Path, finalize: Callable[[object], str] | None) -> jinja2.Environment:
    kwargs: dict[str, Any] = {}
    if finalize is not None:
        kwargs["finalize"] = finalize
    env = jinja2.Environment(
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


def load_labels(templates: Path) -> dict[str, Any]:
    path = templates / "book" / "labels.yaml"
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IdmbookError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise IdmbookError(f"{path} must be a mapping of label names to words")
    return data


def _slug(rel: str) -> str:
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "item"
    digest = hashlib.sha1(rel.encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}"


def _indent_continuation(text: str) -> str:
    lines = text.split("\n")
    return "\n".join([lines[0]] + ["    " + line if line else "" for line in lines[1:]])


def _wrap(body: str, prefix: str, rel: str, top: int, lang: str | None, book_lang: str) -> Md:
    """Submitted Markdown inside a div that records where it came from."""
    attrs = [f'data-src="{rel}"', f'data-top="{top}"']
    if lang and lang != book_lang:
        attrs.append(f'lang="{lang}"')
    return Md(f"::: {{.idm-src {' '.join(attrs)}}}\n{contain(body, prefix)}\n:::")


class Assembler:
    """Builds the book's Markdown from a loaded project."""

    def __init__(self, config: Config, taxonomy: Taxonomy, docs: Documents, templates: Path):
        self.config = config
        self.taxonomy = taxonomy
        self.docs = docs
        self.templates = templates
        self.labels = load_labels(templates)
        self.env = _environment(templates / "book", _finalize)
        self.lang = config.language
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
            self.anchors[note.rel] = anchor(f"note-{note.meta.workshop}-{note.meta.session}")
        for contribution in self.published:
            self.anchors[contribution.rel] = f"contribution-{_slug(contribution.rel)}"

    # ------------------------------------------------------------------ helpers
    def _render(self, name: str, **context: Any) -> str:
        try:
            template = self.env.get_template(name)
            return template.render(labels=self.labels, config=self.config, **context)
        except (jinja2.TemplateError, TypeError, AttributeError, ValueError, KeyError) as exc:
            where = getattr(exc, "lineno", None)
            raise IdmbookError(
                f"template templates/book/{name}{f':{where}' if where else ''}: {exc}"
            ) from None

    def _workshop(self, workshop_id: str) -> Workshop:
        workshop = self.config.workshop(workshop_id)
        assert workshop is not None, "validation guarantees known workshops"
        return workshop

    def _session_title(self, note: Note) -> str:
        workshop = self._workshop(note.meta.workshop)
        return next((s.title for s in workshop.sessions if s.id == note.meta.session), "")

    def _country(self, contribution: Contribution) -> str:
        code = contribution.meta.country
        if not code:
            return ""
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
        return str(getattr(country, "common_name", None) or country.name) if country else code

    # ------------------------------------------------------------------ parts
    def chapters(self, part: str) -> list[Chapter]:
        chosen = [c for c in self.docs.chapters if c.meta.part == part]
        return sorted(chosen, key=lambda c: (c.meta.order, c.rel))

    def editorial(self, chapter: Chapter, title_prefix: str = "") -> str:
        anchor = f"chapter-{_slug(chapter.rel)}"
        body = _wrap(chapter.body, anchor, chapter.rel, 2, chapter.meta.language, self.lang)
        return f"# {escape(title_prefix + chapter.meta.title)} {{#{anchor}}}\n\n{body}\n"

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
                    "key_messages": _wrap(
                        note.key_messages,
                        self.anchors[note.rel],
                        note.rel,
                        4,
                        note.meta.language,
                        self.lang,
                    ),
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
                    "anchor": Md(self.anchors[n.rel]),
                    "where": self.where.get(n.rel, ""),
                }
                for n in g.see_also_notes
            ] + [
                {
                    "title": c.meta.title,
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
        number = 0
        groups = []
        names = self.labels.get("level_names", {})
        for g in self._groups:
            items = []
            for note, rec in g.recommendations:
                number += 1
                text = contain(rec.text, f"rec{number}")
                items.append(
                    {
                        "number": number,
                        "text": Md(
                            _indent_continuation(
                                f'[{text}]{{.idm-src data-src="{note.rel}"}}'
                                if "\n\n" not in text
                                else text
                            )
                        ),
                        "workshop": self._workshop(note.meta.workshop),
                        "session_title": self._session_title(note),
                        "levels": ", ".join(names.get(level, level) for level in rec.levels),
                        "actors": "; ".join(rec.actors),
                    }
                )
            groups.append({"theme": g.theme, "recs": items})
        return self._render("recommendations.md.j2", groups=groups), number

    def workshops(self) -> list[str]:
        out = []
        for workshop in self.config.workshops:
            agenda = [
                {
                    "date": format_date(s.date, self.labels) if s.date else "",
                    "time": s.time or "",
                    "title": s.title,
                    "chairs": "; ".join(s.chairs),
                }
                for s in sorted(workshop.sessions, key=lambda s: s.order)
            ]
            summaries = []
            for note in self.notes:
                if note.meta.workshop != workshop.id:
                    continue
                rapporteur = note.meta.rapporteur
                summaries.append(
                    {
                        "note": note,
                        "rapporteur": ", ".join(rapporteur)
                        if isinstance(rapporteur, list)
                        else rapporteur,
                        "summary": _wrap(
                            note.summary,
                            f"sum-{self.anchors[note.rel]}",
                            note.rel,
                            4,
                            note.meta.language,
                            self.lang,
                        ),
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
            prefix = f"{self.labels.get('annex', 'Annex')} {next_number()}: "
            out.append(self.editorial(chapter, prefix))
        if self.published:
            types = self.labels.get("stakeholder_types", {})
            sections = []
            for kind in STAKEHOLDER_TYPES:
                items = [
                    {
                        "contribution": c,
                        "anchor": Md(self.anchors[c.rel]),
                        "country": self._country(c),
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
                    "body": _wrap(
                        c.body, self.anchors[c.rel], c.rel, 3, c.meta.language, self.lang
                    ),
                }
                for c in self.published
            ]
            out.append(self._render("contributions-texts.md.j2", number=next_number(), items=items))
        return out

    def imprint(self, draft: bool, footer_note: str | None) -> tuple[str, ...]:
        env = _environment(self.templates / "book", None)
        sample = any(n.meta.sample for n in self.docs.notes) or any(
            c.meta.sample for c in self.docs.contributions
        )
        try:
            text = env.get_template("imprint.md.j2").render(
                config=self.config,
                labels=self.labels,
                sample=sample,
                draft=draft,
                footer_note=footer_note or "",
            )
        except jinja2.TemplateError as exc:
            raise IdmbookError(f"template templates/book/imprint.md.j2: {exc}") from None
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
        return tuple(p for p in paragraphs if p)


def assemble(
    config: Config,
    taxonomy: Taxonomy,
    docs: Documents,
    templates: Path,
    draft: bool = False,
    footer_note: str | None = None,
) -> Assembled:
    """The whole book body as Markdown."""
    a = Assembler(config, taxonomy, docs, templates)
    parts = [a.editorial(c) for c in a.chapters("front")]
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
    return Assembled(
        markdown="\n\n".join(p.strip("\n") for p in parts) + "\n",
        labels=a.labels,
        imprint=a.imprint(draft, footer_note),
        stats=stats,
    )
