"""`idmbook status`: the dashboard's numbers, its JSON and tables, and its chart."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOTE_PATHS, CliResult, ProjectDir, contribution_text, note_text

from idmbook.commands.status import project_status


def test_sessions_list_every_agenda_session_with_its_note(project: ProjectDir) -> None:
    status = project_status(project.root)
    rows = {(s.workshop, s.session): s for s in status.sessions}
    assert list(rows) == [
        ("new-york", "opening"),
        ("new-york", "sdg-targets"),
        ("new-york", "closing"),
        ("geneva", "opening"),
        ("geneva", "children"),
    ]
    opening = rows["new-york", "opening"]
    assert (opening.note, opening.status, opening.rapporteur) == (
        NOTE_PATHS["new-york", "opening"],
        "final",
        "Ana Rapporteur",
    )
    assert opening.recommendations == 2
    assert opening.words == len(note_text().split("---\n", 2)[2].split())
    assert rows["new-york", "closing"].status == "not required"
    assert rows["new-york", "closing"].note is None
    assert status.ready_for_final
    assert status.totals()["notes"] == 4


def test_coverage_matrices_count_notes_and_consented_contributions(project: ProjectDir) -> None:
    status = project_status(project.root)
    # notes: NY opening + sdg-targets (safe-orderly-regular, nyd-v is a sub-theme of it),
    # Geneva opening (crises) and children (forced-irregular); contributions: Mexico (safe),
    # Montreal (rights), both for New York
    assert status.by_workshop == {
        "safe-orderly-regular": {"new-york": (2, 1), "geneva": (0, 0)},
        "rights-wellbeing": {"new-york": (0, 1), "geneva": (0, 0)},
        "forced-irregular": {"new-york": (0, 0), "geneva": (1, 0)},
        "crises-mobility": {"new-york": (0, 0), "geneva": (1, 0)},
    }
    assert status.by_stakeholder_type["safe-orderly-regular"]["government"] == 1
    assert status.by_stakeholder_type["rights-wellbeing"]["local_authority"] == 1
    empty = status.empty_cells()
    assert ["rights-wellbeing", "geneva"] in empty["by_workshop"]
    assert ["safe-orderly-regular", "new-york"] not in empty["by_workshop"]
    assert ["crises-mobility", "academia"] in empty["by_stakeholder_type"]


def test_drafts_missing_notes_and_missing_consent(make_project: Callable[..., ProjectDir]) -> None:
    project = make_project(
        {
            NOTE_PATHS["geneva", "children"]: None,
            NOTE_PATHS["new-york", "opening"]: note_text(status="draft"),
            "contributions/oslo.md": contribution_text("City of Oslo", consent="false")
            .replace("language: en", "language: fr")
            .replace("country: CA", "country: NO"),
        }
    )
    status = project_status(project.root)
    rows = {(s.workshop, s.session): s for s in status.sessions}
    assert rows["geneva", "children"].status == "missing"
    assert rows["new-york", "opening"].status == "draft"
    assert status.consent_missing == [
        ("contributions/oslo.md", "City of Oslo", "Submission of City of Oslo")
    ]
    data = status.as_dict()
    assert data["contributions"]["by_language"] == {
        "en": {"received": 2, "published": 2},
        "fr": {"received": 1, "published": 0},
    }
    assert data["contributions"]["by_stakeholder_type"]["local_authority"] == {
        "received": 2,
        "published": 1,
    }
    # a contribution without consent is not material for the book: coverage does not count it
    assert status.by_workshop["rights-wellbeing"]["new-york"] == (0, 1)
    # the draft blocks --final, and the command names the file that shows the details
    assert not status.ready_for_final
    [blocker] = status.blockers
    assert (blocker.code, blocker.count) == ("IDM045", 1)
    assert blocker.command == f"idmbook validate {NOTE_PATHS['new-york', 'opening']}"
    assert data["final"] == {
        "ready": False,
        "blockers": [
            {
                "code": "IDM045",
                "summary": "The note is still a draft.",
                "count": 1,
                "paths": [NOTE_PATHS["new-york", "opening"]],
                "command": f"idmbook validate {NOTE_PATHS['new-york', 'opening']}",
            }
        ],
    }


def test_errors_block_final_and_an_unreadable_note_shows_as_invalid(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project(
        {NOTE_PATHS["geneva", "children"]: note_text("geneva", "children", "[no-such-theme]")}
    )
    project.write(
        NOTE_PATHS["geneva", "opening"], note_text("geneva", "opening").replace("status", "stat")
    )
    status = project_status(project.root)
    rows = {(s.workshop, s.session): s for s in status.sessions}
    assert rows["geneva", "opening"].status == "invalid"
    assert rows["geneva", "opening"].note == NOTE_PATHS["geneva", "opening"]
    codes = {b.code: b for b in status.blockers}
    assert set(codes) >= {"IDM020", "IDM010", "IDM011"}
    assert codes["IDM020"].command == f"idmbook validate {NOTE_PATHS['geneva', 'children']}"


def test_cli_json(project: ProjectDir, run_main: Callable[..., CliResult]) -> None:
    result = run_main(["status", "--format", "json"], cwd=project)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "project",
        "config_ok",
        "totals",
        "sessions",
        "contributions",
        "coverage",
        "translations",
        "review_items",
        "recommendations",
        "final",
    }
    assert data["coverage"]["by_workshop"]["safe-orderly-regular"]["new-york"] == {
        "notes": 2,
        "contributions": 1,
    }
    assert data["final"] == {"ready": True, "blockers": []}
    assert data["totals"]["recommendations"] == 8


def test_cli_tables_mark_gaps_and_name_the_blocking_command(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project({NOTE_PATHS["new-york", "opening"]: note_text(status="draft")})
    result = run_main(["status"], cwd=project, COLUMNS="200")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Rapporteur notes by session" in out
    assert "Theme coverage: notes + contributions by workshop" in out
    assert "—" in out  # the empty cells
    assert "What would block `idmbook build --final`" in out
    assert f"idmbook validate {NOTE_PATHS['new-york', 'opening']}" in out


def test_cli_invalid_config_shows_the_blocker_and_exits_1(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project()
    project.write("idmbook.yaml", project.read("idmbook.yaml").replace("year: 2017", "year: x"))
    result = run_main(["status", "--format", "json"], cwd=project)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["config_ok"] is False
    assert data["final"]["blockers"][0]["command"] == "idmbook validate"


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_chart_is_written_and_reproducible(
    make_project: Callable[..., ProjectDir],
    run_main: Callable[..., CliResult],
    tmp_path: Path,
    suffix: str,
) -> None:
    project = make_project()
    first, second = tmp_path / f"a{suffix}", tmp_path / "other" / f"b{suffix}"
    second.parent.mkdir()
    assert run_main(["status", "--chart", str(first)], cwd=project).exit_code == 0
    assert run_main(["status", "--chart", str(second)], cwd=project).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    if suffix == ".png":
        assert first.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert b"Matplotlib" not in first.read_bytes()
        return
    svg = first.read_text("utf-8")
    assert "<dc:date>" not in svg
    assert "Theme coverage by workshop" in svg
    assert "Contributions by stakeholder type" in svg
    assert svg.count(">gap<") == 4  # four theme × workshop cells without material
    assert "New York" in svg and "Geneva" in svg


def test_chart_refuses_other_formats(
    project: ProjectDir, run_main: Callable[..., CliResult], tmp_path: Path
) -> None:
    result = run_main(["status", "--chart", str(tmp_path / "chart.pdf")], cwd=project)
    assert result.exit_code == 2
    assert "name the file .png or .svg" in result.stderr
    assert not (tmp_path / "chart.pdf").exists()


def test_a_note_for_a_session_not_on_the_agenda_is_listed(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project({"chapters/notes/geneva/lunch.md": note_text("geneva", "lunch")})
    status = project_status(project.root)
    [row] = [s for s in status.sessions if not s.on_agenda]
    assert (row.workshop, row.session, row.note) == (
        "geneva",
        "lunch",
        "chapters/notes/geneva/lunch.md",
    )
    assert "IDM022" in {b.code for b in status.blockers}
    result = run_main(["status"], cwd=project, COLUMNS="200")
    assert "lunch (not on the agenda)" in result.stdout


def test_status_at_80_columns_cuts_no_session_and_names_only_unusual_note_files(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project()
    usual = NOTE_PATHS["geneva", "children"]
    text = project.path(usual).read_text("utf-8")
    project.path(usual).unlink()
    project.write("chapters/notes/geneva/children-final-v2.md", text)
    result = run_main(["status"], cwd=project, COLUMNS="80")
    assert result.exit_code == 0, result.stderr
    sessions = result.stdout.split("Rapporteur notes by session", 1)[1].split("\n\n", 1)[0]
    assert "…" not in sessions
    assert "Notes are chapters/notes/WORKSHOP/SESSION.md unless named." in result.stdout
    folded = "".join(
        line.split("│")[-2].strip() for line in result.stdout.splitlines() if line.count("│") == 8
    )
    assert "chapters/notes/geneva/children-final-v2.md" in folded
    assert "chapters/notes/new-york/opening.md" not in result.stdout
