"""Writing outputs safely: a lock per output folder, temporary files, atomic replacement.

The build deletes no file it did not make: the temporary files of a build are named in the
output folder's list of them (:data:`PARTS_NAME`) before they are made, and the next build
deletes those a killed build left behind, and nothing else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout

from idmbook.errors import BuildLocked, OutputError
from idmbook.load.confine import file_problem, read_file

LOCK_NAME = ".idmbook-build.lock"
PARTS_NAME = ".idmbook-build.pending"
"""The list of the temporary files the build writing in a folder makes there."""
_PART = re.compile(r"\.[^/\\\x00]+\.[0-9a-f]{16}\.part")


@contextmanager
def build_lock(folder: Path, wait: float = 600.0, on_wait: object = None) -> Iterator[None]:
    """Hold the output folder's lock; a second build waits, then fails clearly."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {folder}: {exc.strerror}") from None
    for name in (LOCK_NAME, PARTS_NAME):  # the build's own files there: regular files only
        problem = _own_file_problem(folder / name)
        if problem is not None:
            raise OutputError(
                f"cannot use {folder / name}: {problem}",
                "delete it (idmbook makes it itself); it is not one of idmbook's files",
            )
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


def _own_file_problem(path: Path) -> str | None:
    """Why ``path``, where the build keeps a file of its own, is something else (a link, a
    pipe, a device, a hard link), or None when it is a regular file or nothing."""

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or "it cannot be looked at"
    return file_problem(info)


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary name first, then move them all into place.

    If anything fails before the moves, no output is touched; each move is atomic, so every
    output is either the previous file or the complete new one. Every file is in one folder,
    whose lock the caller holds.
    """
    folder = next(iter(files)).parent
    _remove_parts_of_killed_builds(folder)
    token = secrets.token_hex(8)
    staged = [(folder / f".{target.name}.{token}.part", target) for target in files]
    try:
        _list_parts(folder, [part.name for part, _ in staged])
        for part, target in staged:
            with _create_part(part) as handle:
                handle.write(files[target])
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(part, 0o644)
    except OSError as exc:
        _discard(folder, staged)
        raise OutputError(
            f"cannot write the outputs in {folder}: {exc.strerror}",
            "check that the folder is writable and the disk is not full; the previous "
            "outputs are unchanged",
        ) from None
    moved: list[str] = []
    try:
        for part, target in staged:
            os.replace(part, target)
            moved.append(target.name)
    except OSError as exc:
        _discard(folder, staged)
        raise OutputError(
            f"cannot move the outputs into place in {folder}: {exc.strerror}",
            f"replaced before the failure: {', '.join(moved) or 'none'}; every other output is "
            "the previous one, and the manifest (moved last) makes the next build rebuild",
        ) from None
    with contextlib.suppress(OSError):
        _list_parts(folder, [])


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _create_part(path: Path) -> BinaryIO:
    """A new temporary output, never an existing file or a link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    return os.fdopen(fd, "wb")


def _discard(folder: Path, staged: list[tuple[Path, Path]]) -> None:
    """Remove this build's temporary files (made by it: named with its own token)."""
    for part, _ in staged:
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(part).st_mode):
                part.unlink()
    with contextlib.suppress(OSError):
        _list_parts(folder, [])


def _list_parts(folder: Path, names: list[str]) -> None:
    """Write the list of temporary files (:data:`PARTS_NAME`); never through a link, a
    pipe or anything but a regular file."""
    path = folder / PARTS_NAME
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):
            raise OSError(exc.errno, f"{PARTS_NAME} is a link or a special file") from None
        raise
    with os.fdopen(fd, "wb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, f"{PARTS_NAME} is not a regular file")
        handle.truncate(0)
        handle.write("".join(f"{name}\n" for name in names).encode("utf-8"))


def _remove_parts_of_killed_builds(folder: Path) -> None:
    """Remove the temporary files that a killed build listed and left (called under the
    output folder's lock, so no other build is writing them)."""

    try:
        listed = read_file(folder / PARTS_NAME, 1024 * 1024).decode("utf-8", "replace")
    except OSError:
        return
    for name in listed.splitlines():
        if not _PART.fullmatch(name):
            continue
        part = folder / name
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(part).st_mode):
                part.unlink()
