"""One Word note made from the rapporteurs' template ingested into chapters/notes/."""

from __future__ import annotations

from pathlib import Path

from idmbook import __version__
from idmbook.check.validate import validate
from idmbook.commands.ingest_run import IngestRun, validate_written, writable_inside
from idmbook.diagnostics import Severity
from idmbook.ingest.notes import note_from_docx
from idmbook.ingest.plan import install, note_sha
from idmbook.ingest.report import FileResult
from idmbook.ingest.sniff import Sniffed
from idmbook.load.findings import Refused
from idmbook.load.sources import rel_path
from idmbook.rules import diag


def ingest_note(
    path: Path, raw: bytes, sha: str, sniffed: Sniffed, run: IngestRun, item: FileResult
) -> None:
    """Make the Word note at ``path`` (its bytes ``raw``) chapters/notes/WORKSHOP/SESSION.md,
    once it validates; an existing note is never overwritten."""

    root, rel = run.project.root, item.source
    if sniffed.kind != "docx":
        raise Refused(
            "IDM122",
            "a Word note must be a .docx made from templates/rapporteur-note.docx; "
            f"this is {sniffed.what}",
            "ask the rapporteur to save the note as a Word Document (.docx)",
        )
    note, problems = note_from_docx(raw, rel, run.options.limits)
    item.diagnostics += problems
    if note is None:
        return
    item.changes = [f.message for f in note.findings]
    _, report = validate(root, [path])
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    if errors:
        item.diagnostics += [d for d in report.diagnostics if d not in problems]
        return
    workshop, session = str(note.meta["workshop"]), str(note.meta["session"])
    target = root / "chapters" / "notes" / workshop / f"{session}.md"
    item.target = rel_path(target, root)
    if target.exists():
        existing = target.read_text("utf-8", "replace")
        if note_sha(existing) == sha:
            item.status = "skipped"
            item.diagnostics.append(diag("IDM113", rel, 0, 0, f"already ingested as {item.target}"))
            return
        raise Refused(
            "IDM120",
            f"{item.target} already exists; it was not overwritten",
            "compare the two, move the old note away, then ingest again",
        )
    comment = f"# Ingested by idmbook {__version__} from {path.name!r}, sha256 {sha}"
    text = note.markdown.replace("---\n", "---\n" + comment.replace("\n", " ") + "\n", 1)
    if run.options.dry_run:
        item.status = "would ingest"
        return
    writable_inside(root, target)
    install(target, text, None, {}, sha)
    run.index.by_sha[sha] = item.target
    item.status = "ingested"
    item.diagnostics += validate_written(root, target)
