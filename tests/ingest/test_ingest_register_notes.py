"""The submissions register (CSV and XLSX), Word rapporteur notes (validate and ingest --as
note), and the command line's exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import docx
from builders import simple_docx

from idmbook.commands.ingest import IngestOptions, ingest

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "file;title;organisation;stakeholder_type;country;workshop;themes;language;received;consent\n"
)


def _project(make_project: Callable[..., object]) -> Path:
    return make_project().root  # type: ignore[attr-defined, no-any-return]


def test_csv_register_semicolons_and_folded_names(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root = _project(make_project)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Aporte Quito.docx").write_bytes(simple_docx("Texto del aporte.", "Gobernanza local"))
    register = tmp_path / "register.csv"
    register.write_text(
        "file,title,organisation,stakeholder_type,country,workshop,themes,language,received,consent,notes\n"
        'aporte quito.docx,"Gobernanza local",Municipio de Quito,local_authority,ec,new-york,'
        '"rights-wellbeing; nyd-o",es,2017-04-11,sí,llamar\n'
        "missing.docx,X,Y,other,,geneva,rights-wellbeing,en,2017-04-11,no\n",
        encoding="utf-8",
    )
    result = ingest([inbox], IngestOptions(register=register), root)
    (item,) = result.files
    assert item.status == "ingested", item.diagnostics
    front = (root / item.target).read_text("utf-8").split("---\n")[1]
    assert 'themes: ["rights-wellbeing", "nyd-o"]' in front
    assert 'country: "ec"' in front and "consent: true" in front and 'language: "es"' in front
    codes = {(d.code, d.line) for d in result.report.diagnostics if d.path.endswith("register.csv")}
    assert ("IDM112", 1) in codes  # the unknown column 'notes', on the header row
    assert ("IDM112", 3) in codes  # row 3 names a file that is not in the inbox


def test_xlsx_register(make_project: Callable[..., object], tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    root = _project(make_project)
    source = tmp_path / "sub.docx"
    source.write_bytes(simple_docx("Texte.", "Titre"))
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "File",
            "Title",
            "Organisation",
            "Stakeholder type",
            "Workshop",
            "Themes",
            "Language",
            "Received",
            "Consent",
        ]
    )
    sheet.append(
        [
            "sub.docx",
            "Titre",
            "Réseau",
            "civil_society",
            "geneva",
            "forced-irregular;rights-wellbeing",
            "fr",
            dt.datetime(2017, 7, 2),
            "yes",
        ]
    )
    register = tmp_path / "register.xlsx"
    book.save(register)
    result = ingest([source], IngestOptions(register=register), root)
    (item,) = result.files
    assert item.status == "ingested", item.diagnostics
    front = (root / item.target).read_text("utf-8")
    assert (
        "received: 2017-07-02" in front
        and 'themes: ["forced-irregular", "rights-wellbeing"]' in front
    )


def test_register_value_errors_name_row_and_column(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root = _project(make_project)
    source = tmp_path / "sub.docx"
    source.write_bytes(simple_docx("Texte.", "Titre"))
    register = tmp_path / "r.csv"
    register.write_text(
        HEADER + "sub.docx;T;O;civil_society;;geneva;rights-wellbeing;fr;02/07/2017;peut-être\n",
        encoding="utf-8",
    )
    result = ingest([source], IngestOptions(register=register), root)
    messages = [d.message for d in result.files[0].diagnostics if d.code == "IDM111"]
    assert any("received" in m and "r.csv row 2, column I" in m for m in messages)
    assert any("consent" in m and "r.csv row 2, column J" in m for m in messages)
    assert result.files[0].status == "failed"


# --------------------------------------------------------------------------- Word notes


def _note(rows: dict[str, str], recommendations: list[str]) -> bytes:
    d = docx.Document()
    d.add_paragraph("Rapporteur note", style="Title")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Field", "Value"
    for label, value in rows.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    d.add_heading("Summary", 1)
    d.add_paragraph("The session closed the workshop.")
    d.add_heading("Key messages", 1)
    d.add_paragraph("Cooperation matters.", "List Bullet")
    d.add_heading("Recommendations", 1)
    for text in recommendations:
        d.add_paragraph(text, "List Bullet")
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


ROWS = {
    "Title": "Wrap-up",
    "Workshop": "New-york",  # Word capitalised the cell: read as new-york
    "Session": "closing",
    "Rapporteur": "Ana Rapporteur",
    "Status": "Final",
    "Themes": "safe-orderly-regular",
}


def test_validate_word_note_points_at_table_rows_and_paragraphs(
    make_project: Callable[..., object], tmp_path: Path, run_main: Callable[..., object]
) -> None:
    root = _project(make_project)
    note = root / "note.docx"
    note.write_bytes(
        _note(
            {**ROWS, "Themes": "safe-orderly-regular; rights"},
            ["Share data. {levels=\u201cnationl\u201d}"],
        )
    )
    result = run_main(["validate", "note.docx", "--format", "json"], cwd=root)
    import json

    found = {(d["code"], d["line"]): d["message"] for d in json.loads(result.stdout)}  # type: ignore[attr-defined]
    # view lines: 1 table header row, 2 Title, ..., 7 Themes; then paragraphs
    assert found[("IDM020", 7)].endswith("(row 7 of the table at the top)")
    (rec,) = [k for k in found if k[0] == "IDM023"]
    assert "paragraph" in found[rec] and rec[1] > 7
    assert result.exit_code == 1  # type: ignore[attr-defined]


def test_template_validates_and_ingest_as_note(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root = _project(make_project)
    from idmbook.check.validate import validate

    template = ROOT / "templates" / "rapporteur-note.docx"
    _, report = validate(root, [template])
    assert [d.code for d in report.diagnostics if d.severity.value == "error"] == []
    source = tmp_path / "closing.docx"
    source.write_bytes(_note(ROWS, ['Keep talking. {levels="global" actors="Member States"}']))
    result = ingest([source], IngestOptions(kind="note"), root)
    (item,) = result.files
    assert item.status == "ingested", item.diagnostics
    assert item.target == "chapters/notes/new-york/closing.md"
    text = (root / item.target).read_text("utf-8")
    assert 'workshop: "new-york"' in text and 'status: "final"' in text
    assert '- Keep talking. {levels="global" actors="Member States"}' in text
    assert "sha256 " in text.split("---\n")[1]
    again = ingest([source], IngestOptions(kind="note"), root)
    assert again.files[0].status == "skipped"
    other = tmp_path / "closing-v2.docx"
    other.write_bytes(_note(ROWS, ["Something else."]))
    clash = ingest([other], IngestOptions(kind="note"), root)
    assert clash.files[0].status == "failed"
    assert clash.files[0].diagnostics[-1].code == "IDM120"


# --------------------------------------------------------------------------- command line


def test_cli_exit_codes(
    make_project: Callable[..., object], tmp_path: Path, run_main: Callable[..., object]
) -> None:
    root = _project(make_project)
    good = tmp_path / "good.docx"
    good.write_bytes(simple_docx("Texte.", "Titre"))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4")
    common = [
        "--organisation",
        "Org",
        "--type",
        "other",
        "--workshop",
        "geneva",
        "--theme",
        "rights-wellbeing",
        "--language",
        "fr",
        "--received",
        "2017-07-01",
        "--consent",
    ]
    ok = run_main(["ingest", str(good), *common], cwd=root)
    assert ok.exit_code == 0, ok.stderr  # type: ignore[attr-defined]
    assert "1 ingested, 0 skipped, 0 failed" in ok.stdout  # type: ignore[attr-defined]
    mixed = run_main(["ingest", str(good), str(bad), *common], cwd=root)
    assert mixed.exit_code == 1  # type: ignore[attr-defined]
    assert "0 ingested, 1 skipped, 1 failed" in mixed.stdout  # type: ignore[attr-defined]
    missing = run_main(["ingest", str(tmp_path / "nope.docx")], cwd=root)
    assert missing.exit_code == 2  # type: ignore[attr-defined]
    outside = run_main(["ingest", str(good)], cwd=tmp_path)
    assert outside.exit_code == 2  # type: ignore[attr-defined]


def test_repository_sample_is_what_ingest_makes(tmp_path: Path) -> None:
    """The committed contribution is the one `idmbook ingest inbox --register
    inbox/register.csv` makes from the committed sample: ingesting again skips it."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "idmbook.cli",
            "ingest",
            "inbox",
            "--register",
            "inbox/register.csv",
            "--dry-run",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "0 would be ingested, 1 skipped, 0 failed" in proc.stdout
    text = (ROOT / "contributions/commune-d-exemple-echantillon.md").read_text("utf-8")
    assert "sample: true" in text and "plus de mille deux cents" in text and "[^1]:" in text
