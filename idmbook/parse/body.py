"""The book's body: the assembled Markdown parsed, sanitised, with the figure the build draws."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idmbook.cache import Cache
from idmbook.compose.assemble import contributors_figure, figure_placed
from idmbook.compose.charts import contributors_chart
from idmbook.pandoc.ast import id_counts, nodes, stringify
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.citations import Citations, reader, resolve
from idmbook.parse.pieces import parse_markdown
from idmbook.parse.sanitize import Sanitizer

if TYPE_CHECKING:
    from idmbook.compose.assemble import Assembled


@dataclass
class Figure:
    """A figure the build draws itself (not a project file), for the slot that waits for it
    in the body (:data:`idmbook.compose.assemble.FIGURE_SLOT`)."""

    blocks: list[Any]
    """The AST blocks that replace the slot."""
    images: dict[str, Path]
    """Picture names used in ``blocks`` -> their files in ``folder``; a picture the PDF
    draws itself has its Typst source beside it (``media/NAME.typ`` for ``media/NAME.png``)."""
    folder: tempfile.TemporaryDirectory[str]


def drawn_figure(assembled: Assembled, language: str = "en") -> Figure | None:
    """The chart of who contributed (output.contributors_chart), drawn into a temporary
    folder in the book's ``language``, or None when the book has none."""
    if not assembled.contributors:
        return None

    folder = tempfile.TemporaryDirectory(prefix="idmbook-figures-")
    path = Path(folder.name) / "contributors.png"
    axis = str(assembled.labels["contributors_axis"])
    markdown = contributors_figure(assembled.contributors, assembled.labels, "media/chart.png")
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8")))
    image = next(node for node in nodes(blocks["blocks"]) if node["t"] == "Image")
    alt = stringify(image["c"][1])  # (pandoc reads the alt attribute as the description)
    source = contributors_chart(assembled.contributors, path, axis, language, alt)
    drawing = Path(folder.name) / "contributors.typ"  # the PDF draws it itself (a vector)
    drawing.write_text(source, encoding="utf-8")
    stem = f"media/{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"
    image["c"][2][0] = f"{stem}.png"  # (a node of this parse only)
    return Figure(blocks["blocks"], {f"{stem}.png": path, f"{stem}.typ": drawing}, folder)


@dataclass
class Body:
    """The book's body, ready for the renderers."""

    ast: dict[str, Any]
    images: dict[str, Path]
    """The project's pictures the body uses: name in the AST -> file (not the figure's)."""
    ids: Counter[str]
    """How many headings, divs and figures carry each id (see BookMeta.link_targets)."""


def parse_body(
    markdown: str,
    root: Path,
    cache: Cache | None,
    figure: Figure | None = None,
    citations: Citations | None = None,
) -> Body:
    """The body of the assembled ``markdown``: parsed, sanitised, ``figure`` in its slot,
    its ``citations`` printed with the bibliography at its end.
    Raises IdmbookError for a picture that cannot be placed, ToolMissing when pandoc fails."""
    parsed = parse_markdown(markdown, READER if citations is None else reader(READER), cache)
    sanitizer = Sanitizer(root, citations)
    blocks = sanitizer.blocks(parsed["blocks"], None)
    ids = sanitizer.ids
    if figure is not None:
        blocks, slots = figure_placed(blocks, figure.blocks)
        for slot in slots:  # its ids go, the figure's come
            ids.subtract(id_counts([slot]))
            ids.update(id_counts(figure.blocks))
    ast = {"pandoc-api-version": parsed["pandoc-api-version"], "meta": {}, "blocks": blocks}
    if citations is not None:
        cited = resolve(ast, citations, cache)
        ids.update(id_counts(cited["blocks"][len(blocks) :]))
        ast = cited
    return Body(ast, sanitizer.images, ids)
