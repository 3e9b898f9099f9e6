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
_MISPLACED_BLOCK = re.compile(r"\{\s*(?:themes|levels|actors)\s*=[^{}]*\}")
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


def parse_note_body(body: str, rel: str, first_line: int) -> tuple[NoteBody, list[Diagnostic]]:
    """Split a note body into its sections and recommendations."""
    problems: list[Diagnostic] = []
    lines = body.split("\n")
    # each section's text, as blocks (first line, lines): a section given twice has two
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    section_lines: dict[str, int] = {}
    current: str | None = None
    fence: str | None = None
    preamble_line = 0
    seen_heading = False
    for i, line in enumerate(lines):
        lineno = first_line + i
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
        heading = None if fence else _HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            seen_heading = True
            name = " ".join(heading.group(2).rstrip(": \t\u00a0\u202f").split()).lower()
            key = SECTIONS.get(name)
            if len(heading.group(1)) == 2 and key:
                if key in sections:
                    problems.append(
                        diag(
                            "IDM030",
                            rel,
                            lineno,
                            1,
                            f"section '{heading.group(2)}' appears twice",
                            "merge the two sections into one",
                        )
                    )
                current = key
                sections.setdefault(key, []).append((lineno + 1, []))
                section_lines.setdefault(key, lineno)
                continue
            problems.append(
                diag(
                    "IDM033",
                    rel,
                    lineno,
                    1,
                    f"section '{heading.group(2)}' is not published",
                    "use the sections Summary, Key messages and Recommendations",
                )
            )
            current = None
            continue
        if current is None:
            if line.strip() and not preamble_line and not seen_heading:
                preamble_line = lineno
            continue
        sections[current][-1][1].append(line)
    if preamble_line:
        problems.append(
            diag(
                "IDM033",
                rel,
                preamble_line,
                1,
                "text before the first section is not published",
                "move it under '## Summary'",
            )
        )
    text = {k: "\n".join("\n".join(lines) for _, lines in v) for k, v in sections.items()}
    for key, title in SECTION_TITLES.items():
        if key not in sections:
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
    recommendations: list[RawRecommendation] = []
    for start, block in sections.get("recommendations", []):
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
    stripped = {k: v.strip("\n") for k, v in text.items()}
    return NoteBody(stripped, section_lines, recommendations), problems


def _parse_recommendations(
    lines: list[str], rel: str, first_line: int
) -> tuple[list[RawRecommendation], list[Diagnostic]]:
    items: list[tuple[int, list[str]]] = []
    problems: list[Diagnostic] = []
    blank = False
    stray_line = 0
    content = 0  # where the text of the current item starts: deeper list items belong to it
    for i, line in enumerate(lines):
        lineno = first_line + i
        match = _ITEM.match(line)
        if match and items and content and len(match.group(1)) >= content:
            items[-1][1].append(line[content:])  # a nested list item is part of the item
            blank = False
        elif match:
            items.append((lineno, [line[match.end() :]]))
            content = match.end() if match.group(3) else 0
            blank = False
        elif not line.strip():
            blank = True
            if items:
                items[-1][1].append("")
        elif items and (line.startswith((" ", "\t")) or not blank):
            items[-1][1].append(line.strip() if not line.startswith("    ") else line[4:])
        else:
            if not stray_line:
                stray_line = lineno
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
        text = "\n".join(parts)
        rec = RawRecommendation(text=text.strip(), line=lineno)
        block = _attribute_block(text)
        if block:
            before = text[: block.start()]
            attr_line = lineno + before.count("\n")
            last = parts[before.count("\n")]
            column = len(before) - before.rfind("\n") - 1 if "\n" in before else len(before)
            indent = max(lines[attr_line - first_line].find(last), 0) if last else 0
            rec.attr_line, rec.attr_column = attr_line, column + indent + 1
            attrs, problem = _parse_attributes(block.group(1))
            if problem:
                problems.append(
                    diag(
                        "IDM032",
                        rel,
                        rec.attr_line,
                        rec.attr_column,
                        problem,
                        'write key="value" pairs: themes, levels, actors',
                    )
                )
            rec.attributes = attrs
            rec.text = (before.rstrip() + text[block.end() :]).strip()
        else:
            misplaced = _MISPLACED_BLOCK.search(text)
            if misplaced:
                before = text[: misplaced.start()]
                line_index = before.count("\n")
                source = lines[lineno - first_line + line_index]
                column = source.find(misplaced.group(0)[:20]) + 1
                problems.append(
                    diag(
                        "IDM032",
                        rel,
                        lineno + line_index,
                        max(column, 1),
                        "the attribute block is not at the end of the recommendation, so it "
                        "would be printed as text",
                        "move the {...} block to the very end of the item, after the full stop",
                    )
                )
        if not rec.text:
            problems.append(diag("IDM034", rel, lineno, 1, "the recommendation is empty"))
            continue
        result.append(rec)
    return result, problems


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
