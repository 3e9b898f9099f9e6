"""What a command imports before it works: `idmbook --help` and a build with nothing to do
must not pay for pandoc, Typst, python-docx or the models (timings live in the benchmark;
these tests check the imports, which decide them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ProjectDir, contribution_text

from idmbook.commands.build import BuildOptions, build

HEAVY = ("typst", "docx", "pypandoc", "idmbook.render.docx", "idmbook.render.pdf")
MODELS = (
    "idmbook.model.config",
    "idmbook.model.documents",
    "idmbook.check.validate",
    "idmbook.compose.assemble",
    "jinja2",
)


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
    ours = {m for m in modules if m.startswith("idmbook.") and not m.startswith("idmbook.cli")}
    assert ours == {"idmbook.errors", "idmbook.gcpause", "idmbook.stopping"}


def test_an_up_to_date_build_validates_and_converts_nothing(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing changed, a build reads the config, hashes the inputs and asks pandoc its
    version: no validation, no conversion, no Typst."""
    import idmbook.commands.build as build_module
    from idmbook.pandoc.run import pandoc_version, tool_spans

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    build(project.root, BuildOptions(formats=("docx", "pdf")))
    monkeypatch.setattr(build_module, "validate", lambda *a, **k: pytest.fail("validated"))
    pandoc_version.cache_clear()  # (remembered by this process, not by the next)
    before = len(tool_spans())
    assert build(project.root, BuildOptions(formats=("docx", "pdf"))).up_to_date
    assert [name for name, *_ in tool_spans()[before:]] == ["pandoc"]  # (its --version)


def test_a_clean_validation_reads_no_field_docstrings(project: ProjectDir) -> None:
    """The models' field docstrings are read from their source only for a diagnostic's help
    or a JSON Schema (idmbook.model.fielddocs), never while the models are made."""
    modules = imported(["validate"], project.root)
    assert "idmbook.model.documents" in modules  # (the files were validated)
    assert "idmbook.model.fielddocs" not in modules
    from idmbook.model.config import Config
    from idmbook.model.documents import NoteMeta

    assert all(info.description is None for info in NoteMeta.model_fields.values())
    assert all(info.description is None for info in Config.model_fields.values())


@pytest.mark.parametrize("tool", ["idmbook", "pandoc", "typst"])
def test_a_new_version_of_a_tool_makes_the_last_build_stale(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch, tool: str
) -> None:
    """The outputs of another idmbook, pandoc or Typst are not taken as built: the version
    each reports is compared with the one the manifest recorded."""
    import importlib.metadata

    import idmbook.publish.plan as plan_module

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    first = build(project.root, BuildOptions(formats=("docx",)))
    assert build(project.root, BuildOptions(formats=("docx",))).up_to_date
    recorded = json.loads(first.manifest.read_text("utf-8"))["tools"]  # type: ignore[union-attr]
    assert set(recorded) == {"idmbook", "pandoc", "typst"}
    if tool == "idmbook":
        monkeypatch.setattr(plan_module, "__version__", recorded["idmbook"] + ".1")
    elif tool == "pandoc":
        monkeypatch.setattr(plan_module, "pandoc_version", lambda: recorded["pandoc"] + ".1")
    else:
        real = importlib.metadata.version
        newer = lambda name: recorded["typst"] + ".1" if name == "typst" else real(name)  # noqa: E731
        monkeypatch.setattr(importlib.metadata, "version", newer)
    again = build(project.root, BuildOptions(formats=("docx",)))
    assert not again.up_to_date
    assert json.loads(again.manifest.read_text("utf-8"))["tools"][tool] == recorded[tool] + ".1"  # type: ignore[union-attr]


def test_validating_the_common_languages_loads_no_language_database(project: ProjectDir) -> None:
    """en, fr, es... (idmbook.model.fields.COMMON_LANGUAGES) are known valid without langcodes."""
    modules = imported(["validate"], project.root)
    assert "idmbook.model.documents" in modules  # (the files were validated)
    assert "langcodes" not in modules
    project.write(
        "contributions/de.md", contribution_text("Beitrag").replace("language: en", "language: de")
    )
    assert "langcodes" in imported(["validate"], project.root)


def test_the_common_languages_are_valid_tags() -> None:
    import langcodes

    from idmbook.model.fields import COMMON_LANGUAGES

    assert {tag for tag in COMMON_LANGUAGES if langcodes.tag_is_valid(tag)} == COMMON_LANGUAGES


ORDER_SCRIPT = """
import json, sys
import idmbook.render.docx.writer
seen = {}
real_pandoc = idmbook.render.docx.writer.run_pandoc_docx

def run_pandoc_docx(*args, **kwargs):
    seen["converting"] = "docx" in sys.modules
    return real_pandoc(*args, **kwargs)

idmbook.render.docx.writer.run_pandoc_docx = run_pandoc_docx
from pathlib import Path
from idmbook.commands.build import BuildOptions, build
build(Path(sys.argv[1]), BuildOptions(formats=("docx",), force=True))
seen["finished"] = "docx" in sys.modules
print(json.dumps(seen))
"""


def test_a_build_imports_python_docx_after_pandoc(
    project: ProjectDir,
) -> None:
    """python-docx is imported once pandoc has written the DOCX (idmbook.render.docx.finish),
    so a build that writes only the PDF never imports it."""
    proc = subprocess.run(
        [sys.executable, "-c", ORDER_SCRIPT, str(project.root)],
        env={**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1513209600"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen == {
        "converting": False,
        "finished": True,
    }
