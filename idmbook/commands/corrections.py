"""`idmbook corrections`: a returned proof's changes carried back into its sources.

The proof's record (:mod:`idmbook.proofs.marks`) says which project and which sources it was
made from, and what each marked paragraph said when it was sent. Each marked paragraph of
the returned file is compared with its text as sent (so tracked changes and edits made with
tracking off count alike), and the differences are placed in the paragraph's Markdown
(:mod:`idmbook.proofs.placing`). A change that cannot be placed (its paragraph changed in the
source since the proof was made, it joins or splits paragraphs, it touches text the book
makes) is listed with its reason, and nothing of that source is changed. Everything is read
and checked before any file is written; each file is written whole or not at all.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from idmbook.commands.proof import project_identity
from idmbook.commands.review import item_id
from idmbook.commands.translate import Original, load_originals, set_front_matter, write_text
from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError, ProblemsFound
from idmbook.load.project import Project, open_project
from idmbook.load.reviews import ReviewItem
from idmbook.load.segments import Segment
from idmbook.load.sources import inside
from idmbook.proofs.marks import BadRecord, Marked, ProofRecord, read_record, text_digest
from idmbook.proofs.placing import apply_edits, normal, printed_texts, text_edits
from idmbook.proofs.wordread import ReturnedProof, WordComment, WordParagraph, read_returned

_FOOTNOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")
_PLAIN_SCALAR = re.compile(r"^[\w(][^:#\"'\n{}\[\],&*!|>%@`]*(?<=\S)$")
"""A title written in front matter as it is, without quotes."""
_RECOMMENDATION_BLOCK = re.compile(r"\s*\{\s*[A-Za-z_][\w-]*\s*=[^{}]*\}\s*$")


@dataclass
class Unplaced:
    """A change that cannot be carried into its source, and why."""

    source: str | None
    """The source it belongs to (None: text the proof made itself)."""
    line: int
    reason: str
    text: str = ""
    """The paragraph's text as returned (shortened)."""


@dataclass
class SourceChange:
    """One source file and its text with the corrections made."""

    rel: str
    path: Path
    before: str
    after: str
    changed: list[int] = field(default_factory=list)
    """The lines (in ``before``) of the paragraphs changed."""

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.rel}",
                tofile=f"b/{self.rel}",
            )
        )


@dataclass
class Corrections:
    """What a returned proof asks for, checked against the sources as they are."""

    proof: str
    """The proof's id."""
    sources: list[str] = field(default_factory=list)
    """The sources the proof printed."""
    changes: list[SourceChange] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    comments: list[tuple[Marked | None, WordComment]] = field(default_factory=list)
    """Each comment with the marked paragraph it is anchored in."""
    project: Project | None = None
    blocked: set[str] = field(default_factory=set)
    """Sources of which nothing is applied."""
    applied_before: list[Marked] = field(default_factory=list)
    """Paragraphs whose source already says what the proof returns."""


def read_corrections(start: Path, file: Path) -> Corrections:
    """The corrections ``file`` (a returned proof) asks for; nothing is written."""
    shown = file.name
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise IdmbookError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    returned = read_returned(raw, shown)
    record = _record(returned, file)
    opened = open_project(start)
    if isinstance(opened, Report):
        raise ProblemsFound("idmbook.yaml has errors", report=opened)
    _same_project(record, project_identity(opened), shown)
    result = Corrections(record.ident, list(record.sources))
    originals = _originals(start, opened.root, record, result)
    by_source = _paragraphs_by_source(returned, record, result)
    for rel, paragraphs in by_source.items():
        original = originals.get(rel)
        if original is None or rel in result.blocked:
            continue
        change = _source_change(original, rel, record, paragraphs, result)
        if change is not None and change.after != change.before:
            result.changes.append(change)
    result.changes = [c for c in result.changes if c.rel not in result.blocked]
    for comment in returned.comments:
        marked = record.paragraphs.get(comment.key or "")
        result.comments.append((marked, comment))
    return result


def apply_corrections(corrections: Corrections) -> None:
    """Write every source changed, each whole or not at all."""
    for change in corrections.changes:
        write_text(change.path, change.after)


def review_items(corrections: Corrections) -> list[ReviewItem]:
    """The proof's comments as review items, on the paragraph they are anchored in (a
    comment on text the proof made itself goes to the proof's first source); none for a
    source of which nothing could be applied."""
    out: list[ReviewItem] = []
    for marked, comment in corrections.comments:
        source = marked.source if marked is not None else corrections.sources[0]
        if source in corrections.blocked or not comment.text:
            continue
        about = " ".join(comment.anchor.split())
        out.append(
            ReviewItem(
                item_id(source, corrections.proof, comment.text, about),
                source,
                marked.line if marked is not None else 1,
                comment.text,
                about,
                comment.author,
                comment.date,
                corrections.proof,
            )
        )
    return out


def _record(returned: ReturnedProof, file: Path) -> ProofRecord:
    text = returned.record
    beside = file.with_suffix(".proof.json")
    if text is None and beside.is_file():
        text = beside.read_text("utf-8")
    if text is None:
        raise ProblemsFound(
            f"{file.name} is not a proof made by idmbook (it carries no proof record)",
            "corrections come from a proof made with `idmbook proof`; to add a new text, "
            "use `idmbook ingest`",
        )
    try:
        return read_record(text)
    except BadRecord as exc:
        raise ProblemsFound(f"{file.name} is not a usable proof: {exc}") from None


def _same_project(record: ProofRecord, here: dict[str, str], shown: str) -> None:
    if record.project == here:
        return
    made = f"'{record.project.get('title', '?')}' ({record.project.get('basename', '?')})"
    raise ProblemsFound(
        f"{shown} is a proof of another project: {made}, not of this one, "
        f"'{here['title']}' ({here['basename']}); nothing was changed",
        "run `idmbook corrections` in the project the proof was made from",
    )


def _originals(
    start: Path, root: Path, record: ProofRecord, result: Corrections
) -> dict[str, Original]:
    """The sources the proof was made from, as they are now."""
    paths: dict[str, Path] = {}
    for rel in record.sources:
        path = root / rel
        if Path(rel).is_absolute() or ".." in Path(rel).parts or not inside(path, root):
            raise ProblemsFound(f"the proof names a source outside the project: {rel[:80]!r}")
        if not path.is_file():
            result.unplaced.append(Unplaced(rel, 1, "the source no longer exists"))
            result.blocked.add(rel)
            continue
        paths[rel] = path
    if not paths:
        return {}
    project, originals = load_originals(start, list(paths.values()))
    result.project = project
    return dict(zip(paths, originals, strict=True))


def _paragraphs_by_source(
    returned: ReturnedProof, record: ProofRecord, result: Corrections
) -> dict[str, list[tuple[Marked, WordParagraph]]]:
    """The returned paragraphs that changed, by source; what cannot be placed is listed."""
    out: dict[str, list[tuple[Marked, WordParagraph]]] = {}
    seen: set[str] = set()
    previous: Marked | None = None
    paragraphs = returned.paragraphs
    for number, paragraph in enumerate(paragraphs):
        marked = record.paragraphs.get(paragraph.key or "")
        if marked is None or paragraph.key in seen:
            _unmarked_change(paragraph, previous, marked is not None, result)
            continue
        seen.add(paragraph.key or "")
        previous = marked
        if paragraph.mark_deleted:
            following = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
            other = record.paragraphs.get(following.key or "") if following else None
            crosses = other is not None and other.source != marked.source
            why = (
                "a change runs from this paragraph into another source's"
                if crosses
                else "a change joins this paragraph with the next one"
            )
            _block(result, marked, why, paragraph.after)
            if other is not None and crosses:
                _block(result, other, f"a change runs into it from {marked.source}", "")
            continue
        if normal(paragraph.after) != normal(marked.sent):
            out.setdefault(marked.source, []).append((marked, paragraph))
    return out


def _unmarked_change(
    paragraph: WordParagraph, previous: Marked | None, repeated: bool, result: Corrections
) -> None:
    """A paragraph the proof did not mark (or a second one with the same mark)."""
    if repeated and previous is not None:
        _block(result, previous, "the paragraph was split in two", paragraph.after)
    elif paragraph.mark_inserted and previous is not None:
        _block(result, previous, "a new paragraph was added after it", paragraph.after)
    elif paragraph.tracked:
        result.unplaced.append(
            Unplaced(
                None,
                0,
                "a change in text the book makes (a heading, the cover note), not in a source",
                _short(paragraph.after),
            )
        )


def _block(result: Corrections, marked: Marked, reason: str, text: str) -> None:
    result.unplaced.append(Unplaced(marked.source, marked.line, reason, _short(text)))
    result.blocked.add(marked.source)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "..."


@dataclass
class _Planned:
    segment: Segment
    body: str
    """The segment's Markdown the proof printed."""
    new_body: str
    marked: Marked
    returned: str


def _source_change(
    original: Original,
    rel: str,
    record: ProofRecord,
    paragraphs: list[tuple[Marked, WordParagraph]],
    result: Corrections,
) -> SourceChange | None:
    before = original.path.read_text("utf-8")
    unchanged = hashlib.sha256(before.encode("utf-8")).hexdigest() == record.sources[rel]
    segments = original.segments
    planned: list[_Planned] = []
    done = _already_applied(segments, paragraphs)
    for marked, paragraph in paragraphs:
        segment = _current_segment(segments, marked, unchanged)
        if segment is None and marked.index in done:
            result.applied_before.append(marked)
            continue
        if segment is None:
            _block(
                result,
                marked,
                "its paragraph has changed in the source since the proof was made",
                paragraph.after,
            )
            continue
        body = _printed_body(segment)
        edits = text_edits(marked.sent, paragraph.after)
        new_body = body if segment.kind == "title" else apply_edits(body, marked.sent, edits)
        if segment.kind == "title":
            new_body = normal(paragraph.after)
        planned.append(_Planned(segment, body, new_body, marked, paragraph.after))
    if rel in result.blocked:
        return None
    if not _printed_as_returned(planned, result):
        return None
    after = _rewritten(before, planned, result)
    if after is None:
        return None
    return SourceChange(rel, original.path, before, after, [p.segment.line for p in planned])


def _already_applied(
    segments: list[Segment], paragraphs: list[tuple[Marked, WordParagraph]]
) -> set[int]:
    """The indexes of the paragraphs whose source already prints as returned (corrections
    run a second time on the same proof)."""
    candidates = [
        (marked.index, paragraph.after)
        for marked, paragraph in paragraphs
        if 0 <= marked.index < len(segments)
        and segments[marked.index].kind == marked.kind != "title"
        and text_digest(segments[marked.index].text) != marked.digest
    ]
    pieces = [_FOOTNOTE_CALL.sub("", _printed_body(segments[i])) for i, _ in candidates]
    printed = printed_texts(pieces)
    return {
        i
        for (i, after), now in zip(candidates, printed, strict=True)
        if normal(now) == normal(after)
    }


def _current_segment(segments: list[Segment], marked: Marked, unchanged: bool) -> Segment | None:
    """The source's segment the marked paragraph was printed from, if it is unchanged."""
    if 0 <= marked.index < len(segments):
        segment = segments[marked.index]
        if text_digest(segment.text) == marked.digest and segment.kind == marked.kind:
            return segment
    if unchanged:
        return None
    same = [s for s in segments if s.kind == marked.kind and text_digest(s.text) == marked.digest]
    return same[0] if len(same) == 1 else None


def _printed_body(segment: Segment) -> str:
    if segment.kind == "recommendation":
        return _RECOMMENDATION_BLOCK.sub("", segment.text)
    return segment.text


def _printed_as_returned(planned: list[_Planned], result: Corrections) -> bool:
    """Whether each corrected paragraph prints as the returned text (one pandoc run)."""
    pieces: list[str] = []
    for plan in planned:
        if plan.segment.kind == "title":
            continue
        pieces += [_FOOTNOTE_CALL.sub("", plan.body), _FOOTNOTE_CALL.sub("", plan.new_body)]
    texts = iter(printed_texts(pieces))
    fine = True
    for plan in planned:
        if plan.segment.kind == "title":
            continue
        old, new = next(texts), next(texts)
        if normal(old) != normal(plan.marked.sent):
            reason = "its Markdown does not print as the proof did; correct it by hand"
        elif normal(new) != normal(plan.returned):
            reason = "the change would break the paragraph's formatting; make it by hand"
        else:
            continue
        _block(result, plan.marked, reason, plan.returned)
        fine = False
    return fine


def _rewritten(before: str, planned: list[_Planned], result: Corrections) -> str | None:
    """``before`` with each planned paragraph replaced, from the last to the first."""
    lines = before.split("\n")
    for plan in sorted(planned, key=lambda p: p.segment.line, reverse=True):
        segment = plan.segment
        if segment.kind == "title":
            continue
        first = segment.line - 1
        count = len((segment.marker + segment.text).split("\n"))
        region = "\n".join(lines[first : first + count])
        suffix = segment.text[len(plan.body) :]
        if segment.kind == "heading":
            at = region.find(segment.text)
            if at < 0:
                _block(result, plan.marked, "its heading could not be found", plan.returned)
                return None
            new_region = region[:at] + plan.new_body + suffix + region[at + len(segment.text) :]
        elif region == segment.marker + segment.text:
            new_region = segment.marker + plan.new_body + suffix
        else:
            _block(result, plan.marked, "its lines could not be found", plan.returned)
            return None
        lines[first : first + count] = new_region.split("\n")
    text = "\n".join(lines)
    for plan in planned:
        if plan.segment.kind == "title":
            updated = _with_title(text, plan.new_body)
            if updated is None:
                _block(result, plan.marked, "the title could not be set", plan.returned)
                return None
            text = updated
    return text


def _with_title(text: str, title: str) -> str | None:
    plain = _PLAIN_SCALAR.match(title) is not None
    scalar = title if plain else json.dumps(title, ensure_ascii=False)
    return set_front_matter(text, {"title": scalar})
