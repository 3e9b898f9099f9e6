"""Facts about a build that do not come from the sources: time, version, git commit."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from idmbook import __version__
from idmbook.errors import IdmbookError


@dataclass(frozen=True)
class BuildInfo:
    """When and from what a build was made."""

    timestamp: int
    """SOURCE_DATE_EPOCH: from the environment, else the last git commit, else the newest
    input file."""
    commit: str | None
    version: str

    @property
    def date(self) -> str:
        return dt.datetime.fromtimestamp(self.timestamp, dt.UTC).date().isoformat()

    def footer_note(self) -> str:
        parts = [f"version {self.version}", f"built {self.date}"]
        if self.commit:
            parts.append(f"commit {self.commit}")
        return "Draft: " + ", ".join(parts)


def _git(root: Path, *commands: tuple[str, ...]) -> list[str | None]:
    """The output of each git command in ``root`` (None when it fails or says nothing), all
    run at once: each is a process of its own, and one after another they were most of an
    up-to-date check in a repository."""
    procs: list[subprocess.Popen[str] | None] = []
    for args in commands:
        try:
            procs.append(
                subprocess.Popen(
                    ["git", "-C", str(root), *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            )
        except OSError:
            procs.append(None)
    found: list[str | None] = []
    for proc in procs:
        if proc is None:
            found.append(None)
            continue
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            found.append(None)
            continue
        found.append(out.strip() if proc.returncode == 0 and out.strip() else None)
    return found


def build_info(root: Path, inputs: list[Path]) -> BuildInfo:
    env = os.environ.get("SOURCE_DATE_EPOCH")
    timestamp: int | None = None
    if env is not None:
        try:
            timestamp = int(env)
        except ValueError:
            raise IdmbookError(
                f"SOURCE_DATE_EPOCH={env!r} is not a whole number of seconds",
                "unset it, or set it to a Unix time such as 1513209600",
            ) from None
        if timestamp < 0:
            raise IdmbookError("SOURCE_DATE_EPOCH must not be negative")
    commands = [
        ("rev-parse", "--short=12", "HEAD"),
        ("status", "--porcelain", "--untracked-files=no"),
        ("describe", "--tags", "--always"),
    ]
    if timestamp is None:
        commands.append(("log", "-1", "--format=%ct"))
    commit, changed, described, *rest = _git(root, *commands)
    last = rest[0] if rest else None
    if timestamp is None and commit:
        timestamp = int(last) if last and last.isdigit() else None
    if timestamp is None:
        mtimes = [int(p.stat().st_mtime) for p in inputs if p.exists()]
        timestamp = max(mtimes, default=0)
    if commit and changed:
        commit += "-modified"
    version = described or __version__
    return BuildInfo(timestamp=max(timestamp, 315532800), commit=commit, version=version)
