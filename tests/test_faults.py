"""Faults around `idmbook build`: killed builds, two builds at once, a read-only or full output
folder, a missing or broken pandoc, and reproducibility across folders and times.

What must hold, whatever happens: every output file is either the previous one or the complete
new one (never truncated, never a mix of two builds), a failure says what went wrong with
exit status 2 and no traceback, and the same inputs with the same SOURCE_DATE_EPOCH give the
same bytes anywhere.

Two variants of the test project, A and B (one contribution differs), are built once in this
process as references; reproducibility makes their bytes the only acceptable outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import DEFAULT_FILES, CliResult, contribution_text

from idmbook.publish.output import LOCK_NAME

pytestmark = pytest.mark.slow

EPOCH = "1513209600"
NAMES = ("publication.docx", "publication.pdf", "publication.manifest.json")
MONTREAL = "contributions/montreal.md"
VARIANTS = {
    "A": contribution_text(body="\nWe welcome newcomers through one-stop shops.\n"),
    "B": contribution_text(body="\nWe welcome newcomers in every district office, now.\n"),
}
BUILD = ["build", "--force", "--format", "docx,pdf"]


def write_project(root: Path, variant: str) -> Path:
    for rel, content in {**DEFAULT_FILES, MONTREAL: VARIANTS[variant]}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8")
    return root


def outputs(root: Path) -> dict[str, bytes]:
    dist = root / "dist"
    return {name: (dist / name).read_bytes() for name in NAMES if (dist / name).exists()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The outputs of variants A and B, each built once in its own folder in this process."""
    from idmbook.commands.build import BuildOptions, build

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        refs = {}
        for variant in VARIANTS:
            root = write_project(tmp_path_factory.mktemp(f"ref{variant}"), variant)
            build(root, BuildOptions(formats=("docx", "pdf")))
            refs[variant] = outputs(root)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    assert refs["A"]["publication.pdf"] != refs["B"]["publication.pdf"]
    return refs


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return {**base, "SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "200", "NO_COLOR": "1", **extra}


def start_build(root: Path, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "idmbook.cli", *BUILD],
        cwd=root,
        env=env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def install(root: Path, files: dict[str, bytes]) -> None:
    dist = root / "dist"
    dist.mkdir(exist_ok=True)
    for name, data in files.items():
        (dist / name).write_bytes(data)


def old_or_new(root: Path, reference: dict[str, dict[str, bytes]], when: str) -> None:
    """Every output is complete and is exactly A's or B's."""
    found = outputs(root)
    assert set(found) == set(NAMES), f"{when}: an output disappeared: {sorted(found)}"
    for name, data in found.items():
        assert data in (reference["A"][name], reference["B"][name]), (
            f"{when}: {name} is neither the old nor the new complete file "
            f"({len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]})"
        )


def _wait_for(predicate: Callable[[], bool], proc: subprocess.Popen[bytes], limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if predicate():
            return True
    return False


def _replaced(root: Path, inodes: dict[str, int]) -> bool:
    """Whether an output has been replaced since ``inodes`` were taken."""
    for name in NAMES:
        try:
            if os.stat(root / "dist" / name).st_ino != inodes[name]:
                return True
        except OSError:
            pass
    return False


def _parts(root: Path) -> list[str]:
    try:
        return [e.name for e in os.scandir(root / "dist") if e.name.endswith(".part")]
    except OSError:
        return []


# --------------------------------------------------------------------------- SIGKILL


def test_sigkill_at_random_points_leaves_each_output_old_or_new(
    tmp_path: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    """Builds alternating between A and B, each killed with SIGKILL: at a random moment
    (seeded), as soon as the first temporary output appears, and as soon as the first output
    has been replaced. After every kill each output is A's or B's, complete; a build that is
    left to finish afterwards gives exactly the reference bytes (the cache survived)."""
    root = write_project(tmp_path / "p", "A")
    install(root, reference["A"])
    started = time.monotonic()
    first = start_build(write_project(root, "B"))
    _, err = first.communicate(timeout=120)
    duration = time.monotonic() - started
    assert first.returncode == 0, err.decode()
    assert outputs(root) == reference["B"]

    rng = random.Random(20171214)
    plans = ["random", "part", "random", "replaced", "random", "part", "random", "replaced"]
    killed_at: list[str] = []
    for number, plan in enumerate(plans):
        variant = "A" if number % 2 == 0 else "B"
        write_project(root, variant)
        before_inode = {n: (root / "dist" / n).stat().st_ino for n in NAMES}
        proc = start_build(root)
        if plan == "random":
            time.sleep(rng.uniform(0.05, duration))
            hit = True
        elif plan == "part":
            hit = _wait_for(lambda: bool(_parts(root)), proc, 60)
        else:
            hit = _wait_for(lambda inodes=before_inode: _replaced(root, inodes), proc, 60)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        killed_at.append(f"{plan}:{'finished' if finished else 'killed'}:{hit}")
        old_or_new(root, reference, f"kill {number} ({plan}, variant {variant})")
    # the write-phase triggers really fired at least once each
    assert any(k.startswith("part:killed:True") for k in killed_at), killed_at
    assert any(k.startswith("replaced:killed:True") for k in killed_at), killed_at

    final = start_build(write_project(root, "A"))
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    assert outputs(root) == reference["A"], "a build after the kills differs from the reference"
    assert _parts(root) == [], "temporary files of killed builds were left behind"


# --------------------------------------------------------------------------- two at once


def test_two_builds_at_once_one_waits_and_outputs_are_never_mixed(
    tmp_path: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    """Project A and project B built at the same moment into one output folder (--out), three
    times: one waits for the other, and the folder always ends with all of A's outputs or all
    of B's, never A's DOCX with B's PDF."""
    shared = tmp_path / "shared"
    roots = {v: write_project(tmp_path / v, v) for v in ("A", "B")}
    for _ in range(3):
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "idmbook.cli", *BUILD, "--out", str(shared)],
                cwd=roots[v],
                env=env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for v in ("A", "B")
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=180)
            text = err.decode()
            assert proc.returncode == 0, text
            assert "Traceback" not in text and "internal error" not in text, text
        found = {name: (shared / name).read_bytes() for name in NAMES}
        matches = [v for v in ("A", "B") if found == reference[v]]
        assert matches, "the output folder holds a mix of two builds"
        assert not [n for n in os.listdir(shared) if n.endswith(".part")]
    assert (shared / LOCK_NAME).exists()


def test_a_build_waiting_for_the_lock_gives_up_clearly(
    tmp_path: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    """A lock held by another process (here: a process holding it open and sleeping)."""
    from idmbook.commands.build import BuildOptions, build
    from idmbook.errors import BuildLocked

    root = write_project(tmp_path / "p", "B")
    install(root, reference["A"])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; "
            f"l = FileLock({str(root / 'dist' / LOCK_NAME)!r}); l.acquire(); "
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        with pytest.raises(BuildLocked, match="another idmbook build"):
            build(root, BuildOptions(formats=("docx", "pdf"), force=True, lock_timeout=0.5))
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        holder.kill()
        holder.wait()
    assert outputs(root) == reference["A"]


# --------------------------------------------------------------------------- read-only, full


def _can_unshare() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt 2>/dev/null && echo ok"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() == "ok"


CAN_MOUNT = _can_unshare()


def _in_namespace(script: str, root: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in a private mount namespace (its mounts vanish with it); $PY runs Python."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        cwd=root,
        env=env(PY=sys.executable),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.skipif(not CAN_MOUNT, reason="needs root and mount namespaces (unshare -m)")
def test_read_only_output_folder(tmp_path: Path, reference: dict[str, dict[str, bytes]]) -> None:
    root = write_project(tmp_path / "p", "B")
    install(root, reference["A"])
    dist = root / "dist"
    done = _in_namespace(
        f"mount --bind '{dist}' '{dist}' && mount -o remount,bind,ro '{dist}' && "
        f'"$PY" -m idmbook.cli {" ".join(BUILD)}',
        root,
    )
    assert done.returncode == 2, done.stderr
    assert "error:" in done.stderr and "Read-only file system" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert outputs(root) == reference["A"]


@pytest.mark.skipif(not CAN_MOUNT, reason="needs root and mount namespaces (unshare -m)")
def test_full_disk_keeps_the_previous_outputs(
    tmp_path: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    """dist/ is a tmpfs just large enough for the previous outputs: the new ones cannot be
    staged beside them. The check of what is left runs inside the namespace."""
    root = write_project(tmp_path / "p", "B")
    install(root, reference["A"])
    saved = tmp_path / "saved"
    shutil.copytree(root / "dist", saved)
    size_kb = sum(len(d) for d in reference["A"].values()) // 1024 + 48
    dist = root / "dist"
    done = _in_namespace(
        f"mount -t tmpfs -o size={size_kb}k tmpfs '{dist}' && cp '{saved}'/* '{dist}'/ && "
        f'"$PY" -m idmbook.cli {" ".join(BUILD)}; echo "exit=$?"; '
        f"cd '{dist}' && sha256sum * && ls -A",
        root,
    )
    assert "exit=2" in done.stdout, done.stdout + done.stderr
    assert "No space left on device" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    for name, data in reference["A"].items():
        assert f"{hashlib.sha256(data).hexdigest()}  {name}" in done.stdout, name
    assert ".part" not in done.stdout, "temporary files left on the full disk"


def test_unwritable_output_folder_in_process(
    project_b: Path,
    run_main: Callable[..., CliResult],
    reference: dict[str, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same without privileges: creating a temporary output fails as on a read-only
    file system (EROFS)."""
    import errno

    def refuse(*args: object, **kwargs: object) -> object:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("idmbook.publish.output._create_part", refuse)
    done = run_main(BUILD, cwd=project_b, SOURCE_DATE_EPOCH=EPOCH)
    assert done.exit_code == 2, done.stderr
    assert "cannot write the outputs" in done.stderr and "Read-only file system" in done.stderr
    assert "internal error" not in done.stderr
    assert outputs(project_b) == reference["A"]


def test_failed_move_is_reported_and_leaves_old_or_new(
    project_b: Path,
    run_main: Callable[..., CliResult],
    reference: dict[str, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Moving the PDF into place fails (EIO) after the DOCX was moved: a clear error, the DOCX
    new, the PDF and the manifest old, no temporary file left; the next build repairs it."""
    real = os.replace

    def flaky(source: str | Path, target: str | Path) -> None:
        if str(target).endswith("publication.pdf"):
            raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr("idmbook.publish.output.os.replace", flaky)
    done = run_main(BUILD, cwd=project_b, SOURCE_DATE_EPOCH=EPOCH)
    assert done.exit_code == 2, done.stderr
    assert "cannot move the outputs" in done.stderr and "publication.docx" in done.stderr
    assert "internal error" not in done.stderr
    found = outputs(project_b)
    assert found["publication.docx"] == reference["B"]["publication.docx"]
    assert found["publication.pdf"] == reference["A"]["publication.pdf"]
    assert found["publication.manifest.json"] == reference["A"]["publication.manifest.json"]
    assert _parts(project_b) == []
    monkeypatch.setattr("idmbook.publish.output.os.replace", real)
    again = run_main(["build", "--format", "docx,pdf"], cwd=project_b, SOURCE_DATE_EPOCH=EPOCH)
    assert again.exit_code == 0, again.stderr
    assert outputs(project_b) == reference["B"]


# --------------------------------------------------------------------------- pandoc


@pytest.fixture
def project_b(tmp_path: Path, reference: dict[str, dict[str, bytes]]) -> Path:
    """Variant B's sources over variant A's outputs, with no cache: a build must run pandoc."""
    root = write_project(tmp_path / "p", "B")
    install(root, reference["A"])
    return root


@pytest.fixture
def fake_pandoc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Replace pandoc by a script (or a path to nothing)."""
    import idmbook.pandoc.run as common

    def use(script: str) -> None:
        if script.startswith("/"):
            path = script
        else:
            target = tmp_path / "bin" / "pandoc"
            target.parent.mkdir(exist_ok=True)
            target.write_text("#!/bin/sh\n" + script + "\n")
            target.chmod(0o755)
            path = str(target)
        monkeypatch.setattr(common, "pandoc_path", lambda: path)
        common.pandoc_version.cache_clear()

    yield use
    common.pandoc_version.cache_clear()


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("/nonexistent/bin/pandoc", "pandoc could not run"),
        ("echo 'pandoc: out of memory' >&2; exit 251", "pandoc failed (exit 251)"),
        ("kill -9 $$", "pandoc failed"),
    ],
    ids=["missing", "failing", "killed"],
)
def test_missing_or_broken_pandoc(
    project_b: Path,
    run_main: Callable[..., CliResult],
    reference: dict[str, dict[str, bytes]],
    fake_pandoc: Callable[[str], None],
    script: str,
    message: str,
) -> None:
    fake_pandoc(script)
    done = run_main(BUILD, cwd=project_b, SOURCE_DATE_EPOCH=EPOCH)
    assert done.exit_code == 2, done.stderr
    assert message in " ".join(done.stderr.split()), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert outputs(project_b) == reference["A"]
    assert _parts(project_b) == []


def test_pandoc_answering_garbage_is_a_tool_error(
    project_b: Path,
    run_main: Callable[..., CliResult],
    reference: dict[str, dict[str, bytes]],
    fake_pandoc: Callable[[str], None],
) -> None:
    fake_pandoc("echo 'pandoc 3.9'; exit 0")
    done = run_main(BUILD, cwd=project_b, SOURCE_DATE_EPOCH=EPOCH)
    assert outputs(project_b) == reference["A"]
    assert done.exit_code == 2, done.stderr
    assert "pandoc's output is not a document" in done.stderr, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- reproducibility


def test_same_bytes_in_two_folders_at_two_times(
    tmp_path: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    """Two real processes, in folders of different names and depths, a second apart, with
    different file times, time zones, locales and umasks: the same DOCX, PDF and manifest,
    equal to the reference built in-process in a third folder."""
    first = write_project(tmp_path / "a", "A")
    second = write_project(tmp_path / "deeper" / "folder with spaces é" / "b", "A")
    for path in second.rglob("*.md"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    runs = [
        (first, {"TZ": "UTC", "LC_ALL": "C"}, "umask 022"),
        (second, {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8"}, "umask 077"),
    ]
    for number, (root, extra, umask) in enumerate(runs):
        if number:
            time.sleep(1.1)
        done = subprocess.run(
            ["sh", "-c", f'{umask} && exec "$PY" -m idmbook.cli build --format docx,pdf'],
            cwd=root,
            env=env(PY=sys.executable, **extra),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert outputs(first) == outputs(second) == reference["A"]
    manifest = json.loads(reference["A"]["publication.manifest.json"])
    assert manifest["options"]["source_date_epoch"] == int(EPOCH)


# --------------------------------------------------------------------------- stopped by a signal


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_watch_stopped_by_a_signal_leaves_nothing_in_tmpdir(tmp_path: Path, signame: str) -> None:
    """`idmbook watch -f pdf` keeps Typst's build folder in TMPDIR while it runs; stopped by
    SIGTERM (a service manager, kill), SIGHUP (its terminal closed) or SIGINT (Ctrl-C), it
    removes it and ends with status 0. (Before, SIGTERM and SIGHUP ended the process at once
    and left the folder.)"""
    root = write_project(tmp_path / "p", "A")
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "idmbook.cli", "watch", "-f", "pdf"],
        cwd=root,
        env=env(TMPDIR=str(temp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if "watching" in line or not line:
                break
        assert "watching" in line, "the watcher started"
        assert [p.name for p in temp.iterdir() if p.name.startswith("idmbook-typst-")], (
            "Typst's folder is in TMPDIR while watching"
        )
        proc.send_signal(getattr(signal, signame))
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert list(temp.iterdir()) == [], f"left in TMPDIR: {[p.name for p in temp.iterdir()]}"
    assert (root / "dist" / "publication.pdf").is_file()
