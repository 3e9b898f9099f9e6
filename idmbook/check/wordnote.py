"""A rapporteur note written in Word, converted for validation (``idmbook validate note.docx``).

Converting a Word document needs pandoc and the XML libraries of the build extra; ``pip install
idmbook`` alone validates Markdown. The conversion is therefore imported only when a Word note
is validated, and without the build extra validation stops with one line that says what to
install (exit status 2: idmbook could not do what was asked), never with a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from idmbook.diagnostics import Diagnostic
from idmbook.errors import require_build

if TYPE_CHECKING:
    from idmbook.ingest.notes import NoteDocx


def note_from_word(raw: bytes, rel: str) -> tuple[NoteDocx | None, list[Diagnostic]]:
    """The Word note ``raw`` of ``rel`` as note Markdown, and the diagnostics of converting
    it; ExtraMissing when the build extra is not installed."""
    require_build(f"validating the Word note {rel}")
    # imported here, not at the top: the conversion's modules import the build extra's
    # packages (lxml), which a validation of Markdown must not need
    from idmbook.ingest.notes import note_from_docx

    return note_from_docx(raw, rel)
