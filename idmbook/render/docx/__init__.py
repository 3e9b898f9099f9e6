"""The Word edition: the assembled book (a pandoc AST plus BookMeta) as a DOCX in the IOM house
style, in three steps.

1. :mod:`~idmbook.render.docx.prepare` makes the AST safe and ready for pandoc's DOCX writer
   (no raw OpenXML, no picture outside ``meta.images``, one identifier per heading, every
   passage in a language with its direction and quotation marks: :mod:`.passages`) and puts
   the front part before it: cover, imprint and the "Contents" heading, as Divs whose
   ``custom-style`` names a style of ``templates/reference.docx`` (:mod:`.styles`).
2. :mod:`~idmbook.render.docx.writer` runs pandoc's DOCX writer in a private staging folder
   that holds only the reference document and the staged pictures.
3. :mod:`~idmbook.render.docx.finish` runs the finishing steps on the package with python-docx
   (front part and openings: :mod:`.sections`; contents: :mod:`.contents`; languages, scripts
   and fonts of the text: :mod:`.text`, :mod:`.runs`, :mod:`.scripts`; passages and table rows
   kept together: :mod:`.keep`; running header, watermark and footer: :mod:`.headers`;
   settings and document properties: :mod:`.properties`), then writes the package byte for
   byte reproducibly (:mod:`.package`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idmbook.cache import Cache
from idmbook.errors import IdmbookError
from idmbook.pandoc.ast import ast_bytes
from idmbook.pandoc.run import pandoc_version
from idmbook.render.docx import writer
from idmbook.render.docx.prepare import prepare_ast
from idmbook.render.meta import BookMeta

__all__ = ["render_docx"]


def render_docx(
    ast: dict[str, Any],
    meta: BookMeta,
    templates: Path,
    cache: Cache | None = None,
) -> bytes:
    """Return the finished DOCX of the book whose body is ``ast``.

    ``templates`` is the project's templates folder; it must hold ``reference.docx``. Nothing is
    written outside a temporary folder. ``cache`` keeps pandoc's DOCX for the next build with
    the same body, pictures, template and date. Foreseeable failures raise IdmbookError
    (ToolMissing when pandoc itself fails).
    """
    reference = templates / writer.REFERENCE_NAME
    if not reference.is_file():
        raise IdmbookError(
            f"the Word template {reference} does not exist",
            "run `python scripts/make_reference_docx.py` or restore templates/reference.docx",
        )
    document = ast_bytes(prepare_ast(ast, meta))
    key = None
    if cache is not None:
        key = _cache_key(document, meta, reference)
        raw = cache.get("docx", key)
        if raw is not None:
            return _finished(raw, meta)
    raw = writer.write_docx(document, meta.images, reference, meta.timestamp)
    if cache is not None and key is not None:
        cache.put("docx", key, raw)
    return _finished(raw, meta)


def _finished(raw: bytes, meta: BookMeta) -> bytes:
    """Step 3, imported now: see :mod:`idmbook.render.docx.finish`."""
    # imported here: python-docx loads once pandoc has written the DOCX (tests/test_startup.py)
    from idmbook.render.docx.finish import finish_docx

    return finish_docx(raw, meta)


def _cache_key(document: bytes, meta: BookMeta, reference: Path) -> str:
    """Everything pandoc's DOCX depends on: the AST, the pictures, the template, the date."""
    pictures = [
        f"{name}={Cache.key(path.read_bytes())}" for name, path in sorted(meta.images.items())
    ]
    return Cache.key(
        "docx",
        pandoc_version(),
        " ".join(writer.pandoc_args(Path("data"))),
        str(max(meta.timestamp, 0)),
        reference.read_bytes(),
        "\n".join(pictures),
        document,
    )
