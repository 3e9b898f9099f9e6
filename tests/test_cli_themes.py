"""`idmbook rules --themes`: the theme ids a rapporteur may use."""

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
