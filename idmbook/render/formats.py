"""Every format of the book rendered at once, each in a thread of its own (pandoc and Typst
work outside Python's interpreter lock)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idmbook.cache import Cache
from idmbook.render.docx import render_docx
from idmbook.render.html import render_html
from idmbook.render.meta import BookMeta
from idmbook.render.pdf import render_pdf
from idmbook.stopping import stop_everything

if TYPE_CHECKING:
    from idmbook.render.pdf import TypstSession


def render_all(
    formats: tuple[str, ...],
    ast: dict[str, Any],
    meta: BookMeta,
    templates: Path,
    cache: Cache | None = None,
    session: TypstSession | None = None,
) -> dict[str, bytes]:
    """Every format in ``formats`` of the book whose body is ``ast``.

    When one fails, or Ctrl-C stops the build, the others' pandoc processes are killed and
    the error raised at once. The threads are daemons: a Typst still typesetting (which
    cannot be stopped from outside) never keeps the process from ending.
    """
    renderers: dict[str, Callable[[], bytes]] = {
        "pdf": lambda: render_pdf(ast, meta, templates, cache, session),
        "docx": lambda: render_docx(ast, meta, templates, cache),
        "html": lambda: render_html(ast, meta, templates),
    }
    done: queue.Queue[tuple[str, bytes | BaseException]] = queue.Queue()

    def run(fmt: str) -> None:
        try:
            done.put((fmt, renderers[fmt]()))
        except BaseException as exc:  # noqa: BLE001 - given to the waiting thread to raise
            done.put((fmt, exc))

    for fmt in formats:
        threading.Thread(target=run, args=(fmt,), name=f"render-{fmt}", daemon=True).start()
    results: dict[str, bytes] = {}
    try:
        while len(results) < len(formats):
            fmt, outcome = done.get()
            if isinstance(outcome, BaseException):
                raise outcome
            results[fmt] = outcome
    except BaseException:
        stop_everything()
        raise
    return {fmt: results[fmt] for fmt in formats}
