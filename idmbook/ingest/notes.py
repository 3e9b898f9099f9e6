"""A rapporteur note written in Word, from templates/rapporteur-note.docx, as note Markdown.

The template has a table at the top, one row per metadata field (Title, Workshop, Session,
Rapporteur, Status, Themes, ...), then the headings Summary, Key messages and
Recommendations. The conversion keeps, for every line of the Markdown, the paragraph or
table row of the Word document it came from, so that `idmbook validate note.docx` points at
the row or paragraph to correct rather than at Markdown the rapporteur never saw.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook.diagnostics import Diagnostic
from idmbook.ingest.convert import Cleaner, Node, block_text, plain_text, to_markdown
from idmbook.ingest.document import read_document
from idmbook.ingest.metadata import quote
from idmbook.ingest.sniff import sniff
from idmbook.load.archive import DEFAULT_LIMITS, Limits
from idmbook.load.findings import Finding, Refused
from idmbook.load.modelerrors import did_you_mean
from idmbook.load.notebody import SECTIONS
from idmbook.rules import diag

LABELS = {
    "title": "title",
    "titre": "title",
    "título": "title",
    "titulo": "title",
    "session title": "title",
    "workshop": "workshop",
    "atelier": "workshop",
    "taller": "workshop",
    "session": "session",
    "séance": "session",
    "seance": "session",
    "sesión": "session",
    "sesion": "session",
    "rapporteur": "rapporteur",
    "rapporteurs": "rapporteur",
    "rapporteuse": "rapporteur",
    "relator": "rapporteur",
    "relatora": "rapporteur",
    "status": "status",
    "statut": "status",
    "estado": "status",
    "themes": "themes",
    "theme": "themes",
    "thèmes": "themes",
    "temas": "themes",
    "levels": "levels",
    "governance levels": "levels",
    "niveaux": "levels",
    "niveles": "levels",
    "sdg targets": "sdg_targets",
    "cibles odd": "sdg_targets",
    "metas ods": "sdg_targets",
    "thematic sessions": "thematic_sessions",
    "sessions thématiques": "thematic_sessions",
    "sesiones temáticas": "thematic_sessions",
    "language": "language",
    "langue": "language",
    "idioma": "language",
    "sample": "sample",
}
ROW_LABEL = {
    "title": "Title",
    "workshop": "Workshop",
    "session": "Session",
    "rapporteur": "Rapporteur",
    "status": "Status",
    "themes": "Themes",
    "levels": "Levels",
    "sdg_targets": "SDG targets",
    "thematic_sessions": "Thematic sessions",
    "language": "Language",
}
_HEADER_LABELS = {"field", "champ", "campo", "key"}
_ID_FIELDS = {"workshop", "session", "status", "language"}
_LIST_FIELDS = {"themes", "levels", "sdg_targets", "thematic_sessions"}
_ITEM = re.compile(r"^\s*([-*+]|\d{1,9}[.)])\s")
_TRAILING_ATTRS = re.compile(r"\{[^{}]*\}\s*$")
_MARKER = "IDMBOOKBLOCKMARKER"


@dataclass
class NoteDocx:
    """A Word note converted to Markdown, with the way back to the Word document."""

    rel: str
    markdown: str
    view: str
    """One line per paragraph or table row of the Word document, for messages."""
    meta: dict[str, Any]
    lines: dict[int, int] = field(default_factory=dict)
    """Markdown line -> view line."""
    places: dict[int, str] = field(default_factory=dict)
    """View line -> 'row 3 of the table at the top' or 'paragraph 12'."""
    findings: list[Finding] = field(default_factory=list)

    def locate(self, d: Diagnostic) -> Diagnostic:
        """``d`` pointed at the Word document's row or paragraph instead of the Markdown."""
        if d.path != self.rel:
            return d
        hint = d.hint
        if d.code == "IDM011":
            match = re.search(r"'([a-z_]+)'", d.message)
            if match and match.group(1) in ROW_LABEL:
                hint = f"add a row '{ROW_LABEL[match.group(1)]}' to the table at the top"
        view_line = self.lines.get(d.line)
        if view_line is None:
            return Diagnostic(d.code, d.severity, d.path, 0, 0, d.message, hint)
        text = self.view.split("\n")[view_line - 1]
        column = 1
        md_line = self.markdown.split("\n")[d.line - 1] if d.line else ""
        snippet = md_line[max(d.column - 1, 0) :][:12].strip()
        if snippet and snippet in text:
            column = text.index(snippet) + 1
        message = f"{d.message} ({self.places.get(view_line, f'line {view_line}')})"
        return Diagnostic(d.code, d.severity, d.path, view_line, column, message, hint)


def note_from_docx(
    raw: bytes, rel: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[NoteDocx | None, list[Diagnostic]]:
    """Convert a Word note; diagnostics for a file that is not one."""
    sniffed = sniff(raw)
    if sniffed.kind != "docx":
        return None, [
            diag(
                "IDM101",
                rel,
                0,
                0,
                f"the file is named .docx but it is {sniffed.what}",
                "save the note from Word as a Word Document (.docx)",
            )
        ]
    try:
        with tempfile.TemporaryDirectory(prefix="idmbook-note-") as tmp:
            document = read_document(raw, sniffed, ".docx", Path(tmp), limits)
            cleaner = Cleaner(lambda target, alt: None)
            blocks = cleaner.blocks(document.blocks)
            findings = document.findings + cleaner.report()
            package = document.package
            if package is not None and package.pictures:
                findings.append(
                    Finding(
                        "IDM115",
                        f"{package.pictures} picture{'s' * (package.pictures != 1)} left out: "
                        "notes are text; pictures are not carried into the book",
                    )
                )
            if package is not None:
                findings += _revision_findings(
                    package.insertions, package.deletions, package.comments
                )
            note = _build(blocks, rel, package.custom if package else {}, Path(tmp), limits)
    except Refused as exc:
        return None, [exc.finding.diagnostic(rel)]
    if isinstance(note, list):
        return None, note
    note.findings = findings
    return note, [f.diagnostic(rel) for f in findings]


def _revision_findings(insertions: int, deletions: int, comments: int) -> list[Finding]:
    out = []
    if insertions or deletions:
        total = insertions + deletions
        out.append(
            Finding(
                "IDM108",
                f"{total} tracked change{'s' * (total != 1)} accepted ({insertions} "
                f"insertion{'s' * (insertions != 1)}, "
                f"{deletions} deletion{'s' * (deletions != 1)})",
            )
        )
    if comments:
        out.append(Finding("IDM109", f"{comments} comment{'s' * (comments != 1)} removed"))
    return out


def _table_rows(table: Node) -> list[list[str]]:
    c = table["c"]
    rows: list[Any] = list(c[3][1])
    for body in c[4]:
        rows += list(body[2]) + list(body[3])
    rows += list(c[5][1])
    out = []
    for row in rows:
        cells = []
        for cell in row[1]:
            cells.append(" ".join(block_text(b) for b in cell[4]).strip())
        out.append(cells)
    return out


def _label(text: str) -> str:
    return " ".join(text.replace("_", " ").rstrip(": \u00a0").split()).lower()


def _uncapitalise(value: str) -> str:
    """Undo Word's capital at the start of a table cell: 'Geneva' -> 'geneva'."""
    if len(value) > 1 and value[0].isupper() and value[1:] == value[1:].lower():
        return value[0].lower() + value[1:]
    return value


def _value(key: str, text: str) -> Any:
    text = " ".join(text.split())
    if key in _LIST_FIELDS:
        items = [t for t in re.split(r"[;,\s]+", text) if t]
        if key in ("themes", "levels"):
            items = [_uncapitalise(t) for t in items]
        return items
    if key == "rapporteur":
        names = [n.strip() for n in text.split(";") if n.strip()]
        return names if len(names) > 1 else text
    if key == "sample":
        return text.lower() in ("true", "yes", "oui", "sí", "si", "1")
    if key in _ID_FIELDS:
        return _uncapitalise(text)
    return text


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(quote(str(v)) for v in value) + "]"
    return quote(str(value))


def _section_key(block: Node) -> str | None:
    if block["t"] != "Header":
        return None
    name = " ".join(plain_text(block["c"][2]).rstrip(": \t\u00a0\u202f").split()).lower()
    return SECTIONS.get(name)


def _headings(blocks: list[Node]) -> list[Node]:
    section_level = next((b["c"][0] for b in blocks if _section_key(b)), 1)
    out = []
    for block in blocks:
        if block["t"] == "Header":
            level = 2 if _section_key(block) else max(2, min(block["c"][0] - section_level + 2, 6))
            block = {"t": "Header", "c": [level, *block["c"][1:]]}
        out.append(block)
    return out


def _view_lines(block: Node) -> list[str]:
    """One line per paragraph of the Word document that ``block`` came from."""
    kind, c = block["t"], block.get("c", [])
    if kind in ("BulletList", "OrderedList"):
        items = c if kind == "BulletList" else c[1]
        lines: list[str] = []
        for item in items:
            for i, sub in enumerate(item):
                if sub["t"] in ("BulletList", "OrderedList"):
                    lines += _view_lines(sub)
                elif i == 0 or sub["t"] in ("Para", "Plain"):
                    lines.append(block_text(sub))
        return lines or [""]
    if kind == "Table":
        return [" | ".join(row) for row in _table_rows(block)] or [""]
    return [block_text(block)]


def _build(
    blocks: list[Node], rel: str, custom: dict[str, str], workdir: Path, limits: Limits
) -> NoteDocx | list[Diagnostic]:
    table_at = next((i for i, b in enumerate(blocks) if b["t"] == "Table"), None)
    first_section = next((i for i, b in enumerate(blocks) if _section_key(b)), len(blocks))
    view: list[str] = []
    places: dict[int, str] = {}
    paragraph = 0

    def add_view(text: str, place: str | None = None) -> int:
        nonlocal paragraph
        view.append(" ".join(text.split()))
        if place is None:
            paragraph += 1
            place = f"paragraph {paragraph}"
        places[len(view)] = place
        return len(view)

    rows: list[tuple[str, Any, int]] = []
    problems: list[Diagnostic] = []
    if table_at is not None and table_at < first_section:
        for block in blocks[:table_at]:
            for text_line in _view_lines(block):
                add_view(text_line)
        for number, cells in enumerate(_table_rows(blocks[table_at]), 1):
            line = add_view(" | ".join(cells), f"row {number} of the table at the top")
            label = _label(cells[0]) if cells else ""
            value = cells[1].strip() if len(cells) > 1 else ""
            if not label or (label in _HEADER_LABELS and number == 1):
                continue
            key = LABELS.get(label)
            if key is None:
                problems.append(
                    diag(
                        "IDM122",
                        rel,
                        line,
                        1,
                        f"'{cells[0]}' is not a note field (row {number} of the table at the top)",
                        did_you_mean(cells[0], list(ROW_LABEL.values())),
                    )
                )
                continue
            if value:
                rows.append((key, _value(key, value), line))
        body = blocks[table_at + 1 :]
    else:
        body = blocks
        if not any(k in custom for k in ("workshop", "session")):
            problems.append(
                diag(
                    "IDM122",
                    rel,
                    0,
                    0,
                    "the note has no metadata table at the top",
                    "start from templates/rapporteur-note.docx: fill in the table at the top, "
                    "then write under the headings Summary, Key messages and Recommendations",
                )
            )
    if problems:
        return problems
    given = {key for key, _, _ in rows}
    for name, value in custom.items():
        key = LABELS.get(_label(name), name if name in ROW_LABEL else None)
        if key and key not in given and value.strip():
            rows.append((key, _value(key, value), 0))
            given.add(key)
    seen: dict[str, int] = {}
    for key, _, line in rows:
        if key in seen:
            problems.append(
                diag(
                    "IDM122",
                    rel,
                    line,
                    1,
                    f"the field '{ROW_LABEL.get(key, key)}' is given twice in the table",
                    "keep one of the two rows",
                )
            )
        seen[key] = line
    if problems:
        return problems
    md_lines = ["---"]
    lines: dict[int, int] = {}
    for key, value, line in rows:
        md_lines.append(f"{key}: {_yaml(value)}")
        if line:
            lines[len(md_lines)] = line
    md_lines += ["---", ""]
    body = _headings(body)
    starts = []
    for block in body:
        block_lines = _view_lines(block)
        first = add_view(block_lines[0])
        for extra in block_lines[1:]:
            add_view(extra)
        starts.append(first)
    marked: list[Node] = []
    for k, block in enumerate(body):
        marked += [block, {"t": "Para", "c": [{"t": "Str", "c": f"{_MARKER}{k}"}]}]
    markdown = to_markdown(marked, workdir, limits) if marked else ""
    chunks = re.split(rf"^{_MARKER}(\d+)$", markdown, flags=re.M)
    # chunks: [text0, "0", rest0, "1", ...] -> text before marker k is block k
    texts = chunks[0::2]
    for k, start in enumerate(starts):
        chunk = texts[k].strip("\n") if k < len(texts) else ""
        item = -1
        for offset, text in enumerate(chunk.split("\n")):
            if _ITEM.match(text):
                item += 1
                text = _straight_attrs(text)
            elif offset and text.strip() and "{" in text:
                text = _straight_attrs(text)
            md_lines.append(text)
            if text.strip():
                lines[len(md_lines)] = (
                    start + max(item, 0)
                    if body[k]["t"]
                    in (
                        "BulletList",
                        "OrderedList",
                    )
                    else start
                )
        md_lines.append("")
    return NoteDocx(
        rel=rel,
        markdown="\n".join(md_lines).rstrip("\n") + "\n",
        view="\n".join(view),
        meta={key: value for key, value, _ in rows},
        lines=lines,
        places=places,
    )


def _straight_attrs(line: str) -> str:
    """Word's curly quotes inside a recommendation's attribute block become straight."""
    match = _TRAILING_ATTRS.search(line)
    if not match:
        return line
    block = match.group(0)
    for curly in ("\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb", "\u2033"):
        block = block.replace(curly, '"')
    block = block.replace("\\", "")
    return line[: match.start()] + block
