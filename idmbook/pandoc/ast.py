"""pandoc's AST as JSON: reading and writing it, walking it, counting its ids, and its plain
text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, Generic, Literal, TypeVar

import orjson

TEXT_NODES = frozenset({"Str", "Space", "SoftBreak", "LineBreak"})
"""Inline nodes without children or attributes: most of a book, and nothing any pass over the
AST rewrites."""


def ast_bytes(ast: Any) -> bytes:
    """A pandoc AST (or part of one) as compact UTF-8 JSON, the way pandoc reads it (orjson: a
    book's AST is tens of megabytes, which the standard library takes seconds to encode)."""
    return orjson.dumps(ast)


def ast_loads(data: bytes | str) -> Any:
    """pandoc's JSON (or a cached piece of it) as Python lists and dicts."""
    return orjson.loads(data)


Node = dict[str, Any]
Context = TypeVar("Context")


def nodes(value: Any, skip: frozenset[str] = frozenset()) -> Iterator[Node]:
    """Every node under ``value`` (a node, a list of them, or any part of the AST), in document
    order, parents before their children; the children of the node kinds in ``skip`` are not
    visited (the nodes themselves are). Text nodes are left out: they hold nothing to find."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            kind = item.get("t")
            if kind is None:
                stack.extend(reversed(item.values()))
                continue
            if kind in TEXT_NODES:
                continue
            yield item
            content = item.get("c")
            if kind not in skip and isinstance(content, list | dict):
                stack.append(content)


class Walker(Generic[Context]):
    """A pass that rewrites pandoc's AST: the one walker every stage's rewriting pass is made
    from.

    :meth:`walk` goes through any part of the AST; each node found in a list is given to
    :meth:`node`, which returns the node or the nodes that take its place (spliced into the
    list), and text nodes to :meth:`text`. The default :meth:`node` walks the node's children
    with the context :meth:`enter` gives. Nothing given is changed: what changes is copied, and
    what does not is returned as the same object (a whole copy of a long book is slow and
    large)."""

    def walk(self, value: Any, context: Context) -> Any:
        """``value`` with every node in it rewritten."""
        if isinstance(value, list):
            return self._items(value, context)
        if isinstance(value, dict):
            if "t" in value:
                new = self.node(value, context)
                return new if not isinstance(new, list) or len(new) != 1 else new[0]
            return self._fields(value, context)
        return value

    def _items(self, items: list[Any], context: Context) -> list[Any]:
        """A list of nodes (or of lists) walked, each node replaced by what it becomes."""
        copied: list[Any] | None = None
        reads_text = type(self).text is not Walker.text  # most of a book is text: skip the call
        for index, item in enumerate(items):
            if isinstance(item, dict) and "t" in item:
                new = None
                if item["t"] in TEXT_NODES:
                    new = self.text(item, context) if reads_text else item
                if new is None:
                    new = self.node(item, context)
            else:
                new = self.walk(item, context)
            if new is item:
                if copied is not None:
                    copied.append(item)
                continue
            if copied is None:
                copied = items[:index]
            if isinstance(new, list) and isinstance(item, dict):
                copied.extend(new)
            else:
                copied.append(new)
        return items if copied is None else copied

    def _fields(self, value: dict[str, Any], context: Context) -> dict[str, Any]:
        """A dict that is not a node (a citation, a caption's parts) with its values walked."""
        changed: dict[str, Any] | None = None
        for key, item in value.items():
            new = self.walk(item, context)
            if new is not item:
                if changed is None:
                    changed = dict(value)
                changed[key] = new
        return value if changed is None else changed

    def node(self, node: Node, context: Context) -> Node | list[Node]:
        """What takes the place of ``node``: by default, the node with its children walked."""
        return self.children(node, self.enter(node, context))

    def enter(self, node: Node, context: Context) -> Context:
        """The context ``node``'s children are walked in: by default, the same."""
        return context

    def text(self, node: Node, context: Context) -> Node | list[Node] | None:
        """What takes the place of a text node (``Str``, a space or a break); None gives it to
        :meth:`node` like any other. By default the node itself: text holds nothing to rewrite,
        and most of a book is text."""
        return node

    def children(self, node: Node, context: Context) -> Node:
        """``node`` with its content walked (the same object when nothing in it changed)."""
        content = node.get("c")
        if not isinstance(content, list | dict):
            return node
        new = self.walk(content, context)
        return node if new is content else {**node, "c": new}


def id_counts(blocks: list[Any]) -> Counter[str]:
    """How many headings, divs, figures and tables carry each id, at any depth of ``blocks``."""
    counts: Counter[str] = Counter()
    for node in nodes(blocks):
        kind = node["t"]
        if kind == "Header":
            counts[node["c"][1][0]] += 1
        elif kind in ("Div", "Figure", "Table"):
            counts[node["c"][0][0]] += 1
    return counts


def link_targets(counts: Counter[str]) -> frozenset[str]:
    """Ids that internal links may point at: those on exactly one heading, div, figure or
    table."""
    return frozenset(ident for ident, count in counts.items() if ident and count == 1)


_QUOTES = {"curly": ("\u201c", "\u201d", "\u2018", "\u2019"), "straight": ('"', '"', "'", "'")}


def stringify(value: Any, quotes: Literal["curly", "straight"] = "curly", raw: bool = False) -> str:
    """The text of inlines or blocks as pandoc's ``stringify`` gives it: footnotes left out,
    a space for each space, break and paragraph end, quotes as ``quotes`` marks, the text of
    raw inlines only with ``raw``."""
    out: list[str] = []
    _text(value, out, _QUOTES[quotes], raw)
    return "".join(out)


_SPACES = frozenset({"Space", "SoftBreak", "LineBreak"})
_LABELLED = frozenset({"Link", "Image", "Cite", "Span"})
"""Inlines whose text is their second part (the first is their attributes or citations)."""


def _text(value: Any, out: list[str], marks: tuple[str, ...], raw: bool) -> None:
    if isinstance(value, list):
        for item in value:
            _text(item, out, marks, raw)
        return
    if not isinstance(value, dict):
        return
    kind, content = value.get("t"), value.get("c", [])
    if kind == "Str":
        out.append(str(content))
    elif kind in _SPACES:
        out.append(" ")
    elif kind in ("Code", "Math") or (raw and kind == "RawInline"):
        out.append(str(content[1]))
    elif kind in ("Note", "RawInline", "RawBlock"):
        return
    elif kind == "Quoted":
        double = content[0].get("t") == "DoubleQuote"
        out.append(marks[0] if double else marks[2])
        _text(content[1], out, marks, raw)
        out.append(marks[1] if double else marks[3])
    elif kind in _LABELLED:
        _text(content[1], out, marks, raw)
    else:
        _text(content, out, marks, raw)
        if kind in ("Para", "Plain", "Header"):
            out.append(" ")
