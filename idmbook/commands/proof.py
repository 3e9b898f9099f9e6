"""`idmbook proof`: a Word proof of each note or contribution, to send to its author.

A proof prints one source in the house style (the book's DOCX renderer and
``templates/reference.docx``), opens with a cover note saying how to return it, and marks
every paragraph, list item, recommendation, footnote and the title it prints with a bookmark
naming the source and the paragraph (:mod:`idmbook.proofs.marks`). The proof's record (the
project, each source's hash, each marked paragraph's text as sent) is kept in the DOCX's
custom properties and beside it as ``NAME.proof.json``; `idmbook corrections` reads it back.
Every proof is made before any is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from idmbook import __version__
from idmbook.check.validate import validate
from idmbook.commands.translate import Original, load_originals
from idmbook.commands.xliff import section_of
from idmbook.errors import IdmbookError, OutputError, ProblemsFound
from idmbook.load.defaults import project_templates
from idmbook.load.project import Project
from idmbook.load.segments import Segment
from idmbook.load.sources import rel_path
from idmbook.model.documents import Chapter, Contribution, Note
from idmbook.pandoc.markdown import READER, escape
from idmbook.pandoc.run import run_pandoc
from idmbook.proofs.marks import PROPERTY, Marked, ProofRecord, paragraph_key, text_digest
from idmbook.proofs.wordprops import with_property
from idmbook.proofs.wordread import read_returned
from idmbook.render.docx import render_docx
from idmbook.render.meta import BookMeta

_RECOMMENDATION_BLOCK = re.compile(r"\s*\{\s*[A-Za-z_][\w-]*\s*=[^{}]*\}\s*$")
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
"""A footnote call or definition label: each source's get a prefix in a proof of the book."""
_ORDERED = re.compile(r"\d{1,9}[.)]")
_QUOTE_PREFIX = re.compile(r"^(\s*(?:>\s?)*)")

COVER_NOTE = (
    "This is a proof of {what}, {source}, for {book}. Please read it and return it to the "
    "editors as a Word file.",
    "Correct the text in Word with Track Changes switched on (Review, Track Changes), so that "
    "every change can be seen and carried back into the source. Use comments (Review, New "
    "Comment) for anything that is not a change of wording: a question, a doubt, a request "
    "to move or to add something.",
    "Keep the file as it is otherwise: do not copy its text into a new document, and do not "
    "change the headings the book makes (such as Summary, Key messages, Recommendations). "
    "The themes, levels and actors of a recommendation are not printed here; comment on the "
    "recommendation to change them.",
    "Proof {ident}, made by idmbook {version}.",
)


@dataclass
class Proof:
    """One proof, made but not yet written."""

    rel: str
    docx: bytes
    record: ProofRecord

    @property
    def name(self) -> str:
        """The file name: the source's path, or the book's name, without folders."""
        stem = self.rel.removesuffix(".md").removeprefix("chapters/")
        return stem.replace("/", "-")


def make_proofs(start: Path, paths: list[Path], out: Path | None, book: bool = False) -> list[Path]:
    """Write a proof of each source of ``paths`` into ``out`` (default: the project's
    ``proofs/`` folder), or with ``book`` one proof of every text the book prints; the DOCX
    files written."""
    if book:
        paths = _book_sources(start)
    if not paths:
        raise IdmbookError("name the notes or contributions to proof (or use --book)")
    project, originals = load_originals(start, paths)
    if book:
        proofs = [_proof(project, originals, f"{project.config.output.basename}-book")]
    else:
        proofs = [_proof(project, [original]) for original in originals]
    folder = out if out is not None else project.root / "proofs"
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for proof in proofs:
            target = folder / f"{proof.name}.docx"
            _write(target.with_suffix(".proof.json"), proof.record.to_json().encode("utf-8"))
            _write(target, proof.docx)
            written.append(target)
    except OSError as exc:
        raise OutputError(f"the proofs could not be written to {folder}: {exc}") from None
    return written


def project_identity(project: Project) -> dict[str, str]:
    """What a proof records of the project it was made for."""
    return {"title": project.config.title, "basename": project.config.output.basename}


def _book_sources(start: Path) -> list[Path]:
    """Every text the book prints: chapters, notes, contributions with consent."""
    project, report = validate(start)
    if project is None:
        raise ProblemsFound("idmbook.yaml has errors", report=report)
    docs = project.documents
    pieces: list[Note | Contribution | Chapter] = [
        *docs.chapters,
        *docs.notes,
        *(c for c in docs.contributions if c.meta.consent),
    ]
    return [project.root / piece.rel for piece in pieces]


def _proof(project: Project, originals: list[Original], name: str | None = None) -> Proof:
    rels = [rel_path(original.path.absolute(), project.root) for original in originals]
    record = ProofRecord(
        project_identity(project),
        {
            rel: hashlib.sha256(original.path.read_bytes()).hexdigest()
            for rel, original in zip(rels, originals, strict=True)
        },
        made_by=f"idmbook {__version__}",
    )
    parts: list[str] = []
    marked: dict[str, Marked] = {}
    for number, (rel, original) in enumerate(zip(rels, originals, strict=True)):
        markdown, marks = proof_markdown(original, rel)
        parts.append(_FOOTNOTE_LABEL.sub(rf"[^s{number}-\1]", markdown) if name else markdown)
        marked.update(marks)
    document = "\n\n".join(parts)
    ast = json.loads(run_pandoc(["-f", READER, "-t", "json"], document.encode("utf-8")))
    meta = _meta(project, originals[0] if name is None else None, rels, record.ident)
    docx = render_docx(ast, meta, project_templates(project.root))
    rel = name or rels[0]
    returned = read_returned(docx, rel)
    for paragraph in returned.paragraphs:
        if paragraph.key in marked and paragraph.key not in record.paragraphs:
            record.paragraphs[paragraph.key] = marked[paragraph.key]
            marked[paragraph.key].sent = paragraph.after
    missing = sorted(set(marked) - set(record.paragraphs))
    if missing:
        raise IdmbookError(
            f"{rel}: the proof lost the marks of {len(missing)} paragraphs ({missing[0]})",
            "this is a bug of idmbook: please report it with the source",
        )
    docx = with_property(docx, PROPERTY, record.to_json())
    return Proof(rel, docx, record)


def proof_markdown(original: Original, rel: str) -> tuple[str, dict[str, Marked]]:
    """The proof's Markdown (each printed segment opening with its mark) and the marks."""
    note = isinstance(original.doc, Note)
    blocks: list[str] = []
    marked: dict[str, Marked] = {}
    for index, segment in enumerate(original.segments):
        key = paragraph_key(rel, index)
        text = _printed_markdown(segment, note)
        if text is None:
            blocks.append(_unmarked(segment))
            continue
        marked[key] = Marked(rel, index, segment.kind, segment.line, text_digest(segment.text))
        blocks.append(_marked_block(segment, key, text))
    return _joined(blocks, original.segments), marked


def _printed_markdown(segment: Segment, note: bool) -> str | None:
    """The Markdown of ``segment`` the proof prints with a mark; None: printed unmarked (a
    heading the book makes, code, a table)."""
    if segment.kind == "code":
        return None
    if segment.kind == "heading" and note and section_of(segment) is not None:
        return None
    lines = segment.text.split("\n")
    if all(line.lstrip().startswith("|") for line in lines):
        return None
    if segment.kind == "title":
        return escape(segment.text)
    if segment.kind == "recommendation":
        return _RECOMMENDATION_BLOCK.sub("", segment.text)
    return segment.text


def _unmarked(segment: Segment) -> str:
    if segment.kind == "heading":
        return f"{segment.marker} {segment.text}"
    return textwrap.dedent(segment.text)


def _marked_block(segment: Segment, key: str, text: str) -> str:
    mark = f"[]{{#{key}}}"
    if segment.kind == "title":
        return f"# {mark}{text}"
    if segment.kind == "heading":
        return f"{segment.marker} {mark}{text}"
    first, *rest = text.split("\n")
    if segment.kind in ("item", "recommendation", "footnote"):
        if segment.kind == "footnote":
            marker, indent = segment.marker.strip() + " ", "    "
        else:
            ordered = _ORDERED.match(segment.marker.strip())
            marker = f"{ordered.group(0)} " if ordered else "- "
            indent = " " * len(marker)
        tail = textwrap.dedent("\n".join(rest)) if rest else ""
        lines = [marker + mark + first.strip()]
        lines += (
            [indent + line if line.strip() else "" for line in tail.split("\n")] if rest else []
        )
        return "\n".join(lines)
    body = textwrap.dedent(text)
    prefix = _QUOTE_PREFIX.match(body)
    cut = prefix.end() if prefix else 0
    return body[:cut] + mark + body[cut:]


def _joined(blocks: list[str], segments: list[Segment]) -> str:
    """The blocks one after another: list items of one list on consecutive lines."""
    out: list[str] = []
    for index, block in enumerate(blocks):
        if (
            index
            and segments[index].kind in ("item", "recommendation")
            and segments[index - 1].kind in ("item", "recommendation")
        ):
            out.append("\n" + block)
        else:
            out.append("\n\n" + block if out else block)
    return "".join(out) + "\n"


def _meta(project: Project, original: Original | None, rels: list[str], ident: str) -> BookMeta:
    """The proof's metadata: of one source (``original``) or of the whole book (None)."""
    config = project.config
    book = config.title
    if config.series:
        book = f"{config.series.name} No. {config.series.number}: {book}"
    if original is None:
        what, rel, title = "the whole book", f"{len(rels)} texts", config.title
    else:
        what = "the rapporteur's note" if isinstance(original.doc, Note) else "the text"
        rel, title = rels[0], original.doc.meta.title
    values = {"what": what, "source": rel, "book": book, "ident": ident, "version": __version__}
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    language = getattr(original.doc.meta, "language", None) if original is not None else None
    return BookMeta(
        title=title,
        subtitle=f"Proof for review: {rel}",
        series_line=book,
        publisher=config.publisher.name,
        year=config.year,
        language=language or config.language,
        author=", ".join(config.editors) or config.publisher.name,
        subject=f"Proof of {rel}",
        keywords=("proof",),
        imprint=tuple(text.format(**values) for text in COVER_NOTE),
        running_header=f"Proof: {title}",
        timestamp=int(epoch) if epoch.isdigit() else int(time.time()),
    )


def _write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)
