"""A watch remembers what loading each file gave: a rebuild loads again only what changed, and
the report and the documents are those a fresh validation gives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DOT_PNG, NOTE_PATHS, ProjectDir, contribution_text, note_text

from idmbook.check.memo import LoadMemo
from idmbook.check.validate import validate
from idmbook.commands.build import BuildOptions
from idmbook.commands.watch import WatchEvent, watch
from idmbook.diagnostics import Severity

CHILDREN = NOTE_PATHS["geneva", "children"]


def same_as_fresh(project: ProjectDir, memo: LoadMemo) -> None:
    """Validation through ``memo`` and from nothing find the same documents and diagnostics."""
    remembered, report = validate(project.root, memo=memo)
    fresh, fresh_report = validate(project.root)
    assert remembered is not None and fresh is not None
    assert report.diagnostics == fresh_report.diagnostics
    assert report.sources == fresh_report.sources
    assert remembered.unloaded_sessions == fresh.unloaded_sessions
    assert sorted(map(str, remembered.inputs)) == sorted(map(str, fresh.inputs))
    for kind in ("notes", "contributions", "chapters"):
        ours, theirs = getattr(remembered.documents, kind), getattr(fresh.documents, kind)
        assert [d.rel for d in ours] == [d.rel for d in theirs]
        assert [repr(d) for d in ours] == [repr(d) for d in theirs]


def test_only_changed_files_are_loaded_again(project: ProjectDir) -> None:
    memo = LoadMemo()
    same_as_fresh(project, memo)
    files = memo.misses
    assert files > 5 and memo.hits == 0
    same_as_fresh(project, memo)
    assert (memo.hits, memo.misses) == (files, files), "nothing changed: nothing loaded"

    broken = note_text("geneva", "children", "[forced-irregular]").replace(
        "status: final", "status: finale"
    )
    project.write(CHILDREN, broken)
    same_as_fresh(project, memo)
    assert memo.misses == files + 1, "the edited note, and only it"
    _, report = validate(project.root, memo=memo)
    assert any(d.path == CHILDREN and d.severity == Severity.ERROR for d in report.diagnostics)


def test_a_config_change_loads_everything_again(project: ProjectDir) -> None:
    memo = LoadMemo()
    same_as_fresh(project, memo)
    files = memo.misses
    config = project.root / "idmbook.yaml"
    config.write_text(config.read_text("utf-8").replace("year: 2017", "year: 2018"), "utf-8")
    same_as_fresh(project, memo)
    assert memo.misses == 2 * files


def test_watch_forgets_when_a_picture_arrives(project: ProjectDir) -> None:
    """A contribution names a picture that is missing (a warning); when the picture is added,
    the watch loads the contribution again and the warning goes."""
    body = "\nWe welcome newcomers.\n\n![A dot](media/dot.png)\n"
    project.write("contributions/montreal.md", contribution_text(body=body))
    events: list[WatchEvent] = []

    def changes() -> Iterator[set[Path]]:
        yield {project.write("contributions/media/dot.png", DOT_PNG)}

    watch(project.root, BuildOptions(formats=("docx",)), events.append, changes())
    reports = [e.report for e in events if e.kind == "validated" and e.report is not None]
    montreal = [
        [d.code for d in report.diagnostics if d.path == "contributions/montreal.md"]
        for report in reports
    ]
    assert montreal[0], "the first build warns about the missing picture"
    assert montreal[-1] == [], "after the picture arrives, nothing to say"
    assert [e.kind for e in events if e.kind in ("built", "failed")][-1] == "built"


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
