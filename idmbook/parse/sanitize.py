"""Make the parsed book safe and consistent before any renderer sees it.

Works on pandoc's JSON AST: submitted text arrives wrapped in ``idm-src`` divs (see
:mod:`idmbook.compose.assemble`). Every node's attributes pass one allow-list
(:func:`Sanitizer.attr`): languages and directions everywhere, the size of a picture, the classes
the book uses and, in the book's own text, its identifiers; anything else (``style``, ``onclick``,
``src``, ``custom-style``...) is dropped, since pandoc's writers would give it to the output.

In submitted text, headings are moved to the level the book needs without skipping a level
(:class:`Levels`), and a heading inside a list item, a table cell, a footnote, a block quote, a
definition or a figure becomes bold text; a passage's language is kept as a ``lang`` div,
footnotes included; raw output of any format becomes visible text; equations past the limits of
:func:`math_problem` become their TeX source as code; pictures are mapped to checked files
inside the project; links that are not web, mail or internal links become plain text.

Every change made to submitted text is recorded (:class:`Change`), so that validation can
report it on its source line before a build (see :mod:`idmbook.check.preflight`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from idmbook.load.picturefiles import IMAGE_SUFFIXES, is_picture_file, resolve_image
from idmbook.pandoc.ast import TEXT_NODES, stringify
from idmbook.pandoc.markdown import source_rel
from idmbook.parse.allowlist import (
    CODE_LANGUAGE,
    CROSSREF_ID,
    HEADING_CLASSES,
    LANGUAGE_TAG,
    pair_problem,
)
from idmbook.parse.citations import Citations, keeps, sanitized
from idmbook.parse.headinglevels import Levels
from idmbook.parse.inlinetext import (
    bold,
    flat,
    pandoc_id,
    plain,
    trimmed,
    without_pictures,
)
from idmbook.parse.mathlimits import MAX_MATH_CHARACTERS, math_problem

__all__ = [
    "MAX_MATH_CHARACTERS",
    "SOURCE_END",
    "SOURCE_KEY",
    "SOURCE_START",
    "Change",
    "Levels",
    "Sanitized",
    "Sanitizer",
    "math_problem",
    "sanitize",
]

Node = dict[str, Any]
_SAFE_LINK = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)

_IDM_SOURCE = "idm-src"
SOURCE_START = "idm-src"
"""Class of the empty div the sanitiser puts before a submitted text; its :data:`SOURCE_KEY`
names the file (the PDF names it when Typst cannot set a passage, see idmbook.render.pdf)."""
SOURCE_KEY = "source"
"""The attribute of that div that names the file (relative to the project): never
``data-src``, which pandoc's HTML writer would read and embed as a resource."""
SOURCE_END = "idm-src-end"
"""Class of the empty div after a submitted text."""
_INSIDE = re.compile(r"[\w.-][\w .-]*(?:/[\w.-][\w .-]*)*")

# --------------------------------------------------------------------------- changes


class Change(NamedTuple):
    """Something the sanitiser changed in submitted text."""

    src: str
    """The project file the text comes from."""
    kind: str
    """attribute, heading (printed as bold text), level (moved to another level), math, link,
    raw."""
    what: str
    """The attribute (``key``, ``#id`` or ``.class``), the heading's text, the equation's TeX,
    the link's target, the raw code."""
    why: str
    """Why, in words for the author."""


@dataclass(frozen=True)
class _Where:
    """Where a node is."""

    src: str | None = None
    """The project file of submitted text; None in the book's own text."""
    container: str | None = None
    """What the node is inside where a heading cannot be one (a list item...), if anything."""
    lang: str | None = None
    """The language of a passage tagged with one (footnotes in it are tagged too)."""
    levels: Levels | None = None
    """The heading levels of the submitted text the node is in."""
    in_note: bool = False
    """Inside a footnote (where no footnote can be: Word has none in its footnotes)."""


_BOOK = _Where()


class Sanitizer:
    """One pass over the AST; collects the pictures it keeps and the changes it makes."""

    def __init__(self, root: Path, citations: Citations | None = None) -> None:
        self.root = root
        self.citations = citations
        """Who may cite what (see :mod:`idmbook.parse.citations`); None: nobody."""
        self.images: dict[str, Path] = {}
        self.dropped_attributes = 0
        self.changes: list[Change] = []
        """What was changed in submitted text, in book order."""
        self.ids: Counter[str] = Counter()
        """How many headings, divs and figures of the result carry each id (what
        :func:`idmbook.pandoc.ast.id_counts` of the result would give)."""

    def _change(self, where: _Where, kind: str, what: str, why: str) -> None:
        if where.src is not None:
            self.changes.append(Change(where.src, kind, what, why))

    # ------------------------------------------------------------------ attributes
    def attr(self, attr: list[Any], where: _Where, kind: str, own_id: bool = False) -> list[Any]:
        """``attr`` of a ``kind`` node through the allow-list. ``own_id``: the id is one the
        book (or pandoc, from the heading's text) made, kept in submitted text too."""
        ident, classes, pairs = attr
        if ident and where.src is not None and not own_id and not CROSSREF_ID.fullmatch(ident):
            self._drop(where, f"#{ident}", "submitted text keeps only the ids pandoc makes")
            ident = ""
        kept_classes: list[str] = []
        for name in classes:
            if (kind == "Header" and name in HEADING_CLASSES) or (
                kind in ("Code", "CodeBlock") and not kept_classes and CODE_LANGUAGE.fullmatch(name)
            ):
                kept_classes.append(name)
            else:
                self._drop(where, f".{name}", "the book uses no such class")
        kept: list[list[str]] = []
        for key, value in pairs:
            problem = pair_problem(kind, key, value)
            if problem is None and not any(k == key for k, _ in kept):
                kept.append([key, value])
            else:
                self._drop(where, key, problem or "it is given twice")
        return [ident, kept_classes, kept]

    def _drop(self, where: _Where, name: str, why: str) -> None:
        self.dropped_attributes += 1
        self._change(where, "attribute", name, why)

    # ------------------------------------------------------------------ blocks
    def blocks(self, blocks: list[Node], src: str | None) -> list[Node]:
        """``blocks`` sanitised; ``src``: the file they come from, None for the book's own."""
        return self._blocks(blocks, _BOOK if src is None else _Where(src=src))

    def submitted(
        self, blocks: list[Node], src: str, top: int | None, lang: str | None = None
    ) -> list[Node]:
        """Blocks of submitted text from ``src`` embedded under a heading of level
        ``top - 1`` (None: inside a list item, where no heading can be)."""
        where = _Where(
            src=src,
            container=None if top is not None else "list item",
            lang=lang,
            levels=Levels(top, []) if top is not None else None,
        )
        return self._blocks(blocks, where)

    def _blocks(self, blocks: list[Node], where: _Where) -> list[Node]:
        out: list[Node] = []
        for block in blocks:
            out.extend(self.block(block, where))
        return out

    def block(self, block: Node, where: _Where) -> list[Node]:
        kind = block.get("t")
        c: Any = block.get("c")
        if kind in ("Para", "Plain"):
            return [{"t": kind, "c": self.inlines(c, where)}]
        if kind == "Div":
            return self._div(c, where)
        if kind == "Header":
            return self._header(c, where)
        if kind == "RawBlock":
            self._change(where, "raw", str(c[1]), "raw code is printed as text")
            return [{"t": "CodeBlock", "c": [["", [], []], c[1]]}]
        if kind == "CodeBlock":
            return [{"t": kind, "c": [self.attr(c[0], where, kind), c[1]]}]
        if kind == "BlockQuote":
            return [{"t": kind, "c": self._blocks(c, _inside(where, "block quote"))}]
        if kind == "BulletList":
            inner = _inside(where, "list item")
            return [{"t": kind, "c": [self._blocks(item, inner) for item in c]}]
        if kind == "OrderedList":
            inner = _inside(where, "list item")
            return [{"t": kind, "c": [c[0], [self._blocks(item, inner) for item in c[1]]]}]
        if kind == "DefinitionList":
            inner = _inside(where, "definition list")
            return [
                {
                    "t": kind,
                    "c": [
                        [self.inlines(term, where), [self._blocks(d, inner) for d in defs]]
                        for term, defs in c
                    ],
                }
            ]
        if kind == "LineBlock":
            return [{"t": kind, "c": [self.inlines(line, where) for line in c]}]
        if kind == "Figure":
            attr, caption, content = c
            attr = self.attr(attr, where, kind)
            self.ids[attr[0]] += 1
            inner = _inside(where, "figure")
            return [
                {
                    "t": "Figure",
                    "c": [attr, self._caption(caption, inner), self._blocks(content, inner)],
                }
            ]
        if kind == "Table":
            return [self._table(c, where)]
        return [block]  # HorizontalRule, and nothing else pandoc's Markdown reader makes

    def _div(self, c: Any, where: _Where) -> list[Node]:
        (ident, classes, pairs), content = c
        if _IDM_SOURCE in classes and where.src is None:
            return self._source(dict(pairs), content, where)
        attr = self.attr([ident, classes, pairs], where, "Div", own_id=where.src is None)
        inner = _in_language(where, attr)
        self.ids[attr[0]] += 1
        return [{"t": "Div", "c": [attr, self._blocks(content, inner)]}]

    def _source(self, pairs: dict[str, str], content: list[Node], where: _Where) -> list[Node]:
        """A submitted text the book embeds (an ``idm-src`` div of the book's own)."""
        src = source_rel(pairs.get("data-src", ""))
        given = pairs.get("data-top", "")
        top = int(given) if re.fullmatch(r"[1-6]", given) else 2
        lang = pairs.get("lang")
        lang = lang if lang is not None and LANGUAGE_TAG.fullmatch(lang) else None
        inner = _Where(
            src=src,
            container=where.container,
            lang=lang or where.lang,
            levels=None if where.container else Levels(top, []),
        )
        blocks = self._blocks(content, inner)
        if lang is not None:
            self.ids[""] += 1
            blocks = [{"t": "Div", "c": [["", [], [["lang", lang]]], blocks]}]
        return self._marked(blocks, src)

    def _marked(self, blocks: list[Node], src: str | None) -> list[Node]:
        """A submitted text between empty divs marking where its source begins and ends; a
        path that is not plainly inside the project is left out."""
        if not src or not _INSIDE.fullmatch(src) or ".." in src.split("/"):
            return blocks
        self.ids[""] += 2
        start = {"t": "Div", "c": [["", [SOURCE_START], [[SOURCE_KEY, src]]], []]}
        end = {"t": "Div", "c": [["", [SOURCE_END], []], []]}
        return [start, *blocks, end]

    def _header(self, c: Any, where: _Where) -> list[Node]:
        level, attr, inlines = c
        inlines = trimmed(self.inlines(inlines, where))
        if where.container is not None:
            self._change(
                where,
                "heading",
                plain(inlines),
                f"it is inside a {where.container}, where the book can have no heading: "
                "it is printed as bold text",
            )
            return [bold(inlines)]
        if not stringify(without_pictures(inlines)).strip():
            self._change(
                where,
                "heading",
                plain(inlines),
                (
                    "it has no words, and a heading of the book needs some: it is printed as "
                    "a paragraph"
                )
                if inlines
                else "it is empty: it is left out",
            )
            return [{"t": "Para", "c": inlines}] if inlines else []
        if where.levels is not None:
            level, why = where.levels.place(level)
            if level > 6:
                self._change(
                    where,
                    "heading",
                    plain(inlines),
                    "it is nested deeper than the book's six heading levels: it is printed "
                    "as bold text",
                )
                return [bold(inlines)]
            if why is not None:
                self._change(where, "level", plain(inlines), why)
        own = where.src is None or pandoc_id(attr[0], inlines)
        attr = self.attr(attr, where, "Header", own_id=own)
        self.ids[attr[0]] += 1
        return [{"t": "Header", "c": [level, attr, inlines]}]

    def _caption(self, caption: list[Any], where: _Where) -> list[Any]:
        short, long = caption
        return [short and self.inlines(short, where), self._blocks(long, where)]

    def _table(self, c: list[Any], where: _Where) -> Node:
        attr, caption, colspecs, head, bodies, foot = c
        cell_where = _inside(where, "table cell")

        def cells(rows: list[Any]) -> list[Any]:
            return [
                [
                    self.attr(row_attr, where, "Row"),
                    [
                        [self.attr(a, where, "Cell"), al, rs, cs, self._blocks(blocks, cell_where)]
                        for a, al, rs, cs, blocks in row_cells
                    ],
                ]
                for row_attr, row_cells in rows
            ]

        table_attr = self.attr(attr, where, "Table")
        self.ids[table_attr[0]] += 1  # a table's id is a link target (idmbook.parse.crossref)
        return {
            "t": "Table",
            "c": [
                table_attr,
                self._caption(caption, _inside(where, "table caption")),
                colspecs,
                [self.attr(head[0], where, "TableHead"), cells(head[1])],
                [
                    [self.attr(b[0], where, "TableBody"), b[1], cells(b[2]), cells(b[3])]
                    for b in bodies
                ],
                [self.attr(foot[0], where, "TableFoot"), cells(foot[1])],
            ],
        }

    # ------------------------------------------------------------------ inlines
    def inlines(self, inlines: list[Node], where: _Where) -> list[Node]:
        out: list[Node] = []
        for inline in inlines:
            if inline.get("t") in TEXT_NODES:  # most of a book: nothing to rewrite
                out.append(inline)
            else:
                out.extend(self.inline(inline, where))
        return out

    def inline(self, node: Node, where: _Where) -> list[Node]:
        kind = node.get("t")
        c: Any = node.get("c")
        if kind in (
            "Emph",
            "Strong",
            "Strikeout",
            "Superscript",
            "Subscript",
            "SmallCaps",
            "Underline",
        ):
            return [{"t": kind, "c": self.inlines(c, where)}]
        if kind == "Span":
            return self._span(c, where)
        if kind == "RawInline":
            self._change(where, "raw", str(c[1]), "raw code is printed as text")
            return [{"t": "Code", "c": [["", [], []], c[1]]}]
        if kind == "Code":
            return [{"t": kind, "c": [self.attr(c[0], where, kind), c[1]]}]
        if kind == "Math":
            problem = math_problem(str(c[1]))
            if problem is None:
                return [node]
            self._change(where, "math", str(c[1]), problem)
            return [{"t": "Code", "c": [["", [], []], c[1]]}]
        if kind == "Quoted":
            return [{"t": kind, "c": [c[0], self.inlines(c[1], where)]}]
        if kind == "Cite":
            if not keeps(self.citations, c[0], where.src):
                return self.inlines(c[1], where)  # as typed
            cited = sanitized(c[0], lambda part: self.inlines(part, where))
            return [{"t": kind, "c": [cited, self.inlines(c[1], where)]}]
        if kind == "Note":
            return self._note(c, where)
        if kind == "Link":
            attr, content, (target, title) = c
            content = self.inlines(content, where)
            if not _SAFE_LINK.match(target):
                self._change(
                    where,
                    "link",
                    target,
                    "only web (https://), e-mail (mailto:) and in-document (#) links are kept",
                )
                return content
            return [{"t": "Link", "c": [self.attr(attr, where, kind), content, [target, title]]}]
        if kind == "Image":
            return self._image(node, where)
        return [node]

    def _span(self, c: Any, where: _Where) -> list[Node]:
        (ident, classes, pairs), content = c
        if _IDM_SOURCE in classes and where.src is None:
            given = dict(pairs)
            inner = _Where(
                src=source_rel(given.get("data-src", "")),
                container=where.container,
                lang=where.lang,
                levels=None,
            )
            return self.inlines(content, inner)
        attr = self.attr([ident, classes, pairs], where, "Span", own_id=where.src is None)
        content = self.inlines(content, _in_language(where, attr))
        if attr == ["", [], []]:
            return content
        return [{"t": "Span", "c": [attr, content]}]

    def _note(self, blocks: list[Node], where: _Where) -> list[Node]:
        """A footnote; in a passage of another language, its text is tagged with it (a
        footnote is printed away from the passage). A footnote in a footnote becomes its text
        in parentheses."""
        if where.in_note:
            text = self.inlines(flat(blocks), where)
            return [{"t": "Space"}, {"t": "Str", "c": "("}, *text, {"t": "Str", "c": ")"}]
        inner = self._blocks(blocks, replace(_inside(where, "footnote"), in_note=True))
        if where.lang is not None:
            self.ids[""] += 1
            inner = [{"t": "Div", "c": [["", [], [["lang", where.lang]]], inner]}]
        return [{"t": "Note", "c": inner}]

    def _image(self, node: Node, where: _Where) -> list[Node]:
        attr, alt, (target, title) = node["c"]
        alt = self.inlines(alt, where)
        src = where.src
        base = (self.root / src).parent if src else self.root
        resolved = resolve_image(target, self.root, base)
        if (
            isinstance(resolved, str)
            or not is_picture_file(resolved)
            or resolved.suffix.lower() not in IMAGE_SUFFIXES
        ):
            return [{"t": "Emph", "c": alt or [{"t": "Str", "c": "[picture]"}]}]
        digest = hashlib.sha256(resolved.read_bytes()).hexdigest()[:16]
        name = f"media/{digest}{resolved.suffix.lower()}"
        self.images[name] = resolved
        return [{"t": "Image", "c": [self.attr(attr, where, "Image"), alt, [name, title]]}]


def _inside(where: _Where, container: str) -> _Where:
    """``where``, inside a ``container`` (the outermost one is kept, to be named)."""
    return where if where.container is not None else replace(where, container=container)


def _in_language(where: _Where, attr: list[Any]) -> _Where:
    """``where`` in the language ``attr`` gives, if it gives one."""
    lang = next((value for key, value in attr[2] if key == "lang"), None)
    return replace(where, lang=lang) if lang is not None else where


class Sanitized(NamedTuple):
    ast: Node
    images: dict[str, Path]
    """The pictures the AST uses: AST name -> file in the project."""
    ids: Counter[str]
    """How many headings, divs and figures of the AST carry each id: counted here, the PDF's
    preparation does not walk the whole book again to find its link targets (on the
    benchmark's compendium a fifth of a second, with no tool running)."""


def sanitize(ast: Node, root: Path) -> Sanitized:
    """The sanitised AST, the pictures it uses, and the ids it carries."""
    sanitizer = Sanitizer(root)
    blocks = sanitizer.blocks(ast["blocks"], None)
    return Sanitized({**ast, "blocks": blocks}, sanitizer.images, sanitizer.ids)
