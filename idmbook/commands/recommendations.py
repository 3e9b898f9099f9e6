"""`idmbook recommendations`: every recommendation of the notes as a table, JSON, CSV or XLSX.

The rows come from :mod:`idmbook.model.recommendations`; near-duplicate groups from
:mod:`idmbook.check.duplicates`. Files are written whole to a temporary name beside the target
and then renamed, so that a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from idmbook.check.duplicates import project_near_duplicates
from idmbook.check.gcm import suggestions
from idmbook.check.validate import validate
from idmbook.errors import IdmbookError
from idmbook.model.recommendations import COLUMNS, RecRow, flat, recommendation_rows

FORMATS = ("table", "json", "csv", "xlsx")

_WIDTHS = {"id": 28, "text": 80, "session_title": 40, "actors": 36, "rapporteur": 24, "path": 36}
"""Column widths in the XLSX, in characters; the others get 14."""


@dataclass
class Export:
    """What the command exports: the rows and the near-duplicate groups."""

    rows: list[RecRow]
    near_duplicates: list[dict[str, Any]] = field(default_factory=list)
    suggestions: dict[str, list[int]] = field(default_factory=dict)
    """Objectives of the global compact suggested for recommendations that name none."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "recommendations": [
                {
                    **r.as_dict(),
                    **(
                        {"gcm_suggested": self.suggestions[r.id]}
                        if r.id in self.suggestions
                        else {}
                    ),
                }
                for r in self.rows
            ],
            "near_duplicates": self.near_duplicates,
        }


def to_json(export: Export) -> str:
    return json.dumps(export.as_dict(), indent=2, ensure_ascii=False) + "\n"


def to_csv(rows: list[RecRow]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the accents."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(flat(row))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[RecRow]) -> bytes:
    """A workbook with a bold, frozen header row, filters on every column and wrapped text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Recommendations"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = flat(row)
        values: list[str | int] = [
            int(v) if c in ("session_order", "line") else v
            for c, v in zip(COLUMNS, cells, strict=True)
        ]
        sheet.append(values)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
            if cell.data_type == "f":  # a text starting with '=' is text, never a formula
                cell.data_type = "s"
    for i, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(column, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise IdmbookError(f"cannot write {target}: no folder {folder}", "create the folder first")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise IdmbookError(f"cannot write {target}: {error.strerror}") from error


def table(export: Export) -> list[Any]:
    """Rich renderables: the recommendations, then the near-duplicate groups."""
    out: list[Any] = []
    recs = Table(title="Recommendations", title_justify="left")
    for name in ("id", "text", "themes", "levels", "actors", "gcm"):
        recs.add_column(name, overflow="fold")
    for r in export.rows:
        gcm = " ".join(str(g) for g in r.gcm)
        if not gcm and r.id in export.suggestions:
            gcm = "suggested: " + " ".join(str(g) for g in export.suggestions[r.id])
        recs.add_row(r.id, r.text, " ".join(r.themes), " ".join(r.levels), "; ".join(r.actors), gcm)
    out.append(recs)
    if export.near_duplicates:
        dupes = Table(title="Near-duplicates", title_justify="left")
        for name in ("similarity", "ids", "texts"):
            dupes.add_column(name, overflow="fold")
        for group in export.near_duplicates:
            dupes.add_row(
                f"{group['similarity']:.2f}",
                "\n".join(group["ids"]),
                "\n".join(group["texts"]),
            )
        out.append(dupes)
    return out


def collect(start: Path) -> tuple[Export | None, Any]:
    """Load the project containing ``start``: its export, or None when the project has errors
    (the report says which; nothing is exported from a project that does not validate)."""

    project, report = validate(start)
    if project is None or report.has_errors:
        return None, report

    rows = recommendation_rows(project.config, project.documents.notes)
    threshold = project.config.recommendations.near_duplicate_threshold
    groups = project_near_duplicates(rows, threshold)
    return Export(rows, [g.as_dict() for g in groups], suggestions(rows)), report


def render(export: Export, fmt: str) -> bytes:
    """The export in ``fmt`` (json, csv or xlsx) as bytes."""
    if fmt == "json":
        return to_json(export).encode("utf-8")
    if fmt == "csv":
        return to_csv(export.rows)
    if fmt == "xlsx":
        return to_xlsx(export.rows)
    raise IdmbookError(f"unknown format '{fmt}'", "use table, json, csv or xlsx")
