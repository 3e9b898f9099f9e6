"""Step 1 of the DOCX: the AST made safe for pandoc's DOCX writer, the front part before it."""

from __future__ import annotations

from typing import Any

from idmbook.errors import IdmbookError
from idmbook.pandoc.ast import Node, Walker
from idmbook.render.docx.passages import (
    cells_in_passages,
    link_in_passage,
    note_in_passage,
    passage_around,
    passage_language,
    quoted,
    with_direction,
)
from idmbook.render.docx.styles import front_paragraphs
from idmbook.render.meta import BookMeta

__all__ = ["front_blocks", "prepare_ast"]


def prepare_ast(ast: dict[str, Any], meta: BookMeta) -> dict[str, Any]:
    """Return a safe copy of ``ast`` with the front part (cover, imprint, contents) before it."""
    if not isinstance(ast, dict) or not isinstance(ast.get("blocks"), list):
        raise IdmbookError("the book to render is not a pandoc document (no list of blocks)")
    if "pandoc-api-version" not in ast:
        raise IdmbookError("the book to render has no pandoc-api-version")
    try:
        blocks = PrepareForWord(set(meta.images)).walk(ast["blocks"], meta.language)
    except RecursionError:
        raise IdmbookError("the book is nested too deeply to be rendered") from None
    return {
        "pandoc-api-version": ast["pandoc-api-version"],
        "meta": {"lang": {"t": "MetaString", "c": meta.language}},
        "blocks": [*front_blocks(meta), *blocks],
    }


class PrepareForWord(Walker[str]):
    """Neutralise raw code and unknown pictures; give every heading a unique identifier; give
    every passage in a language its direction and its quotation marks.

    RawBlock/RawInline of any format become plain text, so no OpenXML (or any other raw markup)
    reaches the DOCX. An Image whose target is not a staged picture becomes its description, so
    pandoc never reads a file or URL the caller did not list. A Div or Span with a ``lang`` and no
    ``dir`` gets the direction of its language's script (pandoc's writer turns ``dir="rtl"``
    into ``w:bidi`` and ``w:rtl``, and ``dir="ltr"`` ends a right-to-left passage around it);
    ``lang`` and ``dir`` of a heading, table, cell or figure, which pandoc's writer does not
    read there, move to a Div around it; quoted text gets the marks of its language.

    The context of the walk is the language of the passage being walked: the book's, then each
    Div's or Span's.
    """

    def __init__(self, images: set[str]) -> None:
        self.images = images
        self.seen: set[str] = set()
        self.count = 0

    def node(self, node: Node, context: str) -> Node:
        """``node`` rewritten, then its children walked."""
        new = self.rewrite(node, context)
        return self.children(new, self.enter(new, context))

    def enter(self, node: Node, context: str) -> str:
        """The language of a Div or Span that has one, else the language around it."""
        return passage_language(node) or context

    def rewrite(self, node: Node, language: str) -> Node:
        """The node that replaces ``node`` itself (its children are walked after)."""
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
            return with_direction(node)
        if kind in ("Header", "Table", "Figure"):
            wrapped = passage_around(node)
            if wrapped is not None:
                return wrapped
            if kind == "Table":
                node = cells_in_passages(node)
        if kind == "Header":
            self.count += 1
            return _unique_identifier(node, self.seen, self.count)
        if kind == "Link":
            return link_in_passage(node)
        if kind == "Note":
            return note_in_passage(node)
        if kind == "Quoted":
            return quoted(node, language)
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

    Each block is one paragraph, in the order the finishing step finds them in
    (:func:`idmbook.render.docx.sections.front_part`).
    """
    return [_styled(style, text) for style, text in front_paragraphs(meta)]
