"""The review items of a project: ``reviews/SOURCE.yaml``, one file per source, each item a
comment a reviewer left on a proof (written by `idmbook corrections`), open until the editor
resolves it (`idmbook review resolve ID`, or by deleting the entry)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from idmbook.diagnostics import Diagnostic
from idmbook.rules import diag

REVIEWS = "reviews"
OPEN, RESOLVED = "open", "resolved"
MAX_REVIEW_BYTES = 2 * 1024 * 1024


@dataclass
class ReviewItem:
    id: str
    source: str
    """The source's project path."""
    line: int
    """The source line the comment was made on, when it was made."""
    comment: str
    about: str = ""
    """The text the comment is about."""
    author: str = ""
    date: str = ""
    proof: str = ""
    """The id of the proof it came back on."""
    status: str = OPEN

    def data(self) -> dict[str, Any]:
        values = asdict(self)
        del values["source"]
        return {key: value for key, value in values.items() if value != ""}


def review_path(root: Path, source: str) -> Path:
    """The file of the review items on ``source``."""
    return root / REVIEWS / f"{source}.yaml"


def read_reviews(root: Path) -> tuple[list[ReviewItem], list[Diagnostic]]:
    """Every review item of the project, and a diagnostic for each file that cannot be read."""
    folder = root / REVIEWS
    if not folder.is_dir() or folder.is_symlink():
        return [], []
    items: list[ReviewItem] = []
    problems: list[Diagnostic] = []
    for path in sorted(folder.rglob("*.yaml")):
        found, problem = read_review_file(path, root)
        items += found
        if problem is not None:
            problems.append(problem)
    return items, problems


def read_review_file(path: Path, root: Path) -> tuple[list[ReviewItem], Diagnostic | None]:
    rel = path.relative_to(root).as_posix()
    try:
        if path.is_symlink() or path.stat().st_size > MAX_REVIEW_BYTES:
            raise OSError("not a plain file of reasonable size")
        data = YAML(typ="safe", pure=True).load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        return [], diag("IDM136", rel, 1, 1, f"the review file cannot be read: {exc}"[:300])
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        return [], diag("IDM136", rel, 1, 1, "the review file has no 'source'")
    entries = data.get("items") or []
    if not isinstance(entries, list):
        return [], diag("IDM136", rel, 1, 1, "the review file's 'items' is not a list")
    items: list[ReviewItem] = []
    for number, entry in enumerate(entries, 1):
        item = _item(entry, data["source"])
        if item is None:
            return items, diag("IDM136", rel, 1, 1, f"review item {number} is incomplete")
        items.append(item)
    return items, None


def _item(entry: Any, source: str) -> ReviewItem | None:
    if not isinstance(entry, dict):
        return None
    try:
        item = ReviewItem(source=source, **{k: v for k, v in entry.items() if k != "source"})
    except TypeError:
        return None
    text_fields = (item.id, item.comment, item.about, item.author, item.date, item.proof)
    if not all(isinstance(value, str) for value in text_fields) or not item.id:
        return None
    if not isinstance(item.line, int) or isinstance(item.line, bool):
        return None
    return item if item.status in (OPEN, RESOLVED) else None
