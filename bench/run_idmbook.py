"""Run ``idmbook`` as the benchmark's child process, and say when pandoc and Typst worked.

``python bench/run_idmbook.py build`` is ``idmbook build``; when IDMBOOK_BENCH_SPANS names a
file, the process writes there, on exit, the (tool, start, end) of every pandoc and Typst run
it made, in ``time.monotonic()`` seconds (one clock for every process of the machine).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import time

START = time.monotonic()


def _dump() -> None:
    path = os.environ.get("IDMBOOK_BENCH_SPANS")
    if not path:
        return
    from idmbook.pandoc.run import tool_spans

    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"start": START, "end": time.monotonic(), "spans": tool_spans()}, handle)


atexit.register(_dump)

if __name__ == "__main__":
    from idmbook.cli import main

    sys.argv = ["idmbook", *sys.argv[1:]]
    main()
