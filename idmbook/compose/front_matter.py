"""The front matter of the book: the list of acronyms, the front chapters, the imprint."""

from __future__ import annotations

import re

import jinja2

from idmbook.compose import i18n
from idmbook.compose.book import Book
from idmbook.compose.templating import Md, environment
from idmbook.compose.typography import smarten
from idmbook.errors import IdmbookError
from idmbook.model.documents import Chapter
from idmbook.pandoc.markdown import escape

__all__ = ["front_matter", "imprint"]


def front_matter(book: Book, slot: str | None = None) -> tuple[list[str], bool]:
    """The list of acronyms, then the front chapters (foreword, introduction...), with an
    empty div of id ``slot`` at the end of the introduction; and whether it is there (not
    when the book has no front chapter)."""
    front = book.chapters("front")
    parts = [book.editorial(c) for c in front]
    acronyms = _acronyms(book)
    where = _introduction(front)
    placed = False
    if slot is not None and where is not None:
        parts[where] = parts[where].rstrip("\n") + f"\n\n::: {{#{slot}}}\n:::\n"
        placed = True
    if acronyms:  # the list of acronyms opens the front matter, before the foreword
        parts.insert(0, acronyms)
    return parts, placed


def _acronyms(book: Book) -> str:
    """The list of acronyms (acronyms.yaml) in the book's language, or nothing."""
    listed = book.docs.acronyms
    if not listed.expansions:
        return ""
    rows = [
        [Md(f"**{escape(acronym)}**"), listed.expansion(acronym, book.lang)]
        for acronym in sorted(listed.expansions, key=lambda a: (a.casefold(), a))
    ]
    return book.render("acronyms.md.j2", rows=rows)


def _introduction(chapters: list[Chapter]) -> int | None:
    """Index of the introduction among the front chapters: the file named introduction.md,
    else the last front chapter."""
    for index, chapter in enumerate(chapters):
        if chapter.rel.rsplit("/", 1)[-1] == "introduction.md":
            return index
    return len(chapters) - 1 if chapters else None


def imprint(book: Book, draft: bool, footer_note: str | None) -> tuple[str, ...]:
    """The paragraphs of the imprint (the renderers set them on the page after the cover)."""
    env = environment(book.templates / "book", None)
    env.loader = jinja2.FileSystemLoader(i18n.template_folders(book.templates))
    name = i18n.template_name(book.templates, "imprint.md.j2", book.lang)
    sample = any(n.meta.sample for n in book.docs.notes) or any(
        c.meta.sample for c in book.docs.contributions
    )
    try:
        text = env.get_template(name).render(
            config=book.config,
            labels=book.labels,
            sample=sample,
            draft=draft,
            footer_note=footer_note or "",
        )
    except jinja2.TemplateError as exc:
        raise IdmbookError(f"template templates/book/{name}: {exc}") from None
    # white space folded, but not the no-break spaces of French typography
    paragraphs = [re.sub(r"[^\S\u00a0]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return tuple(smarten(p, book.lang) for p in paragraphs if p)
