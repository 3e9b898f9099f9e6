"""Proofs on the command line: `idmbook proof`, `idmbook corrections`, `idmbook review`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from idmbook.cli.app import (
    OutputFormat,
    ProjectOption,
    app,
    err_console,
    out_console,
    report_build_problems,
    shown,
)
from idmbook.errors import IdmbookError, ProblemsFound

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).


@app.command("proof")
def proof(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Notes, contributions or chapters to proof.")
    ] = None,
    book: Annotated[
        bool, typer.Option("--book", help="One proof of every text the book prints.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder of the proofs (default: proofs/).")
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Make a Word proof of each note or contribution, to send to its author.

    Example: [bold]idmbook proof chapters/notes/geneva/children.md --out proofs[/]
    """
    from idmbook.commands.proof import make_proofs

    if book and paths:
        raise IdmbookError("name the texts to proof, or use --book, not both")
    try:
        written = make_proofs(project or Path.cwd(), paths or [], out, book=book)
    except ProblemsFound as exc:
        if exc.report is not None:
            report_build_problems(exc.report, OutputFormat.human)
        raise
    for path in written:
        err_console.print(f"wrote {shown(path)}")


@app.command("corrections")
def corrections(
    file: Annotated[Path, typer.Argument(help="A returned proof (DOCX).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show the changes; write nothing.")
    ] = False,
    project: ProjectOption = None,
) -> None:
    """Carry a returned proof's tracked changes and edits back into its sources.

    Example: [bold]idmbook corrections inbox/notes-geneva-children.docx --dry-run[/]
    """
    from idmbook.commands.corrections import apply_corrections, read_corrections, review_items
    from idmbook.commands.review import record_items

    try:
        found = read_corrections(project or Path.cwd(), file)
    except ProblemsFound as exc:
        if exc.report is not None:
            report_build_problems(exc.report, OutputFormat.human)
        raise
    for change in found.changes:
        sys.stdout.write(change.diff())
    items = review_items(found)
    if not dry_run:
        apply_corrections(found)
        items = record_items(found.project.root if found.project else Path.cwd(), items)
    _report_corrections(found, items, dry_run, file)
    if found.unplaced:
        raise ProblemsFound(f"{len(found.unplaced)} changes could not be placed")


review_app = typer.Typer(
    help="Review items: comments left on proofs (reviews/) and <!-- ... --> in sources.\n\n"
    "Example: [bold]idmbook review list[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(review_app, name="review")


@review_app.command("list")
def review_list(project: ProjectOption = None) -> None:
    """List the open review items with their source and line.

    Example: [bold]idmbook review list[/]
    """
    from idmbook.check.validate import validate
    from idmbook.commands.review import open_items

    loaded, report = validate(project or Path.cwd())
    if loaded is None:
        report_build_problems(report, OutputFormat.human)
        raise typer.Exit(1)
    items = open_items(loaded)
    for item in items:
        who = f" ({item.author})" if item.author else ""
        out_console.print(f"{item.source}:{item.line}: {item.id}{who}: {item.text}", markup=False)
    err_console.print(f"{len(items)} open review items")


@review_app.command("resolve")
def review_resolve(
    ident: Annotated[str, typer.Argument(help="The id of the review item (rXXXXXXX).")],
    project: ProjectOption = None,
) -> None:
    """Mark a review item resolved once it has been dealt with.

    Example: [bold]idmbook review resolve r3f9a2c1[/]
    """
    from idmbook.commands.review import resolve

    item = resolve(project or Path.cwd(), ident)
    err_console.print(f"resolved {item.id} on {item.source}:{item.line}", markup=False)


@app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="The earlier draft: a git revision (commit, tag).")],
    new: Annotated[
        str | None, typer.Argument(help="The later draft (default: the files as they are now).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="The DOCX to write (default: dist/BASENAME-changes.docx)."
        ),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Write a Word file of the texts changed between two drafts, as tracked changes.

    Example: [bold]idmbook diff v0.1-draft HEAD[/]
    """
    from idmbook.commands.diff import make_diff

    target, shown_sources = make_diff(project or Path.cwd(), old, new, out)
    for rel in shown_sources:
        err_console.print(f"changed {rel}", markup=False)
    err_console.print(f"wrote {shown(target)}", markup=False)


def _report_corrections(found: Any, items: list[Any], dry_run: bool, file: Path) -> None:
    """What `idmbook corrections` changed, recorded and could not place, on stderr."""
    verb = "would correct" if dry_run else "corrected"
    for change in found.changes:
        lines = ", ".join(str(line) for line in change.changed)
        err_console.print(f"{verb} {change.rel} (lines {lines})", markup=False)
    for item in items:
        what = "would record" if dry_run else "recorded"
        err_console.print(
            f"{item.source}:{item.line}: {what} review item {item.id} from {item.author or '?'}: "
            f"{item.comment}",
            markup=False,
        )
    for marked in found.applied_before:
        err_console.print(
            f"{marked.source}:{marked.line}: already corrected (the source says what the proof "
            "returns)",
            markup=False,
        )
    for problem in found.unplaced:
        where = f"{problem.source}:{problem.line}" if problem.source else shown(file)
        quoted = f': "{problem.text}"' if problem.text else ""
        err_console.print(f"{where}: cannot place a change: {problem.reason}{quoted}", markup=False)
    for rel in sorted(found.blocked):
        err_console.print(f"{rel}: nothing changed (see above)", markup=False)
    if not found.changes and not found.unplaced and not items and not found.applied_before:
        err_console.print(f"{shown(file)}: no corrections found", markup=False)
