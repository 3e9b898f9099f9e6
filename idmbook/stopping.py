"""Stopping cleanly when asked: SIGTERM (a service manager, `kill`) and SIGHUP (the terminal
closed) end a build or a watch the way Ctrl-C does, so that what it made in temporary
folders (Typst's build folder above all) is removed on the way out instead of being left
behind when the default action of the signal ends the process at once; and stopping the
programs idmbook runs (pandoc) at once when a build stops."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """A signal asked idmbook to stop (handled as Ctrl-C is)."""


@contextmanager
def signals_stop_cleanly() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Stopped` in the main thread (elsewhere
    nothing changes: Python delivers signals to the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise Stopped(signal.Signals(signum).name)

    previous = {}
    for number in SIGNALS:
        try:
            previous[number] = signal.signal(number, stop)
        except (ValueError, OSError):  # (not settable here)
            continue
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class _Running:
    """The external programs idmbook has started and not yet seen end."""

    def __init__(self) -> None:
        self._processes: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    @contextmanager
    def watching(self, process: subprocess.Popen[bytes]) -> Iterator[None]:
        with self._lock:
            self._processes.add(process)
        try:
            yield
        finally:
            with self._lock:
                self._processes.discard(process)

    def stop(self) -> int:
        """Kill every program still running; how many there were."""
        with self._lock:
            processes = list(self._processes)
        for process in processes:
            with suppress(OSError):
                process.kill()
        return len(processes)


RUNNING = _Running()
"""Every pandoc process of this Python process (see :func:`idmbook.pandoc.run.run_pandoc`):
an error or Ctrl-C stops them all at once instead of waiting for each to finish."""


def stop_everything() -> int:
    """Kill the programs still running for idmbook (a build stopped by an error or by the
    user); the threads waiting for them then end at once."""
    return RUNNING.stop()
