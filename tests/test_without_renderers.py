"""`pip install idmbook` validates; `pip install 'idmbook[build]'` builds.

The pre-commit hook installs idmbook without extras, so validation must run without pandoc,
Typst, the fonts and the editor's tools. Each test here runs idmbook as a real process in which
every installed package outside the base dependencies (and what they depend on) cannot be
imported: a ``sitecustomize`` put first on PYTHONPATH adds an import finder that refuses them,
as if they were not installed. A module of validate that imports one of them at its top, or
any check that needs one and does not leave itself out, fails these tests.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

import pytest
from conftest import CliResult, ProjectDir, note_text, run_subprocess
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))

RENDERERS = {
    "pypandoc-binary": "pypandoc",
    "typst": "typst",
    "python-docx": "docx",
    "lxml": "lxml",
    "fonttools": "fontTools",
    "fontpkg-amiri": "fontpkg_amiri",
    "manimgx-fonts": "manimgx_fonts",
    "manimgx-fonts-cjk": "manimgx_fonts_cjk",
}
"""The packages that render and set the book (and their modules): in the build extra only."""

DEGRADED = {"IDM054", "IDM070", "IDM071", "IDM072", "IDM073", "IDM074", "IDM093"}
DEGRADED |= {"IDM150", "IDM151", "IDM152", "IDM153", "IDM154"}
"""The checks that need the build extra (see idmbook/rules/extras.py)."""

INSTALL = "pip install 'idmbook[build]'"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    return _normal(Requirement(requirement).name)


def _base_closure() -> set[str]:
    """The distributions ``pip install idmbook`` installs: the base dependencies and theirs
    (no extras), as they are installed here."""
    pending = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    seen = {"idmbook"}
    while pending:
        requirement = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = _normal(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        pending += [Requirement(r) for r in requires]
    return seen


def _blocked_modules() -> list[str]:
    """Every top-level module of an installed distribution outside the base install."""
    base = _base_closure()
    blocked = set()
    for module, dists in metadata.packages_distributions().items():
        names = {_normal(d) for d in dists}
        if not names & base and module not in sys.stdlib_module_names:
            blocked.add(module)
    return sorted(blocked)


BLOCKER = '''\
"""Refuse the imports of the modules listed in IDMBOOK_TEST_BLOCKED, as if not installed."""
import os
import sys

_BLOCKED = frozenset(os.environ.get("IDMBOOK_TEST_BLOCKED", "").split(","))


class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in _BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled())
'''


@pytest.fixture(scope="module")
def blocker(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a process where only the base install can be imported."""
    folder = tmp_path_factory.mktemp("blocker")
    (folder / "sitecustomize.py").write_text(BLOCKER, "utf-8")
    blocked = _blocked_modules()
    return {"PYTHONPATH": str(folder), "IDMBOOK_TEST_BLOCKED": ",".join(blocked)}


@pytest.fixture
def run(blocker: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., CliResult]]:
    """``run(args, cwd, blocked=True)``: the console entry point as a real process."""

    def call(args: list[str], cwd: Path | ProjectDir, blocked: bool = True) -> CliResult:
        return run_subprocess(args, cwd, blocker if blocked else None, timeout=300)

    yield call


def _json(result: CliResult) -> list[dict[str, object]]:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def _without_degraded(diagnostics: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted(
        (d["path"], d["code"], d["line"], d["column"], d["severity"])
        for d in diagnostics
        if d["code"] not in DEGRADED and d["code"] != "IDM170"
    )


# --------------------------------------------------------------------------- the blocker


def test_the_blocker_refuses_the_renderers_and_nothing_validate_needs(
    blocker: dict[str, str],
) -> None:
    blocked = set(blocker["IDMBOOK_TEST_BLOCKED"].split(","))
    assert set(RENDERERS.values()) <= blocked
    assert {"sklearn", "numpy", "scipy", "pytest", "openpyxl", "pypdf"} <= blocked
    assert not {"typer", "rich", "pydantic", "ruamel", "orjson", "langcodes", "idmbook"} & blocked
    code = (
        "import importlib\n"
        "for name in ('pypandoc', 'typst', 'docx', 'fontTools', 'fontpkg_amiri', 'lxml'):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        print('refused', exc.name)\n"
        "import pydantic, typer, idmbook.check.validate\n"
        "print('validate imports')\n"
    )
    env = {**os.environ, **blocker}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:6] == [
        f"refused {name}"
        for name in ("pypandoc", "typst", "docx", "fontTools", "fontpkg_amiri", "lxml")
    ]
    assert "validate imports" in out.stdout


# --------------------------------------------------------------------------- validate


NOTE_WITH_MISTAKES = note_text(
    workshop="new-york",
    session="sdg-targets",
    themes="[safe-orderly-regular, no-such-theme]",
    status="finished",
    extra="colour: blue\n",
    body=(
        "\n## Summary\n\n"
        "The session [looked at data]{.highlight} across borders.\n\n"  # IDM070: pandoc
        "A bullet from a Symbol font: \uf0b7 in the text.\n\n"  # IDM054: the fonts
        "## Key messages\n\n- Data saves lives.\n\n"
        '## Recommendations\n\n- Share data between States. {levels="national"}\n'
        '- Involve local authorities. {levels="galactic"}\n'
    ),
)


def test_validate_finds_the_same_mistakes_without_the_build_extra(
    make_project: Callable[..., ProjectDir], run: Callable[..., CliResult]
) -> None:
    project = make_project({"chapters/notes/new-york/sdg-targets.md": NOTE_WITH_MISTAKES})
    full = run(["validate", "--format", "json"], project, blocked=False)
    alone = run(["validate", "--format", "json"], project)
    assert full.exit_code == alone.exit_code == 1
    with_build, without = _json(full), _json(alone)
    # the mistakes the renderers are needed for are found with them...
    assert {"IDM054", "IDM070"} <= {d["code"] for d in with_build}
    assert "IDM170" not in {d["code"] for d in with_build}
    # ...and every other mistake, at the same line and column, without them
    assert _without_degraded(without) == _without_degraded(with_build)
    assert len(_without_degraded(without)) >= 4  # theme, status, key, level
    # what was left out is said once
    infos = [d for d in without if d["code"] == "IDM170"]
    assert len(infos) == 1
    info = infos[0]
    assert info["severity"] == "info"
    assert info["path"] == "idmbook.yaml"
    assert info["message"] == (
        "not checked without idmbook[build]: "
        "the characters the PDF's fonts lack (IDM054) (needs fontpkg-amiri); "
        "what the build changes in the text (IDM070-IDM074) (needs pypandoc-binary)"
    )
    assert INSTALL in str(info["hint"])
    assert not {d["code"] for d in without} & DEGRADED


def test_internal_links_are_left_out_without_pandoc_and_said_to_be(
    make_project: Callable[..., ProjectDir], run: Callable[..., CliResult]
) -> None:
    chapter = (
        "---\ntitle: Introduction\npart: front\norder: 2\n---\n\n"
        "## Scope of the compact\n\nSee [the scope](#scope-of-the-compact) and "
        "[the annex](#annex-that-is-not-there).\n"
    )
    project = make_project({"chapters/introduction.md": chapter})
    full = _json(run(["validate", "--format", "json"], project, blocked=False))
    assert [(d["code"], d["path"], d["line"]) for d in full] == [
        ("IDM154", "chapters/introduction.md", 9)
    ]
    alone = run(["validate", "--format", "json"], project)
    assert alone.exit_code == 0
    assert [(d["code"], d["message"]) for d in _json(alone)] == [
        (
            "IDM170",
            "not checked without idmbook[build]: the internal links (IDM154) "
            "(needs pypandoc-binary)",
        )
    ]


def test_validate_of_named_files_in_every_format_without_the_build_extra(
    make_project: Callable[..., ProjectDir], run: Callable[..., CliResult]
) -> None:
    project = make_project({"chapters/notes/new-york/sdg-targets.md": NOTE_WITH_MISTAKES})
    note = "chapters/notes/new-york/sdg-targets.md"
    human = run(["validate", note], project)
    assert human.exit_code == 1
    assert "Traceback" not in human.stdout + human.stderr
    assert (
        "idmbook.yaml: info[IDM170]: not checked without idmbook[build]: the characters the "
        "PDF's fonts lack (IDM054) (needs fontpkg-amiri); what the build changes in the text "
        "(IDM070-IDM074) (needs pypandoc-binary)\n" in human.stdout
    )
    assert f"= hint: `{INSTALL}`" in human.stdout
    assert f"{note}:3:1" not in human.stdout  # no line of the note for the info
    assert re.search(r"^\d+ errors?, \d+ warnings?, 1 info$", human.stdout, re.MULTILINE)

    github = run(["validate", "--format", "github", note], project)
    assert github.exit_code == 1
    notices = [line for line in github.stdout.splitlines() if line.startswith("::notice")]
    assert len(notices) == 1
    assert notices[0].startswith("::notice file=idmbook.yaml,title=IDM170::not checked without")

    sarif = run(["validate", "--format", "sarif", note], project)
    assert sarif.exit_code == 1
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    notes = [r for r in results if r["ruleId"] == "IDM170"]
    assert len(notes) == 1 and notes[0]["level"] == "note"
    assert {r["ruleId"] for r in results} & DEGRADED == set()

    as_json = _json(run(["validate", "--format", "json", note], project))
    assert [d["code"] for d in as_json].count("IDM170") == 1


def test_a_clean_markdown_project_needs_no_check_of_the_build_extra(
    project: ProjectDir, run: Callable[..., CliResult]
) -> None:
    """A note without attributes, equations, odd links or unusual characters: nothing is
    left out, so nothing is said."""
    result = run(["validate"], project)
    assert result.exit_code == 0, result
    assert result.stdout == "no problems found\n"


def test_validate_of_this_repository_without_the_build_extra(
    run: Callable[..., CliResult],
) -> None:
    full = run(["validate", "--format", "json"], REPO, blocked=False)
    alone = run(["validate", "--format", "json"], REPO)
    assert full.exit_code == alone.exit_code == 0
    with_build, without = _json(full), _json(alone)
    assert _without_degraded(without) == _without_degraded(with_build)
    infos = [d for d in without if d["code"] == "IDM170"]
    assert len(infos) == 1
    message = str(infos[0]["message"])
    # the book's sample consolidation and references need scikit-learn and pandoc
    assert "the near-duplicate recommendations (IDM093) (needs scikit-learn)" in message
    assert "the references file and the citations (IDM150-IDM153)" in message
    for fmt in ("human", "github", "sarif"):
        result = run(["validate", "--format", fmt], REPO)
        assert result.exit_code == 0, (fmt, result)
        assert "IDM170" in result.stdout
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_validate_a_word_note_without_the_build_extra_says_what_to_install(
    make_project: Callable[..., ProjectDir], run: Callable[..., CliResult]
) -> None:
    project = make_project()
    note = project.write("inbox/note.docx", (REPO / "templates/rapporteur-note.docx").read_bytes())
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    result = run(["validate", "inbox/note.docx"], project)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "error: validating the Word note inbox/note.docx needs pypandoc-binary, which is not "
        f"installed: {INSTALL}"
    )
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("*")) == before
    assert note.read_bytes() == (REPO / "templates/rapporteur-note.docx").read_bytes()


# --------------------------------------------------------------------------- build and others


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "args",
    [
        ["build"],
        ["build", "--final", "--force"],
        ["watch"],
        ["proof"],
        ["status"],
        ["recommendations"],
        ["ingest", "inbox/note.docx"],
        ["translate", "export", "--lang", "fr"],
    ],
)
def test_commands_that_build_say_what_to_install_and_write_nothing(
    args: list[str], project: ProjectDir, run: Callable[..., CliResult]
) -> None:
    project.write("inbox/note.docx", (REPO / "templates/rapporteur-note.docx").read_bytes())
    before = _tree(project.root)
    result = run(args, project)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(
        rf"error: idmbook {args[0]} needs [a-z-]+, which is not installed: " + re.escape(INSTALL),
        lines[0],
    )
    assert _tree(project.root) == before
    assert not (project.root / "dist").exists()


def test_init_without_the_build_extra_creates_nothing(
    tmp_path: Path, run: Callable[..., CliResult]
) -> None:
    result = run(["init", "new-book"], tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(f"which is not installed: {INSTALL}")
    assert not (tmp_path / "new-book").exists()


def test_the_help_of_a_command_that_builds_needs_no_extra(
    project: ProjectDir, run: Callable[..., CliResult]
) -> None:
    result = run(["build", "--help"], project)
    assert result.exit_code == 0
    assert "--final" in result.stdout


def test_rules_and_schemas_need_no_extra(
    project: ProjectDir, run: Callable[..., CliResult]
) -> None:
    rules = run(["rules", "IDM170"], project)
    assert rules.exit_code == 0
    assert "not-checked-without-build" in rules.stdout
    schemas = run(["schema", "--out", "schemas"], project)
    assert schemas.exit_code == 0, schemas
    assert (project.root / "schemas" / "note.schema.json").is_file()


# --------------------------------------------------------------------------- pyproject.toml


def test_the_base_install_has_no_renderer_and_the_build_extra_has_them() -> None:
    base = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    build = {_name(r) for r in extras["build"]}
    assert not base & set(RENDERERS)
    assert set(RENDERERS) <= build
    assert {"scikit-learn", "openpyxl", "pypdf", "watchfiles", "translate-toolkit"} <= build
    assert not base & build
    assert {"typer", "rich", "pydantic", "ruamel-yaml", "orjson", "langcodes"} <= base
    # the development install has everything the build has
    assert "idmbook[build]" in extras["dev"]


def test_the_build_extra_lists_the_modules_idmbook_checks_for() -> None:
    """``idmbook build`` checks the modules of idmbook.errors.BUILD_MODULES before it
    starts: each is a package of the build extra."""
    from idmbook.errors import BUILD_MODULES

    build = {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["build"]}
    packages = set(BUILD_MODULES.values()) - {"numpy", "scipy"}  # they come with scikit-learn
    assert packages == build
    installed = metadata.packages_distributions()
    for module, package in BUILD_MODULES.items():
        assert _normal(package) in {_normal(d) for d in installed.get(module, [])}, module


def test_pre_commit_installs_the_package_without_extras() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert hooks.count("language: python") == 2
    assert "additional_dependencies" not in hooks
