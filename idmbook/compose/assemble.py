"""The book assembled: its parts in the order of the IDM series, as one Markdown document.

Foreword and introduction (:mod:`.front_matter`), one chapter per theme
(:mod:`.theme_chapters`), key recommendations (:mod:`.key_recommendations`), supplementary
materials per workshop (:mod:`.workshops`), annexes (:mod:`.annexes`). Each part is written
from the project as :class:`~idmbook.compose.book.Book` gives it, through the Jinja templates
of the project's ``templates/book/`` folder; submitted text is embedded as
:mod:`.embedded` says. The chart of who contributed is placed here too: its slot in the
introduction, then the figure once the body is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook.compose import i18n
from idmbook.compose.annexes import annexes
from idmbook.compose.book import Book
from idmbook.compose.front_matter import front_matter, imprint
from idmbook.compose.key_recommendations import key_recommendations
from idmbook.compose.templating import finalize
from idmbook.compose.theme_chapters import theme_chapters
from idmbook.compose.workshops import workshops
from idmbook.model.config import Config, Taxonomy
from idmbook.model.documents import Contribution, Documents
from idmbook.model.fields import STAKEHOLDER_TYPES
from idmbook.pandoc.ast import Node, Walker
from idmbook.pandoc.markdown import attributes

__all__ = [
    "FIGURE_SLOT",
    "Assembled",
    "assemble",
    "contributor_counts",
    "contributors_figure",
    "figure_placed",
]


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
    book = Book(config, taxonomy, docs, templates, source_language)
    chart = config.output.contributors_chart and bool(book.published)
    parts, placed = front_matter(book, FIGURE_SLOT if chart else None)
    themes, groups = theme_chapters(book)
    parts += themes
    recommendations, numbered = key_recommendations(book, groups)
    parts.append(recommendations)
    parts += workshops(book)
    parts += annexes(book, numbered)
    stats = {
        "notes": len(book.notes),
        "contributions_published": len(book.published),
        "contributions_withheld": len(docs.contributions) - len(book.published),
        "recommendations": len(numbered),
        "words": sum(n.words for n in docs.notes) + sum(c.words for c in book.published),
        "themes": {
            g.theme.id: {
                "title": g.theme.title,
                "notes": len(g.notes),
                "contributions": len(g.contributions),
                "recommendations": len(g.recommendations),
            }
            for g in groups
        },
    }
    if (source_language or config.language) != config.language:
        stats["translation"] = coverage.as_dict()
    return Assembled(
        markdown="\n\n".join(p.strip("\n") for p in parts) + "\n",
        labels=book.labels,
        imprint=imprint(book, draft, footer_note),
        stats=stats,
        themes=tuple(t.title for t in book.taxonomy.themes),
        contributors=contributor_counts(book.published, book.labels) if placed else (),
    )


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
        f"## {finalize(labels['contributors_heading'])} {{#contributors-chart}}\n\n"
        f"![{finalize(labels['contributors_caption'])}]({target}){picture}\n"
    )


class _PlaceFigure(Walker[None]):
    """The slot divs replaced by the figure's blocks, among the blocks and in divs at any
    depth: where the book puts the slot. Nothing else is entered: a walk through every inline
    of a long book would be slow."""

    def __init__(self, blocks: list[Any]) -> None:
        self.blocks = blocks
        self.slots: list[Node] = []

    def node(self, node: Node, context: None) -> Node | list[Node]:
        if node["t"] != "Div":
            return node
        if node["c"][0][0] == FIGURE_SLOT:
            self.slots.append(node)
            return list(self.blocks)
        return self.children(node, context)


def figure_placed(body: list[Any], blocks: list[Any]) -> tuple[list[Any], list[Any]]:
    """``body`` with the :data:`FIGURE_SLOT` div replaced by ``blocks`` (at any depth of
    divs), and the slot divs replaced (none when ``body`` has no slot)."""
    placing = _PlaceFigure(blocks)
    return placing.walk(body, None), placing.slots
