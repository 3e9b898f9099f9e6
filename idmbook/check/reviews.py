"""Review items as diagnostics: the open items of reviews/ at their source's line, and every
comment left in a source as ``<!-- ... -->`` (IDM135); unreadable review files (IDM136)."""

from __future__ import annotations

from idmbook.diagnostics import Diagnostic
from idmbook.load.project import Project
from idmbook.load.reviews import OPEN, ReviewItem, read_reviews
from idmbook.model.documents import Chapter, Contribution, Note
from idmbook.pandoc.comments import find_comments
from idmbook.rules import diag

REVIEW_CODES = frozenset({"IDM135", "IDM136"})


def review_diagnostics(project: Project, whole: bool) -> list[Diagnostic]:
    """The review items of the sources loaded (every review file when ``whole``)."""
    docs = project.documents
    pieces: list[Note | Contribution | Chapter] = [*docs.notes, *docs.contributions, *docs.chapters]
    rels = [d.rel for d in pieces]
    texts: dict[str, str] = {}
    for rel in rels:
        try:
            texts[rel] = (project.root / rel).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the loader has said why
    out: list[Diagnostic] = []
    items, problems = read_reviews(project.root)
    if whole:
        out += problems
    for item in items:
        if item.status == OPEN and (whole or item.source in texts):
            out.append(_open_item(item, texts.get(item.source)))
    for rel, text in texts.items():
        for comment in find_comments(text):
            shown = comment.text if len(comment.text) <= 60 else comment.text[:57] + "..."
            out.append(
                diag(
                    "IDM135",
                    rel,
                    comment.line + 1,
                    comment.column + 1,
                    f"a comment is left in the text (never printed): {shown!r}",
                    "deal with it, then delete the comment",
                )
            )
    return out


def _open_item(item: ReviewItem, text: str | None) -> Diagnostic:
    line, column = item.line, 1
    if text is not None:
        lines = text.split("\n")
        if item.about:
            found = [n for n, content in enumerate(lines, 1) if item.about in content]
            if found:
                line = min(found, key=lambda n: abs(n - item.line))
        line = max(1, min(line, len(lines)))
        if item.about and item.about in lines[line - 1]:
            column = lines[line - 1].index(item.about) + 1
    who = f" by {item.author}" if item.author else ""
    about = f" on {item.about!r}" if item.about else ""
    return diag(
        "IDM135",
        item.source,
        line,
        column,
        f"review item {item.id}{who}{about}: {item.comment}",
        f"resolve it once dealt with: idmbook review resolve {item.id}",
    )
