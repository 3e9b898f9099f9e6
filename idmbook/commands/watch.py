"""`idmbook watch` (and `idmbook build --watch`): build, then rebuild whenever a source changes.

One process does every build, with one long-lived Typst compiler (:class:`TypstSession`): after
a small edit Typst typesets again only the chapters that changed, and pandoc converts only what
the cache (:mod:`idmbook.cache`) has not seen. The diagnostics of a change are reported as soon
as validation is done, before the book is rendered. A change that breaks the build (an error in
a note, a template Typst cannot compile) is reported and the previous outputs stay as they are:
a build writes nothing unless it succeeds. Ctrl-C stops watching; that is a normal end, and so
are SIGTERM and SIGHUP (see :mod:`idmbook.stopping`): Typst's folder is removed either way.
"""

from __future__ import annotations

import gc
import os
import queue
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from idmbook.cache import CACHE_DIR
from idmbook.check.memo import LoadMemo
from idmbook.commands.build import BuildOptions, BuildResult, build
from idmbook.commands.events import BuildEvents
from idmbook.diagnostics import Report, Severity
from idmbook.errors import IdmbookError, ProblemsFound
from idmbook.gcpause import cycle_collection_paused
from idmbook.load.project import open_project
from idmbook.load.sources import SOURCE_SUFFIXES as MARKDOWN_SUFFIXES
from idmbook.load.sources import find_root
from idmbook.render.pdf import TypstSession
from idmbook.stopping import signals_stop_cleanly

IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", CACHE_DIR, "__pycache__", ".venv", "venv"})
"""Folders whose changes never trigger a build."""
EDITOR_DEBRIS = ("~", ".swp", ".swx", ".tmp", ".part")
"""Endings of files that editors and idmbook itself write while saving."""

SOURCE_SUFFIXES = frozenset({".md", ".yaml", ".yml", ".j2", ".typ", ".docx"})
"""Files whose deletion is news (other vanished files are tools' temporary files)."""

EventKind = Literal["watching", "changed", "validated", "built", "unchanged", "failed"]


@dataclass
class WatchEvent:
    """Something the watcher wants the user to know."""

    kind: EventKind
    changed: tuple[str, ...] = ()
    """Project-relative paths of the files whose change started this build."""
    report: Report | None = None
    """Diagnostics to show: of the changed files, and every error (``validated``, ``failed``)."""
    result: BuildResult | None = None
    message: str = ""
    hint: str | None = None
    seconds: float = 0.0
    """From the start of the build (the change was seen just before) to this event."""


@dataclass
class Watcher:
    """The state of a watch: the project, what to build, the long-lived Typst compiler."""

    root: Path
    options: BuildOptions
    on_event: Callable[[WatchEvent], None]
    out_dir: Path
    failures: int = 0
    memo: LoadMemo = field(default_factory=LoadMemo)
    """What loading each source gave: a rebuild loads again only the files that changed."""

    def relevant(self, path: Path) -> bool:
        """Whether a change of ``path`` can change the book (outputs, caches, version control
        and editors' temporary files cannot)."""
        try:
            rel = path.absolute().relative_to(self.root)
        except ValueError:
            return False
        if path.absolute() == self.out_dir or self.out_dir in path.absolute().parents:
            return False
        name = path.name
        return not (
            any(part in IGNORED_FOLDERS or part.startswith(".") for part in rel.parts)
            or name.startswith(("#", ".#", "~$"))
            or name.endswith(EDITOR_DEBRIS)
        )

    def rebuild(self, changed: tuple[str, ...], session: TypstSession) -> BuildResult | None:
        """One build; its diagnostics and outcome become events. Never raises an IdmbookError.

        The cycle collector waits until the outcome is told (see :mod:`idmbook.gcpause`)."""
        with cycle_collection_paused():
            return self._rebuild(changed, session)

    def _rebuild(self, changed: tuple[str, ...], session: TypstSession) -> BuildResult | None:
        started = time.perf_counter()
        shown = False

        watcher = self

        class Shown(BuildEvents):
            def validated(self, report: Report) -> None:
                nonlocal shown
                shown = True
                watcher.on_event(
                    WatchEvent(
                        "validated",
                        changed,
                        report=_worth_showing(report, changed),
                        seconds=time.perf_counter() - started,
                    )
                )

        try:
            if any(Path(rel).suffix.lower() not in MARKDOWN_SUFFIXES for rel in changed):
                self.memo.forget()  # a picture, the config, a template: load everything again
            result = build(self.root, self.options, Shown(), session=session, memo=self.memo)
        except ProblemsFound as exc:
            self.failures += 1
            report = getattr(exc, "report", None)
            self.on_event(
                WatchEvent(
                    "failed",
                    changed,
                    report=None if shown or report is None else _worth_showing(report, changed),
                    message=exc.message,
                    hint="fix the problems above; the previous outputs are kept",
                    seconds=time.perf_counter() - started,
                )
            )
            return None
        except IdmbookError as exc:
            self.failures += 1
            self.on_event(
                WatchEvent(
                    "failed",
                    changed,
                    message=exc.message,
                    hint=exc.hint or "the previous outputs are kept",
                    seconds=time.perf_counter() - started,
                )
            )
            return None
        except OSError as exc:  # a file being saved, a folder being moved...
            self.failures += 1
            self.on_event(
                WatchEvent(
                    "failed",
                    changed,
                    message=f"the build could not read or write a file: {exc}",
                    hint="the previous outputs are kept; the next change builds again",
                    seconds=time.perf_counter() - started,
                )
            )
            return None
        kind: EventKind = "unchanged" if result.up_to_date else "built"
        self.on_event(
            WatchEvent(kind, changed, result=result, seconds=time.perf_counter() - started)
        )
        return result


def _worth_showing(report: Report, changed: tuple[str, ...]) -> Report:
    """Every error, and the warnings of the changed files (all warnings on the first build)."""
    keep = [
        d
        for d in report.diagnostics
        if d.severity is Severity.ERROR
        or (d.severity is Severity.WARNING and (not changed or d.path in changed))
    ]
    return Report(keep, report.sources)


def file_changes(
    root: Path, relevant: Callable[[Path], bool], stop: threading.Event
) -> Iterator[set[Path]]:
    """Sets of changed files under ``root``, as the operating system reports them.

    The operating system is watched from a background thread that is running when this
    returns, so no change made after that is missed, even during a build; changes that come
    while a build runs are merged into one set. Setting ``stop`` ends the iteration.
    """
    import watchfiles

    found: queue.Queue[set[Path] | BaseException | None] = queue.Queue()
    ready = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                folders = watched_folders(root, relevant)
                for changes in watchfiles.watch(
                    *folders,
                    watch_filter=lambda _change, name: relevant(Path(name)),
                    stop_event=stop,
                    debounce=1600,
                    # a change is reported once no other follows for this long: an editor's
                    # save (write, rename) takes a few milliseconds; watchfiles' default is 50
                    step=20,
                    rust_timeout=500,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                    recursive=False,
                    ignore_permission_denied=True,
                ):
                    ready.set()  # the first (empty) set proves the system is watching
                    if changes:
                        paths = {Path(name) for _change, name in changes}
                        found.put(paths)
                        if any(_new_folder(path, folders) for path in paths):
                            break  # watch again, the new folder too
                else:
                    return  # stopped
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, raised there
            found.put(exc)
        finally:
            ready.set()
            found.put(None)

    threading.Thread(target=run, name="idmbook-watch", daemon=True).start()
    ready.wait()

    def sets() -> Iterator[set[Path]]:
        while True:
            item = _next(found)
            batch: set[Path] = set()
            while True:
                if item is None:
                    if batch:
                        yield batch
                    return
                if isinstance(item, BaseException):
                    raise item
                batch |= item
                try:
                    item = found.get_nowait()
                except queue.Empty:
                    break
            yield batch

    return sets()


MAX_WATCHED_FOLDERS = 10_000
"""Folders of a project watched at most (each is one watch of the operating system's)."""


def watched_folders(root: Path, relevant: Callable[[Path], bool]) -> list[Path]:
    """``root`` and its real folders whose changes can matter, each watched by itself: a
    recursive watch follows links, and a received project's link to / had the operating
    system watch the whole disk (and stop at the first folder it could not read)."""
    found = [root]
    pending = [root]
    while pending and len(found) < MAX_WATCHED_FOLDERS:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False) and relevant(path):
                    found.append(path)
                    pending.append(path)
            except OSError:
                continue
    return found[:MAX_WATCHED_FOLDERS]


def _new_folder(path: Path, watched: list[Path]) -> bool:
    """Whether ``path`` is a real folder that is not watched yet."""
    try:
        return path.is_dir() and not path.is_symlink() and path not in watched
    except OSError:
        return False


def _next(found: queue.Queue[set[Path] | BaseException | None]) -> set[Path] | BaseException | None:
    """The next item of ``found``, waiting in short steps: Ctrl-C reaches a process on any of
    its threads (Typst's and the file watcher's too), and Python acts on it only when the main
    thread runs, which a wait without end would not let it do until the next change.

    The steps are sleeps, not a wait on the queue: Ctrl-C arriving while the queue's wait
    takes its lock back leaves the lock released twice, and the interrupt becomes
    "RuntimeError: release unlocked lock" (seen once on stopping `idmbook watch`)."""
    while True:
        try:
            return found.get_nowait()
        except queue.Empty:
            time.sleep(0.05)


def watch(
    start: Path,
    options: BuildOptions,
    on_event: Callable[[WatchEvent], None],
    changes: Iterable[Collection[Path]] | None = None,
) -> int:
    """Build the project containing ``start``, then again after every change, until Ctrl-C
    (or until ``changes``, when given, is exhausted). Returns the exit status: 0.

    ``changes`` replaces the operating system's notifications (tests, scripts): each item is
    a collection of changed files.
    """

    root = find_root(start)
    out_dir = options.out
    if out_dir is None:
        opened = open_project(root)
        folder = "dist" if isinstance(opened, Report) else opened.config.output.directory
        out_dir = root / folder
    watcher = Watcher(root, replace(options, force=False), on_event, out_dir.absolute())
    stop = threading.Event()
    with signals_stop_cleanly(), TypstSession() as session:
        try:
            source = changes if changes is not None else file_changes(root, watcher.relevant, stop)
            watcher.rebuild((), session)
            gc.collect()
            on_event(WatchEvent("watching", message=str(root)))
            for batch in source:
                paths = sorted({p for p in batch if watcher.relevant(p)})
                if not paths:
                    continue
                shown = [p for p in paths if p.exists() or p.suffix.lower() in SOURCE_SUFFIXES]
                paths = shown or paths  # (a tool's temporary file, gone already, is not news)
                rels = tuple(p.absolute().relative_to(root).as_posix() for p in paths)
                on_event(WatchEvent("changed", rels))
                watcher.rebuild(rels, session)
                gc.collect()  # what the build left, once it is reported (see gcpause)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
    return 0
