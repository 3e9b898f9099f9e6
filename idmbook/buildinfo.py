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


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


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
    commit = _git(root, "rev-parse", "--short=12", "HEAD")
    if timestamp is None and commit:
        last = _git(root, "log", "-1", "--format=%ct")
        timestamp = int(last) if last and last.isdigit() else None
    if timestamp is None:
        mtimes = [int(p.stat().st_mtime) for p in inputs if p.exists()]
        timestamp = max(mtimes, default=0)
    if commit and _git(root, "status", "--porcelain", "--untracked-files=no"):
        commit += "-modified"
    version = _git(root, "describe", "--tags", "--always") or __version__
    return BuildInfo(timestamp=max(timestamp, 315532800), commit=commit, version=version)
