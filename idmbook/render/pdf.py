"""The PDF edition: pandoc writes Typst with ``templates/idm.typ``; the typst package typesets it.

The body arrives as a pandoc JSON AST. Before pandoc sees it, :func:`prepare_blocks` makes it safe
and complete for Typst: raw Typst/HTML/LaTeX and citations become plain text, ``typst:*``
attributes (which pandoc would paste into the output as code) are dropped, languages of Divs and
Spans reach Typst as ``text(lang: ..., region: ...)``, pictures and equations get the alt text that
PDF/UA requires, and every chapter starts on a new page. The book's metadata travels as pandoc
metadata, so pandoc escapes it; the only Typst code written here is built from validated values
and strings escaped by :func:`typst_string`.

Each chapter becomes its own ``.typ`` file, included by the main file that the template makes:
pandoc converts only chapters it has not converted before (see :mod:`idmbook.cache`), and a
long-lived :class:`TypstSession` (``idmbook watch``) lets Typst's incremental compiler redo only
the chapters that changed.

Typst then compiles in a fresh temporary folder that holds the generated ``.typ`` files and
copies of the pictures and nothing else: it is the compiler's root, and Typst cannot read
outside it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast

from idmbook.errors import IdmbookError, ToolMissing
from idmbook.load.fonts import Glyphs, typst_fonts
from idmbook.pandoc.ast import TEXT_NODES, ast_bytes, id_counts, link_targets
from idmbook.pandoc.ast import stringify as pandoc_stringify
from idmbook.pandoc.run import balanced_runs, pandoc_version, run_pandoc, run_pandoc_all, tool_span
from idmbook.parse.sanitize import SOURCE_END, SOURCE_KEY, SOURCE_START
from idmbook.render.cover import cover_picture_names, cover_values
from idmbook.render.meta import BookMeta
from idmbook.render.typst_errors import (
    END_MARK,
    source_mark,
    sources_in,
    typst_crash,
    typst_failure,
)

if TYPE_CHECKING:
    from idmbook.cache import Cache

TEMPLATE_NAME = "idm.typ"
"""The pandoc Typst template inside the project's templates folder."""
MAIN_NAME = "book.typ"
"""Name of the generated Typst file inside the build folder."""
CHAPTER_NAME = "chapter-{index:04d}.typ"
"""Name of a chapter's Typst file, next to the main file (pictures are relative to both)."""
PANDOC_API_VERSION = [1, 23, 1, 1]
"""Used when the AST given to the renderer does not say which version it is."""

PDF_STANDARDS = frozenset(
    {
        "1.4", "1.5", "1.6", "1.7", "2.0",
        "a-1a", "a-1b", "a-2a", "a-2b", "a-2u", "a-3a", "a-3b", "a-3u",
        "a-4", "a-4e", "a-4f", "ua-1",
    }
)  # fmt: skip
"""The values typst accepts for ``pdf_standards``."""
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
"""Picture formats Typst can place."""
FALLBACK_ALT = "Image"
"""Alt text of a picture that has neither a description, a title nor a caption."""

_LANGUAGE = re.compile(
    r"(?P<lang>[A-Za-z]{2,3})(?:-[A-Za-z]{4})?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-[A-Za-z0-9]{1,8})*"
)
_LENGTH = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<unit>%|pt|mm|cm|in|em|px)")
_CODE_LANGUAGE = re.compile(r"[A-Za-z0-9_+-]{1,32}")
_IMAGE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_LINE_START = re.compile(r"[=+/-]|[0-9]+[.)]")
_HTML_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)
_PAGEBREAK = "#metadata(none) <idm-chapter-end>\n#pagebreak(weak: true)"
"""Before each chapter: a mark where the previous one ends (the template's running header
leaves a blank page after it bare), then a new page (a right-hand one in a print edition)."""
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}

Node = dict[str, Any]


# ---------------------------------------------------------------- public API


@dataclass(frozen=True)
class TypstBook:
    """The book as Typst files: the main file (the template filled in) includes one file per
    chapter."""

    main: str
    """Text of ``book.typ``."""
    chapters: tuple[str, ...]
    """Text of ``chapter-0000.typ``, ``chapter-0001.typ``... in order."""
    includes: str
    """The lines of ``main`` that include the chapters."""
    pictures: frozenset[str]
    """Names of the pictures the body places (``media/<hash>.<ext>``)."""

    def files(self) -> dict[str, str]:
        """Every Typst file by its path relative to the build folder."""
        files = {MAIN_NAME: self.main}
        files.update((_chapter_name(i), text) for i, text in enumerate(self.chapters))
        return files

    def single_source(self) -> str:
        """The whole book as one Typst file, each chapter in place of its include line."""
        return self.main.replace(self.includes, "".join(self.chapters).rstrip("\n"), 1)


def render_typst_source(ast: dict[str, Any], meta: BookMeta, templates: Path) -> str:
    """The Typst source of the book: ``ast`` and ``meta`` through pandoc and ``idm.typ``.

    Pictures are referred to by their names in ``meta.images`` (``media/<hash>.<ext>``),
    relative to the ``.typ`` file. The AST's own ``meta`` is ignored: everything the template
    prints comes from ``meta``.
    """
    return typst_book(ast, meta, templates).single_source()


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
    """
    standards = pdf_standards(meta.pdf_standard)
    book = typst_book(ast, meta, templates, cache)
    if session is not None:
        return session.compile(book, meta.images, standards, meta.timestamp, meta.root)
    with tempfile.TemporaryDirectory(prefix="idmbook-pdf-") as folder:
        root = Path(folder)
        _write_files(book.files(), root)
        _copy_images(book.pictures, meta.images, root)
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
        _copy_images(
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


# ---------------------------------------------------------------- checks of the metadata


def typst_language(tag: str) -> tuple[str, str | None] | None:
    """Typst's ``(lang, region)`` for a BCP 47 tag (``"fr-CA"`` -> ``("fr", "CA")``), or None.

    Typst wants an ISO 639 code and an optional ISO 3166-1 alpha-2 region; numeric regions
    (``es-419``) and scripts are dropped.
    """
    match = _LANGUAGE.fullmatch(tag.strip())
    if match is None:
        return None
    region = match.group("region")
    if region is not None and not region.isalpha():
        region = None
    return match.group("lang").lower(), region.upper() if region else None


RTL_LANGUAGES = frozenset(
    {
        "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw",
        "ks", "lrc", "mzn", "nqo", "pnb", "prs", "ps", "sd", "skr", "syc", "syr", "ug", "ur",
        "yi",
    }
)  # fmt: skip
"""Languages written right to left when their tag names no script."""
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})
"""ISO 15924 scripts written right to left (a tag's script decides over its language)."""
_SCRIPT = re.compile(r"^[A-Za-z]{2,3}-(?P<script>[A-Za-z]{4})(?:-|$)")


def text_direction(tag: str) -> str:
    """``"rtl"`` or ``"ltr"``: how a language (a BCP 47 tag such as ``ar``, ``ku-Arab`` or
    ``he-IL``) is written. Typst would guess from the language alone, and takes Punjabi,
    written left to right in India, for a right-to-left language."""
    tag = tag.strip()
    script = _SCRIPT.match(tag)
    if script is not None:
        return "rtl" if script.group("script").lower() in RTL_SCRIPTS else "ltr"
    language = typst_language(tag)
    return "rtl" if language is not None and language[0] in RTL_LANGUAGES else "ltr"


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


def _book_language(meta: BookMeta) -> tuple[str, str | None]:
    """The book's language for Typst; a tag Typst cannot use raises IdmbookError."""
    language = typst_language(meta.language)
    if language is None:
        raise IdmbookError(
            f"the book's language {meta.language!r} is not a language tag",
            "set language to a BCP 47 tag such as 'en', 'fr' or 'es-ES'",
        )
    return language


def _image_name(name: str) -> PurePosixPath:
    """A picture name as a safe path inside the build folder; anything else raises."""
    path = PurePosixPath(name)
    safe = (
        not path.is_absolute()
        and bool(path.parts)
        and all(_IMAGE_PART.fullmatch(part) for part in path.parts)
        and ".." not in path.parts
        and path.suffix.lower() in IMAGE_SUFFIXES
    )
    if not safe:
        raise IdmbookError(
            f"the picture name {name!r} cannot be used in the PDF",
            "picture names look like 'media/<hash>.png' (png, jpg, gif, svg or webp)",
        )
    return path


# ---------------------------------------------------------------- Typst code built here


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal, with every character that could end it escaped."""
    out = []
    for char in text:
        if char in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[char])
        elif ord(char) < 32 or ord(char) == 127 or char in "\u0085\u2028\u2029":
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _language_args(lang: str, region: str | None) -> str:
    """Arguments of ``text()`` for a validated language and region."""
    region_code = typst_string(region) if region else "none"
    return f"lang: {typst_string(lang)}, region: {region_code}"


def _typst_length(value: str) -> str | None:
    """A pandoc width/height attribute (``50%``, ``8cm``, ``300px``) as a Typst length."""
    match = _LENGTH.fullmatch(value.strip())
    if match is None:
        return None
    number, unit = float(match.group("number")), match.group("unit")
    if unit == "px":
        number, unit = number * 0.75, "pt"
    return f"{number:g}{unit}"


def _raw_inline(code: str) -> Node:
    return {"t": "RawInline", "c": ["typst", code]}


def _raw_block(code: str) -> Node:
    return {"t": "RawBlock", "c": ["typst", code]}


# ---------------------------------------------------------------- plain text from the AST


def stringify(value: Any) -> str:
    """The text of inlines (or blocks), footnotes left out, raw text kept, whitespace
    collapsed, straight quotes (for alt texts and the outline)."""
    return " ".join(pandoc_stringify(value, "straight", raw=True).split())


def shown_inlines(text: str, glyphs: Glyphs) -> list[Node]:
    """The text of a Str as inlines that every font can show: each character no font has
    becomes a boxed code point (``U+F0F0``), styled by the template's rule for
    ``<idm-missing>``; Typst would otherwise fail (PDF/UA) or print an empty box."""
    inlines: list[Node] = []
    start = 0
    for match in glyphs.missing(text):
        if match.start() > start:
            inlines.append({"t": "Str", "c": text[start : match.start()]})
        point = f"U+{ord(match.group()):04X}"
        inlines.append(_raw_inline(f"#box[{point}]<idm-missing>"))
        start = match.end()
    if start < len(text):
        inlines.append({"t": "Str", "c": text[start:]})
    return inlines


REPLACEMENT = "\ufffd"
"""What stands in code and equations for a character no font has (the Unicode replacement
character, which Noto Sans has)."""


def replace_missing(text: str, glyphs: Glyphs) -> str:
    """``text`` with every character no font can show replaced by :data:`REPLACEMENT`."""
    pieces, start = [], 0
    for match in glyphs.missing(text):
        pieces += [text[start : match.start()], REPLACEMENT]
        start = match.end()
    return "".join([*pieces, text[start:]])


def text_inlines(text: str) -> list[Node]:
    """Plain text as pandoc inlines: words, spaces, and a LineBreak for every newline."""
    inlines: list[Node] = []
    for number, line in enumerate(text.splitlines()):
        if number:
            inlines.append({"t": "LineBreak"})
        for index, word in enumerate(line.split()):
            if index:
                inlines.append({"t": "Space"})
            inlines.append({"t": "Str", "c": word})
    return inlines


# ---------------------------------------------------------------- metadata for the template


def pandoc_meta(meta: BookMeta, glyphs: Glyphs | None = None) -> dict[str, Any]:
    """``meta`` as pandoc metadata for ``idm.typ`` (values are inlines, escaped by pandoc);
    ``glyphs``: what the fonts can show (other characters get a stand-in)."""
    lang, region = _book_language(meta)

    def _meta_text(text: str | None) -> Node | None:
        return _meta_inlines(text, glyphs)

    def _meta_list(items: tuple[str, ...]) -> Node:
        entries = [entry for entry in map(_meta_text, items) if entry is not None]
        return {"t": "MetaList", "c": entries}

    values: dict[str, Any] = {
        "title": _meta_text(meta.title),
        "subtitle": _meta_text(meta.subtitle),
        "series-line": _meta_text(meta.series_line),
        "publisher": _meta_text(meta.publisher),
        "year": _meta_text(str(meta.year)),
        "author": _meta_text(meta.author),
        "subject": _meta_text(meta.subject),
        "keywords": _meta_list(meta.keywords),
        "imprint": _meta_list(meta.imprint),
        "contents-label": _meta_text(meta.contents_label),
        "running-header": _meta_text(meta.running_header or meta.title),
        "draft": {"t": "MetaBool", "c": meta.draft},
        "watermark": _meta_text(meta.watermark),
        "footer-note": _meta_text(meta.footer_note),
        "lang-code": _meta_text(lang),
        "region-code": _meta_text(region),
        **cover_values(meta, _meta_text, _meta_list),
    }
    return {key: value for key, value in values.items() if value is not None}


def _meta_inlines(text: str | None, glyphs: Glyphs | None) -> Node | None:
    if text is None or not text.strip():
        return None
    inlines = text_inlines(text)
    if glyphs is not None:
        inlines = _Prepare(images={}, targets=frozenset(), glyphs=glyphs).walk(inlines, _Context())
    return {"t": "MetaInlines", "c": inlines}


# ---------------------------------------------------------------- the body, made safe for Typst


@dataclass
class _Context:
    """What a node's rewrite needs to know about where it is."""

    caption: str | None = None
    """The caption text when inside a Figure's body (a picture there is placed without a
    box)."""
    style: _TextStyle | None = None
    """The language and direction of the Divs and Spans around, when one gives them."""
    link: bool = False
    """Whether inside a link: what is in one must stay inline (a block there, a display
    equation or a picture without a box, would split the link's PDF tag, which PDF/UA-1
    forbids)."""


_TEXT_HOLDERS = frozenset({"Code", "CodeBlock", "Math", "RawBlock", "RawInline"})
"""Nodes whose text is their second part: a character no font has becomes U+FFFD there."""


@dataclass
class _Prepare:
    """One pass over the body: sanitising, languages, pictures, equations, anchors."""

    images: dict[str, Path]
    targets: AbstractSet[str]
    """Identifiers that internal links may point at (unique ids of headings, divs, figures)."""
    glyphs: Glyphs | None = None
    """What the fonts can show; other characters get a stand-in (None: none is needed)."""
    used: set[str] = field(default_factory=set)
    """Picture names the body uses."""

    def walk(self, value: Any, context: _Context) -> Any:
        """``value`` with every node rewritten (children first); lists of nodes are spliced."""
        if isinstance(value, list):
            if _is_attr(value):
                return _clean_attr(value)
            result: list[Any] = []
            for item in value:
                if isinstance(item, dict) and "t" in item:
                    if item["t"] in TEXT_NODES:
                        if item["t"] == "Str" and item["c"][:1] in (".", ";"):
                            result.append(_raw_inline("\\" + item["c"][0]))
                            item = {"t": "Str", "c": item["c"][1:]}
                            if not item["c"]:
                                continue
                        if (
                            self.glyphs is not None
                            and item["t"] == "Str"
                            and self.glyphs.has_missing(item["c"])
                        ):
                            result.extend(shown_inlines(item["c"], self.glyphs))
                        else:
                            result.append(item)  # plain text: nothing to rewrite
                    else:
                        result.extend(self.node(item, context))
                else:
                    result.append(self.walk(item, context))
            return result
        if isinstance(value, dict):
            return {key: self.walk(item, context) for key, item in value.items()}
        return value

    def node(self, node: Node, context: _Context) -> list[Node]:
        """The nodes that replace ``node``."""
        kind = node["t"]
        if kind == "Figure":
            attr, caption, body = node["c"]
            inside = replace(context, caption=stringify(caption[1]) or None)
            node = {
                "t": kind,
                "c": [
                    self.walk(attr, context),
                    self.walk(caption, replace(context, caption=None)),
                    self.walk(body, inside),
                ],
            }
        else:
            if kind == "Note":
                context = _Context(style=context.style)
            elif kind == "Link":
                context = replace(context, link=True)
            elif kind in ("Div", "Span"):
                style = _split_lang(node["c"][0])[1]
                if style is not None:
                    context = replace(context, style=style.within(context.style))
            if "c" in node:
                node = {"t": kind, "c": self.walk(node["c"], context)}
        if self.glyphs is not None and kind in _TEXT_HOLDERS:
            text = node["c"][1]
            if self.glyphs.has_missing(text):
                node = {"t": kind, "c": [node["c"][0], replace_missing(text, self.glyphs)]}
        rewrite = _REWRITES.get(kind)
        return rewrite(self, node, context) if rewrite else [node]

    def image(self, node: Node, context: _Context) -> list[Node]:
        """A picture as Typst ``image()`` with its alt text and size."""
        attr, description, (target, title) = node["c"]
        if target not in self.images:
            raise IdmbookError(
                f"the picture {target!r} is not among the book's pictures",
                "the assemble stage must list every picture of the body in BookMeta.images",
            )
        _image_name(target)
        self.used.add(target)
        alt = stringify(description) or title.strip() or context.caption or FALLBACK_ALT
        args = [typst_string(target), f"alt: {typst_string(alt)}"]
        for key, value in attr[2]:
            length = _typst_length(value) if key in ("width", "height") else None
            if length:
                args.append(f"{key}: {length}")
        code = f"image({', '.join(args)})"
        boxed = context.caption is None or context.link
        return [_raw_inline(f"#box({code})" if boxed else f"#{code}")]

    def link(self, node: Node, context: _Context) -> list[Node]:
        """An internal link to nothing (or to a repeated id) keeps only its text."""
        target = node["c"][2][0]
        if target.startswith("#") and target[1:] not in self.targets:
            return list(node["c"][1])
        return [node]


def _is_attr(value: list[Any]) -> bool:
    """Whether ``value`` is a pandoc Attr: ``[id, [classes], [[key, value], ...]]``."""
    return (
        len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], list)
        and isinstance(value[2], list)
        and all(isinstance(item, str) for item in value[1])
        and all(isinstance(pair, list) and len(pair) == 2 for pair in value[2])
    )


def _clean_attr(attr: list[Any]) -> list[Any]:
    """Drop ``typst:*`` attributes: pandoc would paste their values into the output as code."""
    pairs = [[key, val] for key, val in attr[2] if not str(key).lower().startswith("typst")]
    return [attr[0], list(attr[1]), pairs]


def _raw_to_text(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """Raw Typst, HTML, LaTeX... is never passed through: a block shows as code, inline as text."""
    fmt, text = node["c"]
    if str(fmt).lower().startswith("html") and _HTML_COMMENT.fullmatch(text):
        return []
    if node["t"] == "RawBlock":
        return [{"t": "CodeBlock", "c": [["", [], []], text]}]
    return text_inlines(text.replace("\n", " "))


def _cite_to_text(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """A citation (``@word``) becomes its text: Typst would fail looking for a bibliography."""
    return list(node["c"][1])


def _code_block(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """Keep only class names that are safe as the language of a Typst raw block."""
    (ident, classes, pairs), text = node["c"]
    safe = [name for name in classes if _CODE_LANGUAGE.fullmatch(name)]
    return [{"t": "CodeBlock", "c": [[ident, safe, pairs], text]}]


@dataclass(frozen=True)
class _TextStyle:
    """What a Div's or a Span's ``lang`` and ``dir`` ask of Typst's ``text()``."""

    language: tuple[str, str | None] | None
    direction: str | None
    """``"rtl"`` or ``"ltr"``, from ``dir`` or else from the language."""
    explicit: bool
    """Whether ``dir`` said so."""

    def within(self, outer: _TextStyle | None) -> _TextStyle:
        """This style inside ``outer``: what this one does not say, ``outer`` does."""
        if outer is None:
            return self
        language = self.language if self.language is not None else outer.language
        direction = self.direction if self.direction is not None else outer.direction
        return _TextStyle(language, direction, self.explicit or outer.explicit)

    def args(self) -> str:
        args = [_language_args(*self.language)] if self.language is not None else []
        if self.direction is not None:
            args.append(f"dir: {self.direction}")
        return ", ".join(args)


def _split_lang(attr: list[Any]) -> tuple[list[Any], _TextStyle | None, bool]:
    """``attr`` without ``lang`` and ``dir``, what they ask of Typst's text (None when neither
    is usable), and whether ``attr`` had either."""
    ident, classes, pairs = attr
    tags = [value for key, value in pairs if key == "lang"]
    dirs = [str(value).strip().lower() for key, value in pairs if key == "dir"]
    rest = [[key, value] for key, value in pairs if key not in ("lang", "dir")]
    language = typst_language(tags[-1]) if tags else None
    direction = dirs[-1] if dirs and dirs[-1] in ("rtl", "ltr") else None
    explicit = direction is not None
    if direction is None and language is not None:
        direction = text_direction(tags[-1])
    style = _TextStyle(language, direction, explicit) if language or direction else None
    return [ident, classes, rest], style, bool(tags or dirs)


def _div(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """A Div is unwrapped (pandoc would make it a Typst block, where no page may break).

    Its language and direction become a ``set text(lang: ..., dir: ...)`` scoped to its
    content; its id an anchor. The empty divs that mark where a submitted text begins and ends
    become comments naming its file (see :mod:`idmbook.render.typst_errors`).
    """
    attr, blocks = node["c"]
    if not blocks and SOURCE_START in attr[1]:
        paths = [value for key, value in attr[2] if key == SOURCE_KEY]
        return [_raw_block(source_mark(paths[-1]))] if paths else []
    if not blocks and SOURCE_END in attr[1]:
        return [_raw_block(END_MARK)]
    attr, style, _had_lang = _split_lang(attr)
    anchor = [_raw_block(f"#metadata(none)#label({typst_string(attr[0])})")] if attr[0] else []
    # the book's own keep-together and keep-with-next divs (see idmbook.compose.assemble)
    for prefix, keep in ((_KEEP, "breakable: false"), (_STICKY, "sticky: true")):
        if attr[0].startswith(prefix):
            kept = f"#block({keep}, width: 100%, spacing: 0.95em)[#[];"
            blocks = [_raw_block(kept), *blocks, _raw_block("#[]]")]
    if style is None:
        return [*anchor, *blocks]
    opening = _raw_block(f"#[#set text({style.args()});")
    return [*anchor, opening, *blocks, _raw_block("]")]


_KEEP = "idm-keep-"
_STICKY = "idm-sticky-"
"""Id prefixes of the book's divs kept on one page (an unbreakable block) and kept with what
follows (a sticky block)."""

_ISOLATES = {"rtl": ("\\u{2067}", "\\u{2069}"), "ltr": ("\\u{2066}", "\\u{2069}")}
"""Unicode's directional isolates (RLI or LRI, then PDI) in Typst markup: within a paragraph,
the direction of a passage is decided by the bidirectional algorithm, not by ``text(dir:)``."""


def _span(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """A Span's language becomes ``text(lang: ...)`` around its content; a right-to-left
    passage (or one whose ``dir`` is given) is isolated in that direction within its line."""
    attr, inlines = node["c"]
    attr, style, had_lang = _split_lang(attr)
    inner = [{"t": "Span", "c": [attr, inlines]}] if attr != ["", [], []] else list(inlines)
    if style is None:
        return inner if had_lang else [node]
    start = end = ""
    if style.direction is not None and (style.explicit or style.direction == "rtl"):
        start, end = _ISOLATES[style.direction]
    opening = _raw_inline(f"#text({style.args()})[#[];{start}")
    return [opening, *inner, _raw_inline(f"{end}]")]


def _note(_: _Prepare, node: Node, context: _Context) -> list[Node]:
    """A footnote takes the language and direction of the passage it is in: Typst sets the
    note at the foot of the page in the page's language (a French note of an English book
    was tagged English)."""
    style = context.style
    if style is None or not node["c"]:
        return [node]
    opening = _raw_block(f"#[#set text({style.args()});")
    return [{"t": "Note", "c": [opening, *node["c"], _raw_block("]")]}]


def _math(_: _Prepare, node: Node, context: _Context) -> list[Node]:
    """An equation gets its TeX source as alt text (PDF/UA requires one); a display equation
    in a link is set inline (a block would split the link)."""
    alt = " ".join(str(node["c"][1]).split()) or "equation"
    if context.link and node["c"][0].get("t") == "DisplayMath":
        node = {"t": "Math", "c": [{"t": "InlineMath"}, node["c"][1]]}
    return [_raw_inline(f"#[#set math.equation(alt: {typst_string(alt)});"), node, _raw_inline("]")]


def _guard_line_start(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """Text that starts like Typst markup (``= x``, ``- x``, ``1. x``) stays text.

    pandoc escapes such text at the start of a paragraph but not at the start of a list item or
    a table cell; an empty expression before it stops it becoming a heading or a list.
    """
    inlines = node["c"]
    first = inlines[0] if inlines else {}
    if first.get("t") == "Str" and _LINE_START.match(first["c"]):
        return [{"t": node["t"], "c": [_raw_inline("#[];"), *inlines]}]
    return [node]


_FREE_BREAKS = "#[#set text(costs: (widow: 0%, orphan: 0%));"
"""The opening of a scope in which Typst may break a paragraph after any line: a paragraph
that holds a footnote is never moved whole to the next page to keep its lines together.
Typst lays out such a move wrongly when the paragraph is in a list, a quotation or a
definition that runs over a page: the footnote's text stays behind on a page without its mark
(the line holding the mark was lost) and the PDF's structure is broken (PDF/UA-1: 'invalid
list (L) structure', or 'internal error: parent group')."""


def _paragraph(prepare: _Prepare, node: Node, context: _Context) -> list[Node]:
    """A paragraph safe at the start of a line (see :func:`_guard_line_start`); one that holds
    a footnote in a scope of :data:`_FREE_BREAKS` around all its text."""
    [node] = _guard_line_start(prepare, node, context)
    if _holds(node["c"], "Note"):
        node = {"t": node["t"], "c": [_raw_inline(_FREE_BREAKS), *node["c"], _raw_inline("]")]}
    return [node]


def _image(prepare: _Prepare, node: Node, context: _Context) -> list[Node]:
    return prepare.image(node, context)


def _link(prepare: _Prepare, node: Node, context: _Context) -> list[Node]:
    return prepare.link(node, context)


def _horizontal_rule(_: _Prepare, __: Node, ___: _Context) -> list[Node]:
    """A horizontal rule, drawn by the template's rule for ``<idm-rule>`` (pandoc writes
    ``#horizontalrule``, a name that a chapter file, included by the main one, cannot see)."""
    return [_raw_block("#line(length: 40%) <idm-rule>")]


def _underline(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """Underlined text that holds struck-out text is underlined around it, not over it:
    PDF/UA-1 cannot tag text both underlined and struck out (Typst refuses it)."""
    if not _holds(node["c"], "Strikeout"):
        return [node]
    return _decorate("Underline", node["c"])


def _strikeout(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """Struck-out text keeps its strike, and loses the underlining of any part of it (see
    :func:`_underline`)."""
    if not _holds(node["c"], "Underline"):
        return [node]
    return [{"t": "Strikeout", "c": _undecorated(node["c"], "Underline")}]


_INLINE_HOLDERS = {
    "Emph": None, "Strong": None, "Strikeout": None, "Underline": None, "Superscript": None,
    "Subscript": None, "SmallCaps": None, "Quoted": 1, "Span": 1, "Link": 1,
}  # fmt: skip
"""Inlines that hold inlines styled like themselves: where their children are (None: their
whole content; a number: that part of it). A footnote's text is not styled by the passage
that holds its mark."""


def _children(node: Node) -> list[Node] | None:
    if node.get("t") not in _INLINE_HOLDERS:
        return None
    part = _INLINE_HOLDERS[node["t"]]
    return cast(list[Node], node["c"] if part is None else node["c"][part])


def _with_children(node: Node, children: list[Node]) -> Node:
    part = _INLINE_HOLDERS[node["t"]]
    if part is None:
        return {"t": node["t"], "c": children}
    content = list(node["c"])
    content[part] = children
    return {"t": node["t"], "c": content}


def _holds(inlines: list[Node], kind: str) -> bool:
    """Whether ``inlines`` (not counting footnotes) hold a node of ``kind``."""
    for item in inlines:
        if item.get("t") == kind:
            return True
        children = _children(item)
        if children is not None and _holds(children, kind):
            return True
    return False


def _decorate(kind: str, inlines: list[Node]) -> list[Node]:
    """``inlines`` in ``kind`` (Underline), except the parts of them that are struck out."""
    result: list[Node] = []
    plain: list[Node] = []
    for item in inlines:
        children = _children(item)
        if item.get("t") != "Strikeout" and (children is None or not _holds(children, "Strikeout")):
            plain.append(item)
            continue
        if plain:
            result.append({"t": kind, "c": plain})
            plain = []
        if item.get("t") == "Strikeout" or children is None:
            result.append(item)
        else:
            result.append(_with_children(item, _decorate(kind, children)))
    if plain:
        result.append({"t": kind, "c": plain})
    return result


def _undecorated(inlines: list[Node], kind: str) -> list[Node]:
    """``inlines`` without any ``kind`` (Underline) around parts of them."""
    result: list[Node] = []
    for item in inlines:
        if item.get("t") == kind:
            result.extend(_undecorated(item["c"], kind))
            continue
        children = _children(item)
        result.append(
            item if children is None else _with_children(item, _undecorated(children, kind))
        )
    return result


def _definitions(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """A line break in a term is Typst's ``linebreak()``: pandoc writes a backslash and a new
    line, which ends the term before its colon. A list that holds a footnote is in a scope of
    :data:`_FREE_BREAKS` (a term and the start of its definition are one paragraph)."""
    items = [[_term_breaks(term), definitions] for term, definitions in node["c"]]
    listing = {"t": "DefinitionList", "c": items}
    if "Note" in _kinds(items):
        return [_raw_block(_FREE_BREAKS), listing, _raw_block("]")]
    return [listing]


def _kinds(value: Any) -> set[str]:
    """The kinds of node in ``value``, at any depth."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "t" in item:
                found.add(item["t"])
            if "c" in item:
                stack.append(item["c"])
    return found


def _term_breaks(inlines: list[Node]) -> list[Node]:
    result: list[Node] = []
    for item in inlines:
        children = _children(item)
        if item.get("t") == "LineBreak":
            result.append(_raw_inline("#linebreak()"))
        elif children is not None:
            result.append(_with_children(item, _term_breaks(children)))
        else:
            result.append(item)
    return result


def _table(_: _Prepare, node: Node, __: _Context) -> list[Node]:
    """A row that holds no cell of its own (every cell of it is a cell of a row above that
    spans down over it) is left out, and the cells above span one row fewer: pandoc writes
    such a row as a lone comma, which Typst cannot read. The header and footer rows keep the
    text of their links, not the links: Typst repeats them on every page a table runs over,
    as artifacts, and PDF/UA-1 forbids a link in an artifact."""
    attr, caption, colspecs, head, bodies, foot = node["c"]
    head = [head[0], _unlinked(_rows_with_cells(head[1]))]
    bodies = [[b[0], b[1], _rows_with_cells(b[2]), _rows_with_cells(b[3])] for b in bodies]
    foot = [foot[0], _unlinked(_rows_with_cells(foot[1]))]
    table = {"t": "Table", "c": [attr, caption, colspecs, head, bodies, foot]}
    if "Note" in _kinds(head[1]) or "Note" in _kinds(foot[1]):
        return [_raw_block(_ONCE), table, _raw_block("]")]
    return [table]


_ONCE = "#[#set table.header(repeat: false); #set table.footer(repeat: false)"
"""The opening of a scope in which a table's header and footer rows are printed once, not on
every page it runs over: a footnote there would be repeated as an artifact, and its mark is a
link, which PDF/UA-1 forbids in an artifact."""


def _unlinked(value: Any) -> Any:
    """``value`` with every link replaced by its text (as a plain Span, to keep its place)."""
    if isinstance(value, list):
        return [_unlinked(item) for item in value]
    if not isinstance(value, dict) or "c" not in value:
        return value
    if value.get("t") == "Link":
        return {"t": "Span", "c": [["", [], []], _unlinked(value["c"][1])]}
    return {**value, "c": _unlinked(value["c"])}


def _rows_with_cells(rows: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for row in rows:
        if row[1]:
            kept.append([row[0], [list(cell) for cell in row[1]]])
            continue
        for index, earlier in enumerate(kept):  # the cells reaching down over this row
            for cell in earlier[1]:
                if index + cell[2] > len(kept) and cell[2] > 1:
                    cell[2] -= 1
    return kept


_REWRITES = {
    "HorizontalRule": _horizontal_rule,
    "Underline": _underline,
    "Strikeout": _strikeout,
    "DefinitionList": _definitions,
    "Table": _table,
    "RawBlock": _raw_to_text,
    "RawInline": _raw_to_text,
    "Cite": _cite_to_text,
    "CodeBlock": _code_block,
    "Div": _div,
    "Span": _span,
    "Math": _math,
    "Note": _note,
    "Image": _image,
    "Link": _link,
    "Para": _paragraph,
    "Plain": _paragraph,
}


def _chapter_breaks(blocks: list[Node]) -> list[Node]:
    """A page break before every level-1 heading of the flow: each chapter starts a page."""
    result: list[Node] = []
    for block in blocks:
        if block.get("t") == "Header" and block["c"][0] == 1:
            result.append(_raw_block(_PAGEBREAK))
        result.append(block)
    return result


def prepare_blocks(
    blocks: list[Any],
    images: dict[str, Path],
    targets: AbstractSet[str] | None = None,
    glyphs: Glyphs | None = None,
) -> tuple[list[Node], set[str]]:
    """The body's blocks made safe for the Typst writer, and the picture names they use;
    ``targets``: the ids links may point at, when they are known (see BookMeta.link_targets);
    ``glyphs``: what the fonts can show (see :func:`shown_inlines`)."""
    if targets is None:
        targets = link_targets(id_counts(blocks))
    prepare = _Prepare(images=images, targets=targets, glyphs=glyphs)
    prepared = prepare.walk(blocks, _Context())
    return _chapter_breaks(prepared), prepare.used


# ---------------------------------------------------------------- pandoc and typst


def _template(templates: Path) -> Path:
    template = templates / TEMPLATE_NAME
    if not template.is_file():
        raise IdmbookError(
            f"the PDF template {template} is missing",
            f"put {TEMPLATE_NAME} (the pandoc Typst template of the publication) in {templates}",
        )
    return template


_WRITER_ARGS = ["-f", "json", "-t", "typst", "--wrap=none", "--sandbox"]


def typst_book(
    ast: dict[str, Any], meta: BookMeta, templates: Path, cache: Cache | None = None
) -> TypstBook:
    """The book as Typst files: chapters converted by pandoc (or taken from ``cache``) and the
    main file made by pandoc from ``idm.typ`` and ``meta``.

    The body is made safe for Typst (see :func:`prepare_blocks`) and cut into pieces, a
    chapter's opening or one of its sections (:func:`_is_section`): a piece's Typst comes from
    the cache, or from pandoc, the missing pieces converted in one batch per processor.
    """
    template = _template(templates)
    targets = meta.link_targets
    blocks = list(ast.get("blocks", []))
    if targets is None:
        targets = link_targets(id_counts(blocks))
    api = ast.get("pandoc-api-version") or PANDOC_API_VERSION
    glyphs = Glyphs(cache)
    prepared, used = prepare_blocks(blocks, meta.images, targets, glyphs)
    owners, pieces = _pieces(prepared)
    texts = _piece_texts(pieces, api, cache)
    chapters: dict[int, list[str]] = {}
    for owner, text in zip(owners, texts, strict=True):
        chapters.setdefault(owner, []).append(text)
    includes = "\n\n".join(f'#include "{_chapter_name(i)}"' for i in range(len(chapters)))
    document = {"pandoc-api-version": api, "meta": pandoc_meta(meta, glyphs), "blocks": []}
    if includes:
        document["blocks"] = [_raw_block(includes)]
    main = _main_file(template, ast_bytes(document), cache)
    parts = tuple("".join(texts) for texts in chapters.values())
    pictures = frozenset(used | cover_picture_names(meta))
    return TypstBook(main.decode("utf-8"), parts, includes, pictures)


def _pieces(blocks: list[Node]) -> tuple[list[int], list[bytes]]:
    """The chapter of each piece of ``blocks`` and the piece as pandoc's JSON: a piece ends
    at a page break (a new chapter) or a section, outside any scope the preparation opened."""
    owners: list[int] = []
    pieces: list[bytes] = []
    piece: list[Node] = []
    depth = chapter = 0
    for block in blocks:
        if depth == 0 and piece and (_is_pagebreak(block) or _is_section(block)):
            owners.append(chapter)
            pieces.append(ast_bytes(piece))
            piece = []
            chapter += _is_pagebreak(block)
        if block.get("t") == "RawBlock":
            code = block["c"][1]
            if code.startswith("#[#set text("):
                depth += 1
            elif code == "]":
                depth -= 1
        piece.append(block)
    if piece:
        owners.append(chapter)
        pieces.append(ast_bytes(piece))
    return owners, pieces


def _piece_texts(pieces: list[bytes], api: Any, cache: Cache | None) -> list[str]:
    """pandoc's Typst of each piece: from the cache, or converted (and then kept there)."""
    from idmbook.cache import Cache

    version = ast_bytes(api)
    keys = [Cache.key("typst", pandoc_version(), *_WRITER_ARGS, version, p) for p in pieces]
    texts: dict[int, str] = {}
    for index, key in enumerate(keys):
        found = cache.get("typst", key) if cache is not None else None
        if found is not None:
            texts[index] = found.decode("utf-8")
    missing = [index for index in range(len(pieces)) if index not in texts]
    batches = balanced_runs(missing, [len(p) for p in pieces], minimum=256 * 1024)
    marker = f"// idmbook-chapter-{secrets.token_hex(8)}"
    documents = [_batch_document(pieces, batch, api, marker) for batch in batches]
    for batch, out in zip(batches, _converted(documents), strict=True):
        for index, text in zip(batch, _cut(out, marker, batch), strict=True):
            texts[index] = text
            if cache is not None:
                cache.put("typst", keys[index], text.encode("utf-8"))
    return [texts[index] for index in range(len(pieces))]


def _batch_document(pieces: list[bytes], batch: list[int], api: Any, marker: str) -> bytes:
    """The pieces ``batch`` as one document for pandoc, separated by marker lines."""
    body = []
    for index in batch:
        body.append(ast_bytes(_raw_block(f"{marker}-{index}")))
        if pieces[index] != b"[]":
            body.append(pieces[index][1:-1])
    body.append(ast_bytes(_raw_block(f"{marker}-end")))
    head = b'{"pandoc-api-version":' + ast_bytes(api) + b',"meta":{},"blocks":['
    return head + b",".join(body) + b"]}"


def _converted(documents: list[bytes]) -> list[bytes]:
    """pandoc's Typst of ``documents``, converted at once; a failure names the source files
    of the document that failed."""
    try:
        return run_pandoc_all([(_WRITER_ARGS, document) for document in documents])
    except IdmbookError as exc:
        error = exc
    for document in documents:  # (rare: find the one that fails, to name its files)
        try:
            run_pandoc(_WRITER_ARGS, document)
        except IdmbookError as exc:
            named = sources_in(document)
            if not named:
                raise
            where = f"\n  while converting the text of {', '.join(named)}"
            raise type(exc)(exc.message + where, exc.hint) from None
    raise error


def _cut(out: bytes, marker: str, batch: list[int]) -> list[str]:
    """Each piece's text of a batch's Typst: it runs to the next marker, with the line ending
    pandoc put after the piece's last block (the pieces joined are the whole body, byte for
    byte)."""
    parts = re.split(f"^{re.escape(marker)}-(\\d+|end)\n", out.decode("utf-8"), flags=re.M)
    if parts[1::2] != [*map(str, batch), "end"] or parts[0].strip():
        raise IdmbookError("pandoc's Typst could not be cut into chapters")
    return parts[2::2][: len(batch)]


def _main_file(template: Path, document: bytes, cache: Cache | None) -> bytes:
    """``book.typ``: ``document`` (the metadata and the chapters' includes) through the
    template."""
    from idmbook.cache import Cache

    args = [*_WRITER_ARGS, "--template", str(template)]
    key = Cache.key("main", pandoc_version(), *args, template.read_bytes(), document)
    found = cache.get("typst", key) if cache is not None else None
    if found is None:
        found = run_pandoc(args, document)
        if cache is not None:
            cache.put("typst", key, found)
    return found


def _chapter_name(index: int) -> str:
    return CHAPTER_NAME.format(index=index)


def _is_pagebreak(block: Node) -> bool:
    return block.get("t") == "RawBlock" and block["c"][1] == _PAGEBREAK


def _is_section(block: Node) -> bool:
    """Where pandoc's Typst of a chapter may be cut: before its headings of levels 2 and 3
    (a session's note starts at level 3, so an edited note is converted again alone)."""
    return block.get("t") == "Header" and block["c"][0] in (2, 3)


def _write_files(files: dict[str, str], root: Path) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _copy_images(names: AbstractSet[str], images: dict[str, Path], root: Path) -> None:
    """Copy the pictures the body uses into the build folder, under their picture names."""
    for name in sorted(names):
        destination = root.joinpath(*_image_name(name).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(images[name], destination)
        except OSError as exc:
            raise IdmbookError(
                f"the picture {name!r} could not be read from {images[name]}: {exc.strerror}",
                "check that the file exists and is readable",
            ) from None


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
    file and line of what failed (see :mod:`idmbook.render.typst_errors`)."""
    try:
        with tool_span("typst"):
            pdf = run()
    except typst.TypstError as exc:
        chapters = [(_chapter_name(i), text) for i, text in enumerate(book.chapters)]
        message, hint = typst_failure(exc, MAIN_NAME, book.main, chapters, sources)
        raise IdmbookError(message, hint) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a panic of Typst's is a BaseException
        raise IdmbookError(*typst_crash(exc, list(book.files().values()))) from None
    if not isinstance(pdf, bytes):
        raise ToolMissing("the typst package returned no PDF", "reinstall idmbook")
    return pdf
