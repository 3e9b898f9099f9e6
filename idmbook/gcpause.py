"""Python's cycle collector paused while a build or a validation runs.

A book's pandoc AST is millions of small lists and dicts. Every pass over it (the sanitiser,
the Typst preparation, reading pandoc's JSON) allocates as many again, and the collector, which
runs after every few hundred allocations and from time to time walks every live object, then
takes more time than the pass itself (measured on the benchmark's compendium: the Typst
preparation 1.16 s with it, 0.36 s without). The data has no reference cycles, so reference
counting frees it all the same; whatever cycles a run leaves wait for the collector's next
turn after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
