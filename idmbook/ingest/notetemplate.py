"""The Word template for a rapporteur's note (templates/rapporteur-note.docx), made from a
project's own config: a metadata table at the top (one row per front-matter field, filled
with the project's workshop, session and theme ids), then the headings Summary, Key messages
and Recommendations, as :mod:`idmbook.ingest.notes` reads them back. The file is
reproducible: fixed document properties and zip timestamps."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from idmbook.load.placeholders import (
    MESSAGES_TEXT,
    RECOMMENDATION_TEXT,
    SUMMARY_TEXT,
    WORD_RAPPORTEUR,
)
from idmbook.model.config import Config, Taxonomy

Fields = list[tuple[str, str]]


def template_fields(config: Config, taxonomy: Taxonomy, root: Path | None = None) -> Fields:
    """The table's rows for a project: its first workshop, and the first session of it that
    has no note yet in ``root`` (else its first session), its first two themes."""
    workshop = config.workshops[0]
    sessions = sorted(workshop.sessions, key=lambda s: s.order)
    session = next(
        (
            s
            for s in sessions
            if root is None
            or not (root / "chapters" / "notes" / workshop.id / f"{s.id}.md").exists()
        ),
        sessions[0],
    )
    themes = "; ".join(t.id for t in taxonomy.themes[:2])
    return [
        ("Title", session.title),
        ("Workshop", workshop.id),
        ("Session", session.id),
        ("Rapporteur", WORD_RAPPORTEUR),
        ("Status", "draft"),
        ("Themes", themes),
        ("Levels", "national; global"),
        ("SDG targets", "10.7"),
        ("Thematic sessions", ""),
        ("Language", config.language),
    ]


def note_template(fields: Fields) -> bytes:
    """The template as the bytes of a .docx, its table filled with ``fields``."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.add_paragraph("Rapporteur note", style="Title")
    intro = document.add_paragraph()
    run = intro.add_run(
        "Fill in the table (workshop and session ids as listed in idmbook.yaml; themes, "
        "levels and SDG targets separated by ';'), write under the three headings, and check "
        "the note with: idmbook validate your-note.docx. Keep the table and the headings."
    )
    run.italic = True
    run.font.size = Pt(9)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "Field"
    table.rows[0].cells[1].text = "Value"
    for label, value in fields:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_heading("Summary", 1)
    document.add_paragraph(SUMMARY_TEXT)
    document.add_heading("Key messages", 1)
    document.add_paragraph(MESSAGES_TEXT, "List Bullet")
    document.add_heading("Recommendations", 1)
    document.add_paragraph(
        f'{RECOMMENDATION_TEXT} {{levels="national" actors="Member States"}}', "List Bullet"
    )
    document.add_paragraph(
        "A recommendation without attributes takes the note's themes and levels.", "List Bullet"
    )
    props = document.core_properties
    props.title = "Rapporteur note"
    props.author = "International Organization for Migration"
    props.last_modified_by = "idmbook"
    props.created = props.modified = dt.datetime(2017, 1, 1)
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed timestamps, so the file only changes when its text does."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), source.read(info)
            )
    return out.getvalue()
