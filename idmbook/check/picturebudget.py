"""The pictures of the whole book against what the build can place (IDM067).

Each picture passes its own checks (:mod:`idmbook.load.pictures`), yet together they can still be
more than a build can do: Typst holds every picture of the PDF decoded in memory at once,
and each time a picture is shown Word's file and the single-page HTML carry it again (the
HTML as a copy of its bytes). So the book as a whole has budgets: the pixels of its pictures,
how many times pictures are shown, how many times one picture is shown, and the bytes that
showing them copies. The first reference (file and line) that goes past a budget is
reported; the book is read in the order of its files.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from idmbook.diagnostics import Diagnostic
from idmbook.load.content import image_references, resolve_image
from idmbook.load.pictures import Cost, inspect_file
from idmbook.rules import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project

MAX_BOOK_PIXELS = 120_000_000
"""Pixels of all the book's pictures together (each decoded once)."""
MAX_SHOWN = 2_000
"""Pictures shown in the book, counting each time a picture is shown."""
MAX_SAME_PICTURE = 100
"""Times one picture may be shown."""
MAX_SHOWN_BYTES = 200 * 1024 * 1024
"""Bytes of picture files, counted each time a picture is shown."""
_HINT = (
    "make large pictures smaller (2,000 pixels across is plenty for a printed page) and show "
    "a picture once rather than many times"
)


def budget_diagnostics(project: Project) -> list[Diagnostic]:
    """IDM067 at the first picture reference of the book that goes past each budget."""

    found: list[Diagnostic] = []
    pixels = shown = shown_bytes = 0
    decoded: set[Path] = set()
    times: Counter[Path] = Counter()
    passed: set[str] = set()

    def over(budget: str, rel: str, line: int, column: int, message: str) -> None:
        if budget not in passed:
            passed.add(budget)
            found.append(diag("IDM067", rel, line, column, message, _HINT))

    for rel, line, column, path in _references(project):
        cost = inspect_file(path)
        if not isinstance(cost, Cost):
            continue  # refused on its own (IDM053)
        shown += 1
        times[path] += 1
        try:
            shown_bytes += path.stat().st_size
        except OSError:
            continue
        if path not in decoded:
            decoded.add(path)
            pixels += cost.pixels
        if pixels > MAX_BOOK_PIXELS:
            over(
                "pixels",
                rel,
                line,
                column,
                f"with this picture the book's pictures are {pixels / 1e6:.0f} million pixels "
                f"together; the limit is {MAX_BOOK_PIXELS // 1_000_000} million",
            )
        if shown > MAX_SHOWN:
            over("shown", rel, line, column, f"the book shows more than {MAX_SHOWN:,} pictures")
        if times[path] > MAX_SAME_PICTURE:
            over(
                f"same:{path}",
                rel,
                line,
                column,
                f"'{path.name}' is shown more than {MAX_SAME_PICTURE} times in the book",
            )
        if shown_bytes > MAX_SHOWN_BYTES:
            over(
                "bytes",
                rel,
                line,
                column,
                f"the pictures shown in the book come to more than "
                f"{MAX_SHOWN_BYTES // 2**20} MB, counting each time a picture is shown",
            )
    return found


def _references(project: Project) -> list[tuple[str, int, int, Path]]:
    """(file, line, column, picture) of every picture the book shows that resolves to a file
    of the project, in the order of the book's files."""

    docs = project.documents
    published = sorted(
        {note.rel for note in docs.notes}
        | {chapter.rel for chapter in docs.chapters}
        | {c.rel for c in docs.contributions if c.meta.consent}
    )
    found: list[tuple[str, int, int, Path]] = []
    for rel in published:
        text = project.report.sources.get(rel)
        if text is None or not rel.lower().endswith((".md", ".markdown")):
            continue
        base = (project.root / rel).parent
        for line, column, target in image_references(text):
            resolved = resolve_image(target, project.root, base)
            if isinstance(resolved, Path):
                found.append((rel, line, column, resolved))
    return found
