"""Write templates/rapporteur-note.docx: the Word template for a rapporteur's note.

A metadata table at the top (one row per front-matter field), then the headings Summary,
Key messages and Recommendations. `idmbook validate note.docx` checks a note written from
it, and `idmbook ingest --as note note.docx` turns it into chapters/notes/WORKSHOP/SESSION.md.
The file is reproducible: fixed document properties and zip timestamps.

Usage: python scripts/make_note_template.py [templates/rapporteur-note.docx]
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.shared import Pt

FIELDS = [
    ("Title", "Opening session"),
    ("Workshop", "new-york"),
    ("Session", "opening"),
    ("Rapporteur", "Your name"),
    ("Status", "draft"),
    ("Themes", "safe-orderly-regular; rights-wellbeing"),
    ("Levels", "national; global"),
    ("SDG targets", "10.7"),
    ("Thematic sessions", ""),
    ("Language", "en"),
]


def build() -> bytes:
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
    for label, value in FIELDS:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_heading("Summary", 1)
    document.add_paragraph("What was said in the session, in two or three paragraphs.")
    document.add_heading("Key messages", 1)
    document.add_paragraph("The main points participants agreed on, one per item.", "List Bullet")
    document.add_heading("Recommendations", 1)
    document.add_paragraph(
        'One recommendation per item. {levels="national" actors="Member States"}', "List Bullet"
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
    return reproducible(buffer.getvalue())


def reproducible(data: bytes) -> bytes:
    """The same package with fixed timestamps, so the file only changes when its text does."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), source.read(info)
            )
    return out.getvalue()


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/rapporteur-note.docx")
    path.write_bytes(build())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
