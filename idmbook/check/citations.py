"""Citations of the editorial chapters and the rapporteurs' notes against the references.

With ``bibliography:`` in idmbook.yaml, an editorial chapter or a note (and its translations)
cites a work as ``[@key]`` or ``@key``, and the book prints it through pandoc's citeproc
(:mod:`idmbook.parse.citations`). Here, before any build: the references file and the style
are read and tried (:mod:`idmbook.load.bibliography`, IDM150 and IDM153), a bracketed
citation of a key the references lack is an error on its line (IDM151), and a bare ``@word``
that is no key is a warning (IDM152: it prints as typed, like a social-media handle).
Submitted contributions never cite, so their text is not looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from idmbook.check.crossrefs import text_lines
from idmbook.diagnostics import Diagnostic
from idmbook.load.bibliography import Bibliography, Where, load_bibliography
from idmbook.model.documents import Chapter, Note
from idmbook.parse.citations import CROSSREF_KEY
from idmbook.rules import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project

CITATION = re.compile(r"(?<![\w\\@])-?@(\{[^}\n]*\}|\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*)")
"""A citation as pandoc's Markdown reads it: ``@key`` not preceded by a letter or digit (so
not an e-mail address), or ``@{key}``."""
_NOT_TEXT = re.compile(r"\]\([^)\n]*\)|<[^>\n]*>")
"""Link targets and autolinks, where an @ is part of an address."""


def citing_texts(project: Project) -> dict[str, str]:
    """The text of each note and editorial chapter, and of their translations, by file."""
    documents = project.documents
    rels = [n.rel for n in documents.notes] + [c.rel for c in documents.chapters]
    rels += [t.rel for t in documents.translations if isinstance(t.doc, Note | Chapter)]
    texts: dict[str, str] = {}
    for rel in rels:
        try:
            texts[rel] = (project.root / rel).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the file's own checks
    return texts


def body_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) of the text's lines outside its front matter and its code, link
    targets and autolinks blanked."""
    lines = text.split("\n")
    end = 0
    if lines and lines[0].strip() == "---":
        end = next((n for n in range(1, len(lines)) if lines[n].strip() in ("---", "...")), 0)
    for number, line in text_lines(text):
        if number > end + (1 if end else 0):
            yield number, _NOT_TEXT.sub(lambda m: " " * len(m.group()), line)


def _bracketed(line: str, start: int) -> bool:
    """Whether the @ at ``start`` is inside brackets on its line (``[see @key, p. 3]``)."""
    opening = line.rfind("[", 0, start)
    if opening < 0 or "]" in line[opening:start]:
        return False
    return "]" in line[start:]


def citations(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """(line, column, key, bracketed) of each citation of ``text``."""
    for number, line in body_lines(text):
        for match in CITATION.finditer(line):
            key = match.group(1)
            key = key[1:-1] if key.startswith("{") else key
            if CROSSREF_KEY.match(key):
                continue  # a cross-reference (IDM128)
            yield number, match.start() + 1, key, _bracketed(line, match.start())


def bibliography_of(project: Project) -> tuple[Bibliography | None, list[Diagnostic]]:
    """The project's references and style, read and tried, with what is wrong with them."""
    config = project.config
    source = project.config_source
    where = Where("idmbook.yaml")
    if source is not None:
        where = Where(
            "idmbook.yaml",
            source.position(("bibliography",), value=True) if config.bibliography else (1, 1),
            source.position(("csl",), value=True) if config.csl else (1, 1),
        )
    return load_bibliography(project.root, config.bibliography, config.csl, where)


def citation_diagnostics(project: Project) -> list[Diagnostic]:
    """IDM150 and IDM153 for the references and the style, IDM151 and IDM152 for each
    citation of a key they lack."""
    if project.config.bibliography is None and project.config.csl is None:
        return []
    bibliography, found = bibliography_of(project)
    if bibliography is None:
        return found
    for rel in (bibliography.rel, bibliography.style_rel):  # the build reads them
        if rel is not None and not rel.startswith("templates/"):
            project.inputs.append(project.root / rel)
    for rel, text in citing_texts(project).items():
        for line, column, key, bracketed in citations(text):
            if key in bibliography.keys:
                continue
            if bracketed:
                found.append(
                    diag(
                        "IDM151",
                        rel,
                        line,
                        column,
                        f"'@{key}' cites a work that {bibliography.rel} does not have",
                        f"correct the key (keys are case-sensitive) or add the work to "
                        f"{bibliography.rel}",
                    )
                )
            else:
                found.append(
                    diag(
                        "IDM152",
                        rel,
                        line,
                        column,
                        f"'@{key}' is not a key of {bibliography.rel}: it prints as typed",
                        "if it is a citation, correct the key; if not, write \\@ to say so",
                    )
                )
    return found
