"""The supplementary materials: each workshop's agenda and the summaries of its sessions."""

from __future__ import annotations

from idmbook.compose import i18n
from idmbook.compose.book import Book
from idmbook.compose.embedded import source_texts
from idmbook.compose.templating import Md

__all__ = ["workshops"]


def workshops(book: Book) -> list[str]:
    """A chapter for each workshop, in the config's order."""
    out = []
    for workshop in book.config.workshops:
        agenda = []
        for s in sorted(workshop.sessions, key=lambda s: s.order):
            row = {
                "date": i18n.format_date(s.date, book.labels) if s.date else "",
                "time": (s.time or "").replace("-", "–"),
                "title": s.title,
                "chairs": "; ".join(s.chairs),
            }
            agenda.append({**row, "cells": list(row.values())})
        summaries = []
        for note in book.notes:
            if note.meta.workshop != workshop.id:
                continue
            rapporteur = note.meta.rapporteur
            summaries.append(
                {
                    "note": note,
                    "anchor": Md(book.anchors[note.rel]),
                    "rapporteur": ", ".join(rapporteur)
                    if isinstance(rapporteur, list)
                    else rapporteur,
                    "summary": source_texts(note, book.lang, book.source_lang)["summary"],
                }
            )
        out.append(
            book.render(
                "workshop.md.j2",
                workshop=workshop,
                dates=i18n.format_range(workshop.start, workshop.end, book.labels),
                agenda=agenda,
                summaries=summaries,
            )
        )
    return out
