"""The book's body: the assembled Markdown parsed, sanitised, with the figure the build draws.

pandoc parses the book in several processes at once (:func:`idmbook.parse.parse_in_runs`);
each run of the book is sanitised as it arrives, while pandoc parses the rest, so that little
of Python's work on the body is left once pandoc is done.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idmbook.assemble import figure_placed, source_texts
from idmbook.cache import Cache
from idmbook.manifest import sha256
from idmbook.markdown import READER
from idmbook.parse import EarlyParse, NotInPieces, parse_in_runs, parse_whole
from idmbook.render.common import id_counts, run_pandoc
from idmbook.sanitize import Sanitizer

if TYPE_CHECKING:
    from idmbook.assemble import Assembled
    from idmbook.models import Chapter, Contribution, Note
    from idmbook.project import Project

RUNS_PER_PROCESSOR = 2
"""pandoc parses the book in this many processes per processor: the first runs are sanitised
while the others are parsed (see :func:`idmbook.parse.parse_in_runs`)."""


@dataclass
class Figure:
    """A figure the build draws itself (not a project file), for the slot that waits for it
    in the body (:data:`idmbook.assemble.FIGURE_SLOT`)."""

    blocks: list[Any]
    """The AST blocks that replace the slot."""
    images: dict[str, Path]
    """Picture names used in ``blocks`` -> their files in ``folder``."""
    folder: tempfile.TemporaryDirectory[str]


def drawn_figure(assembled: Assembled) -> Figure | None:
    """The chart of who contributed (output.contributors_chart), drawn into a temporary
    folder, or None when the book has none."""
    if not assembled.contributors:
        return None
    from idmbook.assemble import contributors_figure
    from idmbook.charts import contributors_chart

    folder = tempfile.TemporaryDirectory(prefix="idmbook-figures-")
    path = Path(folder.name) / "contributors.png"
    contributors_chart(assembled.contributors, path, str(assembled.labels["contributors_axis"]))
    name = f"media/{sha256(path.read_bytes())[:16]}.png"
    markdown = contributors_figure(assembled.contributors, assembled.labels, name)
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8")))
    return Figure(blocks["blocks"], {name: path}, folder)


@dataclass
class Body:
    """The book's body, ready for the renderers."""

    ast: dict[str, Any]
    images: dict[str, Path]
    """The project's pictures the body uses: name in the AST -> file (not the figure's)."""
    ids: Counter[str]
    """How many headings, divs and figures carry each id (see BookMeta.link_targets)."""


class EarlySources:
    """Hands the submitted texts of each document, as it is loaded, to pandoc (see
    :class:`idmbook.parse.EarlyParse`): give it to the validation as ``on_loaded``; use as a
    context manager."""

    def __init__(self, language: str | None, cache: bool) -> None:
        self.language = language
        """The book's language when it is not the project's (``idmbook build --language``)."""
        self.cache = cache
        self.parse: EarlyParse | None = None
        self._languages = ("", "")

    def __call__(self, project: Project, doc: Note | Contribution | Chapter) -> None:
        from idmbook.models import Contribution

        if isinstance(doc, Contribution) and not doc.meta.consent:
            return  # not in the book
        if self.parse is None:
            cache = Cache.default() if self.cache else None
            self.parse = EarlyParse(READER, cache)
            own = project.config.language
            self._languages = (self.language or own, own)
        self.parse.add(source_texts(doc, *self._languages).values())

    def __enter__(self) -> EarlySources:
        return self

    def __exit__(self, *_: object) -> None:
        if self.parse is not None:
            self.parse.close()


def parse_body(
    markdown: str,
    root: Path,
    cache: Cache | None,
    figure: Figure | None = None,
    early: EarlyParse | None = None,
) -> Body:
    """The body of the assembled ``markdown``: parsed (what ``early`` parsed taken from it),
    sanitised, ``figure`` in its slot. Raises IdmbookError for a picture that cannot be
    placed, ToolMissing when pandoc fails."""
    try:
        parsed = parse_in_runs(markdown, READER, cache, RUNS_PER_PROCESSOR, early)
        return _sanitised(parsed, root, figure)
    except NotInPieces:
        whole = parse_whole(markdown, READER)
        return _sanitised([(whole["pandoc-api-version"], whole["blocks"])], root, figure)


def _sanitised(runs: Iterable[tuple[Any, list[Any]]], root: Path, figure: Figure | None) -> Body:
    sanitizer = Sanitizer(root)
    ids = sanitizer.ids
    api: Any = None
    blocks: list[Any] = []
    for run_api, run in runs:
        api = run_api if api is None else api
        clean = sanitizer.blocks(run, None)
        if figure is not None:
            clean, slots = figure_placed(clean, figure.blocks)
            for slot in slots:  # its ids go, the figure's come
                ids.subtract(id_counts([slot]))
                ids.update(id_counts(figure.blocks))
        blocks += clean
    ast = {"pandoc-api-version": api, "meta": {}, "blocks": blocks}
    return Body(ast, sanitizer.images, ids)
