"""`idmbook ingest`: turn submitted files into contributions (or Word notes into notes).

For each file: read it (never trusting its name), refuse or neutralise what is unsafe,
convert it through pandoc, merge its metadata, check that metadata, then write the
contribution and its pictures in one step and validate it. A file already ingested (same
SHA-256) is skipped; a file that fails leaves nothing behind; --dry-run writes nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from idmbook.commands.ingest_contribution import ingest_contribution
from idmbook.commands.ingest_inbox import check_kind, collect_files
from idmbook.commands.ingest_note import ingest_note
from idmbook.commands.ingest_run import IngestOptions, IngestRun, writable_inside
from idmbook.diagnostics import Report, Severity
from idmbook.errors import IdmbookError
from idmbook.ingest.plan import index_project
from idmbook.ingest.register import load_register
from idmbook.ingest.report import FileResult, IngestResult, progress_bar
from idmbook.ingest.sniff import sniff
from idmbook.load.findings import Refused
from idmbook.load.project import open_project
from idmbook.load.sources import rel_path
from idmbook.rules import diag

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["IngestOptions", "ingest"]


def ingest(
    paths: list[Path],
    options: IngestOptions,
    start: Path | None = None,
    console: Console | None = None,
) -> IngestResult:
    """Ingest ``paths`` (files or folders) into the project found at or above ``start``."""
    opened = open_project(start or Path.cwd())
    if isinstance(opened, Report):
        first = next((d for d in opened.diagnostics if d.severity is Severity.ERROR), None)
        raise IdmbookError(
            "the project's idmbook.yaml has errors" + (f": {first.message}" if first else ""),
            "run `idmbook validate` and correct idmbook.yaml first",
        )
    project = opened
    root = project.root
    writable_inside(root, root / "contributions" / "x.md", root / "chapters" / "notes" / "x.md")
    register = None
    if options.register is not None:
        register = load_register(options.register, rel_path(options.register, root), options.limits)
    entries = collect_files(paths, root, options.register)
    result = IngestResult(dry_run=options.dry_run)
    if register is not None:
        result.report.extend(register.diagnostics)
    index = index_project(root, recover=not options.dry_run)
    for folder, message in index.recovered:
        result.report.add(diag("IDM127", folder, 0, 0, message))
    run = IngestRun(project, options, index, register, [p.name for p in entries])
    with progress_bar(console, len(entries)) as advance:
        for path in entries:
            item = _one(path, run)
            result.files.append(item)
            result.report.extend(item.diagnostics)
            advance(path.name)  # type: ignore[operator]
    if register is not None:
        result.report.extend(register.unused(run.names))
    return result


def _one(path: Path, run: IngestRun) -> FileResult:
    """Read one file (a regular file within the size limit, not ingested before) and ingest
    it; what is refused becomes an error of its own, never an exception."""
    root, limits = run.project.root, run.options.limits
    rel = rel_path(path, root)
    item = FileResult(rel, "failed")
    try:
        if path.is_symlink() or not path.is_file():
            raise Refused(
                "IDM121",
                "the path is a link or not a regular file; it is not followed",
                "copy the file itself into the inbox",
            )
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise Refused(
                "IDM100",
                f"the file is {size / 1024 / 1024:.0f} MB; the limit is "
                f"{limits.max_file_bytes // 1024 // 1024} MB",
                "ask the sender for a version with smaller pictures",
            )
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise Refused("IDM100", f"cannot read the file: {exc.strerror}") from None
        sha = hashlib.sha256(raw).hexdigest()
        if sha in run.index.by_sha or sha in run.seen:
            where = run.index.by_sha.get(sha) or run.seen[sha]
            item.status, item.target = "skipped", where
            text = (
                f"already ingested as {where}"
                if sha in run.index.by_sha
                else f"same file as {where}, earlier in this run"
            )
            item.diagnostics.append(diag("IDM113", rel, 0, 0, text))
            return item
        sniffed = sniff(raw)
        findings = check_kind(sniffed, path)
        with tempfile.TemporaryDirectory(prefix="idmbook-ingest-") as tmp:
            if run.options.kind == "note":
                ingest_note(path, raw, sha, sniffed, run, item)
            else:
                ingest_contribution(path, raw, sha, sniffed, Path(tmp), run, item, findings)
        if item.status != "failed":
            run.seen[sha] = rel
    except Refused as exc:
        finding = exc.finding
        item.status = "failed"
        item.diagnostics.append(
            diag(finding.code, rel, 0, 0, finding.message, finding.hint, Severity.ERROR)
        )
    except RecursionError:
        item.status = "failed"
        item.diagnostics.append(
            diag(
                "IDM116",
                rel,
                0,
                0,
                "the document nests its parts too deeply to be read",
                "ask the sender to open the file and save it again as .docx",
                Severity.ERROR,
            )
        )
    return item
