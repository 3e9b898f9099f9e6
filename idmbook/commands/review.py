"""`idmbook review`: the review items of a project (comments reviewers left on proofs, kept in
``reviews/SOURCE.yaml``, and comments left in sources as ``<!-- ... -->``): recording them,
listing them, resolving them."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from idmbook.commands.translate import write_text
from idmbook.errors import IdmbookError, ProblemsFound
from idmbook.load.project import Project, open_project
from idmbook.load.reviews import (
    OPEN,
    RESOLVED,
    ReviewItem,
    read_review_file,
    read_reviews,
    review_path,
)
from idmbook.model.documents import Chapter, Contribution, Note
from idmbook.pandoc.comments import find_comments

_HEADER = (
    "# Review items on {source}: comments reviewers left on its proofs.\n"
    "# Resolve one with `idmbook review resolve ID` once it has been dealt with.\n"
)


def item_id(source: str, proof: str, comment: str, about: str) -> str:
    """A short id that is the same each time the same comment comes back."""
    text = "\n".join((source, proof, comment, about))
    return "r" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:7]


def record_items(root: Path, items: list[ReviewItem]) -> list[ReviewItem]:
    """Add ``items`` to their sources' review files (an item already there is kept as it is);
    the items added."""
    by_source: dict[str, list[ReviewItem]] = {}
    for item in items:
        by_source.setdefault(item.source, []).append(item)
    added: list[ReviewItem] = []
    for source, new in sorted(by_source.items()):
        path = review_path(root, source)
        existing, problem = read_review_file(path, root) if path.exists() else ([], None)
        if problem is not None:
            raise ProblemsFound(f"{problem.path}: {problem.message}; no review item was added")
        known = {item.id for item in existing}
        fresh = [item for item in new if item.id not in known]
        if fresh:
            _write(path, source, existing + fresh)
            added += fresh
    return added


def _write(path: Path, source: str, items: list[ReviewItem]) -> None:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump({"source": source, "items": [item.data() for item in items]}, buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, _HEADER.format(source=source) + buffer.getvalue())


def resolve(start: Path, ident: str) -> ReviewItem:
    """Mark the review item ``ident`` resolved."""
    project = _project(start)
    items, _ = read_reviews(project.root)
    matching = [item for item in items if item.id == ident]
    if not matching:
        raise IdmbookError(
            f"there is no review item {ident}", "`idmbook review list` shows the open ones"
        )
    item = matching[0]
    path = review_path(project.root, item.source)
    existing, problem = read_review_file(path, project.root)
    if problem is not None:
        raise ProblemsFound(f"{problem.path}: {problem.message}")
    for entry in existing:
        if entry.id == ident:
            entry.status = RESOLVED
    _write(path, item.source, existing)
    item.status = RESOLVED
    return item


@dataclass
class OpenItem:
    """An open review item, wherever it is kept."""

    id: str
    source: str
    line: int
    text: str
    author: str = ""


def open_items(project: Project) -> list[OpenItem]:
    """Every open review item: those of reviews/ and the comments left in the sources."""
    out = [
        OpenItem(item.id, item.source, item.line, item.comment, item.author)
        for item in read_reviews(project.root)[0]
        if item.status == OPEN
    ]
    docs = project.documents
    pieces: list[Note | Contribution | Chapter] = [*docs.notes, *docs.contributions, *docs.chapters]
    for doc in pieces:
        try:
            text = (project.root / doc.rel).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for comment in find_comments(text):
            out.append(OpenItem("<!-- -->", doc.rel, comment.line + 1, comment.text))
    return sorted(out, key=lambda item: (item.source, item.line))


def _project(start: Path) -> Project:
    opened = open_project(start)
    if not isinstance(opened, Project):
        raise ProblemsFound("idmbook.yaml has errors", report=opened)
    return opened
