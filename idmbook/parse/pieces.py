"""The book's one pandoc parse, done in pieces.

The assembled Markdown is cut before its chapters and sections and around each submitted text
(:func:`split_markdown`); pieces parsed before come from the cache (:mod:`idmbook.cache`), and
the others are parsed together, one pandoc process per processor (:func:`parse_markdown`).
Headings get pandoc's identifiers afterwards, over the whole book
(:func:`assign_identifiers`): a piece parses to the same blocks wherever it is.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from idmbook.cache import Cache
from idmbook.errors import ToolMissing
from idmbook.pandoc.ast import ast_bytes, ast_loads, nodes, stringify
from idmbook.pandoc.markdown import outside_code
from idmbook.pandoc.run import balanced_runs, pandoc_version, run_pandoc, run_pandoc_all

# ---------------------------------------------------------------- the book's parse, in pieces

_DIV_FENCE = re.compile(r"^(:{3,})(.*)$")
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S")
_SPLIT_BEFORE = ("# ", "## ", "### ")
SOURCE_FENCE = "::: {.idm-src "
"""How the book opens a submitted text's div (see :func:`idmbook.compose.assemble.source_texts`)."""


def split_markdown(text: str) -> list[str]:
    """The assembled Markdown cut before its top-level headings of levels 1 to 3, and around
    each submitted text it embeds (a top-level div that opens with :data:`SOURCE_FENCE`).

    A cut is made only where no code block or fenced div is open and a blank line comes
    before, so each piece parses on its own as it does in the whole text. Joining the pieces
    with newlines gives ``text`` back. Level 3 is where one session's note starts: an edited
    note is parsed again on its own, not with the other notes of its workshop. A submitted
    text is a piece of its own,
    so that an edit elsewhere leaves its parse in the cache.
    """
    lines = text.split("\n")
    pieces: list[str] = []
    start = 0
    depth = 0
    in_source = False  # inside a submitted text's div
    after_source = False  # it has just closed

    def cut(number: int) -> bool:
        nonlocal start
        if depth != 0 or number <= start or lines[number - 1].strip():
            return False
        pieces.append("\n".join(lines[start:number]))
        start = number
        return True

    for number, line, opening in outside_code(lines):
        if after_source and line.strip():
            after_source = False
            cut(number)
        if opening is not None:
            continue
        div = _DIV_FENCE.match(line)
        if div:
            if div.group(2).strip():
                if depth == 0 and line.startswith(SOURCE_FENCE):
                    in_source = True
                    cut(number)
                depth += 1
            else:
                depth = max(depth - 1, 0)
                after_source = in_source and depth == 0
                in_source = in_source and depth > 0
            continue
        if line.startswith(_SPLIT_BEFORE):
            cut(number)
    pieces.append("\n".join(lines[start:]))
    return pieces


def _definitions(text: str) -> str:
    """The link reference definitions of ``text`` (``[label]: url``), one per line.

    Every piece is parsed with all of them, as the whole text would be, so a piece parses to
    the same thing whichever pieces share its pandoc process.
    """
    lines = text.split("\n")
    return "\n".join(
        line
        for _, line, opening in outside_code(lines)
        if opening is None and _REFERENCE.match(line)
    )


def parse_markdown(markdown: str, reader: str, cache: Cache | None) -> dict[str, Any]:
    """The pandoc AST (JSON) of ``markdown`` read with ``reader``, parsed in pieces.

    Pieces the cache holds are taken from it; the others are parsed by one pandoc process per
    processor at once. Pieces are parsed with ``-auto_identifiers-implicit_header_references``,
    and headings get pandoc's identifiers afterwards (:func:`assign_identifiers`), over the
    whole book: the result does not depend on how the pieces were grouped, so pieces can be
    cached. (A heading's text in brackets, ``[Heading]``, is therefore not a link: pandoc's
    implicit header references would reach across the book, from one submission into
    another.) Text that cannot be cut where :func:`split_markdown` cut it is parsed whole.
    """
    piece_reader = _piece_reader(reader)
    # (the blank lines that end a piece change nothing in a batch, where pieces are apart)
    pieces = [piece.rstrip("\n") for piece in split_markdown(markdown)]
    definitions = _definitions(markdown)
    keys = [_piece_key(piece_reader, definitions, piece) for piece in pieces]
    parsed: dict[int, tuple[Any, list[Any]]] = {}
    if cache is not None:
        for index, key in enumerate(keys):
            data = cache.get("parse", key)
            if data is not None:
                entry = ast_loads(data)
                parsed[index] = (entry["api"], entry["blocks"])
    missing = [index for index in range(len(pieces)) if index not in parsed]
    try:
        for index, (api, blocks, entry) in _parse_pieces(
            pieces, missing, piece_reader, definitions
        ):
            parsed[index] = (api, blocks)
            if cache is not None:
                cache.put("parse", keys[index], entry)
    except NotInPieces:
        return parse_whole(markdown, reader)
    blocks = [block for index in range(len(pieces)) for block in parsed[index][1]]
    assign_identifiers(blocks)
    api = parsed[0][0] if parsed else None
    return {"pandoc-api-version": api, "meta": {}, "blocks": blocks}


def parse_whole(markdown: str, reader: str) -> dict[str, Any]:
    """``markdown`` parsed in one piece, as :func:`parse_markdown` would (for text that
    cannot be cut: see :class:`NotInPieces`)."""
    whole = ast_loads(run_pandoc(["-f", _piece_reader(reader), "-t", "json"], markdown.encode()))
    assign_identifiers(whole["blocks"])
    return {**whole, "meta": {}}


def _piece_reader(reader: str) -> str:
    return f"{reader}-auto_identifiers-implicit_header_references"


class NotInPieces(Exception):
    """pandoc did not see the pieces where they were cut (the text is not balanced)."""


def _parse_pieces(
    pieces: list[str], indices: list[int], reader: str, definitions: str
) -> Iterator[tuple[int, tuple[Any, list[Any], bytes]]]:
    """(piece, (API version, blocks, cache entry)) of the pieces ``indices``, parsed in one
    batch per processor, the pieces of a batch separated by marker headings."""
    # pandoc reads Markdown at a cost that follows its lines and its brackets (links, spans,
    # attributes, notes) more than its bytes
    if not indices:
        return
    costs = [2 * piece.count("\n") + 5 * piece.count("[") + 1 for piece in pieces]
    batches = balanced_runs(indices, costs, minimum=2000)
    marker = f"idmbook-piece-{secrets.token_hex(8)}"
    jobs = [
        _batch_job([pieces[index] for index in batch], marker, reader, definitions)
        for batch in batches
    ]
    for batch, result in zip(batches, run_pandoc_all(jobs), strict=True):
        yield from zip(batch, _batch_pieces(result, len(batch), marker), strict=True)


def _piece_key(reader: str, definitions: str, piece: str) -> str:
    return Cache.key("parse", pandoc_version(), reader, definitions, piece)


def _batch_job(
    texts: list[str], marker: str, reader: str, definitions: str
) -> tuple[list[str], bytes]:
    """pandoc's arguments and input to parse ``texts`` at once, separated by marker
    headings, with the link reference ``definitions``."""
    parts = []
    for number, text in enumerate(texts):
        parts += [f"# {marker} {{#{marker}-{number}}}", text]
    parts += [f"# {marker} {{#{marker}-end}}", definitions]
    return ["-f", reader, "-t", "json"], "\n\n".join(parts).encode("utf-8")


def _batch_pieces(output: bytes, count: int, marker: str) -> list[tuple[Any, list[Any], bytes]]:
    """(API version, blocks, cache entry) of each of the ``count`` texts of a batch, from
    pandoc's ``output``; NotInPieces when pandoc did not see them where they were cut."""
    api, blocks = _document_blocks(output)
    found = _split_at_markers(blocks, marker)
    if [key for key, _ in found] != [*map(str, range(count)), "end"] or not (
        blocks and _is_marker(blocks[0], marker)
    ):
        raise NotInPieces(marker)
    return [(api, piece, ast_bytes({"api": api, "blocks": piece})) for _, piece in found[:-1]]


def _document_blocks(output: bytes) -> tuple[Any, list[Any]]:
    """pandoc's JSON as its API version and its top-level blocks.

    Output that is not a pandoc document means pandoc is broken: ToolMissing, not a crash.
    """
    try:
        ast = ast_loads(output)
        return ast["pandoc-api-version"], list(ast["blocks"])
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ToolMissing(
            f"pandoc's output is not a document ({type(exc).__name__}: {str(exc)[:200]})",
            "reinstall idmbook (`make install`); pypandoc-binary bundles pandoc",
        ) from None


def _is_marker(block: Any, marker: str) -> bool:
    return block.get("t") == "Header" and str(block["c"][1][0]).startswith(f"{marker}-")


def _split_at_markers(blocks: list[Any], marker: str) -> list[tuple[str, list[Any]]]:
    """(marker key, blocks) of each piece, in order."""
    found: list[tuple[str, list[Any]]] = []
    for block in blocks:
        if _is_marker(block, marker):
            found.append((block["c"][1][0][len(marker) + 1 :], []))
        elif found:
            found[-1][1].append(block)
    return found


# ---------------------------------------------------------------- pandoc's heading identifiers

_ALLOWED_PUNCTUATION = frozenset("_-.")


def identifier(inlines: Iterable[Any]) -> str:
    """pandoc's ``inlineListToIdentifier`` for Markdown: lower case, words joined by '-',
    only letters, digits, '_', '-' and '.', starting at the first letter."""
    text = stringify(inlines).lower()
    kept = "".join(c for c in text if c.isspace() or c.isalnum() or c in _ALLOWED_PUNCTUATION)
    ident = "-".join(kept.split())
    for position, char in enumerate(ident):
        if char.isalpha():
            return ident[position:]
    return ""


def assign_identifiers(blocks: list[Any]) -> None:
    """Give every heading without an identifier pandoc's unique one, in document order
    (as pandoc's Markdown reader does with ``auto_identifiers``)."""
    used: set[str] = set()
    for header in _headers(blocks):
        attr = header["c"][1]
        if attr[0]:
            used.add(attr[0])
            continue
        base = identifier(header["c"][2]) or "section"
        ident = base
        if ident in used:
            ident = next(
                (f"{base}-{n}" for n in range(1, 60001) if f"{base}-{n}" not in used), base
            )
        used.add(ident)
        attr[0] = ident


def _headers(value: Any) -> Iterable[dict[str, Any]]:
    """Every Header node under ``value``, in document order (footnotes are not searched:
    pandoc numbers a footnote's headings where the footnote is defined)."""
    return (node for node in nodes(value, skip=_NOT_SEARCHED) if node["t"] == "Header")


_NOT_SEARCHED = frozenset({"Note", "Header", "Code", "CodeBlock", "Math", "RawBlock", "RawInline"})
