"""Placeholders and sample text left from idmbook's templates: "TODO" in a value or a line
of text, and the sentences `idmbook init`, `idmbook new` and the Word note template write for
the user to replace. A draft may hold them; `idmbook build --final` refuses them (IDM049)."""

from __future__ import annotations

import re
from typing import Any

from idmbook.diagnostics import Diagnostic
from idmbook.load.frontmatter import FrontMatterFile, Loc
from idmbook.pandoc.markdown import outside_code
from idmbook.rules import diag

SUMMARY_TEXT = "What was said in the session, in two or three paragraphs."
MESSAGES_TEXT = "The main points participants agreed on, one per item."
RECOMMENDATION_TEXT = "One recommendation per item."
SUBMISSION_TEXT = "The text of the submission."
WORD_RAPPORTEUR = "Your name"
SAMPLE_MARKER = "created by `idmbook init`"
"""In the first line of every sample text `idmbook init` writes."""

SAMPLE_SENTENCES = (
    SUMMARY_TEXT,
    MESSAGES_TEXT,
    RECOMMENDATION_TEXT,
    SUBMISSION_TEXT,
    SAMPLE_MARKER,
    "A recommendation without attributes takes the note's themes and levels.",
)
"""Text the templates write for the user to replace (the Word note template's too)."""

_TODO = re.compile(r"\bTODO\b")
_HINT = "replace it with the real text: `idmbook build --final` refuses placeholders"


def placeholder_diagnostics(fm: FrontMatterFile, body: bool = True) -> list[Diagnostic]:
    """IDM049 for every placeholder in ``fm``'s values and (``body``) in its text."""
    found: list[Diagnostic] = []
    for loc, value in _strings(fm.data, ()):
        if _TODO.search(value) or value.strip().casefold() == WORD_RAPPORTEUR.casefold():
            line, column = fm.position(loc, value=True)
            found.append(
                diag(
                    "IDM049",
                    fm.rel,
                    line,
                    column,
                    f"placeholder left from the template: '{_short(value)}'",
                    _HINT,
                )
            )
    if body:
        found += _body_placeholders(fm.body, fm.rel, fm.body_line)
    return found


def _strings(value: Any, loc: Loc) -> list[tuple[Loc, str]]:
    if isinstance(value, str):
        return [(loc, value)]
    if isinstance(value, dict):
        return [item for key, v in value.items() for item in _strings(v, (*loc, key))]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _strings(v, (*loc, i))]
    return []


def _body_placeholders(text: str, rel: str, first_line: int) -> list[Diagnostic]:
    if "TODO" not in text and not any(s in text for s in SAMPLE_SENTENCES):
        return []
    found: list[Diagnostic] = []
    for index, line, info in outside_code(text.split("\n")):
        if info is not None:
            continue
        todo = _TODO.search(line)
        sample = next((s for s in SAMPLE_SENTENCES if s in line), None)
        if todo is not None:
            column, what = todo.start(), "placeholder left from the template"
        elif sample is not None:
            column, what = line.index(sample), "sample text left from the template"
        else:
            continue
        found.append(
            diag(
                "IDM049",
                rel,
                first_line + index,
                column + 1,
                f"{what}: '{_short(line[column:])}'",
                _HINT,
            )
        )
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"
