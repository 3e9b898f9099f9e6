"""Submitted texts as the book embeds them: in a div naming their file, with their footnotes."""

from __future__ import annotations

import hashlib
import re

from idmbook.compose.templating import Md, anchor
from idmbook.model.documents import Chapter, Contribution, Note
from idmbook.pandoc.markdown import attributes, contain, source_name

__all__ = [
    "chapter_anchor",
    "contribution_anchor",
    "indent_continuation",
    "note_anchor",
    "recommendation_text",
    "source_texts",
    "with_footnotes",
    "wrap",
]


def _slug(rel: str) -> str:
    """A short, stable anchor for the file ``rel``: its name as letters, digits and dashes,
    and a digest of its path (two files of the same name in two folders differ)."""
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "item"
    digest = hashlib.sha1(rel.encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}"


def indent_continuation(text: str, width: int = 4) -> str:
    """``text`` with its lines after the first indented by ``width`` spaces (blank lines left
    empty): the continuation of a list item."""
    lines = text.split("\n")
    pad = " " * width
    return "\n".join([lines[0]] + [pad + line if line else "" for line in lines[1:]])


def wrap(body: str, prefix: str, rel: str, top: int | None, lang: str | None, book_lang: str) -> Md:
    """Submitted Markdown inside a div that records where it came from: the file, the level
    its headings start at (``top``; None inside a list item, where none can be a heading)
    and its language when it is not the book's."""
    pairs: list[tuple[str, object]] = [("data-src", source_name(rel))]
    if top is not None:
        pairs.append(("data-top", top))
    if lang and lang != book_lang:
        pairs.append(("lang", lang))
    return Md(f"::: {attributes(classes=['idm-src'], pairs=pairs)}\n{contain(body, prefix)}\n:::")


_NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)


def _definitions(text: str) -> dict[str, str]:
    """The footnote definitions of ``text`` by label, each with its continuation lines."""
    found: dict[str, str] = {}
    matches = list(_NOTE_DEFINITION.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        block = text[match.start() : end].split("\n")
        kept = [block[0]]
        for line in block[1:]:
            if line.strip() and not line.startswith(("    ", "\t")):
                break
            kept.append(line)
        found.setdefault(match.group(1), "\n".join(kept).rstrip())
    return found


def with_footnotes(text: str, note: Note) -> str:
    """``text`` (a recommendation, the key messages or the summary of ``note``) with the
    definitions of the footnotes it refers to and does not define itself, taken from the rest
    of the note: a footnote at the note's end serves the recommendation or the key message
    that refers to it."""
    wanted = dict.fromkeys(_NOTE_REFERENCE.findall(text))
    if not wanted:
        return text
    own = _definitions(text)
    missing = [label for label in wanted if label not in own]
    if not missing:
        return text
    pool = {
        **_definitions(note.footnotes),
        **_definitions(note.key_messages),
        **_definitions(note.summary),
    }
    added = [pool[label] for label in missing if label in pool]
    return text.rstrip("\n") + "\n\n" + "\n\n".join(added) if added else text


def note_anchor(note: Note) -> Md:
    """The anchor of a note's section: its workshop and session."""
    return anchor(f"note-{note.meta.workshop}-{note.meta.session}")


def contribution_anchor(contribution: Contribution) -> str:
    """The anchor of a contribution's text in the annex."""
    return f"contribution-{_slug(contribution.rel)}"


def chapter_anchor(chapter: Chapter) -> str:
    """The anchor of an editorial chapter's heading."""
    return f"chapter-{_slug(chapter.rel)}"


def source_texts(
    doc: Note | Contribution | Chapter, book_lang: str, source_lang: str
) -> dict[str, Md]:
    """The submitted texts of ``doc`` as the book embeds them (each in its div), by name:
    ``body`` of a contribution or a chapter, ``key_messages`` and ``summary`` of a note.
    ``source_lang`` is the language of a chapter that does not name its own."""
    if isinstance(doc, Note):
        prefix, lang = note_anchor(doc), doc.meta.language
        key_messages, summary = (
            with_footnotes(doc.key_messages, doc),
            with_footnotes(doc.summary, doc),
        )
        return {
            "key_messages": wrap(key_messages, prefix, doc.rel, 4, lang, book_lang),
            "summary": wrap(summary, f"sum-{prefix}", doc.rel, 4, lang, book_lang),
        }
    if isinstance(doc, Contribution):
        own = contribution_anchor(doc)
        return {"body": wrap(doc.body, own, doc.rel, 3, doc.meta.language, book_lang)}
    lang = doc.meta.language or source_lang
    return {"body": wrap(doc.body, chapter_anchor(doc), doc.rel, 2, lang, book_lang)}


def recommendation_text(text: str, number: int, note: Note, book_lang: str) -> Md:
    """The text of the recommendation ``number`` of ``note`` as the book embeds it in its
    numbered list: in a div, so that no bracket of the text can end it, with the note's
    language."""
    text = with_footnotes(text, note)
    return wrap(text, f"rec{number}", note.rel, None, note.meta.language, book_lang)
