"""What the inspection of a document container (.docx, .odt) yields."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from idmbook.ingest.leftout import LeftOut
from idmbook.load.findings import Finding


@dataclass
class Package:
    """A container's members after cleaning, with what was found and counted in it."""

    members: dict[str, bytes]
    """The members handed to pandoc: dangerous parts and external references removed."""
    media_base: str
    """Folder that picture paths in pandoc's output are relative to ("word/" for .docx)."""
    main_part: str = ""
    """The member holding the document's text ("word/document.xml", "content.xml")."""
    findings: list[Finding] = field(default_factory=list)
    insertions: int = 0
    deletions: int = 0
    comments: int = 0
    pictures: int = 0
    pictures_without_alt: int = 0
    properties: dict[str, str] = field(default_factory=dict)
    """Document properties: title, language, keywords, company, creator, and the language
    new text is typed in (default_language)."""
    custom: dict[str, str] = field(default_factory=dict)
    """Custom document properties (Word's File > Properties > Custom), by name."""
    left_out: LeftOut = field(default_factory=LeftOut)
    """What the container holds outside the text pandoc reads (headers, diagrams, charts)."""
    formulas: dict[str, ET.Element] = field(default_factory=dict)
    """Equations embedded as objects (OpenDocument), MathML by the object's folder name."""
