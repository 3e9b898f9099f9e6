"""The translatable parts of a note, a contribution or a chapter, and its structure.

A document is cut into segments: its title, then each heading, paragraph, list item,
recommendation and footnote of its body, in order. The same cut serves three purposes: the
fingerprint a translation records of the original it was made from (``translation_of`` and
``source_segments``), naming what changed in a stale translation, and the units of
``idmbook translate export``.

The structure of a text is what a translation must keep: its footnote labels, its pictures
and its attribute blocks.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from idmbook.load.notebody import SECTIONS

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(\s+)")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:\s?")
_DIV_FENCE = re.compile(r"^ {0,3}:{3,}")
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_PICTURE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)")
_RECOMMENDATION_BLOCK = re.compile(r"\{\s*(?:themes|levels|actors)\s*=")
_ATTR_BLOCK = re.compile(r"\{\s*(?:[#.][^{}\n]*|[A-Za-z_][\w-]*\s*=[^{}\n]*)\}")


@dataclass(frozen=True)
class Segment:
    """One translatable part of a document."""

    kind: str
    """title, heading, paragraph, item, recommendation, footnote or code."""
    line: int
    """Line of its first character in the file (the title: its front-matter line)."""
    text: str
    """As written (list markers and footnote labels left out)."""
    number: int = 0
    """The recommendation's number in the note (1-based); 0 for other segments."""
    marker: str = ""
    """What comes before the text in the file: a list marker with its indent, a heading's
    hashes, a footnote's label."""

    @property
    def digest(self) -> str:
        return hashlib.sha256(_normal(self.text).encode("utf-8")).hexdigest()[:8]

    def describe(self) -> str:
        if self.kind == "recommendation":
            return f"recommendation {self.number} (line {self.line})"
        if self.kind == "title":
            return "the title"
        names = {"item": "list item", "footnote": "footnote", "code": "code block"}
        return f"the {names.get(self.kind, self.kind)} at line {self.line}"


def _normal(text: str) -> str:
    return " ".join(text.split())


def body_segments(body: str, first_line: int, note: bool = False) -> list[Segment]:
    """The segments of a document's body (``first_line`` is the line of its first line);
    ``note``: list items under the Recommendations heading are recommendations."""
    out: list[Segment] = []
    lines = body.split("\n")
    current: list[str] = []
    start = 0
    kind = "paragraph"
    marker = ""
    section = ""
    recommendation = 0
    fence: str | None = None

    def flush() -> None:
        nonlocal current, kind, marker
        text = "\n".join(current).strip("\n")
        if text.strip():
            number = recommendation if kind == "recommendation" else 0
            out.append(Segment(kind, first_line + start, text, number, marker))
        current, kind, marker = [], "paragraph", ""

    for index, line in enumerate(lines):
        if fence is not None:
            current.append(line)
            if line.strip().startswith(fence):
                fence = None
                flush()
            continue
        opening = _FENCE.match(line)
        if opening:
            flush()
            fence, start, kind, current = opening.group(1), index, "code", [line]
            continue
        if not line.strip() or _DIV_FENCE.match(line):
            flush()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            if len(heading.group(1)) == 2:
                name = " ".join(heading.group(2).rstrip(": \t\u00a0\u202f").split()).lower()
                section = SECTIONS.get(name, "")
            out.append(
                Segment("heading", first_line + index, heading.group(2), 0, heading.group(1))
            )
            continue
        footnote = _FOOTNOTE_DEF.match(line)
        item = _ITEM.match(line)
        if footnote:
            flush()
            start, kind, marker = index, "footnote", footnote.group(0)
            current = [line[footnote.end() :]]
        elif item:
            flush()
            start, marker = index, item.group(0)
            if note and section == "recommendations" and len(item.group(1)) <= 3:
                recommendation += 1
                kind = "recommendation"
            else:
                kind = "item"
            current = [line[item.end() :]]
        else:
            if not current:
                start = index
            current.append(line)
    flush()
    return out


def document_segments(
    title: str, title_line: int, body: str, body_line: int, note: bool
) -> list[Segment]:
    """The title and the body's segments of a document."""
    return [Segment("title", title_line, title), *body_segments(body, body_line, note)]


def fingerprint(segments: list[Segment]) -> tuple[str, str]:
    """(SHA-256 of the translatable text, the segments' short hashes separated by spaces)."""
    text = "\n".join(f"{s.kind}:{_normal(s.text)}" for s in segments if s.kind != "code")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return digest, " ".join(s.digest for s in segments)


def what_changed(recorded: str, segments: list[Segment]) -> list[str]:
    """What differs between the segments a translation recorded (``source_segments``) and the
    original's ``segments`` now, in words."""

    old = recorded.split()
    new = [s.digest for s in segments]
    changes: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace":
            changes += [f"{s.describe()} changed" for s in segments[b1:b2]]
        elif op == "insert":
            changes += [f"{s.describe()} was added" for s in segments[b1:b2]]
        else:
            after = segments[b1 - 1].describe() if b1 else "the start"
            count = a2 - a1
            what = "a paragraph was" if count == 1 else f"{count} paragraphs were"
            changes.append(f"{what} removed after {after}")
    return changes


@dataclass(frozen=True)
class Structure:
    """What a translation must keep of its original."""

    footnotes: tuple[str, ...]
    pictures: tuple[str, ...]
    attributes: tuple[str, ...]


def structure(body: str) -> Structure:
    labels: list[str] = []
    for match in _FOOTNOTE_LABEL.finditer(body):
        if match.group(1) not in labels:
            labels.append(match.group(1))
    return Structure(
        tuple(labels),
        tuple(m.group(1) for m in _PICTURE.finditer(body)),
        tuple(
            " ".join(m.group(0).split())
            for m in _ATTR_BLOCK.finditer(body)
            if not _RECOMMENDATION_BLOCK.match(m.group(0))  # checked one by one, in order
        ),
    )


def structure_differences(
    original: Structure, translation: Structure
) -> list[tuple[str, str | None]]:
    """Each way ``translation`` departs from ``original``, in words, with the text to look
    for in the translation (None when something is missing from it)."""
    out: list[tuple[str, str | None]] = []
    for name, old, new in (
        ("footnote", original.footnotes, translation.footnotes),
        ("picture", original.pictures, translation.pictures),
        ("attribute block", original.attributes, translation.attributes),
    ):
        if old == new:
            continue
        missing = list((Counter(old) - Counter(new)).elements())
        extra = list((Counter(new) - Counter(old)).elements())
        shown = (lambda v: f"[^{v}]") if name == "footnote" else (lambda v: v)
        if missing:
            listed = ", ".join(shown(v) for v in missing)
            out.append((f"the original's {name} {listed} is missing", None))
        if extra:
            listed = ", ".join(shown(v) for v in extra)
            out.append((f"{name} {listed} is not in the original", shown(extra[0])))
        if not missing and not extra:
            out.append((f"the {name}s are not in the original's order", None))
    return out
