"""The book's one pandoc parse, done in pieces.

The assembled Markdown is cut before its chapters and sections and around each submitted text
(:func:`split_markdown`); pieces parsed before come from the cache (:mod:`idmbook.cache`), the
submitted texts pandoc parsed while the sources were read come from :class:`EarlyParse`, and
the others are parsed together, in two pandoc processes per processor, and handed on run after
run of book order (:func:`parse_in_runs`). Headings get pandoc's identifiers afterwards, over
the whole book (:class:`Identifiers`).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import secrets
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from idmbook.cache import Cache
from idmbook.errors import ToolMissing
from idmbook.markdown import outside_code
from idmbook.render.common import (
    ast_bytes,
    ast_loads,
    balanced_runs,
    pandoc_version,
    run_pandoc,
    run_pandoc_each,
)

# ---------------------------------------------------------------- the book's parse, in pieces

_DIV_FENCE = re.compile(r"^(:{3,})(.*)$")
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S")
_SPLIT_BEFORE = ("# ", "## ", "### ")
SOURCE_FENCE = "::: {.idm-src "
"""How the book opens a submitted text's div (see :func:`idmbook.assemble.source_texts`)."""


def split_markdown(text: str) -> list[str]:
    """The assembled Markdown cut before its top-level headings of levels 1 to 3, and around
    each submitted text it embeds (a top-level div that opens with :data:`SOURCE_FENCE`).

    A cut is made only where no code block or fenced div is open and a blank line comes
    before, so each piece parses on its own as it does in the whole text. Joining the pieces
    with newlines gives ``text`` back. Level 3 is where one session's note starts: an edited
    note is parsed again on its own, not with the other notes of its workshop (on the
    benchmark's IDM book, 0.02 s instead of 0.09 s). A submitted text is a piece of its own
    because it is known before the book is assembled: see :class:`EarlyParse`.
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

    Pieces are parsed with ``-auto_identifiers-implicit_header_references``, and headings get
    pandoc's identifiers afterwards from :func:`assign_identifiers`, over the whole book: the
    result does not depend on how the pieces were grouped, so pieces can be cached. (A heading's
    text in brackets, ``[Heading]``, is therefore not a link: pandoc's implicit header
    references would reach across the book, from one submission into another.)
    """
    api: Any = None
    blocks: list[Any] = []
    try:
        for run_api, run in parse_in_runs(markdown, reader, cache):
            api = run_api if api is None else api
            blocks += run
    except NotInPieces:
        return parse_whole(markdown, reader)
    return {"pandoc-api-version": api, "meta": {}, "blocks": blocks}


def parse_whole(markdown: str, reader: str) -> dict[str, Any]:
    """``markdown`` parsed in one piece, as :func:`parse_markdown` would (for text that
    cannot be cut: see :class:`NotInPieces`)."""
    whole = ast_loads(run_pandoc(["-f", _piece_reader(reader), "-t", "json"], markdown.encode()))
    assign_identifiers(whole["blocks"])
    return {**whole, "meta": {}}


def parse_in_runs(
    markdown: str,
    reader: str,
    cache: Cache | None,
    runs_per_processor: int = 1,
    early: EarlyParse | None = None,
) -> Iterator[tuple[Any, list[Any]]]:
    """What :func:`parse_markdown` parses, as (pandoc API version, blocks) in runs of book
    order, each as soon as pandoc has parsed it: the caller works on the beginning of the book
    while pandoc parses the rest. The pieces pandoc parses are shared among
    ``runs_per_processor`` processes per processor (more than one makes the first runs arrive
    sooner, for a little more processor time).

    Pieces that ``early`` parsed (or is parsing) are taken from it.

    Raises :class:`NotInPieces`, perhaps after some runs, when the text cannot be parsed in
    pieces: the caller then starts again from :func:`parse_whole`.
    """
    reader = _piece_reader(reader)
    # (the blank lines that end a piece change nothing in a batch, where pieces are apart)
    pieces = [piece.rstrip("\n") for piece in split_markdown(markdown)]
    definitions = _definitions(markdown)
    keys = [_piece_key(reader, definitions, piece) for piece in pieces]
    found: dict[int, bytes] = {}
    if cache is not None:
        for index, key in enumerate(keys):
            data = cache.get("parse", key)
            if data is not None:
                found[index] = data
    parsing = early.taken() if early is not None else {}
    started = {
        index: parsing[key]
        for index, key in enumerate(keys)
        if index not in found and key in parsing
    }
    taken: set[str] = set()
    missing = [index for index in range(len(pieces)) if index not in found and index not in started]
    delivered: queue.SimpleQueue[dict[int, tuple[Any, list[Any], bytes]] | Exception]
    delivered = queue.SimpleQueue()
    ready: dict[int, tuple[Any, list[Any]]] = {}
    identifiers = Identifiers()
    # pandoc parses what changed while this thread decodes what the cache kept
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(
            _parse_pieces, pieces, missing, reader, definitions, runs_per_processor, delivered.put
        )
        index = 0
        while index < len(pieces):
            api, run = None, []
            while index < len(pieces) and (index in found or index in ready or index in started):
                if index in found:
                    entry = ast_loads(found.pop(index))
                    piece_api, blocks = entry["api"], entry["blocks"]
                elif index in started:
                    piece_api, blocks, data = started.pop(index).result()[keys[index]]
                    if keys[index] in taken:  # the same text twice: blocks of its own
                        blocks = ast_loads(data)["blocks"]
                    elif cache is not None:
                        cache.put("parse", keys[index], data)
                    taken.add(keys[index])
                else:
                    piece_api, blocks = ready.pop(index)
                api = piece_api if api is None else api
                run += blocks
                index += 1
            if api is not None:
                identifiers.assign(run)
                yield api, run
            if index < len(pieces):
                batch = delivered.get()
                if isinstance(batch, Exception):
                    raise batch
                for number, (piece_api, blocks, entry) in batch.items():
                    ready[number] = (piece_api, blocks)
                    if cache is not None:
                        cache.put("parse", keys[number], entry)


def _piece_reader(reader: str) -> str:
    return f"{reader}-auto_identifiers-implicit_header_references"


class NotInPieces(Exception):
    """pandoc did not see the pieces where they were cut (the text is not balanced)."""


def _parse_pieces(
    pieces: list[str],
    indices: list[int],
    reader: str,
    definitions: str,
    runs_per_processor: int,
    deliver: Callable[[dict[int, tuple[Any, list[Any], bytes]] | Exception], None],
) -> None:
    """Parse the pieces ``indices``; each batch's pieces are separated by marker headings.
    Each batch is delivered (piece -> API version, blocks, cache entry) as pandoc finishes
    it; an exception ends the deliveries."""
    # pandoc reads Markdown at a cost that follows its lines and its brackets (links, spans,
    # attributes, notes), not its bytes; a bracket costs about two and a half lines. Fitted
    # to the batches' times in the compendium's cold build: counted as one line, the batch
    # with the notes took 3.5 s and the other 2.9 s while its processor waited; as six (the
    # ratio of one pandoc alone on runs of pieces), 2.9 s and 3.8 s; as two and a half, 0.11
    # to 0.66 s apart, either way, median 0.3 s, in five runs (two pandoc at once are noisy).
    try:
        costs = [2 * piece.count("\n") + 5 * piece.count("[") + 1 for piece in pieces]
        count = (os.cpu_count() or 1) * runs_per_processor
        batches = balanced_runs(indices, costs, minimum=2000, count=count)
        marker = f"idmbook-piece-{secrets.token_hex(8)}"
        jobs = [
            _batch_job([pieces[index] for index in batch], marker, reader, definitions)
            for batch in batches
        ]
        for number, result in run_pandoc_each(jobs):
            batch = batches[number]
            deliver(dict(zip(batch, _batch_pieces(result, len(batch), marker), strict=True)))
    except Exception as exc:  # noqa: BLE001 - handed to the reader of the deliveries
        deliver(exc)


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


class EarlyParse:
    """pandoc parsing the book's submitted texts while the rest of it is read and assembled.

    A submitted text is a piece of the book's parse of its own (see :func:`split_markdown`),
    and what it will be is known as soon as its file is loaded
    (:func:`idmbook.assemble.source_texts`). The texts given to :meth:`add` that the cache
    does not hold are parsed in the background by one pandoc process at a time, on the
    processor that reading and assembling the book leave idle; :func:`parse_in_runs` takes
    what was parsed or is being parsed, and parses the rest itself. Texts are parsed without
    link reference definitions: in a book that has some, they are parsed again with them.
    Use as a context manager (or call :meth:`close`).
    """

    BATCH = 256 * 1024
    """Characters of Markdown that pandoc parses at once (a third of a second): the first
    process starts when this much is waiting, the next as soon as the last is done."""

    def __init__(self, reader: str, cache: Cache | None) -> None:
        self.reader = _piece_reader(reader)
        self.cache = cache
        self._lock = threading.RLock()  # a batch done at once calls back with it held
        self._waiting: dict[str, str] = {}
        """Texts not handed to pandoc yet, by key."""
        self._size = 0
        self._parsing: dict[str, Future[dict[str, tuple[Any, list[Any], bytes]]]] = {}
        self._running: Future[dict[str, tuple[Any, list[Any], bytes]]] | None = None
        self._closed = False
        """No more texts are handed to pandoc."""
        self._stopped = False
        """Nor is the text it is parsing needed."""
        self._process: subprocess.Popen[bytes] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="early-parse")

    def __enter__(self) -> EarlyParse:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Parse nothing more, and stop pandoc if it is parsing (what it parses is not
        needed: a build that stopped, or texts the book has not taken)."""
        with self._lock:
            self._closed = self._stopped = True
            if self._process is not None:
                with contextlib.suppress(OSError):
                    self._process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, texts: Iterable[str]) -> None:
        """Submitted texts, as the book embeds them."""
        with self._lock:
            if self._closed:
                return
            for text in texts:
                key = _piece_key(self.reader, "", text)
                if key in self._waiting or key in self._parsing:
                    continue
                if self.cache is not None and self.cache.has("parse", key):
                    continue
                self._waiting[key] = text
                self._size += len(text)
            if self._size >= self.BATCH:
                self._start()

    def taken(self) -> dict[str, Future[dict[str, tuple[Any, list[Any], bytes]]]]:
        """Stop; the keys of the texts pandoc has parsed or is parsing, each with its batch's
        (API version, blocks, cache entry) by key."""
        with self._lock:
            self._closed = True
            self._waiting.clear()
            return dict(self._parsing)

    def _start(self) -> None:
        """Hand pandoc the next batch, unless it is busy (called with the lock held)."""
        if self._closed or not self._waiting:
            return
        if self._running is not None and not self._running.done():
            return
        batch: dict[str, str] = {}
        size = 0
        for key, text in self._waiting.items():
            if batch and size + len(text) > self.BATCH:
                break
            batch[key] = text
            size += len(text)
        for key in batch:
            del self._waiting[key]
        self._size -= size
        running = self._pool.submit(self._parse, batch)
        for key in batch:
            self._parsing[key] = running
        self._running = running
        running.add_done_callback(self._next)

    def _next(self, _: object) -> None:
        with self._lock:
            self._start()

    def _parse(self, batch: dict[str, str]) -> dict[str, tuple[Any, list[Any], bytes]]:
        marker = f"idmbook-piece-{secrets.token_hex(8)}"
        args, data = _batch_job(list(batch.values()), marker, self.reader, "")
        try:
            output = run_pandoc(args, data, on_start=self._started)
        finally:
            with self._lock:
                self._process = None
        return dict(zip(batch, _batch_pieces(output, len(batch), marker), strict=True))

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._process = process
            if self._stopped:
                process.kill()


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
_CONTAINERS = frozenset(
    {"Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"}
)


def stringify(inlines: Iterable[Any]) -> str:
    """pandoc's ``stringify``: the text of inlines, footnotes left out, quotes as curly marks."""
    out: list[str] = []
    _collect(inlines, out)
    return "".join(out)


def _collect(value: Any, out: list[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, out)
        return
    if not isinstance(value, dict):
        return
    kind = value.get("t")
    content: Any = value.get("c")
    if kind == "Str":
        out.append(str(content))
    elif kind in ("Space", "SoftBreak", "LineBreak"):
        out.append(" ")
    elif kind in ("Code", "Math"):
        out.append(str(content[1]))
    elif kind == "Quoted":
        double = content[0].get("t") == "DoubleQuote"
        out.append("\u201c" if double else "\u2018")
        _collect(content[1], out)
        out.append("\u201d" if double else "\u2019")
    elif kind in _CONTAINERS:
        _collect(content, out)
    elif kind in ("Span", "Link", "Image", "Cite"):
        _collect(content[1], out)


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
    Identifiers().assign(blocks)


class Identifiers:
    """pandoc's heading identifiers given run after run of one document, in order."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def assign(self, blocks: list[Any]) -> None:
        """Identifiers for the headings of ``blocks``, the document's next run."""
        used = self.used
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
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            kind = item.get("t")
            if kind == "Header":
                yield item
            elif kind in _BLOCK_CONTAINERS:
                stack.append(_BLOCK_CONTAINERS[kind](item["c"]))


def _cells(rows: list[Any]) -> list[Any]:
    return [cell[4] for _, cells in rows for cell in cells]


def _table(c: list[Any]) -> list[Any]:
    _, caption, _, head, bodies, foot = c
    parts = [caption[1], _cells(head[1])]
    for body in bodies:
        parts += [_cells(body[2]), _cells(body[3])]
    return [*parts, _cells(foot[1])]


_BLOCK_CONTAINERS: dict[str, Any] = {
    "Div": lambda c: c[1],
    "BlockQuote": lambda c: c,
    "BulletList": lambda c: c,
    "OrderedList": lambda c: c[1],
    "DefinitionList": lambda c: [definitions for _, definitions in c],
    "Figure": lambda c: [c[1][1], c[2]],
    "Table": _table,
}
"""Where each kind of block keeps the blocks inside it."""
