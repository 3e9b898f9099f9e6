"""The book's list of acronyms: ``acronyms.yaml`` at the project's root (IDM129).

Each key is an acronym; its value is its expansion, either one for every language or one per
language::

    IOM:
      en: International Organization for Migration
      fr: Organisation internationale pour les migrations
      es: Organización Internacional para las Migraciones
    SDG: Sustainable Development Goal

The book prints the list in its front matter, in the book's language (English where a
language is missing); :mod:`idmbook.check.acronyms` compares it with the acronyms the texts
use.
"""

from __future__ import annotations

import re
from pathlib import Path

from idmbook.diagnostics import Diagnostic
from idmbook.load.frontmatter import parse_yaml
from idmbook.model.documents import Acronyms
from idmbook.rules import diag

ACRONYMS_FILE = "acronyms.yaml"
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&-]{0,15}")


def load_acronyms(root: Path) -> tuple[Acronyms, list[Diagnostic]]:
    """The project's acronyms.yaml, read and checked (an empty list when there is none)."""

    path = root / ACRONYMS_FILE
    if not path.is_file():
        return Acronyms(), []
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Acronyms(present=True), [
            diag("IDM129", ACRONYMS_FILE, 1, 1, f"cannot read the list of acronyms: {exc}")
        ]
    parsed, problems = parse_yaml(text, ACRONYMS_FILE, top_level="list of acronyms")
    acronyms = Acronyms(present=True)
    if parsed is None:
        return acronyms, problems
    data, positions, _values = parsed
    for key, value in data.items():
        line, column = positions.get((key,), (1, 1))
        if not isinstance(key, str) or not _ACRONYM.fullmatch(key):
            problems.append(
                diag(
                    "IDM129",
                    ACRONYMS_FILE,
                    line,
                    column,
                    f"'{key}' is not an acronym (a capital letter, then letters or digits)",
                )
            )
            continue
        if isinstance(value, str) and value.strip():
            words = {"*": " ".join(value.split())}
        elif (
            isinstance(value, dict)
            and value
            and all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
            )
        ):
            words = {k: " ".join(v.split()) for k, v in value.items()}
        else:
            problems.append(
                diag(
                    "IDM129",
                    ACRONYMS_FILE,
                    line,
                    column,
                    f"the expansion of '{key}' must be text, or text per language (en: ..., "
                    "fr: ..., es: ...)",
                )
            )
            continue
        acronyms.expansions[key] = words
        acronyms.lines[key] = line
    return acronyms, problems
