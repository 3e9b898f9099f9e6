"""A contribution's metadata from the register, the command line and the file, and its origins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from idmbook.commands.ingest_run import IngestRun
from idmbook.diagnostics import Severity
from idmbook.ingest.convert import (
    Node,
    plain_text,
)
from idmbook.ingest.document import Document
from idmbook.ingest.metadata import OPTIONS, ORDER, Metadata, document_values
from idmbook.ingest.titleblock import ORIGIN_AUTHORS
from idmbook.load.findings import Finding

_FROM_EDITOR = ("register", "option")
"""The beginnings of the origins that are the editor's word (see :meth:`Metadata.offer`)."""
_IDENTITY = ("organisation", "stakeholder_type", "country", "workshop", "themes", "authors")
"""Fields that say who speaks: taken from the file itself, they are reported as warnings."""
_EDITOR_ONLY = ("consent",)
"""Fields only the editor may set: a value the file gives is reported and ignored."""


def gather_metadata(
    path: Path, document: Document, blocks: list[Node], run: IngestRun
) -> tuple[Metadata, list[Finding]]:
    """The contribution's metadata: the editor's word first (the register's row, then the
    command line), then what the file says of itself; with the findings on where each came
    from."""
    meta = Metadata()
    _offer_editor_values(meta, path.name, run)
    offers = _FileOffers(meta)
    for key, value in document.front_matter.items():
        if key in ORDER:
            offers.offer(key, value, "the file's front matter")
    heading = document.title_block
    if heading is not None:
        offers.offer("title", heading.title_text, "the document's Title paragraph")
        offers.offer("authors", heading.author_names, ORIGIN_AUTHORS)
    properties, custom = _document_properties(document)
    for key, value, origin in document_values(properties, custom, run.project.taxonomy):
        offers.offer(key, value, origin)
    title = _first_heading_title(blocks)
    if title is not None:
        offers.offer("title", title, "the document's first heading")
    return meta, _origins(meta, offers.ignored)


class _FileOffers:
    """Values the file gives of itself: offered to the metadata, except those of fields only
    the editor may set, which are kept aside to be reported."""

    def __init__(self, meta: Metadata) -> None:
        self.meta = meta
        self.ignored: list[tuple[str, Any, str]] = []

    def offer(self, key: str, value: Any, origin: str) -> None:
        if key in _EDITOR_ONLY:
            if value not in (None, "", []):
                self.ignored.append((key, value, origin))
            return
        self.meta.offer(key, value, origin)


def _offer_editor_values(meta: Metadata, name: str, run: IngestRun) -> None:
    """The values of the register's row for the file ``name``, then the command line's."""
    register = run.register
    if register is not None:
        row = register.find(name, run.names)
        if row is not None:
            for key, value in row.values.items():
                meta.offer(
                    key, value, f"{register.rel} row {row.line}, column {row.columns.get(key, '?')}"
                )
    for key, value in run.options.metadata.items():
        meta.offer(key, value, f"option {OPTIONS.get(key, key)}")


def _document_properties(document: Document) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document's properties (with its title and language where the format gives them
    elsewhere) and its custom properties."""
    package = document.package
    properties = dict(package.properties) if package else {}
    custom = dict(package.custom) if package else {}
    if document.meta_text("title") and document.title_block is None:
        properties.setdefault("title", document.meta_text("title"))
    lang = document.meta_text("lang")
    if lang:
        properties.setdefault("language", lang)
    if "language" not in properties:
        # the language most of the text is in, else the one new text is typed in
        fallback = document.language or properties.get("default_language")
        if fallback:
            properties["language"] = fallback
    return properties, custom


def _first_heading_title(blocks: list[Node]) -> str | None:
    """The text of the document's first block when it is a heading of the highest level."""
    first = blocks[0] if blocks else None
    if first is not None and first["t"] == "Header":
        levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
        if first["c"][0] == min(levels):
            return plain_text(first["c"][2])
    return None


def _origins(meta: Metadata, ignored: list[tuple[str, Any, str]]) -> list[Finding]:
    """Where each field came from, as one line of the report; fields about who speaks that
    came from the file itself, and values the file gave for editor-only fields, as warnings."""
    findings: list[Finding] = []
    for key, value, origin in ignored:
        findings.append(
            Finding(
                "IDM126",
                f"{origin} says {key}: {_shown(value)}; ignored: {key} comes only from the "
                "register or the command line",
                f"if the sender did agree, put {key} in this file's row of the register or give "
                f"{OPTIONS.get(key, '--' + key)}",
            )
        )
    for key in ORDER:
        origin = meta.origin.get(key, "")
        if key in _IDENTITY and origin and not origin.startswith(_FROM_EDITOR):
            findings.append(
                Finding(
                    "IDM126",
                    f"{key} {_shown(meta.values[key])} comes from {origin}, not from the "
                    "register or the command line",
                    "check it, and put it in this file's row of the register to confirm it",
                )
            )
    if meta.origin:
        listed = "; ".join(f"{key} from {meta.origin[key]}" for key in ORDER if key in meta.origin)
        findings.append(Finding("IDM126", f"fields: {listed}", severity=Severity.INFO))
    return findings


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value)[:80] + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(str(value)[:80])
