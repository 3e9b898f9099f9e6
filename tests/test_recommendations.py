"""`idmbook recommendations`: rows with stable ids, JSON, CSV with BOM, XLSX read back by
openpyxl and by LibreOffice."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, ProjectDir, note_text

RECS = (
    "\n## Summary\n\nThe session.\n\n## Key messages\n\n- Children first.\n\n"
    "## Recommendations\n\n"
    '- End the détention of children; use family-based care. {themes="rights-wellbeing" '
    'levels="national local" actors="Member States; child protection authorities"}\n'
    '- =SUM(A1) is text here, with a "quote", a comma and a new\n  line.\n'
)


def _project(make_project: Callable[..., ProjectDir]) -> ProjectDir:
    return make_project(
        {
            "chapters/notes/geneva/children.md": note_text(
                "geneva",
                "children",
                "[forced-irregular, nyd-k]",
                extra='levels: [regional]\nsdg_targets: ["16.2", "8.7"]\n',
                body=RECS,
            )
        }
    )


def test_json_has_every_field_and_stable_ids(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    result = run_main(["recommendations", "--format", "json"], cwd=project)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rows = {r["id"]: r for r in data["recommendations"]}
    assert list(rows)[:2] == ["new-york/opening#1", "new-york/opening#2"]
    first = rows["geneva/children#1"]
    assert first["text"] == "End the détention of children; use family-based care."
    assert first["workshop"] == "geneva" and first["city"] == "Geneva"
    assert first["session"] == "children" and first["session_order"] == 1
    assert first["rapporteur"] == "Ana Rapporteur"
    assert first["themes"] == ["rights-wellbeing"]
    assert first["levels"] == ["national", "local"]
    assert first["actors"] == ["Member States", "child protection authorities"]
    assert first["sdg_targets"] == ["16.2", "8.7"]
    assert first["path"] == "chapters/notes/geneva/children.md"
    assert rows["geneva/children#2"]["themes"] == ["forced-irregular", "nyd-k"]  # the note's
    assert rows["geneva/children#2"]["levels"] == ["regional"]
    # another note changing does not change these ids
    project.write(
        "chapters/notes/new-york/opening.md",
        note_text(
            body="\n## Summary\n\nS.\n\n## Key messages\n\n- K.\n\n"
            "## Recommendations\n\n- Only one now.\n"
        ),
    )
    rerun = run_main(["recommendations", "-f", "json"], cwd=project)
    assert rerun.exit_code == 0, rerun.stderr
    again = json.loads(rerun.stdout)
    ids = [r["id"] for r in again["recommendations"]]
    assert "new-york/opening#2" not in ids
    assert {r["id"]: r["text"] for r in again["recommendations"]}["geneva/children#1"] == (
        first["text"]
    )


def test_csv_is_utf8_with_bom_and_round_trips(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult], tmp_path: Path
) -> None:
    project = _project(make_project)
    out = tmp_path / "recs.csv"
    result = run_main(["recommendations", "-f", "csv", "--out", str(out)], cwd=project)
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,text,workshop,")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    row = next(r for r in rows if r["id"] == "geneva/children#2")
    assert row["text"] == '=SUM(A1) is text here, with a "quote", a comma and a new\nline.'
    first = next(r for r in rows if r["id"] == "geneva/children#1")
    assert first["actors"] == "Member States; child protection authorities"
    assert first["levels"] == "national local"
    assert first["sdg_targets"] == "16.2 8.7"


def _xlsx(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult], tmp_path: Path
) -> tuple[Path, list[list[str]]]:
    project = _project(make_project)
    out = tmp_path / "recs.xlsx"
    result = run_main(["recommendations", "-f", "xlsx", "--out", str(out)], cwd=project)
    assert result.exit_code == 0, result.stderr
    csv_out = tmp_path / "recs.csv"
    assert (
        run_main(["recommendations", "-f", "csv", "-o", str(csv_out)], cwd=project).exit_code == 0
    )
    expected = list(csv.reader(io.StringIO(csv_out.read_bytes().decode("utf-8-sig"), newline="")))
    return out, expected


def test_xlsx_has_header_filters_and_wrapped_text(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out, expected = _xlsx(make_project, run_main, tmp_path)
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == expected[0]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.auto_filter.ref == f"A1:P{len(expected)}"
    assert sheet.freeze_panes == "A2"
    text_cell = sheet.cell(row=2, column=2)
    assert text_cell.alignment.wrap_text
    formula_like = [r for r in sheet.iter_rows(min_row=2) if str(r[1].value).startswith("=SUM")]
    assert formula_like and formula_like[0][1].data_type == "s"


def test_xlsx_round_trips_through_libreoffice(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult], tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    program = Path(soffice).resolve().parent
    if not (program / "libsclo.so").exists():
        pytest.skip("LibreOffice Calc is not installed (only Writer): no spreadsheet to open")
    out, expected = _xlsx(make_project, run_main, tmp_path)
    converted = tmp_path / "converted"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(converted),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = (converted / "recs.csv").read_bytes().decode("utf-8-sig")
    got = list(csv.reader(io.StringIO(text, newline="")))
    assert len(got) == len(expected) > 3
    for got_row, want_row in zip(got, expected, strict=True):
        assert got_row == want_row


def test_a_project_with_errors_exports_nothing(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult], tmp_path: Path
) -> None:
    project = make_project(
        {"chapters/notes/geneva/children.md": note_text("geneva", "children", "[no-such-theme]")}
    )
    out = tmp_path / "recs.csv"
    result = run_main(["recommendations", "-f", "csv", "-o", str(out)], cwd=project)
    assert result.exit_code == 1
    assert "chapters/notes/geneva/children.md" in result.stdout
    assert not out.exists()


def test_xlsx_needs_a_file(project: ProjectDir, run_main: Callable[..., CliResult]) -> None:
    result = run_main(["recommendations", "-f", "xlsx"], cwd=project)
    assert result.exit_code == 2
    assert "--out" in result.stderr
