"""Every command the README and the guides show runs as written and prints what they show
(tests/docpages.py says how a page is read)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docpages import NOT_RUN, PAGES, ROOT, commands, matches, pattern, run_page, session

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("docs-cache")


@pytest.mark.parametrize("name", PAGES)
def test_the_page_runs_as_written(name: str, tmp_path: Path, shared_cache: Path) -> None:
    run_page(name, tmp_path, shared_cache)


def test_every_command_left_unrun_is_still_shown() -> None:
    text = "\n".join((ROOT / name).read_text(encoding="utf-8") for name in PAGES)
    flat = text.replace("\\\n", " ")
    for command in NOT_RUN:
        assert command in " ".join(flat.split()), command


def test_a_shown_output_must_match() -> None:
    shown = "wrote dist/idm-27.docx (... KB)\n...\n1 error, 0 warnings, 0 info"
    assert matches(shown, "wrote dist/idm-27.docx (114 KB)\n1 error, 0 warnings, 0 info")
    assert matches(shown, "wrote dist/idm-27.docx (9 KB)\na\nb\n1 error, 0 warnings, 0 info")
    assert not matches(shown, "wrote dist/idm-27.pdf (114 KB)\n1 error, 0 warnings, 0 info")
    assert not matches(shown, "wrote dist/idm-27.docx (114 KB)\n2 errors, 0 warnings, 0 info")
    # `...` inside a line stays on that line
    assert not pattern("a ... b").fullmatch("a x\ny b\n")


def test_a_session_pairs_commands_with_their_output() -> None:
    assert session("$ idmbook status\nline 1\n\n$ idmbook build\nwrote x\n") == [
        ("idmbook status", "line 1"),
        ("idmbook build", "wrote x"),
    ]


def test_a_command_loses_its_comment_not_a_quoted_hash() -> None:
    assert commands('make test     # runs the suite\n# alone\nidmbook new --name "A #1"\n') == [
        "make test",
        'idmbook new --name "A #1"',
    ]


def test_a_here_document_belongs_to_its_command() -> None:
    assert commands("python - <<'END'  # fix it\nimport os\nEND\nls\n") == [
        "python - <<'END'\nimport os\nEND",
        "ls",
    ]


def test_every_page_with_commands_is_run() -> None:
    """A new guide with commands is run too, and a session shown in an untagged block (which
    would not be run) is caught."""
    fence = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        name = path.relative_to(ROOT).as_posix()
        blocks = fence.findall(path.read_text(encoding="utf-8"))
        for language, body in blocks:
            if body.lstrip().startswith("$ "):
                assert language == "console", f"{name}: a session in a {language!r} block"
        if any(language in {"console", "sh"} for language, _ in blocks):
            assert name in PAGES, f"{name} shows commands but is not in PAGES"
