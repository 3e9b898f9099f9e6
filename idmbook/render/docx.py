"""Render the assembled book (a pandoc AST plus BookMeta) as a DOCX in the IOM house style.

The work happens in three steps:

1. ``prepare_ast`` copies the body, makes it safe and self-consistent (no raw OpenXML, no picture
   outside ``meta.images``, one unique identifier per heading) and puts the front part before it:
   cover, imprint and the "Contents" heading, as Divs whose ``custom-style`` names a style of
   ``templates/reference.docx``.
2. pandoc writes the DOCX in a private staging folder that holds only the reference document and
   the staged pictures.
3. python-docx finishes the file (:mod:`idmbook.render.docx_finish`): page breaks of the front
   part, a table of contents that is visible without updating fields, running header, draft
   watermark and footer note, language, document properties. The package is then rewritten
   byte for byte reproducibly.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from idmbook.errors import IdmbookError
from idmbook.render.common import TEXT_NODES, BookMeta, ast_bytes, pandoc_version, run_pandoc

if TYPE_CHECKING:
    from idmbook.cache import Cache

__all__ = ["front_blocks", "front_paragraphs", "prepare_ast", "render_docx"]

REFERENCE_NAME = "reference.docx"

# Paragraph styles of templates/reference.docx that the front part uses (style names, not ids).
STYLE_COVER_SERIES = "Cover Series"
STYLE_COVER_TITLE = "Title"
STYLE_COVER_SUBTITLE = "Subtitle"
STYLE_COVER_PUBLISHER = "Cover Publisher"
STYLE_COVER_DATE = "Cover Date"
STYLE_IMPRINT = "Imprint"
STYLE_TOC_HEADING = "TOC Heading"
STYLE_FOOTER_NOTE = "Footer Note"
TOC_DEPTH = 2
"""Heading levels listed in the table of contents (the reference document styles toc 1-3)."""
TOC_STYLES = tuple(f"toc {level}" for level in range(1, TOC_DEPTH + 1))
HEADING_STYLES = tuple(f"heading {level}" for level in range(1, TOC_DEPTH + 1))
TOC_INSTRUCTION = f' TOC \\o "1-{TOC_DEPTH}" \\h \\z \\u '


def render_docx(
    ast: dict[str, Any],
    meta: BookMeta,
    templates: Path,
    cache: Cache | None = None,
    on_converting: Callable[[], None] | None = None,
) -> bytes:
    """Return the finished DOCX of the book whose body is ``ast``.

    ``templates`` is the project's templates folder; it must hold ``reference.docx``. Nothing is
    written outside a temporary folder. ``cache`` keeps pandoc's DOCX for the next build with
    the same body, pictures, template and date; ``on_converting`` is called when pandoc starts
    (or the cache answered). Foreseeable failures raise IdmbookError (ToolMissing when pandoc
    itself fails).
    """
    reference = templates / REFERENCE_NAME
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
            if on_converting is not None:
                on_converting()
            return _finished(raw, meta)
    try:
        with tempfile.TemporaryDirectory(prefix="idmbook-docx-") as tmp:
            staging, data_dir = Path(tmp) / "stage", Path(tmp) / "data"
            staging.mkdir()
            data_dir.mkdir()  # empty: no user defaults or templates leak into the build
            _stage_images(meta.images, staging)
            _copy_file(reference, staging / REFERENCE_NAME, "the Word template")
            raw = _run_pandoc_docx(document, staging, data_dir, meta.timestamp, on_converting)
    except OSError as exc:
        raise IdmbookError(f"the DOCX could not be prepared in a temporary folder: {exc}") from None
    if cache is not None and key is not None:
        cache.put("docx", key, raw)
    return _finished(raw, meta)


def _finished(raw: bytes, meta: BookMeta) -> bytes:
    """Step 3, imported now: see :mod:`idmbook.render.docx_finish`."""
    from idmbook.render.docx_finish import finish_docx

    return finish_docx(raw, meta)


def _cache_key(document: bytes, meta: BookMeta, reference: Path) -> str:
    """Everything pandoc's DOCX depends on: the AST, the pictures, the template, the date."""
    from idmbook.cache import Cache

    pictures = [
        f"{name}={Cache.key(path.read_bytes())}" for name, path in sorted(meta.images.items())
    ]
    return Cache.key(
        "docx",
        pandoc_version(),
        " ".join(_pandoc_args(Path("data"))),
        str(max(meta.timestamp, 0)),
        reference.read_bytes(),
        "\n".join(pictures),
        document,
    )


# --------------------------------------------------------------------------------------------
# Step 1: the AST


def prepare_ast(ast: dict[str, Any], meta: BookMeta) -> dict[str, Any]:
    """Return a safe copy of ``ast`` with the front part (cover, imprint, contents) before it."""
    if not isinstance(ast, dict) or not isinstance(ast.get("blocks"), list):
        raise IdmbookError("the book to render is not a pandoc document (no list of blocks)")
    if "pandoc-api-version" not in ast:
        raise IdmbookError("the book to render has no pandoc-api-version")
    try:
        blocks = _Sanitiser(set(meta.images)).value(ast["blocks"])
    except RecursionError:
        raise IdmbookError("the book is nested too deeply to be rendered") from None
    return {
        "pandoc-api-version": ast["pandoc-api-version"],
        "meta": {"lang": {"t": "MetaString", "c": meta.language}},
        "blocks": [*front_blocks(meta), *blocks],
    }


class _Sanitiser:
    """Neutralise raw code and unknown pictures; give every heading a unique identifier.

    RawBlock/RawInline of any format become plain text, so no OpenXML (or any other raw markup)
    reaches the DOCX. An Image whose target is not a staged picture becomes its description, so
    pandoc never reads a file or URL the caller did not list. The AST given is not changed:
    what changes is copied, what does not is shared (a whole copy of a long book is slow and
    large).
    """

    def __init__(self, images: set[str]) -> None:
        self.images = images
        self.seen: set[str] = set()
        self.count = 0

    def value(self, value: Any) -> Any:
        """``value`` sanitised, in document order: the same object when nothing changed."""
        if isinstance(value, list):
            copied: list[Any] | None = None
            for index, item in enumerate(value):
                if isinstance(item, dict) and item.get("t") in TEXT_NODES:
                    continue
                new = self.value(item)
                if new is not item:
                    if copied is None:
                        copied = list(value)
                    copied[index] = new
            return value if copied is None else copied
        if not isinstance(value, dict):
            return value
        node = self.node(value)
        changed: dict[str, Any] | None = None
        for key, item in node.items():
            if isinstance(item, list | dict):
                new = self.value(item)
                if new is not item:
                    if changed is None:
                        changed = dict(node)
                    changed[key] = new
        return node if changed is None else changed

    def node(self, node: dict[str, Any]) -> dict[str, Any]:
        """The node that replaces ``node`` itself (its children are done by the caller)."""
        kind = node.get("t")
        if kind == "RawBlock":
            return {"t": "Para", "c": [_str(_raw_text(node))]}
        if kind == "RawInline":
            return _str(_raw_text(node))
        if kind == "Image" and not _is_staged_image(node.get("c"), self.images):
            content = node.get("c")
            alt = content[1] if isinstance(content, list) and len(content) == 3 else []
            return {"t": "Span", "c": [["", [], []], alt if isinstance(alt, list) else []]}
        if kind == "Header":
            self.count += 1
            return _unique_identifier(node, self.seen, self.count)
        return node


def _is_staged_image(content: Any, images: set[str]) -> bool:
    """Whether an Image node's content ([attr, inlines, [target, title]]) names a staged file."""
    return (
        isinstance(content, list)
        and len(content) == 3
        and isinstance(content[2], list)
        and len(content[2]) == 2
        and isinstance(content[2][0], str)
        and content[2][0] in images
    )


def _raw_text(node: dict[str, Any]) -> str:
    """The text of a RawBlock/RawInline node, or "" when it is malformed."""
    content = node.get("c")
    if isinstance(content, list) and len(content) == 2 and isinstance(content[1], str):
        return content[1]
    return ""


def _unique_identifier(node: dict[str, Any], seen: set[str], count: int) -> dict[str, Any]:
    """A Header node with an identifier no other heading has (it becomes a bookmark name)."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 3 and isinstance(content[1], list)):
        raise IdmbookError("the book contains a malformed heading")
    attr = content[1]
    ident = attr[0] if attr and isinstance(attr[0], str) and attr[0] else f"section-{count}"
    base, suffix = ident, 0
    while ident in seen:
        suffix += 1
        ident = f"{base}-{suffix}"
    seen.add(ident)
    if attr and attr[0] == ident:
        return node
    new_attr = [ident, *attr[1:]] if attr else [ident, [], []]
    return {**node, "c": [content[0], new_attr, content[2]]}


def _str(text: str) -> dict[str, Any]:
    """A pandoc Str inline."""
    return {"t": "Str", "c": text}


def _para(text: str) -> dict[str, Any]:
    """A paragraph of plain text; line breaks in ``text`` become pandoc LineBreaks."""
    inlines: list[dict[str, Any]] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            inlines.append({"t": "LineBreak"})
        if line:
            inlines.append(_str(line))
    return {"t": "Para", "c": inlines}


def _styled(style: str, *texts: str) -> dict[str, Any]:
    """A Div whose paragraphs pandoc writes in the paragraph style named ``style``."""
    return {"t": "Div", "c": [["", [], [["custom-style", style]]], [_para(t) for t in texts]]}


def front_blocks(meta: BookMeta) -> list[dict[str, Any]]:
    """The front part as AST blocks: cover lines, imprint paragraphs, then the contents heading.

    Each block is one paragraph, in the order ``_front_styles`` expects.
    """
    return [_styled(style, text) for style, text in front_paragraphs(meta)]


def front_paragraphs(meta: BookMeta) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of the front part, in order."""
    cover = [
        (STYLE_COVER_SERIES, meta.series_line),
        (STYLE_COVER_TITLE, meta.title),
        (STYLE_COVER_SUBTITLE, meta.subtitle),
        (STYLE_COVER_PUBLISHER, meta.publisher),
        (STYLE_COVER_DATE, str(meta.year)),
    ]
    paragraphs = [(style, text) for style, text in cover if text and text.strip()]
    paragraphs += [(STYLE_IMPRINT, text) for text in meta.imprint if text.strip()]
    paragraphs.append((STYLE_TOC_HEADING, meta.contents_label.strip() or "Contents"))
    return paragraphs


# --------------------------------------------------------------------------------------------
# Step 2: pandoc


def _safe_member(name: str) -> PurePosixPath:
    """``name`` as a relative path that stays inside the staging folder, or IdmbookError."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
        or name == REFERENCE_NAME
    ):
        raise IdmbookError(f"the picture name {name!r} is not a plain relative path")
    return path


def _copy_file(source: Path, target: Path, what: str) -> None:
    """Copy ``source`` to ``target``; a missing or unreadable file raises IdmbookError."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise IdmbookError(f"{what} {source} could not be read: {exc.strerror or exc}") from None


def _stage_images(images: Mapping[str, Path], staging: Path) -> None:
    """Copy every picture of the book into ``staging`` under the name the AST uses."""
    for name in sorted(images):
        member = _safe_member(name)
        _copy_file(images[name], staging.joinpath(*member.parts), "the picture")


_INPUT_NAME = ".idmbook-book.json"
_OUTPUT_NAME = ".idmbook-book.docx"
"""pandoc's input and output in the staging folder (staged pictures never start with a dot)."""


def _pandoc_args(data_dir: Path) -> list[str]:
    return [
        "--from=json",
        "--to=docx",
        f"--reference-doc={REFERENCE_NAME}",
        "--resource-path=.",
        f"--data-dir={data_dir}",
        f"--output={_OUTPUT_NAME}",
        _INPUT_NAME,
    ]


def _run_pandoc_docx(
    document: bytes,
    staging: Path,
    data_dir: Path,
    ts: int,
    on_converting: Callable[[], None] | None = None,
) -> bytes:
    """Run pandoc in ``staging`` (pictures and reference only) and return the raw DOCX.

    pandoc reads the book from a file and writes the DOCX to one, rather than through pipes
    that this process would have to feed: in watch mode the PDF's Python work runs meanwhile,
    and feeding a pipe needs the interpreter between every chunk (measured on the compendium:
    pandoc took 6.9 s instead of 4.7 s)."""
    env = {"SOURCE_DATE_EPOCH": str(max(ts, 0))}
    (staging / _INPUT_NAME).write_bytes(document)
    if on_converting is not None:  # the other formats' Python work waits until pandoc runs
        on_converting()
    run_pandoc(_pandoc_args(data_dir), b"", cwd=staging, env=env)
    try:
        out = (staging / _OUTPUT_NAME).read_bytes()
    except OSError:
        out = b""
    if not out.startswith(b"PK"):
        raise IdmbookError("pandoc did not produce a DOCX file")
    return out
