"""Make the parsed book safe and consistent before any renderer sees it.

Works on pandoc's JSON AST: submitted text arrives wrapped in ``idm-src`` divs (see
:mod:`idmbook.assemble`). Their headings are moved to the level the book needs, their language
is kept as a ``lang`` div, empty divs mark where each begins and ends (naming its file), raw
output of any format becomes visible text, pictures are mapped to checked files inside the
project, and links that are not web, mail or internal links become plain text.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from idmbook.content import IMAGE_SUFFIXES, is_picture_file, resolve_image
from idmbook.render.common import TEXT_NODES

Node = dict[str, Any]
SOURCE_START = "idm-src"
"""Class of the empty div before a submitted text; its :data:`SOURCE_KEY` names the file."""
SOURCE_KEY = "source"
"""The attribute of that div that names the file (relative to the project)."""
_INSIDE = re.compile(r"[\w.-][\w .-]*(?:/[\w.-][\w .-]*)*")
SOURCE_END = "idm-src-end"
"""Class of the empty div after a submitted text."""
_SAFE_LINK = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)


class Sanitizer:
    """One pass over the AST; collects the pictures it keeps."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.images: dict[str, Path] = {}
        self.dropped_raw = 0
        self.dropped_images = 0
        self.ids: Counter[str] = Counter()
        """How many headings, divs and figures of the result carry each id (what
        :func:`idmbook.render.common.id_counts` of the result would give)."""

    # ------------------------------------------------------------------ blocks
    def blocks(self, blocks: list[Node], src: str | None) -> list[Node]:
        out: list[Node] = []
        for block in blocks:
            out.extend(self.block(block, src))
        return out

    def block(self, block: Node, src: str | None) -> list[Node]:
        kind = block.get("t")
        c: Any = block.get("c")
        if kind == "Div":
            (ident, classes, attrs), content = c
            if "idm-src" in classes:
                attr = dict(attrs)
                here = attr.get("data-src", src)
                inner = self.blocks(content, here)
                given = attr.get("data-top", "")
                top = int(given) if re.fullmatch(r"[1-6]", given) else 2
                _shift_headings(inner, top)
                if "lang" in attr:
                    self.ids[""] += 1
                    inner = [{"t": "Div", "c": [["", [], [["lang", attr["lang"]]]], inner]}]
                return self._marked(inner, here)
            self.ids[ident] += 1
            return [{"t": "Div", "c": [[ident, classes, attrs], self.blocks(content, src)]}]
        if kind == "RawBlock":
            self.dropped_raw += 1
            return [{"t": "CodeBlock", "c": [["", [], []], c[1]]}]
        if kind in ("Para", "Plain"):
            return [{"t": kind, "c": self.inlines(c, src)}]
        if kind == "Header":
            level, attr, inlines = c
            self.ids[attr[0]] += 1
            return [{"t": "Header", "c": [level, attr, self.inlines(inlines, src)]}]
        if kind in ("BlockQuote",):
            return [{"t": kind, "c": self.blocks(c, src)}]
        if kind == "BulletList":
            return [{"t": kind, "c": [self.blocks(item, src) for item in c]}]
        if kind == "OrderedList":
            return [{"t": kind, "c": [c[0], [self.blocks(item, src) for item in c[1]]]}]
        if kind == "DefinitionList":
            return [
                {
                    "t": kind,
                    "c": [
                        [self.inlines(term, src), [self.blocks(d, src) for d in defs]]
                        for term, defs in c
                    ],
                }
            ]
        if kind == "LineBlock":
            return [{"t": kind, "c": [self.inlines(line, src) for line in c]}]
        if kind == "Figure":
            attr, caption, content = c
            self.ids[attr[0]] += 1
            short, long = caption
            return [
                {
                    "t": "Figure",
                    "c": [
                        attr,
                        [short and self.inlines(short, src), self.blocks(long, src)],
                        self.blocks(content, src),
                    ],
                }
            ]
        if kind == "Table":
            return [self._table(block, src)]
        return [block]

    def _marked(self, blocks: list[Node], src: str | None) -> list[Node]:
        """A submitted text between empty divs marking where its source begins and ends:
        the PDF names the file of a passage Typst cannot set (see idmbook.render.pdf). The
        file is given as ``source``, never ``data-src``, which pandoc's HTML writer reads
        and embeds as a resource; a path that is not plainly inside the project is left out."""
        if not src or not _INSIDE.fullmatch(src) or ".." in src.split("/"):
            return blocks
        self.ids[""] += 2
        start = {"t": "Div", "c": [["", [SOURCE_START], [[SOURCE_KEY, src]]], []]}
        end = {"t": "Div", "c": [["", [SOURCE_END], []], []]}
        return [start, *blocks, end]

    def _table(self, block: Node, src: str | None) -> Node:
        attr, caption, colspecs, head, bodies, foot = block["c"]

        def cells(rows: list[Any]) -> list[Any]:
            return [
                [
                    row_attr,
                    [
                        [a, al, rs, cs, self.blocks(content, src)]
                        for a, al, rs, cs, content in row_cells
                    ],
                ]
                for row_attr, row_cells in rows
            ]

        short, long = caption
        return {
            "t": "Table",
            "c": [
                attr,
                [short and self.inlines(short, src), self.blocks(long, src)],
                colspecs,
                [head[0], cells(head[1])],
                [[b[0], b[1], cells(b[2]), cells(b[3])] for b in bodies],
                [foot[0], cells(foot[1])],
            ],
        }

    # ------------------------------------------------------------------ inlines
    def inlines(self, inlines: list[Node], src: str | None) -> list[Node]:
        out: list[Node] = []
        for inline in inlines:
            if inline.get("t") in TEXT_NODES:  # most of a book: nothing to rewrite
                out.append(inline)
            else:
                out.extend(self.inline(inline, src))
        return out

    def inline(self, node: Node, src: str | None) -> list[Node]:
        kind = node.get("t")
        c: Any = node.get("c")
        if kind == "RawInline":
            self.dropped_raw += 1
            return [{"t": "Code", "c": [["", [], []], c[1]]}]
        if kind == "Span":
            (ident, classes, attrs), content = c
            if "idm-src" in classes:
                return self.inlines(content, dict(attrs).get("data-src", src))
            return [{"t": "Span", "c": [[ident, classes, attrs], self.inlines(content, src)]}]
        if kind in (
            "Emph",
            "Strong",
            "Strikeout",
            "Superscript",
            "Subscript",
            "SmallCaps",
            "Underline",
        ):
            return [{"t": kind, "c": self.inlines(c, src)}]
        if kind == "Quoted":
            return [{"t": kind, "c": [c[0], self.inlines(c[1], src)]}]
        if kind == "Cite":
            return self.inlines(c[1], src)
        if kind == "Note":
            return [{"t": "Note", "c": self.blocks(c, src)}]
        if kind == "Link":
            attr, content, (target, title) = c
            content = self.inlines(content, src)
            if not _SAFE_LINK.match(target):
                return content
            return [{"t": "Link", "c": [attr, content, [target, title]]}]
        if kind == "Image":
            return self._image(node, src)
        return [node]

    def _image(self, node: Node, src: str | None) -> list[Node]:
        attr, alt, (target, title) = node["c"]
        alt = self.inlines(alt, src)
        base = (self.root / src).parent if src else self.root
        resolved = resolve_image(target, self.root, base)
        if (
            isinstance(resolved, str)
            or not is_picture_file(resolved)
            or resolved.suffix.lower() not in IMAGE_SUFFIXES
        ):
            self.dropped_images += 1
            return [{"t": "Emph", "c": alt or [{"t": "Str", "c": "[picture]"}]}]
        digest = hashlib.sha256(resolved.read_bytes()).hexdigest()[:16]
        name = f"media/{digest}{resolved.suffix.lower()}"
        self.images[name] = resolved
        return [{"t": "Image", "c": [attr, alt, [name, title]]}]


def _shift_headings(blocks: list[Node], top: int) -> None:
    levels: list[int] = []
    _collect_levels(blocks, levels)
    if not levels:
        return
    shift = top - min(levels)
    if shift:
        _apply_shift(blocks, shift)


def _collect_levels(blocks: list[Node], levels: list[int]) -> None:
    for block in blocks:
        if block.get("t") == "Header":
            levels.append(block["c"][0])
        elif block.get("t") in ("Div", "BlockQuote"):
            inner = block["c"][1] if block["t"] == "Div" else block["c"]
            _collect_levels(inner, levels)


def _apply_shift(blocks: list[Node], shift: int) -> None:
    for block in blocks:
        if block.get("t") == "Header":
            block["c"][0] = max(1, min(6, block["c"][0] + shift))
        elif block.get("t") in ("Div", "BlockQuote"):
            inner = block["c"][1] if block["t"] == "Div" else block["c"]
            _apply_shift(inner, shift)


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
