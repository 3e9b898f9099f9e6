"""Styled inlines Typst cannot take as pandoc writes them: strike-outs underlined, term breaks."""

from __future__ import annotations

from typing import Any, cast

from idmbook.pandoc.ast import Node, Walker, nodes
from idmbook.render.pdf.context import Context
from idmbook.render.pdf.markup import FREE_BREAKS, raw_block, raw_inline

_INLINE_HOLDERS = {
    "Emph": None, "Strong": None, "Strikeout": None, "Underline": None, "Superscript": None,
    "Subscript": None, "SmallCaps": None, "Quoted": 1, "Span": 1, "Link": 1,
}  # fmt: skip
"""Inlines that hold inlines styled like themselves: where their children are (None: their
whole content; a number: that part of it). A footnote's text is not styled by the passage
that holds its mark."""
_UNSTYLED = frozenset({"Note", "Image", "Cite"})
"""Inlines whose inlines are not styled by the inlines around them (a footnote's text, a
picture's description, a citation's prefix and suffix)."""


def holds(inlines: list[Node], kind: str) -> bool:
    """Whether ``inlines`` (not counting footnotes) hold a node of ``kind``."""
    return any(node["t"] == kind for node in nodes(inlines, skip=_UNSTYLED))


def holds_note(value: Any) -> bool:
    """Whether ``value`` (any part of the AST) holds a footnote, at any depth."""
    return any(node["t"] == "Note" for node in nodes(value))


def underline(node: Node, _: Context) -> list[Node]:
    """Underlined text that holds struck-out text is underlined around it, not over it:
    PDF/UA-1 cannot tag text both underlined and struck out (Typst refuses it)."""
    if not holds(node["c"], "Strikeout"):
        return [node]
    return _decorate("Underline", node["c"])


def strikeout(node: Node, _: Context) -> list[Node]:
    """Struck-out text keeps its strike, and loses the underlining of any part of it (see
    :func:`underline`)."""
    if not holds(node["c"], "Underline"):
        return [node]
    return [{"t": "Strikeout", "c": _Undecorated("Underline").walk(node["c"], None)}]


def definitions(node: Node, _: Context) -> list[Node]:
    """A line break in a term is Typst's ``linebreak()``: pandoc writes a backslash and a new
    line, which ends the term before its colon. A list that holds a footnote is in a scope of
    :data:`~idmbook.render.pdf.markup.FREE_BREAKS` (a term and the start of its definition are
    one paragraph)."""
    items = [[_TermBreaks().walk(term, None), defs] for term, defs in node["c"]]
    listing = {"t": "DefinitionList", "c": items}
    if holds_note(items):
        return [raw_block(FREE_BREAKS), listing, raw_block("]")]
    return [listing]


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


def _decorate(kind: str, inlines: list[Node]) -> list[Node]:
    """``inlines`` in ``kind`` (Underline), except the parts of them that are struck out: runs
    of siblings are grouped, which no node-by-node walk can do."""
    result: list[Node] = []
    plain: list[Node] = []
    for item in inlines:
        children = _children(item)
        if item.get("t") != "Strikeout" and (children is None or not holds(children, "Strikeout")):
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


class _Undecorated(Walker[None]):
    """Inlines without any ``kind`` (Underline) around parts of them (its content takes its
    place), inside the inlines styled like them."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def node(self, node: Node, context: None) -> Node | list[Node]:
        if node["t"] == self.kind:
            return cast(list[Node], self.walk(node["c"], context))
        return self.children(node, context) if node["t"] in _INLINE_HOLDERS else node


class _TermBreaks(Walker[None]):
    """A term's inlines with each line break, also inside the inlines styled like them, as
    Typst's ``linebreak()``."""

    def text(self, node: Node, context: None) -> Node:
        return raw_inline("#linebreak()") if node["t"] == "LineBreak" else node

    def node(self, node: Node, context: None) -> Node | list[Node]:
        return self.children(node, context) if node["t"] in _INLINE_HOLDERS else node
