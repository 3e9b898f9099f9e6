"""XLIFF 2.0 as idmbook writes it for translators: the units of an original (one per segment)
and the names they use. `idmbook translate export` is :mod:`idmbook.commands.xliff_export`,
`import` is :mod:`idmbook.commands.xliff_import`.
"""

from __future__ import annotations

from dataclasses import dataclass

from idmbook.commands.translate import Original
from idmbook.load.notebody import SECTIONS
from idmbook.load.segments import Segment
from idmbook.model.documents import Note

NS = "urn:oasis:names:tc:xliff:document:2.0"
SKIPPED = ("code",)


def qname(name: str) -> str:
    return f"{{{NS}}}{name}"


@dataclass
class Unit:
    """One exported segment: its place in the original and how it is written there."""

    segment: Segment
    prefix: str
    """What stays before the translated text on its line (list marker, hashes, '> ')."""
    text: str
    """The segment's text on one line."""
    first: int
    last: int
    """Lines of the original's body the segment covers (0-based, inclusive)."""


SECTION_HEADINGS = {
    "fr": {
        "summary": "Résumé",
        "key_messages": "Messages clés",
        "recommendations": "Recommandations",
    },
    "es": {
        "summary": "Resumen",
        "key_messages": "Mensajes clave",
        "recommendations": "Recomendaciones",
    },
}
"""The headings of a note's sections in the languages whose headings idmbook reads."""


def section_of(segment: Segment) -> str | None:
    """The note section a level-2 heading opens, if it is one."""
    if segment.kind != "heading" or segment.marker != "##":
        return None
    name = " ".join(segment.text.rstrip(": \t\u00a0\u202f").split()).lower()
    return SECTIONS.get(name)


def units_of(original: Original) -> list[Unit]:
    """The exported units of ``original``: its segments but code blocks, tables and a note's
    section headings (which import writes in the translation's language)."""
    out: list[Unit] = []
    body_line = original.source.body_line
    note = isinstance(original.doc, Note)
    for segment in original.segments:
        if segment.kind == "title":
            out.append(Unit(segment, "", segment.text, -1, -1))
            continue
        if note and section_of(segment) is not None:
            continue
        lines = segment.text.split("\n")
        if segment.kind in SKIPPED or all(line.lstrip().startswith("|") for line in lines):
            continue
        first = segment.line - body_line
        last = first + len(lines) - 1
        if segment.kind == "heading":
            prefix = segment.marker + " "
        elif segment.marker:
            prefix = segment.marker
        else:
            prefix = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
        stripped = [line.strip() for line in lines]
        if stripped[0].startswith(">") and all(s.startswith(">") for s in stripped):
            prefix += "> "
            stripped = [s[1:].strip() for s in stripped]
        out.append(Unit(segment, prefix, " ".join(s for s in stripped if s), first, last))
    return out
