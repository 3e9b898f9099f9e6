"""Single-file HTML of the book through pandoc, pictures embedded.

pandoc runs with ``--sandbox``: it reads no file and fetches no address whatever the body
holds. The only files the page embeds are the book's checked pictures (``BookMeta.images``),
which are put into the body as ``data:`` addresses before pandoc sees it. The book's metadata
travels inside the JSON document as text nodes, so pandoc escapes it (a metadata file's
strings would be read as Markdown, raw HTML included). Equations are written as MathML, which
needs no script.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from idmbook.errors import IdmbookError
from idmbook.pandoc.ast import ast_bytes
from idmbook.pandoc.run import run_pandoc
from idmbook.render.meta import BookMeta
from idmbook.render.pdf import text_inlines

_MIME = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
_PICTURE_TARGET = re.compile(rb'\["(media/[0-9a-f]{16}\.(?:png|jpg|jpeg|gif|svg))",')
"""A picture's target in the JSON of the body (the first item of an Image's target pair; the
sanitiser names every picture so, and no link can point at such a name)."""

ARGS = [
    "-f",
    "json",
    "-t",
    "html5",
    "--standalone",
    "--sandbox",
    "--mathml",
    "--toc",
    "--toc-depth=2",
]


def render_html(ast: dict[str, Any], meta: BookMeta, templates: Path) -> bytes:
    """A standalone HTML5 page with a table of contents and embedded pictures."""
    document = {**ast, "meta": html_meta(meta), "blocks": [*imprint_blocks(meta), *ast["blocks"]]}
    return run_pandoc(ARGS, embed_pictures(ast_bytes(document), meta.images))


def imprint_blocks(meta: BookMeta) -> list[dict[str, Any]]:
    """The imprint (disclaimer, publisher, citation, ISSN and ISBN, copyright) at the head of
    the page, as the printed book has it on the back of its title page; each paragraph plain
    text, which pandoc escapes."""
    paragraphs = [{"t": "Para", "c": _inlines(text)} for text in meta.imprint if text.strip()]
    if not paragraphs:
        return []
    return [{"t": "Div", "c": [["imprint", ["imprint"], [["role", "doc-colophon"]]], paragraphs]}]


def _inlines(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for index, word in enumerate(re.split(r"[^\S\u00a0]+", text.strip())):
        if index:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def html_meta(meta: BookMeta) -> dict[str, Any]:
    """The page's metadata as pandoc metadata of plain text (pandoc escapes it)."""

    def text(value: str) -> dict[str, Any]:
        return {"t": "MetaInlines", "c": text_inlines(value)}

    values: dict[str, Any] = {
        "title": text(meta.title),
        "lang": {"t": "MetaString", "c": meta.language},
        "toc-title": text(meta.contents_label),
        "date": text(str(meta.year)),
        "author": {"t": "MetaList", "c": [text(meta.author)]},
        "keywords": {"t": "MetaList", "c": [text(k) for k in meta.keywords]},
        "description-meta": text(meta.subject),
    }
    if meta.subtitle:
        values["subtitle"] = text(meta.subtitle)
    return values


def embed_pictures(document: bytes, images: dict[str, Path]) -> bytes:
    """The JSON ``document`` with each picture's target replaced by a ``data:`` address of its
    file among ``images`` (a picture that is not among them is an error of the build)."""
    cache: dict[bytes, bytes] = {}

    def data(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name not in cache:
            path = images.get(name.decode("ascii"))
            if path is None:
                raise IdmbookError(
                    f"the picture {name.decode('ascii')!r} is not among the book's pictures"
                )
            try:
                payload = base64.b64encode(path.read_bytes())
            except OSError as exc:
                raise IdmbookError(
                    f"the picture {name.decode('ascii')!r} could not be read from {path}: "
                    f"{exc.strerror}"
                ) from None
            mime = _MIME[Path(name.decode("ascii")).suffix].encode("ascii")
            cache[name] = b'["data:' + mime + b";base64," + payload + b'",'
        return cache[name]

    return _PICTURE_TARGET.sub(data, document)
