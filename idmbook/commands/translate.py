"""`idmbook translate`: the translator's side of the editions in other languages.

``stamp`` records in a translation the fingerprint of its original as it is now (after the
translation was brought up to date); ``export`` and ``import`` (in
:mod:`idmbook.commands.xliff`) hand the text to translators' tools and back.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from idmbook.check.sources import load_project
from idmbook.check.translated import original_fm, segments_of, translation_name
from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError, ProblemsFound
from idmbook.load.frontmatter import FrontMatterFile
from idmbook.load.project import Project, open_project
from idmbook.load.segments import Segment, fingerprint
from idmbook.load.sources import rel_path
from idmbook.model.documents import Chapter, Contribution, Note


@dataclass
class Original:
    """A loaded original with what translating it needs."""

    path: Path
    doc: Note | Contribution | Chapter
    source: FrontMatterFile
    segments: list[Segment]


def load_originals(start: Path, paths: list[Path]) -> tuple[Project, list[Original]]:
    """Load ``paths`` (originals) and their project; a file that does not load stops here
    with its diagnostics."""
    opened = open_project(start)
    if isinstance(opened, Report):
        raise ProblemsFound("idmbook.yaml has errors", report=opened)
    unique = list(dict.fromkeys(p.absolute() for p in paths))  # two translations, one original
    project = load_project(opened, unique)
    if project.report.has_errors:
        raise ProblemsFound("the originals have errors; fix them first", report=project.report)
    docs = project.documents
    pieces: list[Note | Contribution | Chapter] = [*docs.notes, *docs.contributions]
    by_rel = {piece.rel: piece for piece in [*pieces, *docs.chapters]}
    out: list[Original] = []
    for path in paths:
        rel = rel_path(path.absolute(), project.root)
        doc = by_rel.get(rel)
        source = original_fm(project, rel)
        if doc is None or source is None:
            raise IdmbookError(f"{rel} is not a note, a contribution or a chapter in Markdown")
        out.append(Original(path, doc, source, segments_of(doc, source)))
    return project, out


def stamp(start: Path, paths: list[Path]) -> list[str]:
    """Record in each translation ``paths`` the fingerprint of its original as it is now;
    the files changed, by their project paths."""
    pairs: list[tuple[Path, Path]] = []
    for path in paths:
        named = translation_name(path)
        if named is None or not named[0].is_file():
            raise IdmbookError(
                f"{path}: not a translation",
                "a translation is named NAME.LANG.md and stands beside its original NAME.md",
            )
        pairs.append((path, named[0]))
    project, originals = load_originals(start, [original for _, original in pairs])
    written: list[str] = []
    for (path, _), original in zip(pairs, originals, strict=True):
        digest, segments = fingerprint(original.segments)
        text = path.read_text("utf-8")
        updated = set_front_matter(
            text, {"translation_of": f'"{digest}"', "source_segments": f'"{segments}"'}
        )
        if updated is None:
            raise IdmbookError(f"{path}: no front matter to record the original's fingerprint in")
        if updated != text:
            write_text(path, updated)
            written.append(rel_path(path.absolute(), project.root))
    return written


_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def set_front_matter(text: str, values: dict[str, str]) -> str | None:
    """``text`` with the top-level keys ``values`` (already written as YAML scalars) set in
    its front matter, the other lines untouched; None without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    except StopIteration:
        return None
    pending = dict(values)
    out = [lines[0]]
    index = 1
    while index < end:
        line = lines[index]
        key = _KEY.match(line)
        if key and key.group(1) in pending:
            out.append(f"{key.group(1)}: {pending.pop(key.group(1))}")
            index += 1
            while index < end and lines[index][:1] in (" ", "\t", "-"):
                index += 1  # the old value's continuation lines
            continue
        out.append(line)
        index += 1
    out += [f"{key}: {value}" for key, value in pending.items()]
    return "\n".join(out + lines[end:])


def write_text(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
