"""Reference on the command line: `idmbook rules` (and the themes) and `idmbook schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from idmbook.cli.app import (
    app,
    out_console,
)
from idmbook.errors import IdmbookError, ProjectNotFound

# The rest of idmbook is imported inside the functions that use it: `idmbook --help` loads only
# idmbook.cli, errors, gcpause and stopping (tests/test_startup.py::test_help_imports_no_tool).


@app.command()
def rules(
    codes: Annotated[
        list[str] | None, typer.Argument(help="Codes to explain (default: every code).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    themes: Annotated[
        bool,
        typer.Option("--themes", help="List the theme ids of the project's taxonomy instead."),
    ] = False,
) -> None:
    """List every diagnostic code with its explanation (or, with --themes, the theme ids).

    Example: [bold]idmbook rules[/], [bold]idmbook rules IDM043[/], [bold]idmbook rules --themes[/]
    """
    from idmbook.rules import RULES

    if themes:
        _print_themes()
        return
    wanted = [code.upper() for code in codes or []]
    unknown = [code for code in wanted if code not in RULES]
    if unknown:
        raise IdmbookError(
            f"no such code: {', '.join(unknown)}", "`idmbook rules` lists every code"
        )
    chosen = [RULES[code] for code in wanted] if wanted else list(RULES.values())
    if fmt == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "explanation": r.explanation,
            }
            for r in chosen
        ]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    for r in chosen:
        out_console.print(f"[bold]{r.code}[/] {r.name} ({r.severity.value})", highlight=False)
        out_console.print(f"  {r.summary}", highlight=False, markup=False)
        for line in r.explanation.splitlines():
            out_console.print(f"    {line}", highlight=False, markup=False)


def _print_themes() -> None:
    """The taxonomy of the project here, or the built-in one outside a project."""
    from idmbook.load.defaults import DATA
    from idmbook.load.project import open_project
    from idmbook.model.config import Taxonomy

    taxonomy: Taxonomy | None = None
    try:
        opened = open_project(Path.cwd())
        taxonomy = getattr(opened, "taxonomy", None)
    except ProjectNotFound:
        pass
    if taxonomy is None:
        from ruamel.yaml import YAML

        data = YAML(typ="safe", pure=True).load((DATA / "themes.yaml").read_text("utf-8"))
        taxonomy = Taxonomy.model_validate(data)
    for theme in taxonomy.themes:
        out_console.print(f"[bold]{theme.id}[/]  {theme.title}", highlight=False, soft_wrap=True)
        for sub in theme.subthemes:
            out_console.print(
                f"    {sub.id}  {sub.title}", highlight=False, markup=False, soft_wrap=True
            )
    if taxonomy.thematic_sessions:
        out_console.print("[bold]thematic_sessions[/]", highlight=False, soft_wrap=True)
        for v in taxonomy.thematic_sessions:
            out_console.print(
                f"    {v.id}  {v.title}", highlight=False, markup=False, soft_wrap=True
            )
    if taxonomy.sdg_targets:
        out_console.print("[bold]sdg_targets[/]", highlight=False, soft_wrap=True)
        for v in taxonomy.sdg_targets:
            out_console.print(
                f"    {v.id}  {v.title}", highlight=False, markup=False, soft_wrap=True
            )


@app.command()
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the JSON Schema files.")
    ] = Path("schemas"),
) -> None:
    """Write JSON Schemas of the front matter and config, for editor completion; in a project,
    with its own workshop, session, theme and SDG target ids.

    Example: [bold]idmbook schema --out schemas[/]
    """
    from idmbook.load.project import open_project
    from idmbook.model.schemas import write_schemas

    try:
        opened = open_project(Path.cwd())
    except ProjectNotFound:
        opened = None
    config = getattr(opened, "config", None)
    taxonomy = getattr(opened, "taxonomy", None)
    for path in write_schemas(out, config, taxonomy):
        out_console.print(f"wrote {path}")
