"""pandoc's Typst writer with ``templates/idm.typ``: the book's Typst, a file per chapter."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idmbook.cache import Cache
from idmbook.errors import IdmbookError
from idmbook.load.fonts import Glyphs
from idmbook.pandoc.ast import Node, ast_bytes, id_counts, link_targets
from idmbook.pandoc.run import balanced_runs, pandoc_version, run_pandoc, run_pandoc_all
from idmbook.render.cover import cover_picture_names, cover_values
from idmbook.render.meta import BookMeta
from idmbook.render.pdf.context import Context
from idmbook.render.pdf.language import book_language
from idmbook.render.pdf.markup import PAGEBREAK, raw_block, text_inlines
from idmbook.render.pdf.prepare import Prepare, prepare_blocks
from idmbook.render.pdf.typst_errors import sources_in

TEMPLATE_NAME = "idm.typ"
"""The pandoc Typst template inside the project's templates folder."""
MAIN_NAME = "book.typ"
"""Name of the generated Typst file inside the build folder."""
CHAPTER_NAME = "chapter-{index:04d}.typ"
"""Name of a chapter's Typst file, next to the main file (pictures are relative to both)."""
PANDOC_API_VERSION = [1, 23, 1, 1]
"""Used when the AST given to the renderer does not say which version it is."""


@dataclass(frozen=True)
class TypstBook:
    """The book as Typst files: the main file (the template filled in) includes one file per
    chapter."""

    main: str
    """Text of ``book.typ``."""
    chapters: tuple[str, ...]
    """Text of ``chapter-0000.typ``, ``chapter-0001.typ``... in order."""
    includes: str
    """The lines of ``main`` that include the chapters."""
    pictures: frozenset[str]
    """Names of the pictures the body places (``media/<hash>.<ext>``)."""

    def files(self) -> dict[str, str]:
        """Every Typst file by its path relative to the build folder."""
        files = {MAIN_NAME: self.main}
        files.update((chapter_name(i), text) for i, text in enumerate(self.chapters))
        return files

    def single_source(self) -> str:
        """The whole book as one Typst file, each chapter in place of its include line."""
        return self.main.replace(self.includes, "".join(self.chapters).rstrip("\n"), 1)


def render_typst_source(ast: dict[str, Any], meta: BookMeta, templates: Path) -> str:
    """The Typst source of the book: ``ast`` and ``meta`` through pandoc and ``idm.typ``.

    Pictures are referred to by their names in ``meta.images`` (``media/<hash>.<ext>``),
    relative to the ``.typ`` file. The AST's own ``meta`` is ignored: everything the template
    prints comes from ``meta``.
    """
    return typst_book(ast, meta, templates).single_source()


def pandoc_meta(meta: BookMeta, glyphs: Glyphs | None = None) -> dict[str, Any]:
    """``meta`` as pandoc metadata for ``idm.typ`` (values are inlines, escaped by pandoc);
    ``glyphs``: what the fonts can show (other characters get a stand-in).

    The only Typst code the renderer writes itself is built from validated values and strings
    escaped by :func:`~idmbook.render.pdf.markup.typst_string`."""
    lang, region = book_language(meta)

    def _meta_text(text: str | None) -> Node | None:
        return _meta_inlines(text, glyphs)

    def _meta_list(items: tuple[str, ...]) -> Node:
        entries = [entry for entry in map(_meta_text, items) if entry is not None]
        return {"t": "MetaList", "c": entries}

    values: dict[str, Any] = {
        "title": _meta_text(meta.title),
        "subtitle": _meta_text(meta.subtitle),
        "series-line": _meta_text(meta.series_line),
        "publisher": _meta_text(meta.publisher),
        "year": _meta_text(str(meta.year)),
        "author": _meta_text(meta.author),
        "subject": _meta_text(meta.subject),
        "keywords": _meta_list(meta.keywords),
        "imprint": _meta_list(meta.imprint),
        "contents-label": _meta_text(meta.contents_label),
        "running-header": _meta_text(meta.running_header or meta.title),
        "draft": {"t": "MetaBool", "c": meta.draft},
        "watermark": _meta_text(meta.watermark),
        "footer-note": _meta_text(meta.footer_note),
        "lang-code": _meta_text(lang),
        "region-code": _meta_text(region),
        **cover_values(meta, _meta_text, _meta_list),
    }
    return {key: value for key, value in values.items() if value is not None}


def _meta_inlines(text: str | None, glyphs: Glyphs | None) -> Node | None:
    if text is None or not text.strip():
        return None
    inlines = text_inlines(text)
    if glyphs is not None:
        inlines = Prepare(images={}, targets=frozenset(), glyphs=glyphs).walk(inlines, Context())
    return {"t": "MetaInlines", "c": inlines}


def _template(templates: Path) -> Path:
    template = templates / TEMPLATE_NAME
    if not template.is_file():
        raise IdmbookError(
            f"the PDF template {template} is missing",
            f"put {TEMPLATE_NAME} (the pandoc Typst template of the publication) in {templates}",
        )
    return template


WRITER_ARGS = ["-f", "json", "-t", "typst", "--wrap=none", "--sandbox"]


def typst_book(
    ast: dict[str, Any], meta: BookMeta, templates: Path, cache: Cache | None = None
) -> TypstBook:
    """The book as Typst files: chapters converted by pandoc (or taken from ``cache``) and the
    main file made by pandoc from ``idm.typ`` and ``meta``.

    The body is made safe for Typst (see :func:`~idmbook.render.pdf.prepare.prepare_blocks`)
    and cut into pieces, a chapter's opening or one of its sections (:func:`_is_section`): a
    piece's Typst comes from the cache, or from pandoc, the missing pieces converted in one
    batch per processor. Each chapter is a file of its own, included by the main file, so that
    a long-lived :class:`~idmbook.render.pdf.compile.TypstSession` (``idmbook watch``) lets
    Typst's incremental compiler redo only the chapters that changed.
    """
    template = _template(templates)
    targets = meta.link_targets
    blocks = list(ast.get("blocks", []))
    if targets is None:
        targets = link_targets(id_counts(blocks))
    api = ast.get("pandoc-api-version") or PANDOC_API_VERSION
    glyphs = Glyphs(cache)
    prepared, used = prepare_blocks(blocks, meta.images, targets, glyphs)
    owners, pieces = _pieces(prepared)
    texts = _piece_texts(pieces, api, cache)
    chapters: dict[int, list[str]] = {}
    for owner, text in zip(owners, texts, strict=True):
        chapters.setdefault(owner, []).append(text)
    includes = "\n\n".join(f'#include "{chapter_name(i)}"' for i in range(len(chapters)))
    document = {"pandoc-api-version": api, "meta": pandoc_meta(meta, glyphs), "blocks": []}
    if includes:
        document["blocks"] = [raw_block(includes)]
    main = _main_file(template, ast_bytes(document), cache)
    parts = tuple("".join(texts) for texts in chapters.values())
    pictures = frozenset(used | cover_picture_names(meta))
    return TypstBook(main.decode("utf-8"), parts, includes, pictures)


def _pieces(blocks: list[Node]) -> tuple[list[int], list[bytes]]:
    """The chapter of each piece of ``blocks`` and the piece as pandoc's JSON: a piece ends
    at a page break (a new chapter) or a section, outside any scope the preparation opened."""
    owners: list[int] = []
    pieces: list[bytes] = []
    piece: list[Node] = []
    depth = chapter = 0
    for block in blocks:
        if depth == 0 and piece and (_is_pagebreak(block) or _is_section(block)):
            owners.append(chapter)
            pieces.append(ast_bytes(piece))
            piece = []
            chapter += _is_pagebreak(block)
        if block.get("t") == "RawBlock":
            code = block["c"][1]
            if code.startswith("#[#set text("):
                depth += 1
            elif code == "]":
                depth -= 1
        piece.append(block)
    if piece:
        owners.append(chapter)
        pieces.append(ast_bytes(piece))
    return owners, pieces


def _piece_texts(pieces: list[bytes], api: Any, cache: Cache | None) -> list[str]:
    """pandoc's Typst of each piece: from the cache, or converted (and then kept there)."""
    version = ast_bytes(api)
    keys = [Cache.key("typst", pandoc_version(), *WRITER_ARGS, version, p) for p in pieces]
    texts: dict[int, str] = {}
    for index, key in enumerate(keys):
        found = cache.get("typst", key) if cache is not None else None
        if found is not None:
            texts[index] = found.decode("utf-8")
    missing = [index for index in range(len(pieces)) if index not in texts]
    batches = balanced_runs(missing, [len(p) for p in pieces], minimum=256 * 1024)
    marker = f"// idmbook-chapter-{secrets.token_hex(8)}"
    documents = [_batch_document(pieces, batch, api, marker) for batch in batches]
    for batch, out in zip(batches, _converted(documents), strict=True):
        for index, text in zip(batch, _cut(out, marker, batch), strict=True):
            texts[index] = text
            if cache is not None:
                cache.put("typst", keys[index], text.encode("utf-8"))
    return [texts[index] for index in range(len(pieces))]


def _batch_document(pieces: list[bytes], batch: list[int], api: Any, marker: str) -> bytes:
    """The pieces ``batch`` as one document for pandoc, separated by marker lines."""
    body = []
    for index in batch:
        body.append(ast_bytes(raw_block(f"{marker}-{index}")))
        if pieces[index] != b"[]":
            body.append(pieces[index][1:-1])
    body.append(ast_bytes(raw_block(f"{marker}-end")))
    head = b'{"pandoc-api-version":' + ast_bytes(api) + b',"meta":{},"blocks":['
    return head + b",".join(body) + b"]}"


def _converted(documents: list[bytes]) -> list[bytes]:
    """pandoc's Typst of ``documents``, converted at once; a failure names the source files
    of the document that failed."""
    try:
        return run_pandoc_all([(WRITER_ARGS, document) for document in documents])
    except IdmbookError as exc:
        error = exc
    for document in documents:  # (rare: find the one that fails, to name its files)
        try:
            run_pandoc(WRITER_ARGS, document)
        except IdmbookError as exc:
            named = sources_in(document)
            if not named:
                raise
            where = f"\n  while converting the text of {', '.join(named)}"
            raise type(exc)(exc.message + where, exc.hint) from None
    raise error


def _cut(out: bytes, marker: str, batch: list[int]) -> list[str]:
    """Each piece's text of a batch's Typst: it runs to the next marker, with the line ending
    pandoc put after the piece's last block (the pieces joined are the whole body, byte for
    byte)."""
    parts = re.split(f"^{re.escape(marker)}-(\\d+|end)\n", out.decode("utf-8"), flags=re.M)
    if parts[1::2] != [*map(str, batch), "end"] or parts[0].strip():
        raise IdmbookError("pandoc's Typst could not be cut into chapters")
    return parts[2::2][: len(batch)]


def _main_file(template: Path, document: bytes, cache: Cache | None) -> bytes:
    """``book.typ``: ``document`` (the metadata and the chapters' includes) through the
    template."""
    args = [*WRITER_ARGS, "--template", str(template)]
    key = Cache.key("main", pandoc_version(), *args, template.read_bytes(), document)
    found = cache.get("typst", key) if cache is not None else None
    if found is None:
        found = run_pandoc(args, document)
        if cache is not None:
            cache.put("typst", key, found)
    return found


def chapter_name(index: int) -> str:
    return CHAPTER_NAME.format(index=index)


def _is_pagebreak(block: Node) -> bool:
    return block.get("t") == "RawBlock" and block["c"][1] == PAGEBREAK


def _is_section(block: Node) -> bool:
    """Where pandoc's Typst of a chapter may be cut: before its headings of levels 2 and 3
    (a session's note starts at level 3, so an edited note is converted again alone)."""
    return block.get("t") == "Header" and block["c"][0] in (2, 3)
