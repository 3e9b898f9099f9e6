"""Where a node of the body is, as the rewrites that prepare it for Typst see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from idmbook.pandoc.ast import Node
from idmbook.render.pdf.language import TextStyle


@dataclass
class Context:
    """What a node's rewrite needs to know about where it is."""

    caption: str | None = None
    """The caption text when inside a Figure's body (a picture there is placed without a
    box)."""
    style: TextStyle | None = None
    """The language and direction of the Divs and Spans around, when one gives them."""
    link: bool = False
    """Whether inside a link: what is in one must stay inline (a block there, a display
    equation or a picture without a box, would split the link's PDF tag, which PDF/UA-1
    forbids)."""


Rewrite = Callable[[Node, Context], list[Node]]
"""A node's rewrite: the nodes that take its place (its children already rewritten)."""
