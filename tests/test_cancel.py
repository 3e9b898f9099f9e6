"""A build stopped by an error or by Ctrl-C stops every pandoc at once and leaves the previous
outputs as they were (idmbook.stopping, idmbook.pandoc.run.run_pandoc_all,
idmbook.render.formats)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ProjectDir, contribution_text

import idmbook.pandoc.run as run_module
from idmbook.errors import ToolMissing
from idmbook.pandoc.run import run_pandoc_all

LONG_TEXT = "\n\n".join(
    f"Paragraph {n} with *emphasis*, a [link](#key-recommendations), `code` and a note."
    f"[^{n}]\n\n[^{n}]: Note {n}."
    for n in range(60_000)
)
"""Markdown that pandoc reads for several seconds."""


def test_a_failed_conversion_kills_the_others(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recorded(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        process = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        return process  # type: ignore[no-any-return]

    monkeypatch.setattr(run_module.subprocess, "Popen", recorded)
    busy = tmp_path / "busy.lua"  # works for two minutes unless it is killed
    busy.write_text(
        "function Pandoc(doc)\n  local t = os.time()\n"
        "  while os.time() - t < 120 do end\n  return doc\nend\n"
    )
    slow = (["-f", "markdown", "-t", "json", f"--lua-filter={busy}"], b"text")
    failing = (["-f", "markdown", "-t", "nosuchformat"], b"text")
    with pytest.raises(ToolMissing, match="nosuchformat"):
        run_pandoc_all([slow, failing])
    assert len(started) == 2
    [slow_process] = [p for p in started if "json" in p.args]  # type: ignore[operator]
    assert slow_process.poll() is not None
    assert slow_process.returncode == -signal.SIGKILL, "the slow conversion was killed"


def _session_processes(session: int) -> list[str]:
    """The command names of the processes of ``session`` still alive."""
    names = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session and fields[0] != "Z":
            names.append(name)
    return names


def _ctrl_c_as_at_a_terminal() -> None:
    """SIGINT handled as a terminal's Ctrl-C is: a process started in the background by a
    shell script (as the tests may be) inherits it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _outputs(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_ctrl_c_stops_the_build_and_its_pandoc_at_once(
    make_project: object, tmp_path: Path
) -> None:
    project: ProjectDir = make_project()  # type: ignore[operator]
    env = {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1513209600"}
    command = [sys.executable, "-m", "idmbook.cli", "build", "--format", "docx"]
    subprocess.run(command, cwd=project.root, env=env, check=True, capture_output=True)
    before = _outputs(project.root / "dist")
    part = LONG_TEXT[: len(LONG_TEXT) // 4].rsplit("\n\n", 1)[0]  # (files are at most 5 MB)
    for n in range(3):
        project.write(f"contributions/long{n}.md", contribution_text(f"Long {n}", body=part))
    build = subprocess.Popen(
        [*command, "--force"],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_ctrl_c_as_at_a_terminal,
    )
    try:
        for _ in range(600):  # until pandoc works for it (a guard against a hang, not a timing)
            if "pandoc" in _session_processes(build.pid):
                break
            time.sleep(0.1)
        else:
            pytest.fail("no pandoc was started")
        build.send_signal(signal.SIGINT)
        _, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert _session_processes(build.pid) == [], "no pandoc left running"
    assert _outputs(project.root / "dist") == before, "the previous outputs are untouched"
