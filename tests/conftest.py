"""Shared fixtures: a small valid publication project in ``tmp_path`` and ways to run the CLI.

``make_project()`` writes a project that validates with no diagnostics at all (no error, no
warning, no info): two workshops, a note for every session that needs one, two contributions
with consent, an editorial chapter, and every built-in theme used. Tests then break one thing
and assert on exactly the diagnostics that one change causes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from idmbook.diagnostics import Diagnostic, Report

CONFIG = """\
# A small IDM project for tests.
title: Strengthening international cooperation on and governance of migration
year: 2017
language: en
series:
  name: International Dialogue on Migration
  number: 27
  issn: 1726-2224
publisher:
  name: International Organization for Migration
  address:
    - 17 route des Morillons
    - 1211 Geneva 19
workshops:
  - id: new-york
    title: International cooperation on and governance of migration
    city: New York
    start: 2017-04-18
    end: 2017-04-19
    sessions:
      - id: opening
        order: 0
        title: Opening session
      - id: sdg-targets
        order: 1
        title: Implementing the migration-related targets of the SDGs
      - id: closing
        order: 2
        title: Wrap-up and closing remarks
        note_required: false
  - id: geneva
    title: Understanding migrant vulnerabilities
    city: Geneva
    start: 2017-07-18
    end: 2017-07-19
    sessions:
      - id: opening
        order: 0
        title: Opening session
      - id: children
        order: 1
        title: Addressing the needs of children on the move
"""
"""The config of ``make_project``; the session ``id:`` lines are 21, 24, 27, 37 and 40."""

CONFIG_SESSION_LINES = {
    ("new-york", "opening"): 21,
    ("new-york", "sdg-targets"): 24,
    ("new-york", "closing"): 27,
    ("geneva", "opening"): 37,
    ("geneva", "children"): 40,
}


def note_text(
    workshop: str = "new-york",
    session: str = "opening",
    themes: str = "[safe-orderly-regular]",
    status: str = "final",
    extra: str = "",
    body: str | None = None,
) -> str:
    """A valid rapporteur note; the front matter has 7 lines (+ ``extra``)."""
    front = (
        f"---\ntitle: Session {session}\nworkshop: {workshop}\nsession: {session}\n"
        f"rapporteur: Ana Rapporteur\nstatus: {status}\nthemes: {themes}\n{extra}---\n"
    )
    if body is None:
        body = (
            "\n## Summary\n\nThe session opened the workshop.\n\n"
            "## Key messages\n\n- Cooperation matters.\n\n"
            '## Recommendations\n\n- Share data between States. {levels="national"}\n'
            "- Involve local authorities.\n"
        )
    return front + body


def contribution_text(
    organisation: str = "City of Montreal",
    themes: str = "[rights-wellbeing]",
    consent: str = "true",
    extra: str = "",
    body: str = "\nWe welcome newcomers through one-stop shops.\n",
) -> str:
    """A valid stakeholder contribution."""
    return (
        f"---\ntitle: Submission of {organisation}\norganisation: {organisation}\n"
        f"stakeholder_type: local_authority\ncountry: CA\nworkshop: new-york\n"
        f"themes: {themes}\nlanguage: en\nreceived: 2017-05-02\nconsent: {consent}\n"
        f"{extra}---\n{body}"
    )


CHAPTER = """\
---
title: Foreword
part: front
order: 1
---

This publication brings together the outcomes of the two 2017 workshops.
"""

DOT_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\xdac\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xf7\x03AC"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
"""A valid PNG of one pixel."""

NOTE_PATHS = {
    ("new-york", "opening"): "chapters/notes/new-york/opening.md",
    ("new-york", "sdg-targets"): "chapters/notes/new-york/sdg-targets.md",
    ("geneva", "opening"): "chapters/notes/geneva/opening.md",
    ("geneva", "children"): "chapters/notes/geneva/children.md",
}

DEFAULT_FILES: dict[str, str] = {
    "idmbook.yaml": CONFIG,
    NOTE_PATHS["new-york", "opening"]: note_text("new-york", "opening"),
    NOTE_PATHS["new-york", "sdg-targets"]: note_text(
        "new-york",
        "sdg-targets",
        "[safe-orderly-regular, nyd-v]",
        extra='levels: [national, global]\nsdg_targets: ["10.7", "17.18"]\n',
    ),
    NOTE_PATHS["geneva", "opening"]: note_text("geneva", "opening", "[crises-mobility]"),
    NOTE_PATHS["geneva", "children"]: note_text(
        "geneva", "children", "[forced-irregular, nyd-k]", extra="thematic_sessions: [TS5]\n"
    ),
    "contributions/montreal.md": contribution_text(),
    "contributions/mexico.md": contribution_text("Government of Mexico", "[safe-orderly-regular]")
    .replace("stakeholder_type: local_authority", "stakeholder_type: government")
    .replace("country: CA", "country: MX"),
    "chapters/foreword.md": CHAPTER,
}


@dataclass
class ProjectDir:
    """A project written into a temporary folder, with helpers to change its files."""

    root: Path

    def __fspath__(self) -> str:
        return str(self.root)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, content: str | bytes, dedent: bool = False) -> Path:
        """Write (or overwrite) ``rel``; text is written as UTF-8 with LF newlines."""
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes((textwrap.dedent(content) if dedent else content).encode())
        return target

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text("utf-8")

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def validate(self, *paths: str, strict: bool = False) -> Report:
        """Run the library's validate on the whole project or on ``paths``."""
        from idmbook.check.validate import validate

        targets = [self.root / p for p in paths] if paths else None
        _, report = validate(self.root, targets, strict=strict)
        return report


@pytest.fixture(autouse=True)
def own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Each test builds with a cache folder of its own (idmbook's cache is the user's, shared
    by every project: a test must not see what another test left there)."""
    folder = tmp_path_factory.mktemp("idmbook-cache")
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("IDMBOOK_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., ProjectDir]:
    """Factory: ``make_project()`` writes the valid project; keyword ``files`` overrides or
    adds files (``None`` as content leaves a default file out)."""
    counter = iter(range(1000))

    def make(files: dict[str, str | bytes | None] | None = None) -> ProjectDir:
        root = tmp_path / f"project{next(counter)}"
        root.mkdir()
        project = ProjectDir(root)
        merged: dict[str, str | bytes | None] = {**DEFAULT_FILES, **(files or {})}
        for rel, content in merged.items():
            if content is not None:
                project.write(rel, content)
        return project

    return make


@pytest.fixture
def project(make_project: Callable[..., ProjectDir]) -> ProjectDir:
    """The valid project, unchanged."""
    return make_project()


def every_piece_its_own_run(monkeypatch: pytest.MonkeyPatch, processors: int) -> None:
    """The book's parse on ``processors`` processors, a short text worth as many pandoc
    processes as a long one (see idmbook.parse.pieces)."""
    import idmbook.parse.pieces as parse_module

    real = parse_module.balanced_runs
    monkeypatch.setattr(os, "cpu_count", lambda: processors)
    monkeypatch.setattr(
        parse_module,
        "balanced_runs",
        lambda indices, sizes, minimum, count=None: real(indices, sizes, 0, count),
    )


def triples(diagnostics: list[Diagnostic] | Report) -> set[tuple[str, str, int, int]]:
    """(path, code, line, column) of each diagnostic."""
    if isinstance(diagnostics, Report):
        diagnostics = diagnostics.diagnostics
    return {(d.path, d.code, d.line, d.column) for d in diagnostics}


# --------------------------------------------------------------------------- running the CLI


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli_runner(args: list[str], cwd: Path | None = None) -> CliResult:
    """``idmbook.cli.app`` through typer's CliRunner.

    Only the output is trustworthy here: exceptions are mapped to exit codes in
    ``idmbook.cli.main``, which CliRunner bypasses, so use :func:`run_main` or
    :func:`run_subprocess` for exit codes.
    """
    from typer.testing import CliRunner

    from idmbook.cli import app

    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, args)
    finally:
        os.chdir(old)
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., CliResult]:
    """Run ``idmbook.cli.main`` in this process (the real entry point, with its exit-code
    mapping) and capture its output. The GITHUB_ACTIONS variable is removed unless given."""

    def run(args: list[str], cwd: Path | ProjectDir | None = None, **env: str) -> CliResult:
        from idmbook.cli import main

        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "argv", ["idmbook", *args])
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def run_subprocess(
    args: list[str],
    cwd: Path | ProjectDir,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> CliResult:
    """Run ``python -m idmbook.cli`` as a real process (what users and CI run); ``env`` is
    added to this process's environment (without GITHUB_ACTIONS and PYTHONPATH)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONPATH")}
    full_env.update({"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})
    proc = subprocess.run(
        [sys.executable, "-m", "idmbook.cli", *args],
        cwd=os.fspath(cwd),
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli_subprocess() -> Iterator[Callable[..., CliResult]]:
    yield run_subprocess


def built_outputs(
    root: Path, formats: tuple[str, ...], language: str | None = None
) -> dict[str, Path]:
    """Build the project at ``root`` as a module-scoped fixture does (no monkeypatch there):
    with a fixed SOURCE_DATE_EPOCH, put back afterwards; the build must find no error."""
    from idmbook.commands.build import BuildOptions, build

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1513209600"
    try:
        result = build(root, BuildOptions(formats=formats, language=language))
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    assert not result.report.has_errors, [d.message for d in result.report.diagnostics]
    return result.outputs
