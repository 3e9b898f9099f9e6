"""What an ingest run did, file by file, and how it is shown to the editor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from idmbook.diagnostics import Diagnostic, Report, Severity

if TYPE_CHECKING:
    from rich.console import Console

Status = Literal["ingested", "would ingest", "skipped", "failed"]


@dataclass
class FileResult:
    """One file of the run."""

    source: str
    """The file as the editor named it (relative to the project when inside it)."""
    status: Status
    target: str | None = None
    """The contribution or note written (or that would be, or that already holds it)."""
    changes: list[str] = field(default_factory=list)
    """What was changed on the way in, in words for the editor."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """insertions, deletions, comments, pictures, pictures_without_alt, footnotes, tables."""

    @property
    def reason(self) -> str:
        """Why the file was skipped or failed: its first error, or its first message."""
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        chosen = errors or [d for d in self.diagnostics if d.code in ("IDM113",)]
        return "; ".join(d.message for d in chosen[:3])


@dataclass
class IngestResult:
    """Every file of the run, and the diagnostics of all of them."""

    files: list[FileResult] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    dry_run: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def exit_code(self) -> int:
        """0 when every file was ingested or skipped, 1 when any failed or has errors."""
        failed = any(f.status == "failed" for f in self.files)
        return 1 if failed or self.report.has_errors else 0


@contextmanager
def progress_bar(console: Console | None, total: int) -> Iterator[object]:
    """A progress bar on ``console`` for folders of several files; a no-op otherwise."""
    if console is None or total < 2:
        yield lambda name: None
        return

    with Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=total)

        def advance(name: str) -> None:
            progress.update(task, advance=1, description=name)

        yield advance


_STYLES = {
    "ingested": "green",
    "would ingest": "cyan",
    "skipped": "dim",
    "failed": "bold red",
}
_SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def _shown(item: FileResult) -> list[Diagnostic]:
    """A file's diagnostics as the editor reads them: what explains the outcome first
    (warnings, then the messages of a skip), the refusal last, where the eye lands."""
    kept = [d for d in item.diagnostics if d.severity is not Severity.INFO]
    if item.status in ("failed", "skipped"):
        kept += [d for d in item.diagnostics if d.code == "IDM113" and d not in kept]
    rank = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
    return sorted(kept, key=lambda d: rank[d.severity])


def print_report(result: IngestResult, console: Console) -> None:
    """Each file on a line of its own (what it became), then what was changed on the way in
    (one "- " line each) and its diagnostics with their codes, the refusal last; then the
    totals. Lines are never
    cut into columns, so a narrow terminal or a CI log reads the same."""
    if result.dry_run:
        console.print("dry run: nothing written", highlight=False)
    for item in result.files:
        target = f" -> {escape(item.target)}" if item.target else ""
        console.print(
            f"[bold]{escape(item.source)}[/]{target}: [{_STYLES[item.status]}]{item.status}[/]",
            highlight=False,
        )
        shown = _shown(item)
        said = {d.message for d in shown}
        for change in item.changes:
            if change not in said:
                console.print(f"  - {escape(change)}", highlight=False)
        for d in shown:
            style = _SEVERITY_STYLES[d.severity]
            console.print(
                f"  [{style}]{d.severity.value}[{d.code}][/]: {escape(d.message)}",
                highlight=False,
            )
            if d.hint:
                console.print(f"    hint: {escape(d.hint)}", highlight=False)
    verb = "would be ingested" if result.dry_run else "ingested"
    ingested = result.count("would ingest" if result.dry_run else "ingested")
    console.print(
        f"{ingested} {verb}, {result.count('skipped')} skipped, {result.count('failed')} failed",
        highlight=False,
    )
    for d in _other(result):
        where = f"{d.path}:{d.line}" if d.line else d.path
        console.print(
            f"{escape(where)}: {d.severity.value}[{d.code}]: {escape(d.message)}", highlight=False
        )


def _other(result: IngestResult) -> list[Diagnostic]:
    """Diagnostics of the run that belong to no one file (the register's, the project's)."""
    return [
        d for d in result.report.diagnostics if not any(d in f.diagnostics for f in result.files)
    ]


def report_json(result: IngestResult) -> str:
    """The run as JSON, for scripts: every file with its outcome, target, changes, counts and
    diagnostics (as ``validate --format json`` gives them), and the run's other diagnostics."""
    files = [
        {
            "file": item.source,
            "status": item.status,
            "target": item.target,
            "changes": item.changes,
            "counts": item.counts,
            "diagnostics": [d.as_dict() for d in item.diagnostics],
        }
        for item in result.files
    ]
    doc = {
        "dry_run": result.dry_run,
        "files": files,
        "diagnostics": [d.as_dict() for d in _other(result)],
        "totals": {
            status: result.count(status)
            for status in ("ingested", "would ingest", "skipped", "failed")
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
