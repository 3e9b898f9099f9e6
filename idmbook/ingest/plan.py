"""Where an ingested file goes, whether it was ingested before, and writing it safely.

A contribution is named after its organisation (or title); a name already taken by another
contribution or media folder, comparing names as Windows and macOS do (letter case and
Unicode form ignored), gets a number. A file whose SHA-256 is the source of an existing
contribution (or note) is not ingested again. Writing goes through temporary files in the
target folder that are moved into place when complete; the contribution's Markdown file is
moved last, so an interrupted ingest leaves no contribution behind.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from idmbook.errors import OutputError
from idmbook.ingest import journal
from idmbook.ingest.register import fold
from idmbook.load.frontmatter import decode, split

_SHA_COMMENT = re.compile(r"^# .*\bsha256 ([0-9a-f]{64})\b", re.M)


def slugify(text: str, fallback: str = "contribution") -> str:
    """Lower-case ASCII words joined by hyphens: 'Ville de Montréal' -> 'ville-de-montreal'."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0] or slug[:60]
    return slug or fallback


@dataclass
class ProjectIndex:
    """What the project already holds: sources by SHA-256 and the names in use."""

    root: Path
    by_sha: dict[str, str] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    recovered: list[tuple[str, str]] = field(default_factory=list)
    """Interrupted ingests finished or undone: (journal's folder, what was done)."""
    left: set[str] = field(default_factory=set)
    """Names an interrupted ingest holds that a real run would free (dry runs)."""

    def claim(self, slug: str) -> str:
        """A name for a new contribution, distinct from every name in use."""
        candidate, n = slug, 1
        while fold(candidate) in self.taken:
            n += 1
            candidate = f"{slug}-{n}"
        self.taken.add(fold(candidate))
        return candidate


def index_project(root: Path, recover: bool = True) -> ProjectIndex:
    """Read the sources of existing contributions and notes, and the names in use.

    Interrupted ingests (journal.py) are finished or undone first, or only reported when
    ``recover`` is false (a dry run writes nothing); what they would write is then free.
    """
    index = ProjectIndex(root)
    _interrupted(root, index, recover)
    contributions = root / "contributions"
    if contributions.is_dir():
        for path in sorted(contributions.rglob("*.md")):
            parts = path.relative_to(contributions).parts
            if "media" in parts[:-1]:
                continue
            index.taken.add(fold(path.stem))
            sha = _contribution_sha(path)
            if sha:
                index.by_sha.setdefault(sha, path.relative_to(root).as_posix())
        media = contributions / "media"
        if media.is_dir():
            index.taken.update(
                fold(p.name) for p in media.iterdir() if fold(p.name) not in index.left
            )
    notes = root / "chapters" / "notes"
    if notes.is_dir():
        for path in sorted(notes.rglob("*.md")):
            try:
                head = path.read_text("utf-8", "replace")[:4000]
            except OSError:
                continue
            match = _SHA_COMMENT.search(head)
            if match:
                index.by_sha.setdefault(match.group(1), path.relative_to(root).as_posix())
    return index


def _interrupted(root: Path, index: ProjectIndex, recover: bool) -> None:
    notes = root / "chapters" / "notes"
    folders = [root / "contributions"]
    if notes.is_dir():
        folders += [notes, *sorted(p for p in notes.iterdir() if p.is_dir())]
    for path in journal.pending(folders):
        folder = path.parent.relative_to(root).as_posix()
        target = path.name[len(journal.PREFIX) : -len(journal.SUFFIX)]
        existing = path.parent / target
        sha = _contribution_sha(existing) if existing.is_file() else None
        if sha is None and existing.is_file():
            sha = note_sha(existing.read_text("utf-8", "replace"))
        if recover:
            index.recovered.append((folder, journal.recover(path, sha)))
        else:
            index.recovered.append(
                (folder, f"an interrupted ingest left {target} unfinished; a real run cleans it")
            )
            if not existing.exists() and folder == "contributions":
                index.left.add(fold(Path(target).stem))


def _contribution_sha(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    text_file, _ = decode(raw, path.name)
    if text_file is None:
        return None
    fm, _ = split(text_file)
    source = fm.data.get("source") if fm is not None else None
    if isinstance(source, dict) and isinstance(source.get("sha256"), str):
        return str(source["sha256"])
    return None


def note_sha(text: str) -> str | None:
    """The source SHA-256 recorded in an ingested note's front-matter comment."""
    match = _SHA_COMMENT.search(text[:4000])
    return match.group(1) if match else None


def install(
    path: Path, text: str, media_dir: Path | None, media: dict[str, bytes], sha256: str
) -> None:
    """Write ``media`` into ``media_dir`` and ``text`` to ``path``, all or nothing.

    Neither ``path`` nor ``media_dir`` may exist. A journal (journal.py) names what is being
    written until ``path`` is in place, so that a run stopped in between is finished or undone
    by the next. Files and folders get the modes the user's umask gives new files (0644 and
    0755 under the usual 022). On any failure, whatever was written is removed again and
    :class:`OutputError` is raised.
    """
    if path.exists() or (media and media_dir is not None and media_dir.exists()):
        raise OutputError(f"{path} already exists; idmbook never overwrites a file")
    placed: Path | None = None
    entry = journal.journal_for(path, media_dir if media else None, sha256)
    temp = entry.folder / entry.temp
    staging = entry.folder / entry.staging if entry.staging else None
    new_parent = (
        media_dir.parent if media_dir is not None and not media_dir.parent.exists() else None
    )
    written = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        journal.write(entry)
        written = True
        if media and media_dir is not None and staging is not None:
            media_dir.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(staging)
            for name, data in media.items():
                _write_new(staging / name, data)
            os.replace(staging, media_dir)
            placed = media_dir
        _write_new(temp, text.encode("utf-8"))
        if path.exists():
            raise OutputError(f"{path} appeared while ingesting; it was not overwritten")
        os.replace(temp, path)
        journal.remove(entry)
    except BaseException as exc:
        if written:
            temp.unlink(missing_ok=True)
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            if placed is not None:
                shutil.rmtree(placed, ignore_errors=True)
            journal.remove(entry)
        if new_parent is not None and new_parent.is_dir() and not any(new_parent.iterdir()):
            new_parent.rmdir()
        if isinstance(exc, FileExistsError):
            raise OutputError(
                f"{path} is being written by another ingest (or one was interrupted: run "
                "ingest again)"
            ) from None
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) with ``data``, flushed to the disk."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
