"""What a proof records about itself: the project it was made for, the sources it prints
with their hashes, and, for each marked paragraph, where it comes from and its text as sent.

Every paragraph a proof prints from a source carries a Word bookmark named
``idm_<hash of the source's project path>_<index of the segment>``: a name Word and
LibreOffice keep (a letter first, 40 characters at most, no spaces). The record is kept in
the DOCX's custom document properties (so a returned proof carries it) and beside it as
``NAME.proof.json``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "idmbook-proof/1"
PROPERTY = "idmbook proof"
"""The custom document property holding the record."""
_KEY = re.compile(r"^idm_([0-9a-f]{8})_(\d{1,6})$")


def source_tag(rel: str) -> str:
    """The short hash of a source's project path that starts its paragraphs' keys."""
    return hashlib.sha256(rel.encode("utf-8")).hexdigest()[:8]


def paragraph_key(rel: str, index: int) -> str:
    """The bookmark name of segment ``index`` of the source ``rel``."""
    return f"idm_{source_tag(rel)}_{index}"


def is_key(name: str) -> bool:
    return _KEY.match(name) is not None


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Marked:
    """One paragraph of a proof that comes from a source."""

    source: str
    """The source's project path."""
    index: int
    """The segment's index in the source (0: the title)."""
    kind: str
    """title, heading, paragraph, item, recommendation or footnote."""
    line: int
    """Line of the segment in the source when the proof was made."""
    digest: str
    """SHA-256 of the segment's Markdown when the proof was made."""
    sent: str = ""
    """The paragraph's text as the proof printed it."""


@dataclass
class ProofRecord:
    """What a proof says about itself."""

    project: dict[str, str]
    """The project's title and output basename."""
    sources: dict[str, str]
    """Project path -> SHA-256 of the source file when the proof was made."""
    paragraphs: dict[str, Marked] = field(default_factory=dict)
    made_by: str = ""
    format: str = FORMAT

    @property
    def ident(self) -> str:
        """A short hash of the project and the sources the proof prints."""
        text = json.dumps([self.project, self.sources], sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    def to_json(self) -> str:
        data = {
            "format": self.format,
            "id": self.ident,
            "made_by": self.made_by,
            "project": self.project,
            "sources": self.sources,
            "paragraphs": {key: asdict(value) for key, value in self.paragraphs.items()},
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


class BadRecord(ValueError):
    """The record is missing, damaged, or not one idmbook writes."""


def read_record(text: str) -> ProofRecord:
    """The record written by :meth:`ProofRecord.to_json`; BadRecord for anything else (the
    text comes from a returned file: it is checked field by field)."""
    try:
        data = json.loads(text)
    except ValueError:
        raise BadRecord("its record is not valid JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadRecord("its record is not an idmbook proof record")
    project, sources, paragraphs = data.get("project"), data.get("sources"), data.get("paragraphs")
    if not isinstance(project, dict) or not isinstance(sources, dict):
        raise BadRecord("its record is incomplete")
    if not _str_map(project) or not _str_map(sources) or not isinstance(paragraphs, dict):
        raise BadRecord("its record is incomplete")
    record = ProofRecord(project, sources, {}, str(data.get("made_by", "")))
    for key, value in paragraphs.items():
        record.paragraphs[key] = _marked(key, value, sources)
    return record


def _str_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _marked(key: Any, value: Any, sources: dict[str, str]) -> Marked:
    if not isinstance(key, str) or not is_key(key) or not isinstance(value, dict):
        raise BadRecord(f"its record names a paragraph {str(key)[:40]!r} it cannot have")
    try:
        marked = Marked(**{name: value[name] for name in Marked.__dataclass_fields__})
    except (KeyError, TypeError):
        raise BadRecord(f"its record of paragraph {key} is incomplete") from None
    types = (str, int, str, int, str, str)
    fields = (marked.source, marked.index, marked.kind, marked.line, marked.digest, marked.sent)
    if not all(isinstance(v, t) for v, t in zip(fields, types, strict=True)):
        raise BadRecord(f"its record of paragraph {key} is damaged")
    if marked.source not in sources or paragraph_key(marked.source, marked.index) != key:
        raise BadRecord(f"its record of paragraph {key} does not match its key")
    return marked
