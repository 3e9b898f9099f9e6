"""What loading each source file gave, remembered by a long-lived process (``idmbook watch``).

Loading a file (reading its front matter, checking its fields and its Markdown) does not depend
on the other sources, only on its own bytes, the config and the taxonomy, and on the pictures it
names. A watch remembers the result of every file, keyed by those bytes and that config, and a
rebuild after an edit loads again only the files that changed; the checks across files always
run again. Pictures are not part of the key: the watch forgets everything when anything other
than a Markdown source (:data:`idmbook.load.sources.SOURCE_SUFFIXES`) changes
(:meth:`LoadMemo.forget`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from idmbook.diagnostics import Diagnostic
from idmbook.load.sources import rel_path

if TYPE_CHECKING:
    from idmbook.load.project import Project
    from idmbook.load.sources import Kind
    from idmbook.model.documents import Chapter, Contribution, Note

    Document = Note | Contribution | Chapter


@dataclass
class _Loaded:
    """What loading one file added to the project, to be added again."""

    document: Document | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    unloaded_sessions: set[tuple[str, str]]
    inputs: list[Path]


@dataclass
class LoadMemo:
    """Results of loading files, by path, kind, bytes, config and taxonomy."""

    entries: dict[tuple[Path, str | None, bytes, bytes], _Loaded] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def forget(self) -> None:
        self.entries.clear()

    def load(
        self,
        path: Path,
        kind: Kind | None,
        project: Project,
        context: bytes,
        load: Callable[[Path, Kind | None, Project], Document | None],
    ) -> Document | None:
        """``load(path, kind, project)``, or what it gave last time for the same bytes in the
        same ``context`` (a digest of the config and the taxonomy)."""
        try:
            raw = path.read_bytes() if path.is_file() else None
        except OSError:
            raw = None
        if raw is None:  # unreadable: load() says why, every time
            return load(path, kind, project)
        key = (path, kind, hashlib.sha256(raw).digest(), context)
        found = self.entries.get(key)
        report = project.report
        if found is not None:
            self.hits += 1
            report.diagnostics.extend(found.diagnostics)
            report.sources.update(found.sources)
            project.unloaded_sessions |= found.unloaded_sessions
            project.inputs.extend(found.inputs)
            return found.document
        self.misses += 1
        rel = rel_path(path, project.root)
        had_source = rel in report.sources
        diagnostics, inputs = len(report.diagnostics), len(project.inputs)
        unloaded = set(project.unloaded_sessions)
        document = load(path, kind, project)
        self.entries[key] = _Loaded(
            document,
            report.diagnostics[diagnostics:],
            {} if had_source or rel not in report.sources else {rel: report.sources[rel]},
            project.unloaded_sessions - unloaded,
            project.inputs[inputs:],
        )
        return document


def context_digest(project: Project) -> bytes:
    """What loading any file depends on besides its own bytes: the config and the taxonomy."""
    digest = hashlib.sha256()
    digest.update(project.config.model_dump_json().encode())
    digest.update(b"\0")
    digest.update(project.taxonomy.model_dump_json().encode())
    return digest.digest()
