"""What the command line shows while it works, and how much: stages with elapsed times when
piped, ``-q`` for errors only, ``-v`` for every warning and the stages' durations, repeated
warnings summed up, ``-h`` for help."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from conftest import NOTE_PATHS, CliResult, ProjectDir, contribution_text

STAGES = [
    "validating sources",
    "assembling the book",
    "parsing the assembled text",
    "rendering pdf",
    "writing outputs",
    "done",
]
STAGE_LINE = re.compile(r"^\[ *(\d+\.\d) s\] (.+)$", re.MULTILINE)


def test_a_piped_build_prints_each_stage_on_a_line_with_its_elapsed_time(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["build", "-f", "pdf"], cwd=project)
    assert result.exit_code == 0, result.stderr
    lines = STAGE_LINE.findall(result.stderr)
    assert [what for _, what in lines] == STAGES
    times = [float(seconds) for seconds, _ in lines]
    assert times == sorted(times)
    assert "wrote dist/" in result.stdout


def test_quiet_shows_nothing_but_errors(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project(
        {"contributions/unconsented.md": contribution_text("Town of Lund", consent="false")}
    )
    result = run_main(["-q", "build", "-f", "pdf"], cwd=project)
    assert result.exit_code == 0, result.stderr
    assert [p.suffix for p in (project.root / "dist").iterdir()].count(".pdf") == 1
    assert result.stdout == ""
    assert result.stderr == ""  # neither the stages, nor the IDM043 warning, nor the files

    broken = make_project({NOTE_PATHS["new-york", "opening"]: "---\ntitle: [unclosed\n---\n"})
    result = run_main(["-q", "validate"], cwd=broken)
    assert result.exit_code == 1
    assert f"{NOTE_PATHS['new-york', 'opening']}:2" in result.stdout + result.stderr


def test_verbose_shows_how_long_each_stage_took(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["-v", "build", "-f", "pdf"], cwd=project)
    assert result.exit_code == 0, result.stderr
    durations = re.findall(r"^ +(\d+\.\d\d) s  (.+)$", result.stderr, re.MULTILINE)
    assert [what for _, what in durations] == [*STAGES[:-1], "in all"]
    total = float(durations[-1][0])
    assert sum(float(s) for s, _ in durations[:-1]) <= total + 0.05


def _unconsented(count: int) -> dict[str, Any]:
    return {
        f"contributions/town-{n:02d}.md": contribution_text(f"Town {n:02d}", consent="false")
        for n in range(count)
    }


def test_many_warnings_of_one_code_are_summed_up_unless_verbose(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project(_unconsented(12))
    result = run_main(["validate"], cwd=project)
    out = result.stdout + result.stderr
    assert result.exit_code == 0, out
    assert out.count("warning[IDM043]") == 3
    assert "9 more warnings IDM043 not shown (see them all with -v)" in out

    result = run_main(["-v", "validate"], cwd=project)
    out = result.stdout + result.stderr
    assert out.count("warning[IDM043]") == 12
    assert "more warnings" not in out


def test_a_few_warnings_are_all_shown(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project(_unconsented(4))
    result = run_main(["validate"], cwd=project)
    out = result.stdout + result.stderr
    assert out.count("warning[IDM043]") == 4
    assert "more warnings" not in out


def test_h_is_help_and_quiet_with_verbose_is_a_usage_error(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["build", "-h"], cwd=project)
    assert result.exit_code == 0
    assert "--final" in result.stdout and "Usage: idmbook build" in result.stdout
    result = run_main(["-q", "-v", "validate"], cwd=project)
    assert result.exit_code == 2
    assert "--quiet and --verbose cannot be used together" in result.stderr


def test_on_a_terminal_each_stage_is_ticked_off_with_its_clock(
    project: ProjectDir, run_main: Callable[..., CliResult], monkeypatch: Any
) -> None:
    import io

    from rich.console import Console

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100, color_system=None)
    monkeypatch.setattr("idmbook.cli.build.err_console", terminal)
    result = run_main(["build", "-f", "pdf"], cwd=project)
    assert result.exit_code == 0, result.stderr
    final = screen.getvalue().rsplit("\x1b[?25h", 1)[0]  # up to where the cursor comes back
    for what in STAGES[:-1]:
        assert re.search(rf"✓ {what} +\d:\d\d:\d\d", final), what
    assert not STAGE_LINE.search(final)  # the plain lines are for pipes
