"""`idmbook init` and `idmbook new`: new projects, notes and contributions, never overwriting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, ProjectDir
from docx import Document

from idmbook.load.defaults import REQUIRED_TEMPLATES, default_templates


def test_init_creates_a_project_that_validates_and_builds(
    tmp_path: Path, run_main: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    target = tmp_path / "idm-2018"
    result = run_main(["init", str(target)], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    # its validation is printed once, not again by the build
    assert result.stdout.count("warning[IDM045]: the note is still a draft") == 1
    assert result.stdout.count("warning[IDM040]") == 1
    assert (target / "idmbook.yaml").read_text().startswith("# The publication config.")
    for name in REQUIRED_TEMPLATES:
        assert (target / "templates" / name).read_bytes() == (
            default_templates() / name
        ).read_bytes()
    # built immediately, as a watermarked draft
    docx = target / "dist" / "publication.docx"
    pdf = target / "dist" / "publication.pdf"
    assert pdf.stat().st_size > 0
    headings = [p.text for p in Document(str(docx)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Foreword"
    assert "Key recommendations" in headings


def test_init_refuses_to_overwrite(project: ProjectDir, run_main: Callable[..., CliResult]) -> None:
    before = project.read("idmbook.yaml")
    result = run_main(["init", str(project.root)])
    assert result.exit_code == 2
    assert "already contains a project" in result.stderr
    assert project.read("idmbook.yaml") == before


def test_templates_in_the_repository_are_the_packaged_defaults() -> None:
    repo_templates = Path(__file__).resolve().parent.parent / "templates"
    assert default_templates().resolve() in (
        repo_templates.resolve(),
        (Path(__file__).resolve().parent.parent / "idmbook" / "data" / "templates").resolve(),
    )
    for name in REQUIRED_TEMPLATES:
        assert (repo_templates / name).is_file(), name


def test_new_note_fills_front_matter_from_the_agenda(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    project.remove("chapters/notes/geneva/children.md")
    result = run_main(
        ["new", "note", "--workshop", "geneva", "--session", "children", "--rapporteur", "Ana"],
        cwd=project.root,
    )
    assert result.exit_code == 0, result.stderr
    text = project.read("chapters/notes/geneva/children.md")
    assert 'title: "Addressing the needs of children on the move"' in text
    assert "workshop: geneva\nsession: children\n" in text
    assert 'rapporteur: "Ana"' in text
    assert "## Summary" in text and "## Key messages" in text and "## Recommendations" in text
    report = project.validate("chapters/notes/geneva/children.md")
    # a draft, with the template's sentences to replace (a final build refuses both)
    assert sorted((d.code, d.line) for d in report.diagnostics) == [
        ("IDM045", 6),
        ("IDM049", 14),
        ("IDM049", 18),
        ("IDM049", 22),
    ]


def test_new_note_never_overwrites_and_suggests_sessions(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    before = project.read("chapters/notes/geneva/children.md")
    again = run_main(
        ["new", "note", "--workshop", "geneva", "--session", "children"], cwd=project.root
    )
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert project.read("chapters/notes/geneva/children.md") == before
    typo = run_main(
        ["new", "note", "--workshop", "geneva", "--session", "childrn"], cwd=project.root
    )
    assert typo.exit_code == 2
    assert "did you mean 'children'" in typo.stderr


def test_new_contribution_waits_for_consent(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(
        [
            "new",
            "contribution",
            "--workshop",
            "geneva",
            "--organisation",
            "City of Milan",
            "--type",
            "local_authority",
            "--language",
            "it",
        ],
        cwd=project.root,
    )
    assert result.exit_code == 0, result.stderr
    text = project.read("contributions/city-of-milan.md")
    assert 'organisation: "City of Milan"' in text and "language: it" in text
    report = project.validate("contributions/city-of-milan.md")
    # no consent yet, and the template's sentence to replace
    assert sorted(d.code for d in report.diagnostics) == ["IDM043", "IDM049"]
