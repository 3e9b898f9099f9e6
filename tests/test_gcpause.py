"""The cycle collector is paused while a build or a validation works on the book, and given
back as it was afterwards, also when the build fails."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ProjectDir

from idmbook import gcpause
from idmbook.commands.build import BuildOptions, build
from idmbook.errors import ProblemsFound
from idmbook.gcpause import cycle_collection_paused


@pytest.fixture(autouse=True)
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_restored_after_even_on_error() -> None:
    with cycle_collection_paused():
        assert not gc.isenabled()
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycle_collection_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with cycle_collection_paused():
        pass
    assert not gc.isenabled()


def test_a_build_from_the_command_line_runs_paused(
    project: ProjectDir, run_main: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The policy is the command line's: a build called as a library function leaves the
    collector as it was; `idmbook build` pauses it."""
    import idmbook.parse.body as body_module

    seen: list[bool] = []
    real = body_module.parse_markdown

    def spy(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(body_module, "parse_markdown", spy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    result = build(project.root, BuildOptions(formats=("docx",), cache=False))
    assert result.outputs["docx"].is_file()
    result = run_main(["build", "--format", "docx", "--force"], cwd=project)
    assert result.exit_code == 0, result.stderr
    assert seen == [True, False]
    assert gc.isenabled()


def test_a_failed_build_gives_the_collector_back(project: ProjectDir) -> None:
    project.write("contributions/broken.md", "---\ntitle: [unclosed\n---\nText\n")
    with pytest.raises(ProblemsFound):
        build(project.root, BuildOptions(formats=("docx",)))
    assert gc.isenabled()


def test_a_command_runs_paused_and_gives_the_collector_back(
    project: ProjectDir, run_main: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole command, its report included, runs without the collector (the process ends
    after it); main() called in a longer process gives it back."""
    import idmbook.cli as cli

    seen: list[bool] = []
    import idmbook.cli.check as check_command

    real = check_command.emit_report
    made: list[Any] = []

    def spy(*args: Any) -> None:
        seen.append(gc.isenabled())
        made.append([object()])  # something the command made and a caller still holds
        real(*args)

    monkeypatch.setattr(check_command, "emit_report", spy)
    result = run_main(["validate"], cwd=project)
    assert result.exit_code == 0, result.stderr
    assert seen == [False]
    assert gc.isenabled()
    # counted as old when the collector resumed: no walk over all the command made
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert id(made[0]) in oldest
    assert cli._command(["--debug", "build", "--format", "pdf"]) == "build"
    assert {"build", "validate"} <= gcpause.ONE_BURST
    assert not {"watch", "ingest"} & gcpause.ONE_BURST, "long commands must collect"


def test_watch_tells_the_outcome_before_the_collector_runs(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idmbook.commands.watch import watch

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    states: list[tuple[str, bool]] = []
    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *_: collections.append(len(states)) or 0)
    edited = project.root / "contributions" / "c.md"

    def changes() -> Iterator[list[Any]]:
        yield [edited]

    watch(
        project.root,
        BuildOptions(formats=("docx",)),
        lambda event: states.append((event.kind, gc.isenabled())),
        changes(),
    )
    kinds = [kind for kind, _ in states]
    assert "built" in kinds, states
    assert all(not enabled for kind, enabled in states if kind in ("validated", "built")), states
    # a collection after the first build and after the rebuild, each once its outcome is told
    built_at = [i + 1 for i, (kind, _) in enumerate(states) if kind in ("built", "failed")]
    assert collections and set(collections) <= {*built_at, len(states)}, (collections, states)
