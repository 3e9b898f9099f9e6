"""What a build says about itself: its date, the commit it was made from, its version."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from idmbook import __version__
from idmbook.publish.buildinfo import build_info

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


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_a_received_repository_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project received with its .git folder can name programs in its own settings: a file
    system monitor and hooks (which `git status` runs), a clean filter (run when git compares
    a changed file), a pager. Reading the build's commit runs none of them, and `git status`
    is not run at all when the settings name a program (the build is then not marked
    -modified: that cannot be known safely)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    marks = tmp_path / "marks"
    marks.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "a.md").write_text("x", "utf-8")
    (repo / ".gitattributes").write_text("* filter=evil\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    head = git(repo, "rev-parse", "--short=12", "HEAD")
    for key, value in {
        "core.fsmonitor": f"touch {marks}/fsmonitor; false",
        "filter.evil.clean": f"touch {marks}/filter; cat",
        "core.pager": f"touch {marks}/pager; cat",
    }.items():
        git(repo, "config", key, value)
    hook = repo / ".git" / "hooks" / "post-index-change"
    hook.write_text(f"#!/bin/sh\ntouch {marks}/hook\n")
    hook.chmod(0o755)
    (repo / "a.md").write_text("changed", "utf-8")
    subprocess.run(["git", "-C", str(repo), "status"], capture_output=True, check=False)
    assert sorted(p.name for p in marks.iterdir()) == ["filter", "fsmonitor", "hook"]  # plain git
    for mark in marks.iterdir():
        mark.unlink()
    info = build_info(repo, [repo / "a.md"])
    assert list(marks.iterdir()) == []
    assert info.commit == head  # known, but not whether files changed


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_a_plain_repository_is_still_marked_modified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    git(tmp_path, "init", "-q")
    (tmp_path / "a.md").write_text("x", "utf-8")
    git(tmp_path, "add", "a.md")
    git(tmp_path, "commit", "-q", "-m", "first")
    (tmp_path / "a.md").write_text("y", "utf-8")
    assert str(build_info(tmp_path, []).commit).endswith("-modified")
