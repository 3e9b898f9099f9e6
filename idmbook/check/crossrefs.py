"""Cross-references of the whole book against the ids it defines (IDM128).

A figure, a table or a section is given an id in its source (``{#fig-chart}`` after a
picture, ``: Caption {#tbl-stock}`` under a table, ``## Scope {#sec-scope}``); the text
refers to it as ``@fig-chart`` or links to it as ``[the chart](#fig-chart)``, and the build
prints its number (see :mod:`idmbook.parse.crossref`). A reference to an id no published text
defines would print as typed or link to nowhere: it is an error on its own line. Ids are the
book's, so a text may refer to a figure of another; a contribution withheld for want of
consent defines nothing in the book.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from idmbook.diagnostics import Diagnostic
from idmbook.rules import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project

_ID = r"(?:fig|tbl|sec)-[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*"
DEFINED = re.compile(rf"\{{#({_ID})[\s}}]")
"""An id given in an attribute block."""
REFERENCED = re.compile(rf"(?<![\w@])@({_ID})|\]\(#({_ID})\)")
"""A reference: @fig-ID in the text, or a link to #fig-ID."""
CHART_ID = "fig-contributors"
"""The id of the chart of who contributed, which the book draws itself."""
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def text_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) of the lines of ``text`` outside fenced code blocks and inline code."""
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        yield number, re.sub(r"`[^`]*`", lambda m: " " * len(m.group()), line)


def published_texts(project: Project) -> dict[str, str]:
    """The source text of each note, chapter and published contribution, by file."""
    documents = project.documents
    rels = [n.rel for n in documents.notes] + [c.rel for c in documents.chapters]
    rels += [c.rel for c in documents.contributions if c.meta.consent]
    texts: dict[str, str] = {}
    for rel in rels:
        try:
            texts[rel] = (project.root / rel).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the file's own checks
    return texts


def crossref_diagnostics(project: Project) -> list[Diagnostic]:
    """IDM128 for each reference to a figure, table or section id the book does not define."""
    texts = published_texts(project)
    defined = {m.group(1) for text in texts.values() for m in DEFINED.finditer(text)}
    if project.config.output.contributors_chart:
        defined.add(CHART_ID)
    found: list[Diagnostic] = []
    for rel, text in texts.items():
        for number, line in text_lines(text):
            for match in REFERENCED.finditer(line):
                ident = (match.group(1) or match.group(2)).rstrip(".")
                if ident in defined or ident.rstrip(".:") in defined:
                    continue
                found.append(
                    diag(
                        "IDM128",
                        rel,
                        number,
                        match.start() + 1,
                        f"'{match.group(0)}' refers to '{ident}', which no published text of "
                        "the book defines",
                        f"give the figure, table or section the id {{#{ident}}}, or correct "
                        "the reference",
                    )
                )
    return found
