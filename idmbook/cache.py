"""A content-addressed cache of pandoc's work, so a rebuild redoes only what changed.

Entries live in the user's cache folder (``~/.cache/idmbook`` on Linux, see
:func:`default_folder`; ``IDMBOOK_CACHE_DIR`` names another), never in the project: what a
build reads from its cache becomes part of the book (pandoc's Typst is typeset as it is), and
a project folder is written by whoever sent or shares it, who could put a forged entry there,
or put a link there in place of the folder so that writing and pruning the cache would happen
elsewhere. The user's cache folder is written only by the user's own builds. Entries are keyed
by content, so builds of every project and worktree share them; deleting the folder is always
safe. An entry's key is a SHA-256 of everything that decides its content (pandoc's version,
its arguments, the input bytes), and the entry stores the SHA-256 of its own bytes: a truncated,
corrupted or foreign file is detected, deleted and treated as a miss. Entries are written to a
temporary file and renamed into place, so two builds sharing a cache never see half an entry.
A cache that cannot be read or written only makes the build slower, never wrong or failing.

The book's parse keeps its pieces here (:mod:`idmbook.parse.pieces`), and the PDF its Typst.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR = ".idmbook-cache"
"""The folder inside a project where idmbook kept its cache before: never read, written or
deleted any more (delete it by hand); file watching still ignores it."""
CACHE_ENV = "IDMBOOK_CACHE_DIR"
"""An environment variable naming the cache folder instead of the user's."""
MAX_BYTES = 512 * 1024 * 1024
"""The cache is pruned, least recently used first, to this size after each build."""
TOUCH_AFTER = 3600.0
"""An entry found is marked as used (its time set to now) when it was last marked longer ago
than this, in seconds: pruning goes by the hour, and thousands of entries are not touched at
every rebuild."""
_MAGIC = b"idmbook-cache-1\n"
_KEY = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z][a-z0-9-]{0,31}")
_BUCKET = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"[0-9a-f]{62}|\.tmp-[A-Za-z0-9_]{1,32}")
"""The names of what :meth:`Cache.put` writes in a bucket (an entry, or its temporary file
left by a process that was killed): pruning deletes nothing else."""


def default_folder() -> Path:
    """``IDMBOOK_CACHE_DIR`` when it is set, else idmbook's folder in the user's cache
    directory (``$XDG_CACHE_HOME/idmbook`` or ``~/.cache/idmbook`` on Linux,
    ``~/Library/Caches/idmbook`` on macOS, ``%LOCALAPPDATA%\\idmbook\\Cache`` on Windows)."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named).expanduser().absolute()
    import platformdirs

    return Path(platformdirs.user_cache_dir("idmbook", appauthor=False))


@dataclass
class Cache:
    """A cache folder; every method is best effort and never raises OSError."""

    folder: Path
    max_bytes: int = MAX_BYTES
    hits: int = 0
    misses: int = 0
    _writer: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    """Writes entries while the build goes on (see :meth:`put`, :meth:`flush`)."""
    _made: dict[str, bytearray] = field(default_factory=dict, init=False, repr=False)
    """For each kind of entry, which of its 256 folders are known to exist (a flag each): a
    set of their paths, made while a long book is in memory, would outlive it scattered among
    its memory and keep Python from giving that memory back (on the benchmark's compendium,
    187 more of Python's 1 MiB arenas held when Typst had typeset the book)."""
    _pending: dict[Path, bytes] = field(default_factory=dict, init=False, repr=False)
    """Entries given to :meth:`put` and not yet written."""
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @classmethod
    def default(cls) -> Cache:
        """The cache in :func:`default_folder`."""
        return cls(default_folder())

    @staticmethod
    def key(*parts: str | bytes) -> str:
        """A key from ``parts``; each part is length-prefixed, so no two lists collide."""
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(f"{len(data)}:".encode())
            digest.update(data)
        return digest.hexdigest()

    def _path(self, kind: str, key: str) -> Path:
        if not _KIND.fullmatch(kind) or not _KEY.fullmatch(key):
            raise ValueError(f"bad cache entry name {kind}/{key}")
        return self.folder / kind / key[:2] / key[2:]

    def get(self, kind: str, key: str) -> bytes | None:
        """The entry's bytes, or None when it is missing or damaged (then it is deleted)."""
        path = self._path(kind, key)
        with self._lock:
            pending = self._pending.get(path)
        if pending is not None:
            self.hits += 1
            return pending
        try:
            with path.open("rb") as handle:
                raw = handle.read()
                used = os.fstat(handle.fileno()).st_mtime
        except OSError:
            self.misses += 1
            return None
        header_end = len(_MAGIC) + 65
        head, data = raw[:header_end], raw[header_end:]
        if (
            len(head) != header_end
            or not head.startswith(_MAGIC)
            or head[len(_MAGIC) :] != hashlib.sha256(data).hexdigest().encode() + b"\n"
        ):
            path.unlink(missing_ok=True)
            self.misses += 1
            return None
        if used < time.time() - TOUCH_AFTER:
            self._in_background(_touch, path)  # recently used: pruned last
        self.hits += 1
        return data

    def has(self, kind: str, key: str) -> bool:
        """Whether the cache seems to hold the entry (it is not read: :meth:`get` may still
        find it damaged)."""
        path = self._path(kind, key)
        with self._lock:
            if path in self._pending:
                return True
        return path.is_file()

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, atomically, in a background thread: a cold build of a
        long book writes thousands of entries, and waiting for the disk would hold it up.
        :meth:`flush` waits for them (a process that exits waits too)."""
        path = self._path(kind, key)
        with self._lock:
            self._pending[path] = data
        self._in_background(self._write, kind, key, path, data)

    def _in_background(self, work: Callable[..., object], *args: Any) -> None:
        with self._lock:
            if self._writer is None:
                self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cache")
            self._writer.submit(work, *args)

    def flush(self) -> None:
        """Wait until every entry given to :meth:`put` is written (or given up), and every
        entry :meth:`get` found is marked as used."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.shutdown(wait=True)

    def _write(self, kind: str, key: str, path: Path, data: bytes) -> None:
        try:
            self._store(kind, key, path, data)
        finally:
            with self._lock:
                if self._pending.get(path) is data:
                    del self._pending[path]

    def _store(self, kind: str, key: str, path: Path, data: bytes) -> None:
        try:
            made = self._made.get(kind)
            if made is None:
                made = self._made[kind] = bytearray(256)
            bucket = int(key[:2], 16)
            if not made[bucket]:
                self._prepare()
                path.parent.mkdir(parents=True, exist_ok=True)
                made[bucket] = 1
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_MAGIC + hashlib.sha256(data).hexdigest().encode() + b"\n")
                    handle.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return

    def _prepare(self) -> None:
        """Create the folder, marked as a cache for backup tools and ignored by git."""
        if (self.folder / "CACHEDIR.TAG").is_file():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
        (self.folder / "CACHEDIR.TAG").write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n"
            "# idmbook's cache of pandoc's work; deleting this folder is always safe.\n",
            encoding="utf-8",
        )

    def prune(self) -> int:
        """Delete the least recently used entries until the cache fits ``max_bytes``;
        returns how many were deleted."""
        self.flush()
        return self._prune()

    def prune_later(self) -> None:
        """:meth:`prune` in the background, once the entries given so far are written (a
        build calls it when its tools work: on the benchmark's compendium, looking at every
        entry takes a fifteenth of a second). :meth:`flush` waits for it."""
        self._in_background(self._prune)

    def _prune(self) -> int:
        entries: list[tuple[float, int, Path]] = []
        try:
            for kind in os.scandir(self.folder):
                if not _KIND.fullmatch(kind.name) or not kind.is_dir(follow_symlinks=False):
                    continue
                for bucket in os.scandir(kind.path):
                    if not _BUCKET.fullmatch(bucket.name):
                        continue
                    if not bucket.is_dir(follow_symlinks=False):
                        continue
                    for entry in os.scandir(bucket.path):
                        if not _ENTRY.fullmatch(entry.name):
                            continue  # not written by the cache: never deleted
                        stat = entry.stat(follow_symlinks=False)
                        if entry.is_file(follow_symlinks=False):
                            entries.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries, key=lambda item: item[0]):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)
