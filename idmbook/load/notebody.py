"""The body of a rapporteur note: its sections and the recommendation syntax.

A note's body has three level-2 sections: Summary, Key messages and Recommendations (French and
Spanish headings are accepted too). Every list item under Recommendations is one
recommendation. An item may end with an attribute block in braces, written like pandoc's
attributes::

    - Create one-stop shops for newly arrived migrants. {themes="rights-wellbeing nyd-o"
      levels="local" actors="local authorities; civil society"}

``themes`` and ``levels`` are separated by spaces or commas, ``actors`` by semicolons. Without
a block, a recommendation takes the note's own themes and levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from idmbook.diagnostics import Diagnostic
from idmbook.rules import diag

SECTIONS = {
    "summary": "summary",
    "résumé": "summary",
    "resume": "summary",
    "resumen": "summary",
    "key messages": "key_messages",
    "messages clés": "key_messages",
    "messages cles": "key_messages",
    "mensajes clave": "key_messages",
    "recommendations": "recommendations",
    "recommandations": "recommendations",
    "recomendaciones": "recommendations",
}
SECTION_TITLES = {
    "summary": "Summary",
    "key_messages": "Key messages",
    "recommendations": "Recommendations",
}
ATTRIBUTE_KEYS = ("themes", "levels", "actors", "gcm")

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)")
_ATTR_BLOCK = re.compile(r"\{([^{}]*)\}\s*$")
_ATTR_START = re.compile(r"^\s*[A-Za-z_][\w-]*\s*=")
_BOLD_LINE = re.compile(r"^ {0,3}(\*\*|__|\*|_)\s*(.+?)\s*:?\s*\1\s*:?\s*$")
"""A line that is only bold or italic text: a heading typed as emphasis."""
_MISPLACED_BLOCK = re.compile(r"\{\s*(?:themes|levels|actors)\s*=[^{}]*\}")
_OPEN_BLOCK = re.compile(r"\{\s*(?:themes|levels|actors|gcm)\s*=")
_PAREN_BLOCK = re.compile(r"\(\s*(?:themes|levels|actors|gcm)\s*=\s*[\"']")
_ATTR = re.compile(r"""\s*([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")


@dataclass
class RawRecommendation:
    """A recommendation as written, with positions for diagnostics."""

    text: str
    line: int
    attributes: dict[str, str] = field(default_factory=dict)
    attr_line: int = 0
    attr_column: int = 0

    def split(self, key: str) -> list[str]:
        value = self.attributes.get(key, "")
        if key == "actors":
            return [a.strip() for a in value.split(";") if a.strip()]
        return [v for v in re.split(r"[\s,]+", value) if v]


@dataclass
class NoteBody:
    """The sections of a note body."""

    sections: dict[str, str]
    section_lines: dict[str, int]
    recommendations: list[RawRecommendation]
    footnotes: str = ""
    """Footnote definitions written among the recommendations (usually at the note's end):
    the book gives each recommendation, key message or summary the ones it refers to."""


def parse_note_body(body: str, rel: str, first_line: int) -> tuple[NoteBody, list[Diagnostic]]:
    """Split a note body into its sections and recommendations."""
    split = _Sections(rel)
    for i, line in enumerate(body.split("\n")):
        split.read(line, first_line + i)
    problems = split.problems
    if split.preamble_line:
        problems.append(
            diag(
                "IDM033",
                rel,
                split.preamble_line,
                1,
                "text before the first section is not published",
                "move it under '## Summary'",
            )
        )
    sections, section_lines = split.sections, split.section_lines
    text = {k: "\n".join("\n".join(lines) for _, lines in v) for k, v in sections.items()}
    problems += _section_problems(text, section_lines, rel, first_line, split.emphasised)
    recommendations: list[RawRecommendation] = []
    footnotes: list[str] = []
    for start, block in sections.get("recommendations", []):
        block, definitions = _footnote_definitions(block)
        footnotes += definitions
        found, rec_problems = _parse_recommendations(block, rel, start)
        recommendations += found
        problems += rec_problems
    if "recommendations" in sections and not recommendations and text["recommendations"].strip():
        problems.append(
            diag(
                "IDM031",
                rel,
                section_lines["recommendations"],
                1,
                "the Recommendations section has no list items",
                "write each recommendation as a list item starting with '- ' or '1. '",
            )
        )
    problems += _unreadable_blocks(body.split("\n"), rel, first_line)
    stripped = {k: v.strip("\n") for k, v in text.items()}
    return NoteBody(stripped, section_lines, recommendations, "\n\n".join(footnotes)), problems


_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:")


def _footnote_definitions(lines: list[str]) -> tuple[list[str], list[str]]:
    """``lines`` with the footnote definitions outside list items blanked (the line numbers
    stay), and those definitions, each with its indented continuation lines."""
    kept = list(lines)
    definitions: list[str] = []
    index = 0
    while index < len(lines):
        if not _NOTE_DEFINITION.match(lines[index]):
            index += 1
            continue
        block = [lines[index].lstrip()]
        kept[index] = ""
        index += 1
        while index < len(lines) and (
            lines[index].startswith(("    ", "\t")) or not lines[index].strip()
        ):
            if not lines[index].strip() and not (
                index + 1 < len(lines) and lines[index + 1].startswith(("    ", "\t"))
            ):
                break
            block.append(lines[index])
            kept[index] = ""
            index += 1
        definitions.append("\n".join(block))
    return kept, definitions


class _Sections:
    """A note body read line by line into its sections (each as blocks of lines: a section
    given twice has two), with what is out of place."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.sections: dict[str, list[tuple[int, list[str]]]] = {}
        self.section_lines: dict[str, int] = {}
        self.problems: list[Diagnostic] = []
        self.current: str | None = None
        self.fence: str | None = None
        self.seen_heading = False
        self.preamble_line = 0
        """The first line of text before any heading (0: none)."""
        self.emphasised: dict[str, tuple[int, str]] = {}
        """Lines of bold or italic text alone that name a section: line and text, by
        section."""

    def read(self, line: str, lineno: int) -> None:
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if self.fence is None:
                self.fence = marker[0] * 3
            elif marker.startswith(self.fence):
                self.fence = None
        heading = None if self.fence else _HEADING.match(line)
        if not self.fence and not heading and ("*" in line or "_" in line):
            self._emphasised(line, lineno)
        if heading and len(heading.group(1)) <= 2:
            self._heading(heading, lineno)
        elif self.current is not None:
            self.sections[self.current][-1][1].append(line)
        elif line.strip() and not self.seen_heading and not self.preamble_line:
            self.preamble_line = lineno

    def _emphasised(self, line: str, lineno: int) -> None:
        bold = _BOLD_LINE.match(line)
        if bold:
            key = SECTIONS.get(" ".join(bold.group(2).rstrip(":").split()).lower())
            if key:
                self.emphasised.setdefault(key, (lineno, line.strip()))

    def _heading(self, heading: re.Match[str], lineno: int) -> None:
        self.seen_heading = True
        name = " ".join(heading.group(2).rstrip(": \t\u00a0\u202f").split()).lower()
        key = SECTIONS.get(name)
        if len(heading.group(1)) != 2 or not key:
            self.problems.append(
                diag(
                    "IDM033",
                    self.rel,
                    lineno,
                    1,
                    f"section '{heading.group(2)}' is not published",
                    "use the sections Summary, Key messages and Recommendations",
                )
            )
            self.current = None
            return
        if key in self.sections:
            self.problems.append(
                diag(
                    "IDM030",
                    self.rel,
                    lineno,
                    1,
                    f"section '{heading.group(2)}' appears twice",
                    "merge the two sections into one",
                )
            )
        self.current = key
        self.sections.setdefault(key, []).append((lineno + 1, []))
        self.section_lines.setdefault(key, lineno)


def _section_problems(
    text: dict[str, str],
    section_lines: dict[str, int],
    rel: str,
    first_line: int,
    emphasised: dict[str, tuple[int, str]],
) -> list[Diagnostic]:
    """A section missing (at the bold line that looks like its heading, if there is one) or
    empty."""
    problems = []
    for key, title in SECTION_TITLES.items():
        if key not in text and key in emphasised:
            line, written = emphasised[key]
            problems.append(
                diag(
                    "IDM030",
                    rel,
                    line,
                    1,
                    f"the section '## {title}' is missing; the line '{written}' looks like its "
                    "heading",
                    f"a heading is a line starting with '## ': write '## {title}' instead of "
                    f"'{written}'",
                )
            )
        elif key not in text:
            problems.append(
                diag(
                    "IDM030",
                    rel,
                    first_line,
                    1,
                    f"the section '## {title}' is missing",
                    "a note has the sections Summary, Key messages and Recommendations",
                )
            )
        elif not text[key].strip():
            problems.append(
                diag("IDM034", rel, section_lines[key], 1, f"the section '{title}' is empty")
            )
    return problems


def _parse_recommendations(
    lines: list[str], rel: str, first_line: int
) -> tuple[list[RawRecommendation], list[Diagnostic]]:
    items, stray_line = _list_items(lines, first_line)
    problems: list[Diagnostic] = []
    if stray_line and items:
        problems.append(
            diag(
                "IDM033",
                rel,
                stray_line,
                1,
                "text in the Recommendations section outside a list item is not published",
                "make it a list item, or move it to Key messages",
            )
        )
    result = []
    for lineno, parts in items:
        while parts and not parts[-1].strip():
            parts.pop()
        rec, rec_problems = _recommendation(parts, lineno, lines, rel, first_line)
        problems += rec_problems
        if not rec.text:
            problems.append(diag("IDM034", rel, lineno, 1, "the recommendation is empty"))
            continue
        result.append(rec)
    return result, problems


def _list_items(lines: list[str], first_line: int) -> tuple[list[tuple[int, list[str]]], int]:
    """(line, lines of its text) of each list item of ``lines``, and the first line of text
    outside any item (0: none)."""
    items: list[tuple[int, list[str]]] = []
    blank = False
    stray_line = 0
    content = 0  # where the text of the current item starts: deeper list items belong to it
    for i, line in enumerate(lines):
        match = _ITEM.match(line)
        if match and items and content and len(match.group(1)) >= content:
            items[-1][1].append(line[content:])  # a nested list item is part of the item
        elif match:
            items.append((first_line + i, [line[match.end() :]]))
            content = match.end() if match.group(3) else 0
        elif not line.strip():
            if items:
                items[-1][1].append("")
        elif items and (line.startswith((" ", "\t")) or not blank):
            items[-1][1].append(line.strip() if not line.startswith("    ") else line[4:])
        elif not stray_line:
            stray_line = first_line + i
        if match or not line.strip():  # (a line of text after a blank one leaves it so)
            blank = not match
    return items, stray_line


def _recommendation(
    parts: list[str], lineno: int, lines: list[str], rel: str, first_line: int
) -> tuple[RawRecommendation, list[Diagnostic]]:
    """The recommendation of the item at ``lineno`` (its text ``parts``), with its attribute
    block read, or a misplaced one reported."""
    text = "\n".join(parts)
    rec = RawRecommendation(text=text.strip(), line=lineno)
    block = _attribute_block(text)
    if block is None:
        return rec, _misplaced_block(text, lineno, lines, rel, first_line)
    before = text[: block.start()]
    attr_line = lineno + before.count("\n")
    last = parts[before.count("\n")]
    column = len(before) - before.rfind("\n") - 1 if "\n" in before else len(before)
    indent = max(lines[attr_line - first_line].find(last), 0) if last else 0
    rec.attr_line, rec.attr_column = attr_line, column + indent + 1
    attrs, problem = _parse_attributes(block.group(1))
    rec.attributes = attrs
    rec.text = (before.rstrip() + text[block.end() :]).strip()
    if not problem:
        return rec, []
    hint = 'write key="value" pairs: themes, levels, actors'
    return rec, [diag("IDM032", rel, rec.attr_line, rec.attr_column, problem, hint)]


def _misplaced_block(
    text: str, lineno: int, lines: list[str], rel: str, first_line: int
) -> list[Diagnostic]:
    """An attribute block inside the item's text, not at its end: it would print as text."""
    misplaced = _MISPLACED_BLOCK.search(text)
    if not misplaced:
        return []
    before = text[: misplaced.start()]
    line_index = before.count("\n")
    source = lines[lineno - first_line + line_index]
    column = source.find(misplaced.group(0)[:20]) + 1
    return [
        diag(
            "IDM032",
            rel,
            lineno + line_index,
            max(column, 1),
            "the attribute block is not at the end of the recommendation, so it "
            "would be printed as text",
            "move the {...} block to the very end of the item, after the full stop",
        )
    ]


def _unreadable_blocks(lines: list[str], rel: str, first_line: int) -> list[Diagnostic]:
    """Attribute blocks that would be printed as text: one opened with '{' and never closed
    in its paragraph, or one written in parentheses."""
    problems: list[Diagnostic] = []
    fence: str | None = None
    paragraph: list[tuple[int, str]] = []
    for index, line in enumerate([*lines, ""]):
        marker = _FENCE.match(line)
        if marker:
            fence = marker.group(1)[0] * 3 if fence is None else None
            continue
        if fence is not None:
            continue
        if line.strip() and not _ITEM.match(line):
            paragraph.append((first_line + index, line))
            continue
        problems += _unclosed_in(paragraph, rel)
        paragraph = [(first_line + index, line)] if line.strip() else []
    return problems


def _unclosed_in(paragraph: list[tuple[int, str]], rel: str) -> list[Diagnostic]:
    """:func:`_unreadable_blocks` in one paragraph or list item (its lines and their
    numbers)."""
    problems: list[Diagnostic] = []
    for number, (lineno, line) in enumerate(paragraph):
        for match in _PAREN_BLOCK.finditer(line):
            problems.append(
                diag(
                    "IDM032",
                    rel,
                    lineno,
                    match.start() + 1,
                    "the attributes are in parentheses, so they would be printed as text",
                    'write them in braces at the end of the item: {levels="national"}',
                )
            )
        for match in _OPEN_BLOCK.finditer(line):
            rest = [line[match.end() :], *(text for _, text in paragraph[number + 1 :])]
            if not any("}" in text for text in rest):
                problems.append(
                    diag(
                        "IDM032",
                        rel,
                        lineno,
                        match.start() + 1,
                        "the attribute block is never closed with '}', so it would be "
                        "printed as text",
                        "end the block with '}'",
                    )
                )
    return problems


def _attribute_block(text: str) -> re.Match[str] | None:
    """The item's attribute block: at the end of the item, or at the end of its first line
    when a nested list follows."""
    first_end = text.find("\n")
    for end in (len(text), first_end):
        block = _ATTR_BLOCK.search(text, 0, end) if end > 0 else None
        if block and _ATTR_START.match(block.group(1)):
            return block
    return None


def _parse_attributes(text: str) -> tuple[dict[str, str], str | None]:
    attrs: dict[str, str] = {}
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _ATTR.match(text, pos)
        if not match:
            return attrs, f"cannot read the attributes from '{text[pos:].strip()[:40]}'"
        key = match.group(1)
        value = next(g for g in match.groups()[1:] if g is not None)
        if key not in ATTRIBUTE_KEYS:
            return attrs, f"unknown attribute '{key}'; use themes, levels, actors or gcm"
        if key in attrs:
            return attrs, f"attribute '{key}' given twice"
        attrs[key] = value
        pos = match.end()
    return attrs, None
