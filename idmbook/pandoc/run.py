"""Running the bundled pandoc: one conversion, or many in parallel, each timed for the benchmark."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from idmbook.errors import INSTALL_BUILD, ExtraMissing, ToolMissing
from idmbook.stopping import RUNNING, stop_everything


@cache
def pandoc_path() -> str:
    """The pandoc bundled with pypandoc-binary.

    Found where pypandoc-binary puts it without importing pypandoc (which takes longer than
    a whole no-change rebuild should); pypandoc is asked only when it is not there. Without
    pypandoc-binary (``pip install idmbook`` without the build extra) raises ExtraMissing.
    """
    try:
        spec = importlib.util.find_spec("pypandoc")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise ExtraMissing("running pandoc", "pypandoc-binary")
    for folder in spec.submodule_search_locations or []:
        bundled = Path(folder) / "files" / "pandoc"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    try:
        import pypandoc

        path = str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:
        raise ToolMissing(
            f"pandoc is not available: {exc}",
            f"reinstall idmbook with its build extra (`{INSTALL_BUILD}`); pypandoc-binary "
            "bundles pandoc",
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
) -> bytes:
    """Run pandoc with ``args`` and ``stdin``; a failure raises ToolMissing with its stderr.

    ``env`` adds variables to pandoc's environment (SOURCE_DATE_EPOCH, for example). The
    process is known to :data:`idmbook.stopping.RUNNING` while it runs, so that a build
    stopped by an error or Ctrl-C kills it rather than waiting for it.
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
            RUNNING.watching(proc),
        ):
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


def run_pandoc_all(jobs: Sequence[tuple[list[str], bytes]]) -> list[bytes]:
    """The outputs of independent pandoc conversions, in order, as many running at once as
    there are processors. When one fails (or Ctrl-C stops the build) the others are killed
    rather than waited for."""
    if len(jobs) <= 1:
        return [run_pandoc(*job) for job in jobs]
    pool = ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1))
    try:
        futures = [pool.submit(run_pandoc, *job) for job in jobs]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:  # a failure is raised as soon as it happens
            future.result()
        return [future.result() for future in futures]
    except BaseException:
        stop_everything()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def balanced_runs(
    indices: list[int], sizes: list[int], minimum: int, count: int | None = None
) -> list[list[int]]:
    """``indices`` in order, cut into ``count`` runs (one per processor unless told) of
    similar total ``sizes`` (a single run when they add up to less than ``minimum``): work for
    :func:`run_pandoc_all`. (More runs than processors cost more processor time than they
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
