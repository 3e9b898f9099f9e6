"""What an ingest run did, file by file, and how it is shown to the editor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

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


def print_report(result: IngestResult, console: Console) -> None:
    """The summary table (file, result, where it went, what happened) and the totals."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Ingest" + (" (dry run: nothing written)" if result.dry_run else ""))
    table.add_column("file", overflow="fold")
    table.add_column("result")
    table.add_column("written to" if not result.dry_run else "would be written to", overflow="fold")
    table.add_column("what happened", overflow="fold")
    for item in result.files:
        lines: list[str] = []
        if item.status in ("failed", "skipped"):
            for d in item.diagnostics:
                if d.severity is Severity.ERROR or d.code == "IDM113":
                    lines.append(
                        escape(d.message) + (f" [dim]({escape(d.hint)})[/]" if d.hint else "")
                    )
        lines += [escape(c) for c in item.changes]
        if item.status in ("ingested", "would ingest"):
            for d in item.diagnostics:
                if d.severity is not Severity.INFO and d.code < "IDM100":
                    lines.append(f"[yellow]{d.severity.value}[{d.code}][/]: {escape(d.message)}")
        table.add_row(
            escape(item.source),
            f"[{_STYLES[item.status]}]{item.status}[/]",
            escape(item.target or ""),
            "\n".join(lines),
        )
    console.print(table)
    verb = "would be ingested" if result.dry_run else "ingested"
    ingested = result.count("would ingest" if result.dry_run else "ingested")
    console.print(
        f"{ingested} {verb}, {result.count('skipped')} skipped, {result.count('failed')} failed",
        highlight=False,
    )
    other = [
        d for d in result.report.diagnostics if not any(d in f.diagnostics for f in result.files)
    ]
    for d in other:
        where = f"{d.path}:{d.line}" if d.line else d.path
        console.print(
            f"{escape(where)}: {d.severity.value}[{d.code}]: {escape(d.message)}", highlight=False
        )
