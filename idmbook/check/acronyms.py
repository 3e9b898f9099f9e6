"""The acronyms the book uses against its list of acronyms (IDM130, IDM131).

Only a project with an ``acronyms.yaml`` is checked: a word of two or more capital letters
(IOM, SDGs) in a published text that the list lacks is reported where it is first used, and an
acronym of the list that no published text uses is reported on its line of the list.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from idmbook.check.crossrefs import published_texts, text_lines
from idmbook.diagnostics import Diagnostic
from idmbook.load.acronyms import ACRONYMS_FILE
from idmbook.rules import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project

USED = re.compile(r"(?<![\w#@/.-])([A-Z][A-Z0-9&]*[A-Z][A-Z0-9]*)(s?)(?![\w/-])")
"""A word of two or more capital letters (digits after the first allowed), maybe with a
plural s; not part of a path, an id or an address."""
_ROMAN = re.compile(r"[IVXLCDM]+")


def _used(line: str) -> list[tuple[str, int]]:
    found = []
    for match in USED.finditer(line):
        word = match.group(1)
        if not _ROMAN.fullmatch(word):
            found.append((word, match.start() + 1))
    return found


def _body_start(text: str) -> int:
    """The first line after the front matter of ``text`` (1 when it has none)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return 1
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            return number + 1
    return 1


def acronym_diagnostics(project: Project) -> list[Diagnostic]:
    """IDM130 at the first use of an acronym the list lacks, IDM131 at a listed one unused."""
    acronyms = project.documents.acronyms
    if not acronyms.present:
        return []
    listed = set(acronyms.expansions)
    seen: set[str] = set()
    found: list[Diagnostic] = []
    for rel, text in published_texts(project).items():
        body = _body_start(text)
        for number, line in text_lines(text):
            if number < body:
                continue
            for word, column in _used(line):
                if word in seen:
                    continue
                seen.add(word)
                if word not in listed:
                    found.append(
                        diag(
                            "IDM130",
                            rel,
                            number,
                            column,
                            f"the acronym '{word}' is not in {ACRONYMS_FILE}",
                            f"add '{word}:' and its expansion to {ACRONYMS_FILE}",
                        )
                    )
    for acronym in sorted(listed - seen, key=lambda a: acronyms.lines.get(a, 0)):
        found.append(
            diag(
                "IDM131",
                ACRONYMS_FILE,
                acronyms.lines.get(acronym, 1),
                1,
                f"the acronym '{acronym}' is used nowhere in the book",
                f"remove it from {ACRONYMS_FILE}",
            )
        )
    return found
