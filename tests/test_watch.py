"""`idmbook watch`: the loop driven by an injected source of changes, and Ctrl-C for real."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOTE_PATHS, ProjectDir, note_text
from pypdf import PdfReader

from idmbook.commands.build import BuildOptions
from idmbook.commands.watch import Watcher, WatchEvent, file_changes, watch

pytestmark = pytest.mark.slow

CHILDREN = NOTE_PATHS["geneva", "children"]


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def children_note(message: str) -> str:
    return note_text("geneva", "children", "[forced-irregular, nyd-k]").replace(
        "Cooperation matters", message
    )


def test_edits_rebuild_a_broken_edit_keeps_the_outputs_and_reports_at_once(
    project: ProjectDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typst

    compilers: list[object] = []
    real = typst.Compiler

    def counted(*args: object, **kwargs: object) -> object:
        compilers.append(real(*args, **kwargs))
        return compilers[-1]

    monkeypatch.setattr(typst, "Compiler", counted)
    monkeypatch.setattr(typst, "compile", None)  # a fresh compile per build would fail
    events: list[WatchEvent] = []
    dist = project.root / "dist"
    snapshots: list[dict[str, bytes]] = []

    def outputs() -> dict[str, bytes]:
        return {
            p.name: p.read_bytes() for p in sorted(dist.iterdir()) if not p.name.startswith(".")
        }

    def changes() -> Iterator[set[Path]]:
        snapshots.append(outputs())  # after the first build
        yield {project.write(CHILDREN, children_note("Unaccompanied children need guardians"))}
        snapshots.append(outputs())
        broken = children_note("Broken").replace("status: final", "status: finale")
        yield {project.write(CHILDREN, broken)}
        snapshots.append(outputs())
        yield {project.write(CHILDREN, children_note("Repaired at last"))}
        snapshots.append(outputs())

    code = watch(project.root, BuildOptions(formats=("docx", "pdf")), events.append, changes())

    assert code == 0
    assert len(compilers) == 1, "one long-lived Typst compiler for every build"
    first, edited, broken, repaired = snapshots
    assert set(first) == {"publication.docx", "publication.pdf", "publication.manifest.json"}
    assert all(edited[name] != first[name] for name in first), "every output was rebuilt"
    assert broken == edited, "a broken edit keeps the previous outputs, byte for byte"
    assert "Unaccompanied children need guardians" in pdf_text(edited["publication.pdf"])
    assert "Repaired at last" in pdf_text(repaired["publication.pdf"])

    kinds = [(e.kind, e.changed) for e in events if e.kind != "validated"]
    assert kinds == [
        ("built", ()),
        ("watching", ()),
        ("changed", (CHILDREN,)),
        ("built", (CHILDREN,)),
        ("changed", (CHILDREN,)),
        ("failed", (CHILDREN,)),
        ("changed", (CHILDREN,)),
        ("built", (CHILDREN,)),
    ]
    # The diagnostic of the broken edit comes before the build is given up, with its place.
    failed_at = next(i for i, e in enumerate(events) if e.kind == "failed")
    shown = events[failed_at - 1]
    assert shown.kind == "validated" and shown.report is not None
    (problem,) = shown.report.diagnostics
    assert (problem.code, problem.path, problem.line) == ("IDM012", CHILDREN, 6)
    assert "kept" in (events[failed_at].hint or "")


def test_a_change_typst_cannot_compile_keeps_the_outputs(project: ProjectDir) -> None:
    from idmbook.load.defaults import default_templates

    templates = default_templates()
    for path in templates.rglob("*"):
        if path.is_file():
            project.write(f"templates/{path.relative_to(templates).as_posix()}", path.read_bytes())
    events: list[WatchEvent] = []
    pdf = project.root / "dist" / "publication.pdf"
    seen: list[bytes] = []

    def changes() -> Iterator[set[Path]]:
        seen.append(pdf.read_bytes())
        template = project.path("templates/idm.typ")
        yield {project.write("templates/idm.typ", template.read_text() + "\n#let broken = (\n")}
        seen.append(pdf.read_bytes())

    watch(project.root, BuildOptions(formats=("pdf",)), events.append, changes())

    assert seen[0] == seen[1]
    failed = [e for e in events if e.kind == "failed"]
    assert len(failed) == 1 and "Typst could not typeset the PDF" in failed[0].message


def test_unchanged_sources_and_irrelevant_files_do_not_rebuild(project: ProjectDir) -> None:
    events: list[WatchEvent] = []
    dist = project.root / "dist"

    def changes() -> Iterator[set[Path]]:
        stamp = (dist / "publication.docx").stat().st_mtime_ns
        yield {dist / "publication.docx", project.path(".git/index"), project.path("x.md~")}
        yield {project.write(CHILDREN, project.read(CHILDREN))}  # saved without a change
        assert (dist / "publication.docx").stat().st_mtime_ns == stamp

    watch(project.root, BuildOptions(formats=("docx",)), events.append, changes())

    kinds = [e.kind for e in events if e.kind != "validated"]
    assert kinds == ["built", "watching", "changed", "unchanged"]


def test_which_changes_matter(project: ProjectDir) -> None:
    root = project.root
    watcher = Watcher(root, BuildOptions(), lambda _: None, root / "dist")
    assert watcher.relevant(root / "chapters/notes/geneva/children.md")
    assert watcher.relevant(root / "idmbook.yaml")
    assert watcher.relevant(root / "templates/idm.typ")
    assert watcher.relevant(root / "contributions/media/chart.png")
    assert not watcher.relevant(root / "dist/publication.pdf")
    assert not watcher.relevant(root / ".idmbook-cache/parse/ab/cdef")
    assert not watcher.relevant(root / ".git/index")
    assert not watcher.relevant(root / "chapters/.children.md.swp")
    assert not watcher.relevant(root / "chapters/children.md~")
    assert not watcher.relevant(root / "contributions/~$draft.docx")
    assert not watcher.relevant(root.parent / "elsewhere.md")


def test_ctrl_c_stops_watching_with_status_0(project: ProjectDir) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "idmbook.cli", "build", "--watch", "-f", "docx"],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A test run started in the background gives its children SIGINT ignored; a user's
        # Ctrl-C reaches a watcher that does not ignore it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if "watching" in line or not line:
                break
        assert "watching" in line, "the watcher started"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "stopped watching" in err
    assert "Traceback" not in err
    assert (project.root / "dist" / "publication.docx").is_file()


def test_the_operating_system_is_watched_before_the_first_change(tmp_path: Path) -> None:
    stop = threading.Event()
    changes = file_changes(tmp_path, lambda path: path.suffix == ".md", stop)
    (tmp_path / "ignored.txt").write_text("not a source")
    (tmp_path / "note.md").write_text("written as soon as watching started")
    got: list[set[Path]] = []
    reader = threading.Thread(target=lambda: got.append(next(changes)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    stop.set()
    assert got, "the change was seen"
    assert {p.resolve() for p in got[0]} == {(tmp_path / "note.md").resolve()}


def test_ctrl_c_on_another_thread_stops_the_wait_for_changes(tmp_path: Path) -> None:
    """Ctrl-C reaches a process on whichever of its threads the kernel picks (Typst's workers,
    the file watcher). Python acts on it in the main thread, so the main thread must not wait
    for the next change without end."""
    stop = threading.Event()
    changes = file_changes(tmp_path, lambda _: True, stop)
    rescue = threading.Timer(5.0, lambda: (tmp_path / "wake.md").write_text("x"))

    def interrupt() -> None:
        time.sleep(0.3)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # lands on this thread

    # Ctrl-C raises KeyboardInterrupt even when the tests were started with SIGINT ignored
    # (a background job of a shell script ignores it, and Python keeps that)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=interrupt, daemon=True).start()
    rescue.start()  # (without the fix, only a change would wake the main thread)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            next(changes)
        waited = time.monotonic() - started
    finally:
        signal.signal(signal.SIGINT, previous)
        rescue.cancel()
        stop.set()
    assert waited < 2.0, f"Ctrl-C took {waited:.1f} s to be seen"


def test_links_are_not_watched_and_new_folders_are(tmp_path: Path) -> None:
    """A received project's link to / (or to itself) is not followed: the operating system
    would be asked to watch the whole disk, and stopped at the first folder it may not read
    ('internal error: PermissionError ... /proc/1/task/1/fdinfo'). A folder made while
    watching is watched from then on."""
    from idmbook.commands.watch import watched_folders

    (tmp_path / "chapters" / "notes").mkdir(parents=True)
    os.symlink("/", tmp_path / "rootlink")
    os.symlink(".", tmp_path / "chapters" / "loop")
    (tmp_path / ".git").mkdir()
    folders = watched_folders(tmp_path, lambda p: not p.name.startswith("."))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in folders) == [
        ".",
        "chapters",
        "chapters/notes",
    ]
    stop = threading.Event()
    changes = file_changes(tmp_path, lambda p: not p.name.startswith("."), stop)
    try:
        (tmp_path / "chapters" / "new").mkdir()
        first = next(changes)
        assert tmp_path / "chapters" / "new" in first
        time.sleep(0.5)  # (the new folder is watched once the first change is told)
        (tmp_path / "chapters" / "new" / "a.md").write_text("x")
        seen: set[Path] = set()
        deadline = time.monotonic() + 30
        while tmp_path / "chapters" / "new" / "a.md" not in seen and time.monotonic() < deadline:
            seen |= next(changes)
        assert tmp_path / "chapters" / "new" / "a.md" in seen
    finally:
        stop.set()
