"""The Word rapporteur's flow: the note template `init` ships is made from the project's own
config, so that ingesting it works in a new project; `idmbook validate` checks a Word note
kept outside the project (in ~/Downloads) against the project it is run in, writing
nothing."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult
from docx import Document

RunMain = Callable[..., CliResult]


@pytest.fixture
def new_project(tmp_path: Path, run_main: RunMain) -> Path:
    target = tmp_path / "idm-2018"
    assert run_main(["init", str(target), "--no-build"], cwd=tmp_path).exit_code == 0
    return target


def _table(path: Path) -> dict[str, str]:
    (table,) = Document(str(path)).tables
    return {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_word_template_of_a_new_project_names_its_own_workshop_and_session(
    new_project: Path,
) -> None:
    fields = _table(new_project / "templates" / "rapporteur-note.docx")
    # the first session without a note (opening has init's example note)
    assert (fields["Workshop"], fields["Session"]) == ("workshop-1", "session-1")
    assert fields["Themes"] == "safe-orderly-regular; rights-wellbeing"


def test_ingesting_the_untouched_template_in_a_new_project_makes_a_note(
    new_project: Path, run_main: RunMain
) -> None:
    result = run_main(["ingest", "--as", "note", "templates/rapporteur-note.docx"], cwd=new_project)
    assert result.exit_code == 0, result.stdout + result.stderr
    note = (new_project / "chapters/notes/workshop-1/session-1.md").read_text("utf-8")
    assert 'workshop: "workshop-1"\n' in note and 'session: "session-1"\n' in note
    # untouched, its sample text is reported, and a final build would refuse it
    checked = run_main(["validate", "chapters/notes/workshop-1/session-1.md"], cwd=new_project)
    assert checked.exit_code == 0
    assert (
        "chapters/notes/workshop-1/session-1.md:6:13: warning[IDM049]: placeholder left "
        "from the template: 'Your name'"
    ) in checked.stdout.splitlines()


def test_validate_a_word_note_outside_the_project_writes_nothing(
    new_project: Path, tmp_path: Path, run_main: RunMain
) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    note = downloads / "note.docx"
    shutil.copyfile(new_project / "templates" / "rapporteur-note.docx", note)
    before = _snapshot(new_project)
    result = run_main(["validate", str(note)], cwd=new_project)
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert (
        f"{note.as_posix()}:6:1: warning[IDM049]: placeholder left from the template: "
        "'Your name' (row 5 of the table at the top)"
    ) in lines
    assert "    6 | Rapporteur | Your name" in lines
    assert "no idmbook.yaml" not in result.stdout + result.stderr
    assert _snapshot(new_project) == before
    assert sorted(p.name for p in downloads.iterdir()) == ["note.docx"]


def test_validate_a_word_note_from_outside_any_project_says_where_to_run_it(
    tmp_path: Path, new_project: Path, run_main: RunMain
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    note = elsewhere / "note.docx"
    shutil.copyfile(new_project / "templates" / "rapporteur-note.docx", note)
    result = run_main(["validate", str(note)], cwd=elsewhere)
    assert result.exit_code == 2
    text = " ".join(result.stderr.split())
    assert f"{note} is in no project, and neither is the current folder" in text
    assert "-C PROJECT" in text
