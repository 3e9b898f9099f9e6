"""Fill in the table at the top of a Word note template, as a rapporteur does in Word.

    python tests/word_note.py TEMPLATE OUT FIELD=VALUE...

FIELD is the table's first column (Workshop, Session, Rapporteur, ...); the docs' examples
use it to make the Word note they show being checked and ingested (tests/docpages.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document


def fill(template: Path, out: Path, values: dict[str, str]) -> None:
    document = Document(str(template))
    table = document.tables[0]
    seen = set()
    for row in table.rows[1:]:
        name = row.cells[0].text.strip()
        if name in values:
            cell = row.cells[1]
            for extra in cell.paragraphs[1:]:
                extra._element.getparent().remove(extra._element)
            paragraph = cell.paragraphs[0]
            for run in paragraph.runs[1:]:
                run._element.getparent().remove(run._element)
            if paragraph.runs:
                paragraph.runs[0].text = values[name]
            else:
                paragraph.add_run(values[name])
            seen.add(name)
    missing = set(values) - seen
    if missing:
        raise SystemExit(f"no row {sorted(missing)} in the table of {template}")
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))


if __name__ == "__main__":
    template, out, *pairs = sys.argv[1:]
    fill(Path(template), Path(out), dict(pair.split("=", 1) for pair in pairs))
