"""`idmbook rules`: the theme ids a rapporteur may use (--themes), and what a code means."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import CliResult, ProjectDir


def test_lists_the_project_taxonomy(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["rules", "--themes"], cwd=project.root)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "safe-orderly-regular"
    assert any(line.split()[:1] == ["nyd-k"] for line in lines)
    assert any(line.split()[:1] == ["TS5"] for line in lines)
    assert any(line.split()[:1] == ["10.7"] for line in lines)


def test_outside_a_project_lists_the_built_in_themes(
    tmp_path: Path, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["rules", "--themes"], cwd=tmp_path)
    assert result.exit_code == 0
    firsts = [line.split()[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert firsts[:4] == [
        "safe-orderly-regular",
        "rights-wellbeing",
        "forced-irregular",
        "crises-mobility",
    ]


def test_rules_explains_the_codes_asked_for(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["rules", "idm043", "IDM051"], cwd=project.root)
    assert result.exit_code == 0, result.stderr
    codes = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("IDM")]
    assert codes == ["IDM043", "IDM051"]
    assert "consent: true" in result.stdout
    result = run_main(["rules", "IDM999"], cwd=project.root)
    assert result.exit_code == 2
    assert "no such code: IDM999" in result.stderr
