"""Python's cycle collector: when idmbook pauses it, in one place (the policy below).

A book's pandoc AST is millions of small lists and dicts. Every pass over it (the sanitiser,
the Typst preparation, reading pandoc's JSON) allocates as many again, and the collector, which
runs after every few hundred allocations and from time to time walks every live object, then
takes more time than the pass itself (measured on the benchmark's compendium: the Typst
preparation 1.16 s with it, 0.36 s without). The data has no reference cycles, so reference
counting frees it all the same; whatever cycles a run leaves wait for the collector's next
turn after it.

The policy: a command that is one burst of work before the process ends (:data:`ONE_BURST`)
runs paused to its end (the command line's :func:`for_command`); ``watch`` pauses it for each
rebuild and lets it collect in between; nothing else switches it.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

ONE_BURST = frozenset({"build", "validate", "status"})
"""Commands run with the cycle collector paused to the end. Not ``watch`` (it collects between
builds) nor ``ingest`` (each Word file read leaves cycles that must not pile up)."""


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause the cycle collector for the block (nested blocks are fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def age_everything() -> None:
    """Count every object the collector tracks as old, without walking them.

    Objects made while the collector was paused are all young to it: the first collection
    after it resumes walks every one of them (0.1 s after the compendium's build, for a
    process that ends next). Moved to the oldest generation they wait for its next full
    collection instead, like long-lived data, and cycles among them are still freed then.
    """
    gc.freeze()
    gc.unfreeze()


@contextmanager
def for_command(command: str | None) -> Iterator[None]:
    """The collector's policy for the whole of ``command`` run from the command line.

    One burst of work, then the end of the process: the collector, resumed after a build,
    would first walk everything the build left alive, for nothing; what the command made is
    counted as old before it resumes, however the command ends. And at exit, the collector's
    walks over every object while Python shuts down free nothing that matters.
    """
    atexit.unregister(gc.freeze)  # once, however often a command runs in one process
    atexit.register(gc.freeze)
    if command not in ONE_BURST:
        yield
        return
    with cycle_collection_paused():
        try:
            yield
        finally:
            age_everything()
