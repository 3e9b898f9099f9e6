"""Review items: a comment on a returned proof becomes an item of reviews/ at its source line,
shown by validate and status, blocking --final until resolved; a <!-- ... --> comment left
in a source is never printed and counts as one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from idmbook.check.validate import for_build, validate
from idmbook.commands.proof import make_proofs
from idmbook.diagnostics import Severity
from idmbook.proofs.marks import paragraph_key
from tests.conftest import ProjectDir, note_text
from tests.proofkit import WordEdit, copy_repository_project

NOTE = "chapters/notes/geneva/children.md"
KEY_MESSAGE_2 = 7


@pytest.fixture
def commented(tmp_path: Path, run_main: Callable[..., object]) -> Path:
    """The repository's project after the corrections of a proof with one comment."""
    root = copy_repository_project(tmp_path / "project")
    (proof,) = make_proofs(root, [root / NOTE], None)
    edit = WordEdit(proof)
    edit.comment(paragraph_key(NOTE, KEY_MESSAGE_2), "never in the best interests", "Agreed?")
    returned = edit.save(root / "returned.docx")
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "recorded review item r" in result.stderr  # type: ignore[attr-defined]
    return root


def review_warnings(root: Path) -> list[tuple[str, int, int, str]]:
    _, report = validate(root)
    return [(d.path, d.line, d.column, d.message) for d in report.diagnostics if d.code == "IDM135"]


def test_a_comment_becomes_a_review_item_at_its_source_line(commented: Path) -> None:
    items = (commented / "reviews" / f"{NOTE}.yaml").read_text("utf-8")
    assert "comment: Agreed?" in items and "about: never in the best interests" in items
    assert (commented / NOTE).read_text("utf-8") == (Path(__file__).parent.parent / NOTE).read_text(
        "utf-8"
    )  # a comment changes no source
    ((path, line, column, message),) = review_warnings(commented)
    assert (path, line, column) == (NOTE, 27, 28)
    assert message.endswith("on 'never in the best interests': Agreed?")


def test_status_shows_it_and_final_refuses_it_until_resolved(
    commented: Path, run_main: Callable[..., object]
) -> None:
    _, report = validate(commented)
    final = for_build(report, final=True)
    assert [d.severity for d in final.diagnostics if d.code == "IDM135"] == [Severity.ERROR]
    status = run_main(["status", "--format", "json"], cwd=commented)
    data = json.loads(status.stdout)  # type: ignore[attr-defined]
    assert [(i["path"], i["line"]) for i in data["review_items"]] == [(NOTE, 27)]
    assert "IDM135" in [b["code"] for b in data["final"]["blockers"]]
    refused = run_main(["build", "--final", "--format", "docx"], cwd=commented)
    assert refused.exit_code == 1
    assert "error[IDM135]" in refused.stdout  # type: ignore[attr-defined]
    assert not (commented / "dist").exists()

    ident = data["review_items"][0]["message"].split()[2]
    resolved = run_main(["review", "resolve", ident], cwd=commented)
    assert resolved.exit_code == 0, resolved.stderr  # type: ignore[attr-defined]
    assert review_warnings(commented) == []
    assert "status: resolved" in (commented / "reviews" / f"{NOTE}.yaml").read_text("utf-8")


def test_the_same_comment_returned_twice_is_one_item(
    commented: Path, run_main: Callable[..., object]
) -> None:
    result = run_main(["corrections", str(commented / "returned.docx")], cwd=commented)
    assert result.exit_code == 0
    assert len(review_warnings(commented)) == 1


def test_an_html_comment_is_never_printed_and_is_a_review_item(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., object]
) -> None:
    body = (
        "\n## Summary\n\nThe session opened <!-- which day? --> the workshop.\n\n"
        "<!-- TODO: a second paragraph\n     from the recording -->\n\n"
        "Code keeps it: `<!-- literal -->`.\n\n"
        "## Key messages\n\n- Cooperation matters.\n\n"
        "## Recommendations\n\n- Share data between States.\n"
    )
    project = make_project({"chapters/notes/new-york/opening.md": note_text(body=body)})
    warnings = review_warnings(project.root)
    rel = "chapters/notes/new-york/opening.md"
    assert [(p, line, column) for p, line, column, _ in warnings] == [(rel, 12, 20), (rel, 14, 1)]
    assert "'which day?'" in warnings[0][3]
    built = run_main(["build", "--format", "docx"], cwd=project.root)
    assert built.exit_code == 0, built.stderr  # type: ignore[attr-defined]
    (output,) = (project.root / "dist").glob("*.docx")
    text = "\n".join(p.text for p in docx.Document(str(output)).paragraphs)
    assert "The session opened the workshop." in " ".join(text.split())
    assert (
        "which day" not in text
        and "TODO" not in text
        and "<!" not in text.replace("<!-- literal -->", "")
    )
    assert "<!-- literal -->" in text
    refused = run_main(["build", "--final", "--format", "docx", "--force"], cwd=project.root)
    assert refused.exit_code == 1
    assert f"{rel}:12:20: error[IDM135]" in refused.stdout  # type: ignore[attr-defined]


def test_a_final_build_up_to_date_still_refuses_a_new_review_item(
    project: ProjectDir, run_main: Callable[..., object]
) -> None:
    first = run_main(["build", "--final", "--format", "docx"], cwd=project.root)
    assert first.exit_code == 0, first.stderr  # type: ignore[attr-defined]
    rel = "chapters/notes/new-york/opening.md"
    project.write(
        f"reviews/{rel}.yaml",
        f"source: {rel}\nitems:\n  - id: r0000001\n    line: 10\n    comment: Which day?\n",
    )
    again = run_main(["build", "--final", "--format", "docx"], cwd=project.root)
    assert again.exit_code == 1
    assert f"{rel}:10:1: error[IDM135]: review item r0000001: Which day?" in again.stdout  # type: ignore[attr-defined]
