"""The title block a Word document opens with: its Title, Subtitle, Author, Date and Abstract
paragraphs, which pandoc's Word reader takes out of the text into its metadata.

Nothing of it is dropped. The title becomes the contribution's title when the editor gave
none, and is otherwise kept as the text's first paragraph; the authors go into the front
matter when the editor gave none; the subtitle, the date and the abstract stay at the top of
the text. :func:`place` says what it did with each, for the ingest report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from idmbook.ingest.convert import Node, plain_text
from idmbook.load.findings import Finding

_ORIGIN_TITLE = "the document's Title paragraph"
ORIGIN_AUTHORS = "the document's Author paragraphs"


@dataclass
class TitleBlock:
    """What pandoc took out of the text of a Word document."""

    title: list[Node] = field(default_factory=list)
    subtitle: list[Node] = field(default_factory=list)
    authors: list[list[Node]] = field(default_factory=list)
    date: list[Node] = field(default_factory=list)
    abstract: list[Node] = field(default_factory=list)

    @property
    def title_text(self) -> str:
        return plain_text(self.title)

    @property
    def author_names(self) -> list[str]:
        return [name for name in (plain_text(a) for a in self.authors) if name]


def _inlines(value: Any) -> list[Node]:
    if isinstance(value, dict):
        if value.get("t") == "MetaInlines":
            return list(value["c"])
        if value.get("t") == "MetaString":
            return [{"t": "Str", "c": str(value["c"])}]
        if value.get("t") == "MetaBlocks":
            out: list[Node] = []
            for block in value["c"]:
                if block.get("t") in ("Para", "Plain"):
                    if out:
                        out.append({"t": "Space"})
                    out.extend(block["c"])
            return out
    return []


def title_block(meta: dict[str, Any]) -> TitleBlock:
    """The title block in pandoc's metadata of a Word document."""
    block = TitleBlock(_inlines(meta.get("title")), _inlines(meta.get("subtitle")))
    authors = meta.get("author")
    if isinstance(authors, dict) and authors.get("t") == "MetaList":
        block.authors = [i for i in (_inlines(a) for a in authors["c"]) if i]
    elif authors is not None and _inlines(authors):
        block.authors = [_inlines(authors)]
    block.date = _inlines(meta.get("date"))
    abstract = meta.get("abstract")
    if isinstance(abstract, dict) and abstract.get("t") == "MetaBlocks":
        block.abstract = list(abstract["c"])
    elif abstract is not None and _inlines(abstract):
        block.abstract = [{"t": "Para", "c": _inlines(abstract)}]
    return block


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("\u00a0", " ").split()).rstrip(".:")


def place(
    block: TitleBlock, title: str, authors_origin: str | None
) -> tuple[list[Node], list[Finding]]:
    """The blocks to put at the top of the text and what was done, given the contribution's
    ``title`` and where its ``authors`` came from."""
    top: list[Node] = []
    done: list[str] = []
    if block.title:
        shown = block.title_text
        if _fold(shown) == _fold(title):
            done.append(f"its Title paragraph ('{shown[:80]}') is the contribution's title")
        else:
            top.append({"t": "Para", "c": [{"t": "Strong", "c": block.title}]})
            done.append(
                f"its Title paragraph ('{shown[:80]}') is kept as the first paragraph of the "
                "text (the contribution's title is another)"
            )
    if block.subtitle:
        top.append({"t": "Para", "c": [{"t": "Emph", "c": block.subtitle}]})
        done.append("its Subtitle is kept at the top of the text")
    if block.authors:
        if authors_origin == ORIGIN_AUTHORS:
            done.append("its Author paragraphs are the contribution's authors (front matter)")
        else:
            names: list[Node] = []
            for author in block.authors:
                if names:
                    names += [{"t": "Str", "c": ","}, {"t": "Space"}]
                names += author
            top.append({"t": "Para", "c": names})
            done.append("its Author paragraphs are kept at the top of the text")
    if block.date:
        top.append({"t": "Para", "c": block.date})
        done.append("its Date paragraph is kept at the top of the text")
    if block.abstract:
        top += block.abstract
        done.append("its Abstract is kept at the top of the text")
    findings = [Finding("IDM125", "the document's title block: " + "; ".join(done))] if done else []
    return top, findings
