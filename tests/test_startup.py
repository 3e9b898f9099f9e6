"""What a command imports before it works: `idmbook --help` and a build with nothing to do
must not pay for pandoc, Typst, python-docx or the models (timings live in the benchmark;
these tests check the imports, which decide them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ProjectDir, contribution_text

from idmbook.build import BuildOptions, build

HEAVY = ("typst", "docx", "pypandoc", "idmbook.render.docx", "idmbook.render.pdf")
MODELS = ("idmbook.config", "idmbook.models", "idmbook.validate", "idmbook.assemble", "jinja2")


def imported(args: list[str], cwd: Path) -> set[str]:
    """The modules ``python -m idmbook.cli ARGS`` imported, from ``-X importtime``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "idmbook.cli", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_help_imports_no_tool(tmp_path: Path) -> None:
    modules = imported(["--help"], tmp_path)
    assert "typer" in modules and "idmbook.errors" in modules  # (the command line did load)
    assert not [m for m in HEAVY if m in modules]


def test_an_up_to_date_build_imports_neither_tools_nor_models(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")  # (the subprocess inherits it)
    build(project.root, BuildOptions(formats=("docx",)))
    modules = imported(["build", "--format", "docx"], project.root)
    assert "idmbook.build" in modules
    assert not [m for m in (*HEAVY, *MODELS) if m in modules]


def test_validating_the_common_languages_loads_no_language_database(project: ProjectDir) -> None:
    """en, fr, es... (idmbook.fields.COMMON_LANGUAGES) are known valid without langcodes."""
    modules = imported(["validate"], project.root)
    assert "idmbook.models" in modules  # (the files were validated)
    assert "langcodes" not in modules
    project.write(
        "contributions/de.md", contribution_text("Beitrag").replace("language: en", "language: de")
    )
    assert "langcodes" in imported(["validate"], project.root)


def test_the_common_languages_are_valid_tags() -> None:
    import langcodes

    from idmbook.fields import COMMON_LANGUAGES

    assert {tag for tag in COMMON_LANGUAGES if langcodes.tag_is_valid(tag)} == COMMON_LANGUAGES
