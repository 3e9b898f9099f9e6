"""Property tests: whatever a file contains, loading it gives a result or diagnostics, never an
exception, and every diagnostic is well formed (a known code, a place inside the file).

Runs are derandomised (the same examples every time) and small, so `make test` stays fast;
for a longer hunt raise ``FUZZ_EXAMPLES`` and set ``FUZZ_RANDOM=1`` for new examples each run:
``FUZZ_EXAMPLES=5000 FUZZ_RANDOM=1 pytest tests/test_fuzz_loader.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DEFAULT_FILES, ProjectDir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from idmbook.check.sources import load_project
from idmbook.diagnostics import Diagnostic
from idmbook.load.content import scan
from idmbook.load.frontmatter import decode, parse_yaml, split
from idmbook.load.notebody import parse_note_body
from idmbook.load.project import Project, open_project
from idmbook.rules import RULES

# a Python warning (for example from the YAML library) would reach the user's terminal
pytestmark = pytest.mark.filterwarnings("error")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NOTE_KEYS = [
    "title", "workshop", "session", "rapporteur", "status", "themes", "levels",
    "sdg_targets", "thematic_sessions", "language", "sample",
]  # fmt: skip
GOOD_VALUES: dict[str, Any] = {
    "title": "Closing",
    "workshop": "new-york",
    "session": "closing",
    "rapporteur": "Ana",
    "status": "final",
    "themes": ["safe-orderly-regular"],
}


def well_formed(diagnostics: list[Diagnostic], text: str | None = None) -> None:
    """Every diagnostic has a known code, and a line and column that make sense together."""
    lines = None if text is None else text.count("\n") + 1
    for d in diagnostics:
        assert d.code in RULES, d
        assert d.line >= 0 and d.column >= 0, d
        assert (d.line == 0) == (d.column == 0), d
        if lines is not None:
            assert d.line <= lines + 1, (d, lines)
        assert d.message.strip(), d


# ----------------------------------------------------------------------------- strategies

YAML_CHARS = st.sampled_from([*"ab:-&*!?[]{},#'\"|>%@`~\\\n\t .0123456789", "\u2028", "é"])
yamlish_text = st.text(YAML_CHARS, max_size=120)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.dates(min_value=dt.date(1, 1, 1))
    | st.text(max_size=30)
    | st.sampled_from(["NO", "yes", "off", "~", "2017-13-45", "10.7", "!!python/object", "*a"])
)
keys = st.sampled_from(NOTE_KEYS) | st.text(min_size=1, max_size=12)
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=20,
)
front_matters = st.dictionaries(keys, structures, max_size=8).map(
    lambda d: {**{k: v for k, v in GOOD_VALUES.items() if k not in d}, **d}
)


def dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """Random edits of the kind a person makes: insert a YAML character, delete a span,
    duplicate or indent a line (with spaces or a tab)."""
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "indent"]))
        if kind == "insert":
            text = text[:pos] + draw(st.text(YAML_CHARS, min_size=1, max_size=3)) + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)) :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, max(len(lines) - 1, 0)))
            if kind == "duplicate":
                lines.insert(i, lines[i])
            else:
                lines[i] = draw(st.sampled_from(["  ", "\t", " "])) + lines[i]
            text = "\n".join(lines)
    return text


yaml_documents = front_matters.map(dump).flatmap(mutated)

BODY_TOKENS = st.sampled_from(
    [
        *"#-*+1.) \n{}=\"'`~![]()<>/\\:;,\t\r",
        "## Summary\n", "## Key messages\n", "## Recommendations\n", "## Résumé :\n",
        "\n- ", "\n  - ", "\n1. ", "\n    ", "```", "~~~", "{themes=", '"nyd-a"}', "levels=",
        "{=typst}", "![a](", "![](", "](", "../", "/etc/passwd", "%2e%2e/", "media/x.png)",
        "[r]: ", "![x][r]", "<script>", "\\begin{x}", "http://x/", "\u2028", "\x0c", "日本",
    ]
)  # fmt: skip
bodies = st.lists(BODY_TOKENS, max_size=50).map("".join)


# ----------------------------------------------------------------------------- decode, split


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_decode_and_split(raw: bytes) -> None:
    text_file, problems = decode(raw, "n.md")
    well_formed(problems)
    assert (text_file is None) == bool(problems)
    if text_file is None:
        return
    assert "\r" not in text_file.text and not text_file.text.startswith("\ufeff")
    fm, problems = split(text_file)
    well_formed(problems, text_file.text)
    if fm is not None:
        assert fm.body_line >= fm.front_line >= 1


@FUZZ
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_any_text_in_any_encoding(text: str, encoding: str) -> None:
    raw = text.encode(encoding, errors="replace")
    text_file, problems = decode(raw, "n.md")
    well_formed(problems)
    if encoding in ("utf-8", "utf-8-sig") and text_file is not None:
        assert text_file.text == text.replace("\r\n", "\n").replace("\r", "\n").removeprefix(
            "\ufeff"
        )


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_front_matter(text: str) -> None:
    for candidate in (text, "---\n" + text, "---\n" + text + "\n---\nBody\n"):
        text_file, problems = decode(candidate.encode("utf-8", "surrogatepass"), "n.md")
        if text_file is None:
            well_formed(problems)
            continue
        _, problems = split(text_file)
        well_formed(problems, text_file.text)


# ----------------------------------------------------------------------------- YAML


@FUZZ
@given(yamlish_text)
def test_yamlish_text_into_the_loader(text: str) -> None:
    parsed, problems = parse_yaml(text, "n.md", 5)
    well_formed(problems)
    assert (parsed is None) == bool(problems)
    if parsed is not None:
        data, positions, values = parsed
        assert isinstance(data, dict)
        for key in data:
            assert (key,) in positions and (key,) in values
            assert positions[(key,)][0] >= 6


@FUZZ
@given(yaml_documents)
def test_mutated_yaml_into_the_loader(text: str) -> None:
    parsed, problems = parse_yaml(text, "n.md", 1)
    well_formed(problems, "\n" + text)
    if parsed is not None:
        for loc, (line, column) in parsed[1].items():
            assert line >= 2 and column >= 1, loc


# ----------------------------------------------------------------------------- whole files


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProjectDir]:
    project = ProjectDir(tmp_path_factory.mktemp("fuzz"))
    for rel, content in DEFAULT_FILES.items():
        project.write(rel, content)
    project.write("contributions/media/map.png", b"\x89PNG\r\n")
    yield project


_OPENED: dict[Path, Project] = {}


def _load(project: ProjectDir, rel: str, raw: bytes) -> list[Diagnostic]:
    """Load one file against the project's config (opened once), with a fresh report."""
    path = project.write(rel, raw)
    if project.root not in _OPENED:
        opened = open_project(project.root)
        assert isinstance(opened, Project)
        _OPENED[project.root] = opened
    base = _OPENED[project.root]
    fresh = Project(base.root, base.config, base.taxonomy, config_source=base.config_source)
    return load_project(fresh, [path]).report.diagnostics


@FUZZ
@given(yaml_documents, bodies, st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_mutated_notes_into_load_file(
    fuzz_project: ProjectDir, front: str, body: str, newline: str, bom: bool
) -> None:
    text = "---\n" + front + "---\n" + body
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode(
        "utf-8", "surrogatepass"
    )
    diagnostics = _load(fuzz_project, "chapters/notes/new-york/closing.md", raw)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    well_formed(diagnostics, normalised)


@FUZZ
@given(yaml_documents, bodies)
def test_mutated_contributions_into_load_file(
    fuzz_project: ProjectDir, front: str, body: str
) -> None:
    text = "---\n" + front.replace("session:", "organisation:") + "---\n" + body
    diagnostics = _load(fuzz_project, "contributions/fuzz.md", text.encode("utf-8", "replace"))
    well_formed(diagnostics, text.replace("\r", "\n"))


# ----------------------------------------------------------------------------- bodies


@FUZZ
@given(bodies, st.integers(1, 50))
def test_any_body_into_parse_note_body(body: str, first_line: int) -> None:
    body = body.replace("\r", "")
    parsed, problems = parse_note_body(body, "n.md", first_line)
    well_formed(problems)
    last = first_line + body.count("\n")
    for d in problems:
        assert first_line <= d.line <= last, d
    for rec in parsed.recommendations:
        assert first_line <= rec.line <= last
        assert rec.text.strip()
        if rec.attributes:
            assert first_line <= rec.attr_line <= last and rec.attr_column >= 1


@FUZZ
@given(st.text(max_size=200))
def test_any_text_into_parse_note_body(body: str) -> None:
    _, problems = parse_note_body(body, "n.md", 1)
    well_formed(problems)


@FUZZ
@given(bodies)
def test_any_body_into_the_content_scan(fuzz_project: ProjectDir, body: str) -> None:
    root = fuzz_project.root
    body = body.replace("\r", "")
    problems = scan(body, "n.md", 3, root, root / "contributions")
    well_formed(problems)
    for d in problems:
        assert 3 <= d.line <= 3 + body.count("\n")
        assert d.code in ("IDM004", "IDM050", "IDM051", "IDM052", "IDM053"), d


def test_settings_are_derandomised() -> None:
    assert FUZZ.derandomize is not bool(os.environ.get("FUZZ_RANDOM"))
