"""Writing outputs safely: a lock per output folder, temporary files, atomic replacement."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from idmbook.errors import BuildLocked, OutputError

LOCK_NAME = ".idmbook-build.lock"


@contextmanager
def build_lock(folder: Path, wait: float = 600.0, on_wait: object = None) -> Iterator[None]:
    """Hold the output folder's lock; a second build waits, then fails clearly."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {folder}: {exc.strerror}") from None
    lock = FileLock(str(folder / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if callable(on_wait):
            on_wait()
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise BuildLocked(
                f"another idmbook build has held {folder / LOCK_NAME} for {wait:.0f} s",
                "wait for it to finish; if no build is running, delete the lock file",
            ) from None
    except OSError as exc:
        raise OutputError(f"cannot lock {folder}: {exc.strerror}") from None
    try:
        yield
    finally:
        lock.release()


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary name first, then move them all into place.

    If anything fails before the moves, no output is touched; each move is atomic, so every
    output is either the previous file or the complete new one.
    """
    _remove_stale_parts(list(files))
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".part", dir=target.parent
            )
            staged.append((Path(tmp_name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o644)
    except OSError as exc:
        for part, _ in staged:
            part.unlink(missing_ok=True)
        raise OutputError(
            f"cannot write the outputs in {next(iter(files)).parent}: {exc.strerror}",
            "check that the folder is writable and the disk is not full; the previous "
            "outputs are unchanged",
        ) from None
    moved: list[str] = []
    try:
        for part, target in staged:
            os.replace(part, target)
            moved.append(target.name)
    except OSError as exc:
        for part, _ in staged:
            part.unlink(missing_ok=True)
        raise OutputError(
            f"cannot move the outputs into place in {next(iter(files)).parent}: {exc.strerror}",
            f"replaced before the failure: {', '.join(moved) or 'none'}; every other output is "
            "the previous one, and the manifest (moved last) makes the next build rebuild",
        ) from None


def _remove_stale_parts(targets: list[Path]) -> None:
    """Remove the temporary files a killed build left next to ``targets`` (called under the
    output folder's lock, so no other build is writing them)."""
    for target in targets:
        for stale in target.parent.glob(f".{target.name}.*.part"):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink(missing_ok=True)
