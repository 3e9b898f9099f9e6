"""The record ingest keeps of a contribution it is writing, so that a run stopped half-way
(killed, a power cut) is finished or undone by the next run instead of being ingested again.

Before anything of a contribution is written, a hidden journal file beside it names what will
be written: the Markdown file, its pictures' folder, and the temporary names both have while
they are written. The journal is removed once the Markdown file is in place. A journal found
later means a run stopped in between: if the Markdown file is there and records the source
the journal names, the contribution is complete and only the leftovers go; otherwise what the
journal names is removed, and the file is ingested again under its own name.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

PREFIX = ".idmbook-ingest-"
SUFFIX = ".journal"
_NAME = re.compile(r"^[^/\\\x00]{1,255}$")
_MAX_JOURNAL_BYTES = 8192


@dataclass(frozen=True)
class Entry:
    """What one journal says is being written, in its folder."""

    folder: Path
    target: str
    """The Markdown file's name."""
    temp: str
    """The Markdown file's name while it is written."""
    media: str | None
    """The pictures' folder, relative to the Markdown file's folder."""
    staging: str | None
    """The pictures' folder while it is written, relative to the same folder."""
    sha256: str

    @property
    def path(self) -> Path:
        return self.folder / f"{PREFIX}{self.target}{SUFFIX}"


def journal_for(target: Path, media_dir: Path | None, sha256: str) -> Entry:
    """The journal of writing ``target`` (and its pictures into ``media_dir``)."""
    folder = target.parent
    media = staging = None
    if media_dir is not None:
        media = os.path.relpath(media_dir, folder)
        staging = os.path.relpath(media_dir.parent / f".{media_dir.name}.partial", folder)
    return Entry(folder, target.name, f".{target.name}.partial", media, staging, sha256)


def write(entry: Entry) -> None:
    """Create the journal; it must not exist (another run would be writing the same file)."""
    data = json.dumps(
        {
            "target": entry.target,
            "temp": entry.temp,
            "media": entry.media,
            "staging": entry.staging,
            "sha256": entry.sha256,
        }
    ).encode("utf-8")
    descriptor = os.open(entry.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def remove(entry: Entry) -> None:
    entry.path.unlink(missing_ok=True)


def _read(path: Path) -> Entry | None:
    try:
        raw = path.read_bytes()[:_MAX_JOURNAL_BYTES]
        data = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    names = [data.get("target"), data.get("temp")]
    optional = [data.get("media"), data.get("staging")]
    if not all(isinstance(n, str) and _NAME.match(n) for n in names):
        return None
    if not all(n is None or (isinstance(n, str) and _safe_relative(n)) for n in optional):
        return None
    sha = data.get("sha256")
    if not isinstance(sha, str):
        return None
    return Entry(path.parent, data["target"], data["temp"], data["media"], data["staging"], sha)


def _safe_relative(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return bool(name) and not name.startswith("/") and all(p not in ("", ".", "..") for p in parts)


def pending(folders: list[Path]) -> list[Path]:
    """The journals in ``folders`` (not in their subfolders)."""
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink():
            found += sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    return found


def recover(path: Path, source_sha: str | None) -> str:
    """Finish or undo what the journal ``path`` records; says what was done.

    ``source_sha`` is the source the Markdown file records, if it exists.
    """
    entry = _read(path)
    if entry is None:
        path.unlink(missing_ok=True)
        return f"an unreadable ingest journal ({path.name}) was removed"
    folder = entry.folder
    target = folder / entry.target
    complete = target.is_file() and source_sha == entry.sha256
    _remove_file(folder / entry.temp)
    if entry.staging:
        _remove_tree(folder / entry.staging)
    if complete:
        remove(entry)
        return f"the interrupted ingest of {entry.target} had finished; its leftovers were removed"
    if entry.media and not target.exists():
        _remove_tree(folder / entry.media)
    remove(entry)
    return (
        f"an interrupted ingest of {entry.target} was undone (what it had written was "
        "removed); its file is ingested again"
    )


def _remove_file(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)


def _remove_tree(path: Path) -> None:
    if path.is_symlink():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
