"""What an ingest run is given and carries from file to file, and the checks around each write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from idmbook.check.validate import validate
from idmbook.diagnostics import Diagnostic
from idmbook.errors import IdmbookError
from idmbook.ingest.plan import ProjectIndex
from idmbook.ingest.register import Register
from idmbook.load.archive import DEFAULT_LIMITS, Limits
from idmbook.load.project import Project
from idmbook.load.sources import rel_path


@dataclass
class IngestOptions:
    """What the editor asked for."""

    register: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    """Front-matter values given on the command line; they apply to every file."""
    dry_run: bool = False
    kind: Literal["contribution", "note"] = "contribution"
    limits: Limits = DEFAULT_LIMITS
    accept_suggested_themes: bool = False
    """Take the themes suggested from the text when nothing else gives any."""


@dataclass
class IngestRun:
    """What one ingest carries from file to file."""

    project: Project
    options: IngestOptions
    index: ProjectIndex
    register: Register | None
    names: list[str]
    seen: dict[str, str] = field(default_factory=dict)


def writable_inside(root: Path, *targets: Path | None) -> None:
    """Refuse to write through a link that leads out of the project (contributions/ or
    chapters/notes/ made a link to a folder elsewhere)."""
    real_root = root.resolve()
    for target in targets:
        if target is None:
            continue
        folder = target.parent.resolve()
        if not folder.is_relative_to(real_root):
            raise IdmbookError(
                f"{rel_path(target.parent, root)} leads outside the project (to {folder}); "
                "nothing was written there",
                "make it a real folder inside the project",
            )


def validate_written(root: Path, target: Path) -> list[Diagnostic]:
    """The diagnostics of ``validate`` on the file just written."""

    _, report = validate(root, [target])
    return list(report.diagnostics)
