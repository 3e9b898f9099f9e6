"""The annexes: editorial ones, the stakeholders' contributions, recommendations by objective."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from idmbook.compose.book import Book
from idmbook.compose.embedded import indent_continuation, source_texts, wrap
from idmbook.compose.key_recommendations import Numbered
from idmbook.compose.templating import Md, environment, finalize
from idmbook.load.defaults import default_templates
from idmbook.model.fields import STAKEHOLDER_TYPES
from idmbook.model.gcm import objectives

__all__ = ["annexes"]

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _annex_numbers() -> Iterator[str]:
    """I, II, III... XII, then 13, 14..."""
    number = 0
    while True:
        number += 1
        yield ROMAN[number - 1] if number <= len(ROMAN) else str(number)


def annexes(book: Book, numbered: list[Numbered]) -> list[str]:
    """The annexes, numbered in order: the editorial ones, then (when any contribution is
    published) the list of contributions and their texts, then (when a printed
    recommendation in ``numbered`` addresses one) the objectives of the Global Compact."""
    out = []
    numbers = _annex_numbers()
    for chapter in book.chapters("annex"):
        label = str(book.labels["annex_title"])
        if ":" in chapter.meta.title and book.labels.get("annex_title_colon"):
            # "Annex I: Background: ..." says the colon twice
            label = str(book.labels["annex_title_colon"])
        out.append(book.editorial(chapter, label, next(numbers)))
    if book.published:
        out.append(
            book.render(
                "contributions-list.md.j2", number=next(numbers), sections=_by_stakeholder(book)
            )
        )
        items = [
            {
                "contribution": c,
                "anchor": Md(book.anchors[c.rel]),
                "country": book.country(c),
                "body": source_texts(c, book.lang, book.source_lang)["body"],
            }
            for c in book.published
        ]
        out.append(book.render("contributions-texts.md.j2", number=next(numbers), items=items))
    if any(rec.objectives for rec in numbered):
        out.append(_gcm_annex(book, numbered, next(numbers)))
    return out


def _by_stakeholder(book: Book) -> list[dict[str, Any]]:
    """The published contributions under each type of stakeholder, as the list's rows."""
    types = book.labels.get("stakeholder_types", {})
    sections = []
    for kind in STAKEHOLDER_TYPES:
        items = [
            {
                "contribution": c,
                "anchor": Md(book.anchors[c.rel]),
                "country": book.country(c),
                "cells": [
                    book.in_language(c.meta.organisation, c.meta.language),
                    book.country(c),
                    Md(
                        f"[{book.in_language(c.meta.title, c.meta.language)}]"
                        f"(#{book.anchors[c.rel]})"
                    ),
                ],
            }
            for c in book.published
            if c.meta.stakeholder_type == kind
        ]
        if items:
            sections.append({"label": types.get(kind, kind), "entries": items})
    return sections


def _gcm_annex(book: Book, numbered: list[Numbered], number: str) -> str:
    """The annex listing the key recommendations under each objective they address."""
    listed = []
    for objective in objectives():
        recs = [
            {
                "number": n,
                "text": Md(
                    indent_continuation(
                        wrap(
                            text,
                            f"gcm{objective.number}-rec{n}",
                            rel,
                            None,
                            lang or book.lang,
                            book.lang,
                        )
                    )
                ),
            }
            for n, text, rel, lang, gcm in numbered
            if objective.number in gcm
        ]
        if recs:
            listed.append({"number": objective.number, "title": objective.title, "recs": recs})
    name = "gcm-annex.md.j2"
    if not (book.templates / "book" / name).is_file():  # a project made before the annex
        env = environment(default_templates() / "book", finalize)
        template = env.get_template(name)
        return template.render(
            labels=book.labels, config=book.config, number=number, objectives=listed
        )
    return book.render(name, number=number, objectives=listed)
