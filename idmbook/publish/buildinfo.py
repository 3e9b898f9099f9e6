"""Facts about a build that do not come from the sources: time, version, git commit."""

from __future__ import annotations

import datetime as dt
import os
import re
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


_SAFE_CONFIG = (
    "core.fsmonitor=false",
    f"core.hooksPath={os.devnull}",
    "core.untrackedCache=false",
    "core.pager=cat",
    "log.showSignature=false",
    "status.submoduleSummary=false",
    "diff.external=",
    "protocol.allow=never",
)
"""Settings given to every git command, above any file's: nothing that runs a program."""
_RUNS_PROGRAMS = re.compile(
    r"^(?:(?:filter|alias|credential|include|includeif|gpg)\."
    r"|core\.(?:fsmonitor|hookspath|sshcommand|pager|editor|askpass|gitproxy"
    r"|alternaterefscommand|attributesfile|worktree)="
    r"|diff\.external=|sequence\.editor="
    r"|[^=]*\.(?:command|cmd|program|driver|textconv|helper|tool|uploadpack|receivepack)=)",
    re.IGNORECASE,
)
"""A setting of a repository that could make git run a program (a clean filter when `git
status` compares a file, a hook, a file-system monitor...), or look elsewhere."""


def _git_env() -> dict[str, str]:
    """The environment of git: no system settings, no prompts, no pager, and no optional
    locks (`git status` would rewrite the index, which runs a hook)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") or key in ("GIT_CONFIG_GLOBAL", "GIT_CEILING_DIRECTORIES")
    }
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_OPTIONAL_LOCKS="0",
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        GIT_NO_REPLACE_OBJECTS="1",
    )
    return env


def _git(root: Path, *commands: tuple[str, ...]) -> list[str | None]:
    """The output of each git command in ``root`` (None when it fails or says nothing). A
    received project may hold a repository whose own settings name programs: git runs with
    :data:`_SAFE_CONFIG` above them."""
    safe = [part for setting in _SAFE_CONFIG for part in ("-c", setting)]
    env = _git_env()
    found: list[str | None] = []
    for args in commands:
        try:
            proc = subprocess.run(
                ["git", *safe, "-C", str(root), *args],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                env=env,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            found.append(None)
            continue
        out = proc.stdout.strip()
        found.append(out if proc.returncode == 0 and out else None)
    return found


def _may_compare_files(settings: str | None) -> bool:
    """Whether `git status` may look at the files of a repository with these settings (its
    own, `git config --local --list`): not when a setting could make it run a program."""
    return not any(_RUNS_PROGRAMS.search(line) for line in (settings or "").splitlines())


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
    commands: list[tuple[str, ...]] = [
        ("rev-parse", "--short=12", "HEAD"),
        ("config", "--local", "--list"),
        ("describe", "--tags", "--always"),
    ]
    if timestamp is None:
        commands.append(("log", "-1", "--no-show-signature", "--format=%ct"))
    commit, settings, described, *rest = _git(root, *commands)
    last = rest[0] if rest else None
    changed = None
    if commit and _may_compare_files(settings):
        status = ("status", "--porcelain", "--untracked-files=no", "--ignore-submodules=all")
        (changed,) = _git(root, status)
    if timestamp is None and commit:
        timestamp = int(last) if last and last.isdigit() else None
    if timestamp is None:
        mtimes = [int(p.stat().st_mtime) for p in inputs if p.exists()]
        timestamp = max(mtimes, default=0)
    if commit and changed:
        commit += "-modified"
    version = described or __version__
    return BuildInfo(timestamp=max(timestamp, 315532800), commit=commit, version=version)
