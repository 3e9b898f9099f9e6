"""Mistakes that used to pass validation: a note saved under another extension, a note that
cannot be read shown as missing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import NOTE_PATHS, CliResult, ProjectDir, note_text

from idmbook.commands.status import project_status

MakeProject = Callable[..., ProjectDir]
RunMain = Callable[..., CliResult]


@pytest.mark.parametrize("name", ["children.md.txt", "children.txt", "children.mdown"])
def test_a_note_saved_under_another_extension_is_named(
    name: str, make_project: MakeProject, run_main: RunMain
) -> None:
    rel = f"chapters/notes/geneva/{name}"
    project = make_project({NOTE_PATHS["geneva", "children"]: None})
    project.write(rel, note_text("geneva", "children"))
    message = (
        f"{rel}: warning[IDM065]: '{name}' is not a note: only .md files are read "
        "(did you mean children.md?)"
    )
    for args in (["validate"], ["validate", rel]):
        result = run_main(args, cwd=project)
        assert message in result.stdout.splitlines(), args
        assert "      = hint: rename it children.md; as it is, it is not part of the book" in (
            result.stdout.splitlines()
        )
    # named on its own, the file is not validated as if it were a note of the book
    alone = run_main(["validate", rel], cwd=project)
    assert "no problems found" not in alone.stdout
    assert alone.stdout.rstrip().endswith("0 errors, 1 warning, 0 info")


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: [unclosed\n---\n\n## Summary\n",  # not YAML
        "## Summary\n\nNo front matter at all.\n",
        b"\xff\xfe---\n",  # not UTF-8
    ],
)
def test_a_note_that_cannot_be_read_is_invalid_not_missing(
    text: str | bytes, make_project: MakeProject, run_main: RunMain
) -> None:
    project = make_project({NOTE_PATHS["geneva", "children"]: text})
    rows = {(s.workshop, s.session): s for s in project_status(project.root).sessions}
    assert rows["geneva", "children"].status == "invalid"
    assert rows["geneva", "children"].note == NOTE_PATHS["geneva", "children"]
    codes = {d.code for d in project.validate().diagnostics}
    assert "IDM040" not in codes  # the session has a note: it cannot be read
