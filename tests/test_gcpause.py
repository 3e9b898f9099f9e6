"""The cycle collector is paused while a build or a validation works on the book, and given
back as it was afterwards, also when the build fails."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ProjectDir

from idmbook.build import BuildOptions, build
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


def test_a_build_works_with_the_collector_paused(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    import idmbook.sanitize as sanitize_module

    seen: list[bool] = []
    real = sanitize_module.sanitize

    def spy(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(sanitize_module, "sanitize", spy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    result = build(project.root, BuildOptions(formats=("docx",)))
    assert result.outputs["docx"].is_file()
    assert seen == [False]
    assert gc.isenabled()


def test_a_failed_build_gives_the_collector_back(project: ProjectDir) -> None:
    project.write("contributions/broken.md", "---\ntitle: [unclosed\n---\nText\n")
    with pytest.raises(ProblemsFound):
        build(project.root, BuildOptions(formats=("docx",)))
    assert gc.isenabled()
