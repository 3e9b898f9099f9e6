"""Stopping cleanly when asked: SIGTERM (a service manager, `kill`) and SIGHUP (the terminal
closed) end a build or a watch the way Ctrl-C does, so that what it made in temporary
folders (Typst's build folder above all) is removed on the way out instead of being left
behind when the default action of the signal ends the process at once."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
