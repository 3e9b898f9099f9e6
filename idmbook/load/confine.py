"""Where idmbook reads and writes in a project: real folders and regular files inside it.

A project that was received (an archive, a repository, a shared folder) can hold anything a
file system can: links to files and folders elsewhere, named pipes that block a reader
forever, devices that never end, sockets, and hard links (other names of a file that may live
anywhere on the same disk). idmbook reads a file of the project only when it is a regular
file with one name, reached through real folders inside the project; it writes only into real
folders inside the project (or a folder the user named on the command line).

Every check looks at the entry itself (``lstat``) and never follows a link; files are opened
without following a link and without waiting on a pipe, and what was opened is checked again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

MAX_READ = 64 * 1024 * 1024
"""The largest file :func:`read_file` reads unless told otherwise."""

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class Unconfined(OSError):
    """A path idmbook will not read or write: ``strerror`` says why in the user's words."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(errno.EPERM, why, str(path))
        self.why = why


def kind_of(mode: int) -> str:
    """What an entry of mode ``mode`` is, in words."""
    if stat.S_ISLNK(mode):
        return "a link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISREG(mode):
        return "a file"
    return "a special file"


def file_problem(info: os.stat_result) -> str | None:
    """Why an entry with this ``lstat`` (or ``fstat``) cannot be read as a file of the
    project, or None."""
    if not stat.S_ISREG(info.st_mode):
        what = kind_of(info.st_mode)
        if what == "a link":
            return "it is a link; idmbook does not follow links"
        return f"it is {what}, not a regular file"
    if info.st_nlink > 1:
        return (
            f"it has {info.st_nlink} names (hard links), so it may be a file from outside the "
            "project; copy it instead of linking it"
        )
    return None


def read_file(path: Path, limit: int = MAX_READ) -> bytes:
    """The bytes of ``path``, a regular file with one name, never through a link at its last
    part; raises :class:`Unconfined` for anything else (a link, a pipe, a device, a folder, a
    hard link, more than ``limit`` bytes) and OSError when it cannot be read.

    The entry is looked at before it is opened (opening a device can make it act) and what
    was opened is looked at again."""
    problem = file_problem(os.lstat(path))
    if problem is not None:
        raise Unconfined(path, problem)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unconfined(path, "it is a link; idmbook does not follow links") from None
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket
            raise Unconfined(path, "it is a socket, not a regular file") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        problem = file_problem(info)
        if problem is not None:
            raise Unconfined(path, problem)
        if info.st_size > limit:
            raise Unconfined(path, f"it is larger than {limit // (1024 * 1024)} MB")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Unconfined(path, f"it is larger than {limit // (1024 * 1024)} MB")
    return data


def folder_problem(path: Path, root: Path, may_be_missing: bool = False) -> str | None:
    """Why ``path`` cannot be used as a folder of the project at ``root``, or None.

    ``path`` must be inside ``root`` by name, and each of its parts below ``root`` a real
    folder (not a link, a file or anything else); with ``may_be_missing``, the parts from the
    first missing one on do not exist yet (they will be made by :func:`make_folders`).
    """
    root = root.absolute()
    try:
        rel = path.absolute().relative_to(root)
    except ValueError:
        return f"{path} is outside the project"
    if any(part in ("..", "") for part in rel.parts):
        return f"{path} leaves the project"
    current = root
    for part in rel.parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return None if may_be_missing else f"{_shown(current, root)} does not exist"
        except OSError as exc:
            return f"{_shown(current, root)} cannot be looked at: {exc.strerror}"
        if not stat.S_ISDIR(info.st_mode):
            what = kind_of(info.st_mode)
            where = "a place outside the project" if what == "a link" else "anything"
            detail = f" to {where}" if what == "a link" else ""
            return f"{_shown(current, root)} is {what}{detail}, not a folder of the project"
    return None


def make_folders(path: Path, root: Path) -> None:
    """Make ``path`` and the folders above it up to ``root``, each a real folder; raises
    :class:`Unconfined` when a part is something else, OSError when it cannot be made."""
    problem = folder_problem(path, root, may_be_missing=True)
    if problem is not None:
        raise Unconfined(path, problem)
    current = root.absolute()
    for part in path.absolute().relative_to(current).parts:
        current = current / part
        with contextlib.suppress(FileExistsError):
            os.mkdir(current)
    problem = folder_problem(path, root)  # nothing swapped in while they were made
    if problem is not None:
        raise Unconfined(path, problem)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
