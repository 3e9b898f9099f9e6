"""What a build shows while it works: its stages with their elapsed time, live on a terminal,
one plain line per stage when piped (as in a CI log), nothing with ``-q``, each stage's
duration with ``-v``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from idmbook.cli.app import Verbosity
from idmbook.commands.events import BuildEvents


@dataclass
class StageLog(BuildEvents):
    """The build's stages as they begin, each with the time since the build began."""

    console: Console
    verbosity: Verbosity
    progress: Progress | None = None
    started: float = field(default_factory=time.perf_counter)
    stages: list[tuple[str, float]] = field(default_factory=list)
    """Each stage and when it began, in seconds since the start."""

    def stage(self, what: str) -> None:
        now = time.perf_counter() - self.started
        self._finish_last(now)
        self.stages.append((what, now))
        if self.verbosity.quiet:
            return
        if self.progress is not None:
            self.progress.add_task(what, total=None)
        else:
            self.console.print(f"[{now:6.1f} s] {escape(what)}", markup=False, highlight=False)

    def _finish_last(self, now: float) -> None:
        if self.progress is None or not self.progress.tasks:
            return
        last = self.progress.tasks[-1]
        self.progress.update(last.id, total=1, completed=1)
        self.progress.stop_task(last.id)

    def done(self) -> None:
        """The build has ended: the last stage is closed, and with ``-v`` every stage's
        duration is shown."""
        now = time.perf_counter() - self.started
        self._finish_last(now)
        self.stages.append(("done", now))
        if self.verbosity.verbose:
            for (what, start), (_, end) in zip(self.stages, self.stages[1:], strict=False):
                self.console.print(f"  {end - start:6.2f} s  {what}", highlight=False)
            self.console.print(f"  {now:6.2f} s  in all", highlight=False)
        elif self.progress is None and not self.verbosity.quiet:
            self.console.print(f"[{now:6.1f} s] done", markup=False, highlight=False)


@contextmanager
def stage_log(console: Console, verbosity: Verbosity) -> Iterator[StageLog]:
    """A :class:`StageLog` for one build: live, with a spinner and a clock per stage, on a
    terminal; plain lines otherwise."""
    if console.is_terminal and not verbosity.quiet:
        columns = (SpinnerColumn(finished_text="✓"), TextColumn("{task.description}"))
        with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
            log = StageLog(console, verbosity, progress)
            yield log
            log.done()
        return
    log = StageLog(console, verbosity)
    yield log
    log.done()
