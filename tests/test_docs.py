"""The documentation, the CI files and the command line's own help.

docs/rules.md is generated from the rules (scripts/make_rule_docs.py, `make docs`) and must be
up to date; every link between the guides resolves; the workflow only calls make targets that
exist; the pre-commit hooks run `idmbook validate` on the files they select; every command's
--help has an example; shell completion works.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import NOTE_PATHS, CliResult, ProjectDir, note_text
from ruamel.yaml import YAML

from idmbook.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDES = ["rapporteurs.md", "editors.md", "proofs.md", "ci.md", "rules.md"]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_rule_docs", ROOT / "scripts/make_rule_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text("utf-8"))


# --------------------------------------------------------------------------- the guides


def test_rules_page_is_up_to_date() -> None:
    expected = _script().render()
    assert (DOCS / "rules.md").read_text("utf-8") == expected, (
        "docs/rules.md is out of date: run `make docs` (scripts/make_rule_docs.py)"
    )


def test_rules_page_explains_every_code() -> None:
    text = (DOCS / "rules.md").read_text("utf-8")
    for rule in RULES.values():
        assert f"### {rule.code}: {rule.name}" in text
        assert rule.summary in text
        first = rule.explanation.splitlines()[0]
        assert first.split("\\n")[0][:40] in text, rule.code


def test_check_mode_reports_a_stale_page(tmp_path: Path) -> None:
    script = ROOT / "scripts/make_rule_docs.py"
    stale = tmp_path / "rules.md"
    stale.write_text("# old\n", "utf-8")
    run = [sys.executable, str(script), "--check", str(stale)]
    result = subprocess.run(run, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "run `make docs`" in result.stderr
    subprocess.run([sys.executable, str(script), str(stale)], check=True, capture_output=True)
    assert subprocess.run(run, capture_output=True, check=False).returncode == 0


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text("utf-8"), flags=re.DOTALL)
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def _links(path: Path) -> Iterator[str]:
    text = re.sub(r"```.*?```", "", path.read_text("utf-8"), flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans show examples, not links
    for match in re.finditer(r"\]\(([^)\s]+)\)", text):
        target = match.group(1)
        if not re.match(r"^[a-z]+:", target):
            yield target


@pytest.mark.parametrize("name", [*GUIDES, "../README.md"])
def test_links_between_guides_resolve(name: str) -> None:
    page = (DOCS / name).resolve()
    for target in _links(page):
        file, _, anchor = target.partition("#")
        linked = (page.parent / file).resolve() if file else page
        assert linked.exists(), f"{name}: link to missing {target}"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{name}: no heading for {target}"


def test_readme_links_every_guide() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Documentation", 1)[1].split("\n## ", 1)[0]
    for guide in GUIDES:
        assert f"(docs/{guide})" in section, guide


def test_guides_cover_what_they_promise() -> None:
    rapporteurs = (DOCS / "rapporteurs.md").read_text("utf-8")
    for words in ("idmbook new note", "## Recommendations", 'actors="', "idmbook validate"):
        assert words in rapporteurs
    editors = (DOCS / "editors.md").read_text("utf-8")
    for words in ("idmbook ingest", "--register", "--dry-run", "idmbook status", "--lang fr"):
        assert words in editors
    for words in ("labels.fr.yaml", "translations:", "contributors_chart"):
        assert words in editors
    ci = (DOCS / "ci.md").read_text("utf-8")
    for words in ("make ci-validate", "make draft", "make release", "pre-commit", "completion"):
        assert words in ci


# --------------------------------------------------------------------------- CI files


def _make_targets() -> dict[str, str]:
    """Targets of the Makefile that `make help` lists, with their help text."""
    text = (ROOT / "Makefile").read_text("utf-8")
    return dict(re.findall(r"^([a-zA-Z_-]+):.*?## (.+)$", text, re.MULTILINE))


def test_makefile_lists_the_ci_targets() -> None:
    targets = _make_targets()
    for name in ("install", "ci-validate", "draft", "status", "release", "github-release", "docs"):
        assert name in targets, name
    if shutil.which("make"):
        shown = subprocess.run(
            ["make", "--no-print-directory", "help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for name in ("ci-validate", "release", "github-release", "docs", "status"):
            assert name in shown


def _steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, job in workflow["jobs"].items():
        for step in job["steps"]:
            yield name, step


def test_workflow_calls_only_make_targets() -> None:
    workflow = _yaml(ROOT / ".github/workflows/publication.yml")
    targets = _make_targets()
    runs = [(job, step["run"].strip()) for job, step in _steps(workflow) if "run" in step]
    assert runs, "the workflow runs nothing"
    for job, command in runs:
        match = re.fullmatch(r"make ([a-z-]+)(?: +#.*)?", command)
        assert match, f"{job}: '{command}' is not a make target"
        assert match.group(1) in targets, f"{job}: no target {match.group(1)} in the Makefile"
    draft = [c for j, c in runs if j == "draft"]
    assert draft[:3] == ["make install", "make ci-validate", "make draft"]
    release = [c for j, c in runs if j == "release"]
    assert release[:2] == ["make install", "make release"]
    assert release[-1].startswith("make github-release")


def test_workflow_triggers_artifacts_and_permissions() -> None:
    workflow = _yaml(ROOT / ".github/workflows/publication.yml")
    triggers = workflow["on"]
    assert "pull_request" in triggers
    assert triggers["push"]["tags"] == ["v*"]
    assert workflow["permissions"] == {"contents": "read"}
    release = workflow["jobs"]["release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/')"
    assert release["permissions"] == {"contents": "write"}
    for job in ("draft", "release"):
        uploads = [
            s for s in workflow["jobs"][job]["steps"] if "upload-artifact" in s.get("uses", "")
        ]
        assert len(uploads) == 1
        paths = uploads[0]["with"]["path"].split()
        assert paths == ["dist/*.docx", "dist/*.pdf", "dist/*.manifest.json"]


def _hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for hook in _yaml(ROOT / ".pre-commit-hooks.yaml")}


def test_pre_commit_hooks_select_the_sources() -> None:
    hooks = _hooks()
    assert set(hooks) == {"idmbook-validate", "idmbook-validate-project"}
    for hook in hooks.values():
        assert hook["entry"] == "idmbook validate"
        assert hook["language"] == "python"
        assert hook["verbose"] is True  # or pre-commit hides the warnings of a passing hook
    changed = re.compile(hooks["idmbook-validate"]["files"])
    for path in ("chapters/notes/geneva/children.md", "contributions/milan.md"):
        assert changed.search(path), path
    for path in ("README.md", "docs/editors.md", "idmbook.yaml", "chapters/notes/a.txt"):
        assert not changed.search(path), path
    whole = hooks["idmbook-validate-project"]
    assert whole["pass_filenames"] is False
    assert re.compile(whole["files"]).search("idmbook.yaml")


def test_the_pre_commit_docs_name_no_tag_that_does_not_exist() -> None:
    tags = subprocess.run(
        ["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    for doc in (ROOT / "docs" / "ci.md", ROOT / ".pre-commit-hooks.yaml"):
        for rev in re.findall(r"rev: *(\S+)", doc.read_text("utf-8")):
            assert rev == "COMMIT" or rev in tags, f"{doc.name}: rev {rev} is not a tag"


def test_pre_commit_hook_entry_checks_the_changed_files(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    """What pre-commit runs: the entry followed by the selected files, from the repository
    root."""
    project = make_project()
    entry = _hooks()["idmbook-validate"]["entry"].split()[1:]
    note, other = NOTE_PATHS["geneva", "children"], NOTE_PATHS["new-york", "opening"]
    assert run_main([*entry, note, other], cwd=project).exit_code == 0
    project.write(note, note_text("geneva", "children", "[rights-welbeing]"))
    result = run_main([*entry, note, other], cwd=project)
    assert result.exit_code == 1
    assert f"{note}:7:" in result.stdout and "IDM020" in result.stdout


# --------------------------------------------------------------------------- the command line


def _commands() -> Iterator[list[str]]:
    import typer

    from idmbook.cli import app

    def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    yield from walk(typer.main.get_command(app), [])


def test_every_command_has_help_with_an_example() -> None:
    from typer.testing import CliRunner

    from idmbook.cli import app

    commands = list(_commands())
    assert ["status"] in commands and ["new", "note"] in commands
    for path in commands:
        result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, path
        assert "Example: idmbook" in result.stdout, f"idmbook {' '.join(path)} --help"


def _console_script() -> Path | None:
    script = Path(sys.executable).parent / "idmbook"
    return script if script.is_file() else None


@pytest.mark.skipif(_console_script() is None, reason="the idmbook command is not installed")
@pytest.mark.parametrize(
    ("words", "expected"),
    [("idmbook st", {"status"}), ("idmbook build --lang ", {"en", "fr", "es"})],
)
def test_shell_completion(words: str, expected: set[str]) -> None:
    script = _console_script()
    assert script is not None
    env = {
        **os.environ,
        "_IDMBOOK_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    result = subprocess.run(
        [str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == expected


@pytest.mark.skipif(_console_script() is None, reason="the idmbook command is not installed")
def test_show_completion_prints_a_script() -> None:
    """The shell is named, not detected: Typer otherwise looks for a shell among the test's
    parent processes, which depends on how the tests were started (make, an IDE, CI), and
    --show-completion then ignores the name given."""
    script = _console_script()
    assert script is not None
    env = {**os.environ, "SHELL": "/bin/bash", "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run(
        [str(script), "--show-completion", "bash"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "_idmbook_completion" in result.stdout
    assert "complete" in result.stdout


def test_the_editors_guide_names_every_key_of_status_json(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["status", "--format", "json"], cwd=project)
    keys = list(json.loads(result.stdout))
    guide = (ROOT / "docs" / "editors.md").read_text("utf-8")
    sentence = guide.split("`idmbook status --format json` gives the same numbers", 1)[1]
    sentence = " ".join(sentence.split(").", 1)[0].split())
    assert re.findall(r"`(\w+)`", sentence) == keys


def test_the_readme_names_the_range_of_every_diagnostic_code() -> None:
    """The README's sentence on `idmbook rules` gives the codes' ranges: a new code outside
    them (as IDM170 was) makes it untrue."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("`idmbook rules` explains every code")
    sentence = " ".join(readme[start : readme.index(")", start)].split())
    spans = [
        (int(low), int(high or low))
        for low, high in re.findall(r"IDM(\d{3})(?: to IDM(\d{3}))?", sentence)
    ]
    codes = [rule.code for rule in RULES.values()]
    outside = [c for c in codes if not any(lo <= int(c[3:]) <= hi for lo, hi in spans)]
    assert outside == [], sentence
    assert all(any(int(c[3:]) == lo for c in codes) for lo, _ in spans), sentence
