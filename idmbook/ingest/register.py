"""The submissions register: a CSV or XLSX file with one row per submitted file.

The header row names the columns: ``file`` (the file's name as received) and any of the
contribution's front-matter keys. ``themes`` and ``authors`` hold several values separated
by ``;``. Headers are matched without regard to case, spaces or hyphens, and a few common
variants are accepted (``organization``, ``filename``, ``type``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from idmbook.diagnostics import Diagnostic
from idmbook.errors import IdmbookError
from idmbook.load.archive import DEFAULT_LIMITS, Limits, read_zip
from idmbook.load.findings import Refused
from idmbook.load.modelerrors import did_you_mean
from idmbook.model.documents import BOOL_FIELDS, LIST_FIELDS, SUBMITTED_FIELDS
from idmbook.rules import diag

FIELDS = SUBMITTED_FIELDS
_ALIASES = {
    "filename": "file",
    "file_name": "file",
    "fichier": "file",
    "archivo": "file",
    "organization": "organisation",
    "type": "stakeholder_type",
    "theme": "themes",
    "author": "authors",
    "date_received": "received",
    "received_on": "received",
    "lang": "language",
}
_TRUE = {"true", "yes", "y", "1", "oui", "si", "sí", "x"}
_FALSE = {"false", "no", "n", "0", "non"}
MAX_REGISTER_BYTES = 10 * 1024 * 1024


def fold(name: str) -> str:
    """A file name as Windows and macOS compare them: case and Unicode form ignored."""
    return unicodedata.normalize("NFC", name).casefold()


@dataclass
class Row:
    """One row of the register."""

    line: int
    """The row's number in the spreadsheet (the header is usually row 1)."""
    file: str
    values: dict[str, Any]
    columns: dict[str, str]
    """Front-matter key -> the column letter or number it came from."""


@dataclass
class Register:
    """A loaded register with the problems found in it."""

    rel: str
    rows: list[Row] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    used: set[int] = field(default_factory=set)

    def find(self, name: str, names: list[str]) -> Row | None:
        """The row for file ``name``; ``names`` are all the files being ingested, so that
        a row is matched by folded name only when no other file could claim it."""
        exact = [r for r in self.rows if r.file == name]
        if len(exact) > 1:
            raise Refused(
                "IDM112",
                f"the register lists '{name}' {len(exact)} times (rows "
                f"{', '.join(str(r.line) for r in exact)})",
                "keep one row per file in the register",
            )
        if exact:
            self.used.add(exact[0].line)
            return exact[0]
        key = fold(name)
        folded = [r for r in self.rows if fold(r.file) == key]
        rivals = [n for n in names if fold(n) == key]
        if len(folded) == 1 and len(rivals) == 1 and folded[0].file not in names:
            self.used.add(folded[0].line)
            return folded[0]
        return None

    def unused(self, names: list[str]) -> list[Diagnostic]:
        """Rows that name none of the files ``names``."""
        folded = {fold(n) for n in names}
        return [
            diag(
                "IDM112",
                self.rel,
                row.line,
                1,
                f"row {row.line} names '{row.file}', which is not among the files ingested",
                "check the file name (spelling, extension) against the inbox",
            )
            for row in self.rows
            if row.file not in names and fold(row.file) not in folded
        ]


def load_register(path: Path, rel: str, limits: Limits = DEFAULT_LIMITS) -> Register:
    """Read a CSV or XLSX register; an unreadable one raises (idmbook cannot run)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IdmbookError(f"cannot read the register {rel}: {exc.strerror}") from None
    if len(raw) > MAX_REGISTER_BYTES:
        raise IdmbookError(f"the register {rel} is larger than 10 MB")
    register = Register(rel)
    if raw.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(raw, rel, limits)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raise IdmbookError(f"the register {rel} is not an Excel workbook (.xlsx)")
    else:
        table = _csv_rows(raw, register)
    _read_table(table, register)
    return register


def _csv_rows(raw: bytes, register: Register) -> list[tuple[int, list[Any]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", "replace")
        register.diagnostics.append(
            diag(
                "IDM112",
                register.rel,
                0,
                0,
                "the register is not UTF-8; it was read as Windows-1252",
                "check accented names; in Excel choose Save As > CSV UTF-8",
            )
        )
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, list(cells)))
    except csv.Error as exc:
        raise IdmbookError(f"the register {register.rel} cannot be read as CSV: {exc}") from None
    return rows


MAX_COLUMNS = 100
"""Columns read from a register sheet: far more than the contribution fields."""
CELLS_PER_BYTE = 20
"""How many cells a register may make the reader produce per byte of the file, empty ones
included: a sheet that claims rows or columns far beyond what its bytes hold is refused
before it can fill the memory."""
MIN_CELLS = 500_000


def _xlsx_rows(raw: bytes, rel: str, limits: Limits) -> list[tuple[int, list[Any]]]:
    try:
        read_zip(raw, limits, what="register")
    except Refused as exc:
        raise IdmbookError(f"{rel}: {exc.finding.message}", exc.finding.hint) from None
    from openpyxl import load_workbook

    budget = max(MIN_CELLS, CELLS_PER_BYTE * len(raw))
    rows: list[tuple[int, list[Any]]] = []
    produced = 0
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # the size the sheet declares is not trusted
            for line, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
                produced += max(len(cells), 1)
                if produced > budget:
                    raise IdmbookError(
                        f"the register {rel} goes on past row {line}, far more than its "
                        f"{len(raw) // 1024 or 1} KB can hold; it was not read",
                        "open it in a spreadsheet, delete the empty rows and columns after the "
                        "last filled cell (or copy the filled cells to a new sheet) and save it",
                    )
                if any(_cell(c) for c in cells):
                    rows.append((line, list(cells)))
        finally:
            book.close()
    except IdmbookError:
        raise
    except MemoryError:
        raise IdmbookError(
            f"the register {rel} needs more memory than idmbook gives a register; it was not read",
            "save the register again as CSV (UTF-8) and ingest with that",
        ) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad workbook
        raise IdmbookError(
            f"the register {rel} cannot be read as an Excel workbook "
            f"({type(exc).__name__}{': ' + str(exc)[:200] if str(exc) else ''})",
            "open it in a spreadsheet and save it again, or save it as CSV (UTF-8)",
        ) from None
    return rows


def _header_key(value: Any) -> str:
    key = "_".join(str(value or "").strip().lower().replace("-", " ").split())
    return _ALIASES.get(key, key)


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _read_table(table: list[tuple[int, list[Any]]], register: Register) -> None:
    rel = register.rel
    header_at = next(
        (i for i, (_, cells) in enumerate(table) if any(_cell(c) for c in cells)), None
    )
    if header_at is None:
        raise IdmbookError(f"the register {rel} is empty")
    header_line, header = table[header_at]
    keys = [_header_key(h) for h in header]
    if "file" not in keys:
        raise IdmbookError(
            f"the register {rel} has no 'file' column",
            "the first row names the columns: file, title, organisation, stakeholder_type, "
            "country, workshop, themes, language, received, consent",
        )
    columns: dict[int, str] = {}
    for index, key in enumerate(keys):
        if not key:
            continue
        if key in columns.values():
            raise IdmbookError(f"the register {rel} has two '{key}' columns")
        if key != "file" and key not in FIELDS:
            register.diagnostics.append(
                diag(
                    "IDM112",
                    rel,
                    header_line,
                    index + 1,
                    f"column '{header[index]}' is not a contribution field; it is ignored",
                    did_you_mean(key, list(FIELDS)),
                )
            )
            continue
        columns[index] = key
    for line, cells in table[header_at + 1 :]:
        values: dict[str, Any] = {}
        where: dict[str, str] = {}
        for index, key in columns.items():
            value = _convert(key, cells[index] if index < len(cells) else None)
            if value is not None:
                values[key] = value
                where[key] = _column_name(index)
        if not values:
            continue
        file = values.pop("file", None)
        where.pop("file", None)
        if not isinstance(file, str) or not file:
            register.diagnostics.append(
                diag("IDM112", rel, line, 1, f"row {line} has no file name; it is ignored")
            )
            continue
        name = PurePosixPath(file.replace("\\", "/")).name
        register.rows.append(Row(line, name, values, where))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _convert(key: str, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date() if key == "received" else value.date().isoformat()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return value
    text = _cell(value)
    if not text:
        return None
    if key in LIST_FIELDS:
        separators = ";," if key == "themes" else ";"
        for sep in separators[1:]:
            text = text.replace(sep, separators[0])
        items = [t.strip() for t in text.split(separators[0]) if t.strip()]
        return items or None
    if key in BOOL_FIELDS:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if key == "received":
        try:
            return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else text
        except ValueError:
            return text
    return text
