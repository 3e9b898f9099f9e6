"""What a build says about itself: its date, the commit it was made from, its version."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from idmbook import __version__
from idmbook.buildinfo import build_info

GIT = shutil.which("git")


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": "2017-12-14T00:00:00Z",
        "GIT_COMMITTER_DATE": "2017-12-14T00:00:00Z",
    }
    proc = subprocess.run(
        ["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def test_outside_a_repository_the_newest_input_dates_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = tmp_path / "a.md"
    source.write_text("x", "utf-8")
    os.utime(source, (1_500_000_000, 1_500_000_000))
    info = build_info(tmp_path, [source])
    assert (info.timestamp, info.commit, info.version) == (1_500_000_000, None, __version__)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_in_a_repository_the_last_commit_dates_and_names_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit's time (without SOURCE_DATE_EPOCH), its short hash, '-modified' once a
    tracked file changes, and `git describe` for the version."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    git(tmp_path, "init", "-q")
    source = tmp_path / "a.md"
    source.write_text("x", "utf-8")
    git(tmp_path, "add", "a.md")
    git(tmp_path, "commit", "-q", "-m", "first")
    head = git(tmp_path, "rev-parse", "--short=12", "HEAD")
    short = git(tmp_path, "rev-parse", "--short", "HEAD")
    info = build_info(tmp_path, [source])
    assert (info.timestamp, info.commit, info.version) == (1513209600, head, short)
    git(tmp_path, "tag", "v1.0")
    assert build_info(tmp_path, [source]).version == "v1.0"
    source.write_text("y", "utf-8")
    assert build_info(tmp_path, [source]).commit == f"{head}-modified"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert build_info(tmp_path, [source]).timestamp == 1600000000
