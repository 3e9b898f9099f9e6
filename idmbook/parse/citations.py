"""Citations and the bibliography, through pandoc's citeproc, once for every format.

With ``bibliography:`` in idmbook.yaml the book is read with pandoc's citations on
(:func:`reader`), and the sanitiser keeps a citation (:func:`keeps`) only where the editors
write: in an editorial chapter or a rapporteur's note, citing keys the references have. A
citation anywhere else (in a submitted contribution, whose text nobody checked for keys) or
of a key the references lack (a social-media handle written ``@IOM``) prints as typed, as it
does without references; ``@fig-ID`` and the like stay cross-references
(:mod:`idmbook.parse.crossref`).

:func:`resolve` then gives citeproc only the citations, in book order (those in footnotes
inside a footnote, so a note style knows them), with the references and the style, in the
book's language; each citation gets its printed form back, and the works cited are printed
at the end of the book under the heading ``labels.bibliography`` (in the book's words). The
DOCX, the PDF and the HTML all print the same words.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idmbook.cache import Cache
from idmbook.errors import IdmbookError
from idmbook.load.bibliography import Bibliography, Where, load_bibliography
from idmbook.model.documents import Chapter, Note
from idmbook.pandoc.ast import Node, Walker, ast_bytes, ast_loads, nodes
from idmbook.pandoc.run import pandoc_version, run_pandoc

if TYPE_CHECKING:
    from idmbook.load.project import Project

CROSSREF_KEY = re.compile(r"(?:fig|tbl|sec)-")
"""A key that is a cross-reference (``@fig-chart``), never a citation."""
BIBLIOGRAPHY_ID = "idm-bibliography"
"""The id of the bibliography's heading."""
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


@dataclass(frozen=True)
class Citations:
    """What the book cites from, and who may cite."""

    bibliography: Bibliography
    sources: frozenset[str]
    """The files whose text may cite (the notes and the editorial chapters)."""
    language: str
    """The book's language, for the citation style's words ("and", "et", "y"...)."""
    heading: str
    """The bibliography's heading, in the book's words."""


def reader(base: str) -> str:
    """The pandoc reader ``base`` with citations on."""
    return base.replace("-citations", "")


def keeps(citations: Citations | None, cited: list[Any], src: str | None) -> bool:
    """Whether a citation of ``cited`` (pandoc's Citation records) in the text of ``src``
    stays a citation; otherwise it prints as typed."""
    if citations is None or src is None or src not in citations.sources:
        return False
    keys = citations.bibliography.keys
    return all(c["citationId"] in keys and not CROSSREF_KEY.match(c["citationId"]) for c in cited)


def sanitized(cited: list[Any], inlines: Callable[[list[Any]], list[Node]]) -> list[Any]:
    """The Citation records with their prefix and suffix through ``inlines`` (the
    sanitiser's)."""
    return [
        {
            **c,
            "citationPrefix": inlines(c["citationPrefix"]),
            "citationSuffix": inlines(c["citationSuffix"]),
        }
        for c in cited
    ]


def _cites(blocks: list[Any]) -> list[tuple[Node, bool]]:
    """(Cite, whether it is in a footnote) of ``blocks``, in document order."""
    found: list[tuple[Node, bool]] = []

    def search(value: Any, in_note: bool) -> None:
        for node in nodes(value, skip=frozenset({"Note", "Cite"})):
            if node["t"] == "Cite":
                found.append((node, in_note))
            elif node["t"] == "Note":
                search(node["c"], True)

    search(blocks, False)
    return found


class _Replace(Walker[None]):
    """Puts citeproc's citations in the place of the book's, in order."""

    def __init__(self, printed: list[Node]) -> None:
        self.printed = iter(printed)

    def node(self, node: Node, context: None) -> Node | list[Node]:
        if node["t"] == "Cite":
            return next(self.printed, node)
        return self.children(node, context)


class _SafeLinks(Walker[None]):
    """Links citeproc made from the references (their URL and DOI) kept only to the web and
    e-mail; anything else prints as text."""

    def node(self, node: Node, context: None) -> Node | list[Node]:
        if node["t"] == "Link" and not _SAFE_LINK.match(str(node["c"][2][0])):
            return list(self.walk(node["c"][1], context))
        return self.children(node, context)


def _citeproc(
    document: dict[str, Any], citations: Citations, cache: Cache | None = None
) -> dict[str, Any]:
    """``document`` through pandoc's citeproc, with the references and the style; kept in
    ``cache`` (the same citations, references, style and language give the same words)."""
    book = citations.bibliography
    data = ast_bytes(document)
    key = Cache.key(
        "citeproc", pandoc_version(), data, book.csljson, book.style or b"", citations.language
    )
    cached = cache.get("citeproc", key) if cache is not None else None
    if cached is not None:
        try:
            result: dict[str, Any] = ast_loads(cached)
            return result
        except ValueError:
            pass  # a damaged entry: made again
    with tempfile.TemporaryDirectory(prefix="idmbook-cite-") as folder:
        args = ["-f", "json", "-t", "json", "--citeproc", "--sandbox"]
        (Path(folder) / "references.json").write_bytes(book.csljson)
        args += ["--bibliography", "references.json", "-M", f"lang={citations.language}"]
        if book.style is not None:
            (Path(folder) / "style.csl").write_bytes(book.style)
            args += ["--csl", "style.csl"]
        out = run_pandoc(args, data, cwd=Path(folder))
    try:
        result = ast_loads(out)
    except ValueError:
        raise IdmbookError("pandoc's citeproc gave no document") from None
    if cache is not None:
        cache.put("citeproc", key, out)
    return result


def resolve(
    ast: dict[str, Any], citations: Citations, cache: Cache | None = None
) -> dict[str, Any]:
    """``ast`` with its citations printed in the citation style and the works cited listed
    at its end, under their heading; ``ast`` itself when it cites nothing. ``cache`` keeps
    citeproc's work for the next build."""
    found = _cites(ast["blocks"])
    if not found:
        return ast
    blocks: list[Node] = []
    for cite, in_note in found:
        para: Node = {"t": "Para", "c": [cite]}
        if in_note:
            para = {"t": "Para", "c": [{"t": "Note", "c": [para]}]}
        blocks.append(para)
    blocks.append({"t": "Div", "c": [["refs", [], []], []]})
    document = {"pandoc-api-version": ast["pandoc-api-version"], "meta": {}, "blocks": blocks}
    result = _SafeLinks().walk(_citeproc(document, citations, cache)["blocks"], None)
    printed = [cite for cite, _ in _cites(result[:-1])]
    refs = result[-1] if result and result[-1].get("t") == "Div" else None
    if len(printed) != len(found) or refs is None:
        raise IdmbookError("pandoc's citeproc did not give back every citation of the book")
    body = _Replace(printed).walk(ast["blocks"], None)
    heading: list[Node] = []
    for word in citations.heading.split():
        heading += (
            [{"t": "Space"}, {"t": "Str", "c": word}] if heading else [{"t": "Str", "c": word}]
        )
    entries = [_without_id(entry) for entry in refs["c"][1]]
    body = [
        *body,
        {"t": "Header", "c": [1, [BIBLIOGRAPHY_ID, [], []], heading]},
        {"t": "Div", "c": [["", refs["c"][0][1], refs["c"][0][2]], entries]},
    ]
    return {**ast, "blocks": body}


def _without_id(entry: Node) -> Node:
    """A bibliography entry without its id (nothing links to it; a key may hold characters
    no format takes in an id)."""
    if entry.get("t") == "Div":
        (_ident, classes, pairs), content = entry["c"]
        return {"t": "Div", "c": [["", classes, pairs], content]}
    return entry


def book_citations(project: Project, labels: dict[str, Any]) -> Citations | None:
    """What the book built from ``project`` cites from, or None when it declares no
    references. (Validation has reported whatever is wrong with them; a build stops first.)"""
    config = project.config
    if config.bibliography is None:
        return None
    where = Where("idmbook.yaml")
    bibliography, problems = load_bibliography(project.root, config.bibliography, config.csl, where)
    if bibliography is None:
        first = problems[0] if problems else None
        raise IdmbookError(
            first.message if first else f"the references {config.bibliography} cannot be read",
            "run `idmbook validate` for the details",
        )
    documents = project.documents
    rels = [n.rel for n in documents.notes] + [c.rel for c in documents.chapters]
    rels += [t.doc.rel for t in documents.translations if isinstance(t.doc, Note | Chapter)]
    sources = frozenset(rels)
    heading = str(labels.get("bibliography") or "References")
    return Citations(bibliography, sources, config.language, heading)
