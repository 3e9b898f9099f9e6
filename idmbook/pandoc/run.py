"""What every renderer receives: the book's metadata, and a safe way to run pandoc."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from idmbook.errors import ToolMissing


@dataclass(frozen=True)
class BookMeta:
    """Everything a renderer needs besides the body. All strings are plain text."""

    title: str
    subtitle: str | None
    series_line: str | None
    """For example 'International Dialogue on Migration No. 27'."""
    publisher: str
    year: int
    language: str
    """BCP 47 tag of the book."""
    author: str
    """For document properties: the editors, or the publisher."""
    subject: str
    keywords: tuple[str, ...]
    imprint: tuple[str, ...]
    """Paragraphs of the imprint page, in order (address, disclaimer, ISSN, copyright...)."""
    contents_label: str = "Contents"
    draft: bool = False
    watermark: str = "DRAFT"
    footer_note: str | None = None
    """Printed in every footer of a draft: version, build date, commit."""
    running_header: str = ""
    """Short title for running headers."""
    pdf_standard: str = "ua-1"
    timestamp: int = 0
    """SOURCE_DATE_EPOCH: the creation time written into the outputs."""
    images: dict[str, Path] = field(default_factory=dict)
    """Picture name as used in the AST (``media/<hash>.<ext>``) -> file to copy it from."""
    root: Path | None = None
    """The project's folder: the source files the body names are relative to it (an error
    of the PDF names the file and line it comes from)."""
    link_targets: frozenset[str] | None = None
    """The ids internal links of the body may point at (see :func:`link_targets`) when the
    build counted them while it sanitised the body; None: the PDF renderer counts them."""


@cache
def pandoc_path() -> str:
    """The pandoc bundled with pypandoc-binary.

    Found where pypandoc-binary puts it without importing pypandoc (which takes longer than
    a whole no-change rebuild should); pypandoc is asked only when it is not there.
    """
    import importlib.util

    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundled = Path(folder) / "files" / "pandoc"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    try:
        import pypandoc

        path = str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:
        raise ToolMissing(
            f"pandoc is not available: {exc}",
            "reinstall idmbook (`make install`); pypandoc-binary bundles pandoc",
        ) from None
    return path


@cache
def pandoc_version() -> str:
    out = run_pandoc(["--version"], b"")
    return out.decode("utf-8", "replace").split("\n", 1)[0].split()[-1]


_SPANS: list[tuple[str, float, float]] = []
_SPANS_LOCK = threading.Lock()


@contextmanager
def tool_span(name: str) -> Iterator[None]:
    """Record how long an external tool (pandoc, typst) worked, for the benchmark."""
    start = time.monotonic()
    try:
        yield
    finally:
        with _SPANS_LOCK:
            _SPANS.append((name, start, time.monotonic()))


def tool_spans() -> list[tuple[str, float, float]]:
    """(tool, start, end) of every pandoc and typst run of this process, in
    ``time.monotonic()`` seconds (comparable between processes on one machine)."""
    with _SPANS_LOCK:
        return list(_SPANS)


def run_pandoc(
    args: list[str],
    stdin: bytes,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> bytes:
    """Run pandoc with ``args`` and ``stdin``; a failure raises ToolMissing with its stderr.

    ``env`` adds variables to pandoc's environment (SOURCE_DATE_EPOCH, for example);
    ``on_start`` is given the process once it runs (to stop it early).
    """
    try:
        with (
            tool_span("pandoc"),
            subprocess.Popen(
                [pandoc_path(), *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env={**os.environ, **env} if env else None,
            ) as proc,
        ):
            if on_start is not None:
                on_start(proc)
            try:
                out, err = proc.communicate(stdin, timeout=600)
            except BaseException:
                proc.kill()
                raise
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(
            f"pandoc could not run: {exc}", "reinstall idmbook (`make install`)"
        ) from None
    if proc.returncode != 0:
        message = err.decode("utf-8", "replace").strip()
        raise ToolMissing(f"pandoc failed (exit {proc.returncode}): {message[:2000]}")
    return out


def run_pandoc_each(jobs: Sequence[tuple[list[str], bytes]]) -> Iterator[tuple[int, bytes]]:
    """(index, output) of independent pandoc conversions as each finishes, as many running at
    once as there are processors: the caller reads one output while pandoc makes the others."""
    if len(jobs) <= 1:
        yield from ((index, run_pandoc(*job)) for index, job in enumerate(jobs))
        return
    workers = min(len(jobs), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_pandoc, *job): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            yield futures[future], future.result()


def balanced_runs(
    indices: list[int], sizes: list[int], minimum: int, count: int | None = None
) -> list[list[int]]:
    """``indices`` in order, cut into ``count`` runs (one per processor unless told) of
    similar total ``sizes`` (a single run when they add up to less than ``minimum``): work for
    :func:`run_pandoc_each`. (More runs than processors cost more processor time than they
    save in balance, unless the caller works on each run's output as it comes.)
    """
    total = sum(sizes[i] for i in indices)
    count = min(count or os.cpu_count() or 1, len(indices))
    if count <= 1 or total < minimum:
        return [indices] if indices else []
    runs: list[list[int]] = [[]]
    filled = 0
    for index in indices:
        if filled >= total / count * len(runs) and len(runs) < count:
            runs.append([])
        runs[-1].append(index)
        filled += sizes[index]
    return runs


TEXT_NODES = frozenset({"Str", "Space", "SoftBreak", "LineBreak"})
"""Inline nodes without children or attributes: most of a book, and nothing any pass over the
AST rewrites."""


def ast_bytes(ast: Any) -> bytes:
    """A pandoc AST (or part of one) as compact UTF-8 JSON, the way pandoc reads it (orjson: a
    book's AST is tens of megabytes, which the standard library takes seconds to encode)."""
    return orjson.dumps(ast)


def ast_loads(data: bytes | str) -> Any:
    """pandoc's JSON (or a cached piece of it) as Python lists and dicts."""
    return orjson.loads(data)


def id_counts(blocks: list[Any]) -> Counter[str]:
    """How many headings, divs, figures and tables carry each id, at any depth of ``blocks``."""
    counts: Counter[str] = Counter()
    stack: list[Any] = [blocks]
    while stack:
        value = stack.pop()
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, list):
                stack.append(item)
                continue
            if not isinstance(item, dict):
                continue
            kind = item.get("t")
            if kind in TEXT_NODES:
                continue
            content = item.get("c", [])
            if kind == "Header":
                counts[content[1][0]] += 1
            elif kind in ("Div", "Figure", "Table"):
                counts[content[0][0]] += 1
            stack.append(content)
    return counts


def link_targets(counts: Counter[str]) -> frozenset[str]:
    """Ids that internal links may point at: those on exactly one heading, div, figure or
    table."""
    return frozenset(ident for ident, count in counts.items() if ident and count == 1)
