"""The PDF typeset by the ``typst`` package in a compile folder holding only the book's files."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from idmbook.errors import IdmbookError, ToolMissing
from idmbook.load.fonts import typst_fonts
from idmbook.pandoc.run import tool_span
from idmbook.render.meta import BookMeta
from idmbook.render.pdf.pictures import copy_images
from idmbook.render.pdf.typst_errors import typst_crash, typst_failure
from idmbook.render.pdf.writer import MAIN_NAME, TypstBook, chapter_name, typst_book

if TYPE_CHECKING:
    from idmbook.cache import Cache

PDF_STANDARDS = frozenset(
    {
        "1.4", "1.5", "1.6", "1.7", "2.0",
        "a-1a", "a-1b", "a-2a", "a-2b", "a-2u", "a-3a", "a-3b", "a-3u",
        "a-4", "a-4e", "a-4f", "ua-1",
    }
)  # fmt: skip
"""The values typst accepts for ``pdf_standards``."""


def render_pdf(
    ast: dict[str, Any],
    meta: BookMeta,
    templates: Path,
    cache: Cache | None = None,
    session: TypstSession | None = None,
) -> bytes:
    """The book as PDF bytes (A4, tagged, PDF/UA-1 unless ``meta.pdf_standard`` says otherwise).

    ``cache`` keeps pandoc's Typst of each chapter for the next build; ``session`` compiles
    with a long-lived Typst compiler (watch mode) instead of in a fresh temporary folder.
    Raises IdmbookError when the book cannot be typeset, ToolMissing when pandoc or typst is
    unusable. Nothing is written outside a temporary folder, which is removed afterwards.

    Typst compiles in a fresh temporary folder that holds the generated ``.typ`` files and
    copies of the pictures and nothing else: it is the compiler's root, and Typst cannot read
    outside it.
    """
    standards = pdf_standards(meta.pdf_standard)
    book = typst_book(ast, meta, templates, cache)
    if session is not None:
        return session.compile(book, meta.images, standards, meta.timestamp, meta.root)
    with tempfile.TemporaryDirectory(prefix="idmbook-pdf-") as folder:
        root = Path(folder)
        _write_files(book.files(), root)
        copy_images(book.pictures, meta.images, root)
        typst = _typst_module()
        return _compiled(
            lambda: typst.compile(
                str(root / MAIN_NAME),
                root=str(root),
                font_paths=typst_fonts(),
                ignore_system_fonts=True,
                format="pdf",
                pdf_standards=cast(Any, standards),
                timestamp=meta.timestamp,
            ),
            typst,
            book,
            meta.root,
        )


class TypstSession:
    """A long-lived Typst compiler over a private build folder, for one build after another.

    Typst keeps what it computed for files that did not change, so after a small edit only the
    chapters that changed are typeset again. Only changed files are rewritten. Call
    :meth:`close` (or use ``with``) to delete the folder.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="idmbook-typst-"))
        self._written: dict[str, str] = {}
        self._compiler: Any = None

    def __enter__(self) -> TypstSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._compiler = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def compile(
        self,
        book: TypstBook,
        images: dict[str, Path],
        standards: list[str],
        timestamp: int,
        sources: Path | None = None,
    ) -> bytes:
        """Typeset ``book``; raises like :func:`render_pdf` (``sources``: the folder of the
        files the book is made from, for the place of an error)."""
        files = book.files()
        for name in set(self._written) - set(files):
            (self.folder / name).unlink(missing_ok=True)
            del self._written[name]
        changed = {}
        for name, text in files.items():
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if self._written.get(name) != digest:
                changed[name] = text
                self._written[name] = digest
        _write_files(changed, self.folder)
        copy_images(
            {p for p in book.pictures if not (self.folder / p).is_file()}, images, self.folder
        )
        typst = _typst_module()
        if self._compiler is None:
            self._compiler = typst.Compiler(
                str(self.folder / MAIN_NAME),
                root=str(self.folder),
                font_paths=typst_fonts(),
                ignore_system_fonts=True,
            )
        try:
            return _compiled(
                lambda: self._compiler.compile(
                    format="pdf", pdf_standards=cast(Any, standards), timestamp=timestamp
                ),
                typst,
                book,
                sources,
            )
        except IdmbookError:
            self._written.clear()  # start from known files next time
            raise


def pdf_standards(value: str) -> list[str]:
    """The typst ``pdf_standards`` for ``meta.pdf_standard``: "ua-1", "a-2b", "a-2a,ua-1"....

    An empty value (or ``"none"``) means a plain PDF; an unknown one raises IdmbookError.
    """
    names = [name for name in re.split(r"[\s,+]+", value.strip().lower()) if name]
    if names == ["none"]:
        return []
    unknown = [name for name in names if name not in PDF_STANDARDS]
    if unknown:
        raise IdmbookError(
            f"unknown PDF standard {', '.join(unknown)!s} in pdf_standard {value!r}",
            f"use one of: {', '.join(sorted(PDF_STANDARDS))} (default: ua-1)",
        )
    return names


def _write_files(files: dict[str, str], root: Path) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _typst_module() -> Any:
    try:
        import typst
    except ImportError as exc:
        raise ToolMissing(
            f"the typst package is not available: {exc}",
            "reinstall idmbook (`make install`); it depends on the typst package",
        ) from None
    return typst


def _compiled(run: Callable[[], Any], typst: Any, book: TypstBook, sources: Path | None) -> bytes:
    """The PDF that ``run()`` returns; Typst's errors become IdmbookError, naming the source
    file and line of what failed (see :mod:`idmbook.render.pdf.typst_errors`)."""
    try:
        with tool_span("typst"):
            pdf = run()
    except typst.TypstError as exc:
        chapters = [(chapter_name(i), text) for i, text in enumerate(book.chapters)]
        message, hint = typst_failure(exc, MAIN_NAME, book.main, chapters, sources)
        raise IdmbookError(message, hint) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a panic of Typst's is a BaseException
        raise IdmbookError(*typst_crash(exc, list(book.files().values()))) from None
    if not isinstance(pdf, bytes):
        raise ToolMissing("the typst package returned no PDF", "reinstall idmbook")
    return pdf
