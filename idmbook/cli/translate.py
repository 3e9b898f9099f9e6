"""Translations on the command line: `idmbook translate stamp`, `export` and `import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from idmbook.cli.app import (
    OutputFormat,
    ProjectOption,
    app,
    err_console,
    report_build_problems,
    shown,
)
from idmbook.errors import IdmbookError, ProblemsFound

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).

translate_app = typer.Typer(
    help="Translations of notes, contributions and chapters (NAME.LANG.md beside NAME.md).\n\n"
    "Example: [bold]idmbook translate stamp chapters/notes/geneva/children.fr.md[/]",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(translate_app, name="translate")


@translate_app.command("stamp")
def translate_stamp(
    paths: Annotated[list[Path], typer.Argument(help="Translations brought up to date.")],
    project: ProjectOption = None,
) -> None:
    """Record that each translation is up to date with its original as it is now.

    Example: [bold]idmbook translate stamp chapters/notes/geneva/children.fr.md[/]
    """
    from idmbook.commands.translate import stamp

    try:
        written = stamp(project or paths[0].parent, paths)
    except ProblemsFound as exc:
        if exc.report is not None:
            report_build_problems(exc.report, OutputFormat.human)
        raise
    for rel in written:
        err_console.print(f"stamped {rel}")


@translate_app.command("export")
def translate_export(
    lang: Annotated[str, typer.Option("--lang", help="Language to translate into: fr, es...")],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Originals to export; every note, contribution and chapter if none."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder of the files (default: xliff/LANG/)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="xlf (XLIFF 2.0, the default) or po.")
    ] = "xlf",
    project: ProjectOption = None,
) -> None:
    """Write XLIFF 2.0 (or PO) files for translators' tools, one per original.

    Example: [bold]idmbook translate export --lang fr chapters/notes/geneva/children.md[/]
    """
    import langcodes

    from idmbook.commands.xliff_export import export

    if not langcodes.tag_is_valid(lang):
        raise IdmbookError(f"'{lang}' is not a language tag", "use fr or es")
    if fmt not in ("xlf", "po"):
        raise IdmbookError(f"cannot export as '{fmt}'", "use --format xlf or --format po")
    try:
        written = export(project or Path.cwd(), lang, paths or None, out, fmt)
    except ProblemsFound as exc:
        if exc.report is not None:
            report_build_problems(exc.report, OutputFormat.human)
        raise
    for path in written:
        err_console.print(f"wrote {shown(path)}")


@translate_app.command("import")
def translate_import(
    files: Annotated[list[Path], typer.Argument(help="Translated XLIFF (.xlf) or PO files.")],
    translator: Annotated[
        str | None, typer.Option(help="Translator's name (default: the translation's own).")
    ] = None,
    final: Annotated[
        bool, typer.Option("--final", help="Mark the translations final (default: draft).")
    ] = False,
    project: ProjectOption = None,
) -> None:
    """Write NAME.LANG.md beside each original from translated XLIFF files.

    Example: [bold]idmbook translate import xliff/fr/chapters/notes/geneva/children.xlf[/]
    """
    from idmbook.commands.xliff_import import import_files

    try:
        written = import_files(project or Path.cwd(), files, translator, final)
    except ProblemsFound as exc:
        if exc.report is not None:
            report_build_problems(exc.report, OutputFormat.human)
        raise
    for rel in written:
        err_console.print(f"wrote {rel}")
