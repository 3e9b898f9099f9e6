"""Rule cases as data: each ``tests/cases/<name>.<md|yaml>`` is dropped into a fresh valid
project and validated; ``tests/cases/<name>.expect.yaml`` lists exactly the diagnostics the
whole project must then have.

Where a case goes is given by its name:

- ``note-*.md``: ``chapters/notes/new-york/closing.md`` (a session whose note is optional,
  so a note that fails to load causes no 'session without a note' warning);
- ``contribution-*.md``: ``contributions/<name>.md``;
- ``chapter-*.md``: ``chapters/<name>.md``;
- ``config-*.yaml``: ``idmbook.yaml`` (replacing the project's config).

The sidecar may say ``place: <path>`` instead, add files (``files: {path: text}``) or remove
some of the project's files (``remove: [path]``). Each expected diagnostic has ``code``,
``line`` and ``column``, and optionally ``path`` (default: the case's), ``severity`` and
substrings of ``message`` and ``hint``. The comparison is on the exact set of
(path, code, line, column) of every diagnostic of the project, info included: the base
project has none, so anything extra is a regression.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ProjectDir, contribution_text, triples
from ruamel.yaml import YAML

from idmbook.diagnostics import Diagnostic, Severity
from idmbook.rules import RULES

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(
    p for p in CASES.iterdir() if p.suffix in (".md", ".yaml") and ".expect." not in p.name
)


def _load_expectation(case: Path) -> dict[str, Any]:
    sidecar = case.with_name(case.name.rsplit(".", 1)[0] + ".expect.yaml")
    data = YAML(typ="safe", pure=True).load(sidecar.read_text("utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("expect"), list), sidecar
    return data


def _place(case: Path, expectation: dict[str, Any]) -> str:
    if "place" in expectation:
        return str(expectation["place"])
    name = case.name
    if name.startswith("note-"):
        return "chapters/notes/new-york/closing.md"
    if name.startswith("contribution-"):
        return f"contributions/{name}"
    if name.startswith("chapter-"):
        return f"chapters/{name}"
    if name.startswith("config-"):
        return "idmbook.yaml"
    raise AssertionError(f"{name}: cannot tell where the case goes; add 'place:'")


def test_every_case_has_an_expectation() -> None:
    sidecars = {p.name.split(".expect.")[0] for p in CASES.glob("*.expect.yaml")}
    sources = {p.name.rsplit(".", 1)[0] for p in CASE_FILES}
    assert sidecars == sources
    assert len(sources) >= 90


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.name)
def test_case(case: Path, make_project: Callable[..., ProjectDir]) -> None:
    expectation = _load_expectation(case)
    place = _place(case, expectation)
    files: dict[str, str | bytes | None] = {place: case.read_bytes()}
    files.update(
        {
            str(k): v if isinstance(v, bytes) else str(v)
            for k, v in (expectation.get("files") or {}).items()
        }
    )
    files.update({str(rel): None for rel in expectation.get("remove") or []})
    project = make_project(files)

    report = project.validate()

    expected = expectation["expect"]
    want = {(e.get("path", place), e["code"], e["line"], e["column"]) for e in expected}
    got = triples(report)
    assert got == want, _explain(report.sorted())
    for entry in expected:
        _check_details(entry, place, report.diagnostics)


def _check_details(entry: dict[str, Any], place: str, diagnostics: list[Diagnostic]) -> None:
    """The message, hint and severity of the diagnostic an entry describes."""
    key = (entry.get("path", place), entry["code"], entry["line"], entry["column"])
    candidates = [d for d in diagnostics if (d.path, d.code, d.line, d.column) == key]
    message = entry.get("message")
    if message is not None:
        candidates = [d for d in candidates if str(message) in d.message]
        assert candidates, f"{key}: no message containing {message!r}"
    hint = entry.get("hint")
    if hint is not None:
        assert any(d.hint and str(hint) in d.hint for d in candidates), (
            f"{key}: no hint containing {hint!r}: {[d.hint for d in candidates]}"
        )
    severity = entry.get("severity")
    expected_severity = Severity(severity) if severity else RULES[entry["code"]].severity
    assert all(d.severity is expected_severity for d in candidates), key


def _explain(diagnostics: list[Diagnostic]) -> str:
    return "diagnostics were:\n" + "\n".join(
        f"  {d.path}:{d.line}:{d.column} {d.code} {d.message}" for d in diagnostics
    )


# ----------------------------------------------------------------------------- coverage

# Codes the data cases cannot trigger from one file, with the test that covers each.
COVERED_ELSEWHERE = {
    "IDM004": "test_too_large_file (size limit; note-too-deep covers nesting)",
    "IDM062": "test_symlink_outside_project",
    "IDM066": "tests/test_confine.py (a project's templates/ folder)",
    "IDM067": "tests/test_pictures.py (the book's pictures together)",
    # a translation is two files, its original and itself: tests/test_translations.py
    "IDM080": "test_a_translation_without_its_original_is_refused, ..._own_language_...",
    "IDM081": "test_a_translation_keeps_its_originals_structure",
    "IDM082": "test_editing_the_original_makes_the_translation_stale_naming_what_changed",
    "IDM083": "test_the_french_edition_prints_the_translation_and_counts_the_rest",
    "IDM084": "test_each_config_string_left_untranslated_is_named",
    "IDM085": "test_a_draft_translation_is_refused_by_final_in_its_language",
    "IDM086": "tests/test_translate_xliff.py (translate import)",
    "IDM090": "tests/test_consolidation.py (the consolidation against the notes)",
    "IDM091": "tests/test_consolidation.py",
    "IDM092": "tests/test_consolidation.py",
    "IDM093": "tests/test_consolidation.py (near-duplicates across notes)",
    "IDM094": "tests/test_gcm.py (objectives of the global compact)",
}


# `idmbook validate`'s codes; IDM100 and up belong to `idmbook ingest` and its tests.
VALIDATE_CODES = {code for code in RULES if int(code[3:]) < 100}


def test_cases_cover_every_rule() -> None:
    """Every validate code in codes.py is expected by at least one case (or covered by a
    named test below), so a new rule without a case fails here."""
    seen: set[str] = set()
    for case in CASE_FILES:
        seen |= {e["code"] for e in _load_expectation(case)["expect"]}
    assert seen <= set(RULES)
    missing = VALIDATE_CODES - seen - set(COVERED_ELSEWHERE)
    assert not missing, f"codes without a rule case: {sorted(missing)}"


def test_pass_and_fail_cases_exist_for_each_kind() -> None:
    kinds: dict[str, set[bool]] = {}
    for case in CASE_FILES:
        kind = case.name.split("-", 1)[0]
        kinds.setdefault(kind, set()).add(not _load_expectation(case)["expect"])
    assert kinds == {k: {True, False} for k in ("note", "contribution", "chapter", "config")}


# ----------------------------------------------------------------------------- cases not
# expressible as one data file


def test_too_large_file(make_project: Callable[..., ProjectDir]) -> None:
    big = contribution_text(body="\n" + "word " * (1_100_000) + "\n")
    project = make_project({"contributions/huge.md": big})
    report = project.validate()
    assert triples(report) == {("contributions/huge.md", "IDM004", 0, 0)}
    (diagnostic,) = report.diagnostics
    assert diagnostic.message.endswith("more than the limit of 5 MB")


def test_symlink_outside_project(make_project: Callable[..., ProjectDir], tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(contribution_text("Outsider"), "utf-8")
    project = make_project()
    link = project.path("contributions/link.md")
    try:
        link.symlink_to(outside)
    except OSError:  # pragma: no cover - file systems without symlinks
        pytest.skip("symlinks are not supported here")
    report = project.validate()
    assert triples(report) == {("contributions/link.md", "IDM062", 0, 0)}
    assert "outside the project" in report.diagnostics[0].message


def test_files_in_linked_folders_are_where_the_links_lead(
    make_project: Callable[..., ProjectDir], tmp_path: Path
) -> None:
    """A folder linked from outside is outside; one linked from inside is inside, with its
    files; each folder is resolved once (sources.Places), each file as before."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "far.md").write_text(contribution_text("Far"), "utf-8")
    project = make_project({"contributions/own/near.md": contribution_text("Near")})
    try:
        project.path("contributions/away").symlink_to(elsewhere, target_is_directory=True)
        project.path("contributions/again").symlink_to(
            project.path("contributions/own"), target_is_directory=True
        )
        project.path("contributions/alias.md").symlink_to(project.path("contributions/own/near.md"))
    except OSError:  # pragma: no cover
        pytest.skip("symlinks are not supported here")
    from idmbook.diagnostics import Report
    from idmbook.load.sources import Places, discover, inside

    places = Places(project.root)
    for path in project.root.rglob("*"):
        assert places.inside(path) == inside(path, project.root), path
    found = Report()
    names = {path.relative_to(project.root).as_posix() for path, _ in discover(project.root, found)}
    links_out = {d.path for d in found.diagnostics if d.code == "IDM062"}
    assert "contributions/own/near.md" in names
    assert "contributions/away/far.md" not in names
    assert all(name.startswith("contributions/away") for name in links_out), links_out


def test_sources_are_found_in_path_order_and_junk_is_skipped(tmp_path: Path) -> None:
    """discover() lists files as sorted paths sort, part by part ('x/b.md' before 'x-b.md',
    which sorted strings would swap); skips junk, hidden and media files; lists a linked
    folder (not a source: IDM065) without entering it; reports links out (IDM062)."""
    from idmbook.diagnostics import Report
    from idmbook.load.sources import discover

    root = tmp_path / "p"
    names = [
        "chapters/intro.md",
        "chapters/deep/x.md",
        "chapters/notes/ny/s1.md",
        "chapters/.git/y.md",
        "contributions/x-b.md",
        "contributions/x/b.md",
        "contributions/X.md",
        "contributions/~$lock.md",
        "contributions/sub/media/m.md",
        "contributions/sub/z.markdown",
        "contributions/notes.txt",
    ]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", "utf-8")
    (root / "idmbook.yaml").write_text("x", "utf-8")
    outside = tmp_path / "outside.md"
    outside.write_text("x", "utf-8")
    try:
        (root / "contributions/far.md").symlink_to(outside)
        (root / "contributions/again").symlink_to(root / "contributions/sub")
    except OSError:  # pragma: no cover
        pytest.skip("symlinks are not supported here")
    found = Report()
    listed = [(path.relative_to(root).as_posix(), kind) for path, kind in discover(root, found)]
    assert listed == [
        ("chapters/deep/x.md", None),
        ("chapters/intro.md", "chapter"),
        ("chapters/notes/ny/s1.md", "note"),
        ("contributions/X.md", "contribution"),
        ("contributions/sub/z.markdown", "contribution"),
        ("contributions/x/b.md", "contribution"),
        ("contributions/x-b.md", "contribution"),
    ]
    assert sorted((d.code, d.path) for d in found.diagnostics) == [
        ("IDM062", "contributions/far.md"),
        ("IDM065", "contributions/again"),
        ("IDM065", "contributions/notes.txt"),
    ]


def test_a_picture_name_too_long_for_the_file_system_is_reported(
    make_project: Callable[..., ProjectDir],
) -> None:
    """The system refuses to look up such a name (ENAMETOOLONG): a diagnostic, not a crash."""
    name = "media/" + "x" * 300 + ".png"
    project = make_project(
        {"contributions/pic.md": contribution_text("Pic", body=f"\n![A map]({name})\n")}
    )
    project.path("contributions/media").mkdir()
    report = project.validate()
    assert triples(report) == {("contributions/pic.md", "IDM053", 13, 10)}
    assert report.diagnostics[0].message.endswith("cannot be read: File name too long")


def test_symlinked_picture_outside_project(
    make_project: Callable[..., ProjectDir], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n")
    project = make_project(
        {"contributions/pic.md": contribution_text("Pic", body="\n![A map](media/map.png)\n")}
    )
    project.path("contributions/media").mkdir()
    try:
        project.path("contributions/media/map.png").symlink_to(secret)
    except OSError:  # pragma: no cover
        pytest.skip("symlinks are not supported here")
    report = project.validate()
    assert triples(report) == {("contributions/pic.md", "IDM051", 13, 10)}


def test_every_case_file_is_read_from_disk_unchanged() -> None:
    """Byte-level cases (UTF-16, Windows-1252, BOM + CRLF) must not be normalised by git."""
    assert (CASES / "note-utf16.md").read_bytes().startswith(b"\xff\xfe")
    assert b"\r\n" in (CASES / "note-bom-crlf.md").read_bytes()
    assert b"\xe9" in (CASES / "note-windows-1252.md").read_bytes()
