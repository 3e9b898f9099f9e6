"""The body made ready for Typst: one pass over pandoc's AST rewriting what Typst cannot take."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import replace
from pathlib import Path
from typing import Any

from idmbook.load.fonts import Glyphs
from idmbook.pandoc.ast import Node, Walker, id_counts, link_targets
from idmbook.render.pdf import inlines, rewrites, tables
from idmbook.render.pdf.context import Context, Rewrite
from idmbook.render.pdf.glyphs import TEXT_HOLDERS, shown_inlines, with_stand_ins
from idmbook.render.pdf.language import split_lang
from idmbook.render.pdf.markup import PAGEBREAK, raw_block, raw_inline, stringify
from idmbook.render.pdf.pictures import image

REWRITES: dict[str, Rewrite] = {
    "HorizontalRule": rewrites.horizontal_rule,
    "Underline": inlines.underline,
    "Strikeout": inlines.strikeout,
    "DefinitionList": inlines.definitions,
    "Table": tables.table,
    "RawBlock": rewrites.raw_to_text,
    "RawInline": rewrites.raw_to_text,
    "Cite": rewrites.cite_to_text,
    "CodeBlock": rewrites.code_block,
    "Div": rewrites.div,
    "Span": rewrites.span,
    "Math": rewrites.math,
    "Note": rewrites.note,
    "Para": rewrites.paragraph,
    "Plain": rewrites.paragraph,
}
"""The rewrite of each kind of node that needs one (pictures and links need the book's, see
:class:`Prepare`)."""


def prepare_blocks(
    blocks: list[Any],
    images: dict[str, Path],
    targets: AbstractSet[str] | None = None,
    glyphs: Glyphs | None = None,
) -> tuple[list[Node], set[str]]:
    """The body's blocks made safe for the Typst writer, and the picture names they use;
    ``targets``: the ids links may point at, when they are known (see BookMeta.link_targets);
    ``glyphs``: what the fonts can show (see :func:`~idmbook.render.pdf.glyphs.shown_inlines`).

    Raw Typst/HTML/LaTeX and citations become plain text, ``typst:*`` attributes (which pandoc
    would paste into the output as code) are dropped, languages of Divs and Spans reach Typst
    as ``text(lang: ..., region: ...)``, pictures and equations get the alt text that PDF/UA
    requires, and every chapter starts on a new page.
    """
    if targets is None:
        targets = link_targets(id_counts(blocks))
    prepare = Prepare(images=images, targets=targets, glyphs=glyphs)
    prepared = prepare.walk(blocks, Context())
    return _chapter_breaks(prepared), prepare.used


class Prepare(Walker[Context]):
    """One pass over the body: sanitising, languages, pictures, equations, anchors (children
    first, then the node's rewrite)."""

    def __init__(
        self, images: dict[str, Path], targets: AbstractSet[str], glyphs: Glyphs | None = None
    ) -> None:
        self.images = images
        self.targets = targets
        """Identifiers that internal links may point at (unique ids of headings, divs,
        figures)."""
        self.glyphs = glyphs
        """What the fonts can show; other characters get a stand-in (None: none is needed)."""
        self.used: set[str] = set()
        """Picture names the body uses."""

    def walk(self, value: Any, context: Context) -> Any:
        """``value`` rewritten; an Attr loses its ``typst:*`` attributes."""
        if isinstance(value, list) and _is_attr(value):
            return _clean_attr(value)
        return super().walk(value, context)

    def text(self, node: Node, context: Context) -> Node | list[Node]:
        """A Str that starts with ``.`` or ``;`` has it escaped (after Typst code the
        preparation writes, such as ``#box(...)``, a ``.`` would continue the code and a ``;``
        end it); characters no font has get a stand-in."""
        if node["t"] != "Str":
            return node
        text: str = node["c"]
        escaped: list[Node] = []
        if text[:1] in (".", ";"):
            escaped, text = [raw_inline("\\" + text[0])], text[1:]
            if not text:
                return escaped
        if self.glyphs is not None and self.glyphs.has_missing(text):
            return [*escaped, *shown_inlines(text, self.glyphs)]
        return [*escaped, {"t": "Str", "c": text}] if escaped else node

    def node(self, node: Node, context: Context) -> Node | list[Node]:
        """The node or the nodes that replace ``node``: its children rewritten in the context
        it gives them (:meth:`enter`), then the rewrite of its kind, in that context."""
        kind = node["t"]
        if kind == "Figure":
            node = self._figure(node, context)
        else:
            context = self.enter(node, context)
            node = self.children(node, context)
        if self.glyphs is not None and kind in TEXT_HOLDERS:
            node = with_stand_ins(node, self.glyphs)
        if kind == "Image":
            placed = image(node, context, self.images)
            self.used.add(node["c"][2][0])
            return placed
        if kind == "Link":
            return self._link(node)
        rewrite = REWRITES.get(kind)
        if rewrite is None:
            return node
        result = rewrite(node, context)
        return result[0] if len(result) == 1 else result

    def enter(self, node: Node, context: Context) -> Context:
        """A footnote keeps only the language around it, a link says so, a Div's or a Span's
        language and direction hold inside it."""
        kind = node["t"]
        if kind == "Note":
            return Context(style=context.style)
        if kind == "Link":
            return replace(context, link=True)
        if kind in ("Div", "Span"):
            style = split_lang(node["c"][0])[1]
            if style is not None:
                return replace(context, style=style.within(context.style))
        return context

    def _figure(self, node: Node, context: Context) -> Node:
        """A figure's parts, its body knowing the caption (a picture there has no box)."""
        attr, caption, body = node["c"]
        inside = replace(context, caption=stringify(caption[1]) or None)
        parts = [
            self.walk(attr, context),
            self.walk(caption, replace(context, caption=None)),
            self.walk(body, inside),
        ]
        if all(new is old for new, old in zip(parts, node["c"], strict=True)):
            return node
        return {"t": "Figure", "c": parts}

    def _link(self, node: Node) -> Node | list[Node]:
        """An internal link to nothing (or to a repeated id) keeps only its text."""
        target = node["c"][2][0]
        if target.startswith("#") and target[1:] not in self.targets:
            return list(node["c"][1])
        return node


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
    if not any(str(key).lower().startswith("typst") for key, _ in attr[2]):
        return attr
    pairs = [[key, val] for key, val in attr[2] if not str(key).lower().startswith("typst")]
    return [attr[0], list(attr[1]), pairs]


def _chapter_breaks(blocks: list[Node]) -> list[Node]:
    """A page break before every level-1 heading of the flow: each chapter starts a page."""
    result: list[Node] = []
    for block in blocks:
        if block.get("t") == "Header" and block["c"][0] == 1:
            result.append(raw_block(PAGEBREAK))
        result.append(block)
    return result
