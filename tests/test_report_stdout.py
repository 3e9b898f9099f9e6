"""Human diagnostics go to stdout, as compilers and linters print them (`idmbook validate >
report.txt` keeps the report); stderr is kept for progress and idmbook's own failures."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import CliResult, ProjectDir, note_text

MakeProject = Callable[..., ProjectDir]

CASE_NOTE = "chapters/notes/new-york/closing.md"


def test_validate_redirected_to_a_file_keeps_the_report(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project({CASE_NOTE: note_text(session="closng")})
    report = tmp_path / "report.txt"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    with report.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "idmbook.cli", "validate"],
            cwd=project.root,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert done.returncode == 1
    lines = report.read_text("utf-8").splitlines()
    assert (
        f"{CASE_NOTE}:4:10: error[IDM022]: session 'closng' is not on the agenda of "
        "workshop 'new-york'"
    ) in lines
    assert lines[-1] == "1 error, 0 warnings, 0 info"
    assert done.stderr == ""


def test_a_clean_project_says_so_on_stdout(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["validate"], cwd=project)
    assert (result.stdout, result.stderr) == ("no problems found\n", "")


def test_build_prints_its_problems_on_stdout(
    make_project: MakeProject, run_main: Callable[..., CliResult]
) -> None:
    project = make_project({CASE_NOTE: note_text(session="closing", status="draft")})
    result = run_main(["build", "--format", "html"], cwd=project)
    assert result.exit_code == 0, result.stderr
    assert f"{CASE_NOTE}:6:1: warning[IDM045]: the note is still a draft" in result.stdout
    assert "IDM045" not in result.stderr
    refused = run_main(["build", "--final", "--format", "html"], cwd=project)
    assert refused.exit_code == 1
    assert f"{CASE_NOTE}:6:1: error[IDM045]: the note is still a draft" in refused.stdout
    assert "IDM045" not in refused.stderr
    assert "nothing was written" in refused.stderr  # the command's own failure
