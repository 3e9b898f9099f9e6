"""What an edition in another language prints untranslated, and what --final refuses in it.

``idmbook validate`` reports each translation's own problems (a structure that departs from
its original's, staleness, drafts); this adds what only the language of a build decides:
how many pieces the edition prints in their original language (IDM083), which strings of
idmbook.yaml it prints untranslated (IDM084), and, for ``--final``, stale and draft
translations into that language as errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from idmbook.diagnostics import Diagnostic, Report, Severity
from idmbook.load.sources import CONFIG_NAME
from idmbook.model.documents import Chapter, Contribution, Documents, Note, Translated
from idmbook.rules import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project
    from idmbook.model.config import Config


def config_strings(config: Config) -> Iterator[tuple[str, tuple[Any, ...], str]]:
    """(the key under translations.LANG, its place in idmbook.yaml, the text) of every string
    of the config that the book prints."""
    yield "title", ("title",), config.title
    if config.subtitle:
        yield "subtitle", ("subtitle",), config.subtitle
    if config.series is not None:
        yield "series", ("series", "name"), config.series.name
    yield "publisher", ("publisher", "name"), config.publisher.name
    if config.publisher.address:
        yield "address", ("publisher", "address"), " / ".join(config.publisher.address)
    if config.copyright:
        yield "copyright", ("copyright",), config.copyright
    for wi, workshop in enumerate(config.workshops):
        base = f"workshops.{workshop.id}"
        place: tuple[Any, ...] = ("workshops", wi)
        yield f"{base}.title", (*place, "title"), workshop.title
        yield f"{base}.city", (*place, "city"), workshop.city
        if workshop.venue:
            yield f"{base}.venue", (*place, "venue"), workshop.venue
        if workshop.participants:
            yield f"{base}.participants", (*place, "participants"), workshop.participants
        for si, session in enumerate(workshop.sessions):
            where = (*place, "sessions", si)
            yield f"{base}.sessions.{session.id}", (*where, "title"), session.title
            if session.chairs:
                yield (
                    f"{base}.chairs.{session.id}",
                    (*where, "chairs"),
                    "; ".join(session.chairs),
                )


def untranslated_config(config: Config, language: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The keys of ``translations.LANG`` that an edition in ``language`` lacks."""
    words = config.translations.get(language) or config.translations.get(language.split("-")[0])
    missing: list[tuple[str, tuple[Any, ...]]] = []
    for key, place, _ in config_strings(config):
        if words is None or not _has(words.model_dump(), key.split(".")):
            missing.append((key, place))
    return missing


def _has(data: Any, parts: list[str]) -> bool:
    for part in parts:
        if not isinstance(data, dict) or data.get(part) is None:
            return False
        data = data[part]
    return True


def edition_check(project: Project, report: Report, language: str | None, final: bool) -> Report:
    """``report`` with what the edition in ``language`` adds (nothing when the book is built
    in the config's own language and no translation into it exists)."""
    source = project.config.language
    language = language or source
    docs = project.documents
    into = [t for t in docs.translations if t.language.split("-")[0] == language.split("-")[0]]
    if language == source and not into:
        return report
    out: list[Diagnostic] = []
    if language.split("-")[0] != source.split("-")[0]:
        out += _untranslated_config(project, language)
    out += _untranslated_pieces(docs, language, source)
    refused = {t.rel for t in into} if final else set()
    diagnostics = [
        d.with_severity(Severity.ERROR)
        if d.path in refused and d.code in ("IDM082", "IDM085")
        else d
        for d in report.diagnostics
    ]
    return Report(diagnostics + out, report.sources)


def _untranslated_config(project: Project, language: str) -> list[Diagnostic]:
    """IDM084 for each string of idmbook.yaml the edition in ``language`` prints untranslated."""
    source = project.config.language
    out = []
    for key, place in untranslated_config(project.config, language):
        line, col = project.config_source.position(place) if project.config_source else (1, 1)
        out.append(
            diag(
                "IDM084",
                CONFIG_NAME,
                line,
                col,
                f"the {language} edition prints this in {source}: translations.{language}."
                f"{key} is missing",
                f"add translations: {language}: {key.replace('.', ': ')} to idmbook.yaml",
            )
        )
    return out


def _untranslated_pieces(docs: Documents, language: str, source: str) -> list[Diagnostic]:
    """IDM083: how many pieces the edition in ``language`` prints in their own language."""
    _, coverage = edition_pieces(docs, language, source)
    if not coverage.count("missing"):
        return []
    parts = []
    for kind in ("note", "contribution", "chapter"):
        total = sum(
            len(table.get(kind, []))
            for table in (coverage.translated, coverage.missing, coverage.native)
        )
        n = coverage.count("missing", kind)
        if n:
            parts.append(f"{n} of {total} {kind}s")
    names = [rel for kind in coverage.missing.values() for rel in kind]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return [
        diag(
            "IDM083",
            CONFIG_NAME,
            0,
            0,
            f"the {language} edition prints {', '.join(parts)} untranslated, tagged with "
            f"their own language: {shown}",
            f"add translations NAME.{language}.md (`idmbook translate export --lang {language}`)",
        )
    ]


DocT = TypeVar("DocT", Note, Contribution, Chapter)


@dataclass
class Coverage:
    """How much of an edition in one language is translated."""

    language: str
    translated: dict[str, list[str]] = field(default_factory=dict)
    """Kind (note, contribution, chapter) -> originals printed in their translation."""
    stale: dict[str, list[str]] = field(default_factory=dict)
    """Kind -> originals whose translation is stale (printed all the same)."""
    missing: dict[str, list[str]] = field(default_factory=dict)
    """Kind -> originals printed as written, tagged with their own language."""
    native: dict[str, list[str]] = field(default_factory=dict)
    """Kind -> originals written in the edition's language."""

    def count(self, what: str, kind: str | None = None) -> int:
        table: dict[str, list[str]] = getattr(self, what)
        return sum(len(v) for k, v in table.items() if kind is None or k == kind)

    def as_dict(self) -> dict[str, Any]:
        return {
            kind: {
                "translated": len(self.translated.get(kind, [])),
                "stale": len(self.stale.get(kind, [])),
                "missing": len(self.missing.get(kind, [])),
                "in_language": len(self.native.get(kind, [])),
                "missing_files": list(self.missing.get(kind, [])),
                "stale_files": list(self.stale.get(kind, [])),
            }
            for kind in ("note", "contribution", "chapter")
        }


def translation_for(translations: list[Translated], rel: str, language: str) -> Translated | None:
    """The translation of ``rel`` into ``language``: that exact tag, else its primary
    language (fr for fr-CA)."""
    exact = [
        t for t in translations if t.original == rel and t.language.lower() == language.lower()
    ]
    if exact:
        return exact[0]
    primary = language.split("-")[0].lower()
    return next(
        (t for t in translations if t.original == rel and t.language.lower() == primary), None
    )


def edition_pieces(
    docs: Documents, language: str, source_language: str
) -> tuple[Documents, Coverage]:
    """The pieces of the edition in ``language``: each translated piece in place of its
    original, the others as written; and the coverage. ``source_language`` is the language of
    editorial chapters that do not name theirs. Contributions left out for lack of consent
    are not counted."""
    coverage = Coverage(language)
    primary = language.split("-")[0].lower()

    def choose(doc: DocT, kind: str, own: str | None) -> DocT:
        found = translation_for(docs.translations, doc.rel, language)
        if (
            own is not None
            and own.split("-")[0].lower() == primary
            and (found is None or own.lower() == language.lower())
        ):
            coverage.native.setdefault(kind, []).append(doc.rel)
            return doc
        if found is None:
            coverage.missing.setdefault(kind, []).append(doc.rel)
            return doc
        coverage.translated.setdefault(kind, []).append(doc.rel)
        if found.stale:
            coverage.stale.setdefault(kind, []).append(doc.rel)
        assert isinstance(found.doc, type(doc))
        return found.doc

    notes = [choose(n, "note", n.meta.language) for n in docs.notes]
    contributions = [
        choose(c, "contribution", c.meta.language) if c.meta.consent else c
        for c in docs.contributions
    ]
    chapters = [choose(c, "chapter", c.meta.language or source_language) for c in docs.chapters]
    return Documents(notes, contributions, chapters, docs.translations, docs.acronyms), coverage
