"""Render the assembled book (a pandoc AST plus BookMeta) as a DOCX in the IOM house style.

The work happens in three steps:

1. ``prepare_ast`` copies the body, makes it safe and self-consistent (no raw OpenXML, no picture
   outside ``meta.images``, one unique identifier per heading), gives every passage with a
   language its direction and its quotation marks, and puts the front part before it: cover,
   imprint and the "Contents" heading, as Divs whose ``custom-style`` names a style of
   ``templates/reference.docx``.
2. pandoc writes the DOCX in a private staging folder that holds only the reference document and
   the staged pictures.
3. python-docx finishes the file (:mod:`idmbook.render.docx_finish`): page breaks of the front
   part, a table of contents that is visible without updating fields, running header, draft
   watermark and footer note, the languages and fonts of every script, right-to-left tables,
   horizontal rules, document properties. The package is then rewritten byte for byte
   reproducibly.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from idmbook.errors import IdmbookError
from idmbook.pandoc.ast import TEXT_NODES, ast_bytes
from idmbook.pandoc.run import pandoc_version, run_pandoc
from idmbook.render.docx_scripts import language as script_of
from idmbook.render.docx_styles import front_paragraphs
from idmbook.render.meta import BookMeta

if TYPE_CHECKING:
    from idmbook.cache import Cache

__all__ = ["front_blocks", "prepare_ast", "render_docx"]

REFERENCE_NAME = "reference.docx"


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
            return _finished(raw, meta)
    try:
        with tempfile.TemporaryDirectory(prefix="idmbook-docx-") as tmp:
            staging, data_dir = Path(tmp) / "stage", Path(tmp) / "data"
            staging.mkdir()
            data_dir.mkdir()  # empty: no user defaults or templates leak into the build
            _stage_images(meta.images, staging)
            _copy_file(reference, staging / REFERENCE_NAME, "the Word template")
            raw = _run_pandoc_docx(document, staging, data_dir, meta.timestamp)
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
        blocks = _Sanitiser(set(meta.images), meta.language).value(ast["blocks"])
    except RecursionError:
        raise IdmbookError("the book is nested too deeply to be rendered") from None
    return {
        "pandoc-api-version": ast["pandoc-api-version"],
        "meta": {"lang": {"t": "MetaString", "c": meta.language}},
        "blocks": [*front_blocks(meta), *blocks],
    }


class _Sanitiser:
    """Neutralise raw code and unknown pictures; give every heading a unique identifier; give
    every passage in a language its direction and its quotation marks.

    RawBlock/RawInline of any format become plain text, so no OpenXML (or any other raw markup)
    reaches the DOCX. An Image whose target is not a staged picture becomes its description, so
    pandoc never reads a file or URL the caller did not list. A Div or Span with a ``lang`` and no
    ``dir`` gets the direction of its language's script (pandoc's writer turns ``dir="rtl"``
    into ``w:bidi`` and ``w:rtl``, and ``dir="ltr"`` ends a right-to-left passage around it);
    ``lang`` and ``dir`` of a heading, table, cell or figure, which pandoc's writer does not
    read there, move to a Div around it; quoted text gets the marks of its language. The AST
    given is not changed: what changes is copied, what does not is shared (a whole copy of a
    long book is slow and large).
    """

    def __init__(self, images: set[str], language: str = "en") -> None:
        self.images = images
        self.seen: set[str] = set()
        self.count = 0
        self.languages = [language]
        """The language of the passage being walked: the book's, then each Div's or Span's."""

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
        language = _passage_language(node)
        if language is not None:
            self.languages.append(language)
        changed: dict[str, Any] | None = None
        for key, item in node.items():
            if isinstance(item, list | dict):
                new = self.value(item)
                if new is not item:
                    if changed is None:
                        changed = dict(node)
                    changed[key] = new
        if language is not None:
            self.languages.pop()
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
        if kind in ("Div", "Span"):
            return _with_direction(node)
        if kind in ("Header", "Table", "Figure"):
            wrapped = _passage_around(node)
            if wrapped is not None:
                return wrapped
            if kind == "Table":
                node = _cells_in_passages(node)
        if kind == "Header":
            self.count += 1
            return _unique_identifier(node, self.seen, self.count)
        if kind == "Link":
            return _link_in_passage(node)
        if kind == "Note":
            return _note_in_passage(node)
        if kind == "Quoted":
            return _quoted(node, self.languages[-1])
        return node


_PASSAGE_KEYS = ("lang", "dir")
_DIRECTIONS = ("rtl", "ltr")


def _pairs(attr: Any) -> list[Any]:
    """The key-value pairs of a pandoc Attr, or [] when it is malformed."""
    if isinstance(attr, list) and len(attr) == 3 and isinstance(attr[2], list):
        return attr[2]
    return []


def _passage_pairs(attr: Any) -> list[list[str]]:
    """``lang`` and ``dir`` of an Attr, ``dir`` completed from the language's script."""
    pairs = {
        pair[0]: pair[1]
        for pair in _pairs(attr)
        if isinstance(pair, list) and len(pair) == 2 and pair[0] in _PASSAGE_KEYS
        and isinstance(pair[1], str) and pair[1]
    }  # fmt: skip
    if pairs.get("dir") not in _DIRECTIONS:
        pairs.pop("dir", None)
        if "lang" in pairs:
            pairs["dir"] = "rtl" if script_of(pairs["lang"]).rtl else "ltr"
    return [[key, pairs[key]] for key in _PASSAGE_KEYS if key in pairs]


def _passage_language(node: dict[str, Any]) -> str | None:
    """The ``lang`` of a Div or Span node."""
    if node.get("t") not in ("Div", "Span"):
        return None
    content = node.get("c")
    if not isinstance(content, list) or not content:
        return None
    for pair in _pairs(content[0]):
        if isinstance(pair, list) and len(pair) == 2 and pair[0] == "lang":
            return str(pair[1]) if pair[1] else None
    return None


def _with_direction(node: dict[str, Any]) -> dict[str, Any]:
    """A Div or Span whose ``lang`` has no valid ``dir``, given its script's direction."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 2):
        return node
    attr = content[0]
    pairs = _pairs(attr)
    if not any(isinstance(p, list) and p and p[0] in _PASSAGE_KEYS for p in pairs):
        return node
    wanted = _passage_pairs(attr)
    kept = [p for p in pairs if not (isinstance(p, list) and p and p[0] in _PASSAGE_KEYS)]
    if kept + wanted == pairs:
        return node
    return {**node, "c": [[attr[0], attr[1], kept + wanted], content[1]]}


def _note_in_passage(node: dict[str, Any]) -> dict[str, Any]:
    """A footnote whose text is one passage (a Div with ``lang`` or ``dir`` and nothing else),
    with the passage's tag moved to each of its blocks: pandoc's writer puts the footnote's
    mark in a paragraph of its own when the note starts with a Div, away from its text."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 1 and isinstance(content[0], dict)):
        return node
    div = content[0]
    inner = div.get("c")
    if div.get("t") != "Div" or not (isinstance(inner, list) and len(inner) == 2):
        return node
    attr, blocks = inner
    wanted = _passage_pairs(attr)
    own = _pairs(attr)
    if not wanted or attr[0] or attr[1] or any(pair[0] not in _PASSAGE_KEYS for pair in own):
        return node
    tagged: list[Any] = []
    for block in blocks:
        if isinstance(block, dict) and block.get("t") in ("Para", "Plain"):
            span = {"t": "Span", "c": [["", [], wanted], block.get("c", [])]}
            tagged.append({"t": block["t"], "c": [span]})
        else:
            tagged.append({"t": "Div", "c": [["", [], wanted], [block]]})
    return {"t": "Note", "c": tagged}


def _passage_around(node: dict[str, Any]) -> dict[str, Any] | None:
    """A Div carrying the ``lang`` and ``dir`` of a heading, table or figure (pandoc's writer
    reads them only on Divs and Spans) around it, or None when it has neither."""
    content = node.get("c")
    if not isinstance(content, list) or len(content) < 2:
        return None
    index = 1 if node.get("t") == "Header" else 0
    attr = content[index]
    wanted = _passage_pairs(attr)
    if not wanted:
        return None
    kept = [p for p in _pairs(attr) if not (isinstance(p, list) and p and p[0] in _PASSAGE_KEYS)]
    inner = list(content)
    inner[index] = [attr[0], attr[1], kept]
    return {"t": "Div", "c": [["", [], wanted], [{**node, "c": inner}]]}


def _cells_in_passages(node: dict[str, Any]) -> dict[str, Any]:
    """A Table whose cells (or rows) with ``lang`` or ``dir`` hold their blocks in a Div that
    carries them."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 6):
        return node

    def rows(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        out = []
        for row in items:
            if not (isinstance(row, list) and len(row) == 2 and isinstance(row[1], list)):
                out.append(row)
                continue
            row_pairs = _passage_pairs(row[0])
            out.append([row[0], [cell(c, row_pairs) for c in row[1]]])
        return out

    def cell(item: Any, row_pairs: list[list[str]]) -> Any:
        if not (isinstance(item, list) and len(item) == 5 and isinstance(item[4], list)):
            return item
        wanted = _passage_pairs(item[0]) or row_pairs
        if not wanted:
            return item
        return [*item[:4], [{"t": "Div", "c": [["", [], wanted], item[4]]}]]

    def part(section: Any, at: int) -> Any:
        if not isinstance(section, list) or len(section) <= at:
            return section
        return [*section[:at], rows(section[at]), *section[at + 1 :]]

    head = part(content[3], 1)
    bodies = content[4]
    if isinstance(bodies, list):
        bodies = [part(part(body, 2), 3) for body in bodies]
    foot = part(content[5], 1)
    if head == content[3] and bodies == content[4] and foot == content[5]:
        return node
    return {**node, "c": [*content[:3], head, bodies, foot]}


def _link_in_passage(node: dict[str, Any]) -> dict[str, Any]:
    """A Link whose ``lang`` or ``dir`` goes to a Span around its text."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 3):
        return node
    wanted = _passage_pairs(content[0])
    if not wanted:
        return node
    span = {"t": "Span", "c": [["", [], wanted], content[1]]}
    return {**node, "c": [content[0], [span], content[2]]}


QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "fr": ("\u00ab\u00a0", "\u00a0\u00bb", "\u201c", "\u201d"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "ar": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "fa": ("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "ur": ("\u201d", "\u201c", "\u2019", "\u2018"),
    "he": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "zh-Hant": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f"),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "pt-BR": ("\u201c", "\u201d", "\u2018", "\u2019"),
}
"""Opening and closing marks, double then single, of the languages whose quotation marks are
not English (double marks are the outer ones); others get English marks, as pandoc writes them.
French quotes keep a no-break space inside, as Word's French autocorrection sets them."""


def _quote_marks(tag: str) -> tuple[str, str, str, str]:
    base = tag.split("-")[0].lower()
    if base == "zh" and script_of(tag).script == "Hant":
        return QUOTES["zh-Hant"]
    if base == "pt" and tag.upper().endswith("-BR"):
        return QUOTES["pt-BR"]
    return QUOTES.get(base, QUOTES["en"])


def _quoted(node: dict[str, Any], tag: str) -> dict[str, Any]:
    """A Quoted node as a Span between the quotation marks of the language ``tag``."""
    content = node.get("c")
    if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
        return node
    kind = content[0].get("t") if isinstance(content[0], dict) else None
    opening, closing, single_opening, single_closing = _quote_marks(tag)
    if kind == "SingleQuote":
        opening, closing = single_opening, single_closing
    inlines = [_str(opening), *content[1], _str(closing)]
    return {"t": "Span", "c": [["", [], []], inlines]}


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
) -> bytes:
    """Run pandoc in ``staging`` (pictures and reference only) and return the raw DOCX.

    pandoc reads the book from a file and writes the DOCX to one, rather than through pipes
    that this process would have to feed while the PDF's Python work runs in another thread
    (feeding a pipe needs the interpreter between every chunk)."""
    env = {"SOURCE_DATE_EPOCH": str(max(ts, 0))}
    (staging / _INPUT_NAME).write_bytes(document)
    run_pandoc(_pandoc_args(data_dir), b"", cwd=staging, env=env)
    try:
        out = (staging / _OUTPUT_NAME).read_bytes()
    except OSError:
        out = b""
    if not out.startswith(b"PK"):
        raise IdmbookError("pandoc did not produce a DOCX file")
    return out
