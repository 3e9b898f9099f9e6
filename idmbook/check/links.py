"""Internal links of the whole book against the places it has (IDM154).

A text links to a place of the book as ``[text](#id)``. The places a link can reach are the
ones the built book has: a figure, table or section given a cross-reference id (checked by
:mod:`idmbook.check.crossrefs`, IDM128), a heading of a published text by the id pandoc makes
from its words (``## Scope of the compact`` is ``#scope-of-the-compact``; a second heading
with the same words ``#scope-of-the-compact-1``), and the book's own places: its workshops,
themes, notes, contributions, chapters and the ids its templates write. Any other id in a
submitted text is dropped by the sanitiser, so a link to it would lead nowhere: an error on
its own line.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import unquote

from idmbook.check.crossrefs import published_texts, text_lines
from idmbook.compose.embedded import chapter_anchor, contribution_anchor
from idmbook.diagnostics import Diagnostic
from idmbook.errors import ExtraMissing, IdmbookError
from idmbook.load.defaults import project_templates
from idmbook.pandoc.ast import ast_loads, nodes
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.allowlist import CROSSREF_ID
from idmbook.parse.citations import BIBLIOGRAPHY_ID
from idmbook.parse.pieces import identifier
from idmbook.rules import diag
from idmbook.rules.extras import not_checked

if TYPE_CHECKING:
    from idmbook.load.project import Project

LINK = re.compile(r"\]\(\s*<?#([^\s)>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
"""An inline link to a place of the book: ``[text](#id)`` (a title after it is allowed)."""
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_ATTRIBUTES = re.compile(r"\s*\{[^{}]*\}\s*$")
_TEMPLATE_ID = re.compile(r"\{#([A-Za-z][\w-]*)\}")


def _headings(text: str) -> list[str]:
    """The text of each heading of ``text`` that pandoc names from its words (one with an
    attribute block keeps the id given there, or none)."""
    found: list[str] = []
    previous = ""
    for _, line in text_lines(text):
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            found.append(atx.group(2) or "")
        elif setext and previous.strip() and not previous.lstrip().startswith(("-", "*", "|")):
            found.append(previous.strip())
        previous = line
    return [words for words in found if words and not _ATTRIBUTES.search(words)]


def _heading_ids(texts: list[str]) -> Counter[str]:
    """How many headings of ``texts`` pandoc gives each base id (one pandoc run for all)."""
    headings = [words for text in texts for words in _headings(text)]
    if not headings:
        return Counter()
    markdown = "\n\n".join(f"# {words}" for words in headings)
    ast = ast_loads(run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8")))
    counts: Counter[str] = Counter()
    for node in nodes(ast["blocks"], skip=frozenset({"Header"})):
        if node["t"] == "Header":
            counts[identifier(node["c"][2]) or "section"] += 1
    return counts


def _book_places(project: Project) -> set[str]:
    """The ids of the book's own places (not written in any source)."""
    docs, config = project.documents, project.config
    places = {f"workshop-{w.id}" for w in config.workshops}
    places |= {f"theme-{t.id}" for t in project.taxonomy.themes}
    places |= {f"note-{n.meta.workshop}-{n.meta.session}" for n in docs.notes}
    places |= {contribution_anchor(c) for c in docs.contributions if c.meta.consent}
    places |= {chapter_anchor(c) for c in docs.chapters}
    if config.output.contributors_chart:
        places.add("contributors-chart")
    if config.bibliography:
        places.add(BIBLIOGRAPHY_ID)
    try:
        book = project_templates(project.root) / "book"
        for template in sorted(book.glob("*.j2")):
            places |= set(_TEMPLATE_ID.findall(template.read_text("utf-8")))
    except (OSError, UnicodeDecodeError, IdmbookError):  # the templates' checks say why
        pass
    return places


def _reaches(target: str, headings: Counter[str], places: set[str]) -> bool:
    if target in places or headings[target] > 0:
        return True
    base, _, number = target.rpartition("-")
    return number.isdigit() and 0 < int(number) < headings[base]


def link_diagnostics(project: Project) -> list[Diagnostic]:
    """IDM154 for each internal link to a place the book does not have."""
    texts = published_texts(project)
    links: list[tuple[str, int, int, str]] = []
    for rel, text in texts.items():
        for number, line in text_lines(text):
            for match in LINK.finditer(line):
                target = unquote(match.group(1))
                if not CROSSREF_ID.fullmatch(target.rstrip(".")):  # those are IDM128's
                    links.append((rel, number, match.start() + 3, target))
    if not links:
        return []
    try:
        headings = _heading_ids(list(texts.values()))
    except ExtraMissing as missing:  # pip install idmbook without the build extra
        return [not_checked("the internal links (IDM154)", links[0][0], missing)]
    places = _book_places(project)
    return [
        diag(
            "IDM154",
            rel,
            line,
            column,
            f"the link to '#{target}' leads nowhere: no heading or place of the book has that id"
            if target
            else "the link to '#' leads nowhere: it names no place",
            "link to a heading by the id made from its words (## Scope of the compact: "
            "#scope-of-the-compact), or to a figure, table or section by its {#fig-...} id",
        )
        for rel, line, column, target in links
        if not _reaches(target, headings, places)
    ]
