"""The publication's documents: rapporteur notes, contributions, editorial chapters.

Each front-matter model forbids unknown keys and documents every field; ``idmbook schema``
turns these docstrings into JSON Schema descriptions for editors' completion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field

from idmbook.model.fields import Country, Id, Language, Level, NonEmpty, StakeholderType


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoteMeta(_Strict):
    """Front matter of a rapporteur's note on one workshop session."""

    title: NonEmpty
    """The session's title as it should appear in the book."""
    workshop: Id
    """Id of the workshop, as listed under `workshops` in idmbook.yaml."""
    session: Id
    """Id of the session on that workshop's agenda."""
    rapporteur: NonEmpty | Annotated[list[NonEmpty], Field(min_length=1)]
    """Name of the rapporteur, or a list of names."""
    status: Literal["draft", "final"]
    """`draft` while being written; `final` once the rapporteur has signed off."""
    themes: list[Id] = Field(min_length=1)
    """Theme ids from the taxonomy, most important first; the first decides the chapter."""
    levels: list[Level] = []
    """Governance levels discussed: local, national, regional, global."""
    sdg_targets: list[str] = []
    """Migration-related SDG targets the session addressed, for example "10.7"."""
    thematic_sessions: list[str] = []
    """Thematic sessions of the global compact process (TS1 to TS6) the session fed into."""
    gcm: list[int] = []
    """Objectives of the global compact (1 to 23) the note's recommendations address, unless a
    recommendation names its own with gcm="..."."""
    language: Language = "en"
    """Language of the note (BCP 47 tag)."""
    sample: bool = False
    """True for sample content written to demonstrate the tool, not a real note."""


class Source(_Strict):
    """Where an ingested contribution came from."""

    file: NonEmpty
    """The original file name as received."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the original file, in lower-case hexadecimal."""


class ContributionMeta(_Strict):
    """Front matter of a stakeholder's written submission."""

    title: NonEmpty
    """Title of the submission."""
    organisation: NonEmpty
    """The submitting government, authority or organisation, as it wishes to be named."""
    stakeholder_type: StakeholderType
    """One of government, local_authority, international_organisation, civil_society,
    migrant_diaspora, private_sector, academia, other."""
    country: Country | None = None
    """ISO 3166-1 alpha-2 code of the country concerned, where one applies."""
    workshop: Id
    """Id of the workshop the submission was made for."""
    themes: list[Id] = Field(min_length=1)
    """Theme ids from the taxonomy, most important first; the first decides the chapter."""
    language: Language
    """Language of the submission (BCP 47 tag); the book tags the text with it."""
    received: dt.date
    """Date the submission was received, written 2017-05-02."""
    consent: bool
    """Whether the authors agreed to publication. Without consent the contribution is left
    out of the book entirely."""
    source: Source | None = None
    """The original file, filled in by `idmbook ingest`."""
    authors: list[NonEmpty] = []
    """Named authors, if the submission names any."""
    sample: bool = False
    """True for sample content written to demonstrate the tool, not a real submission."""


SUBMITTED_FIELDS = tuple(name for name in ContributionMeta.model_fields if name != "source")
"""The front matter a submission gives (all but the ingest's own ``source``), in the order
ingest writes it."""
REQUIRED_FIELDS = tuple(n for n, f in ContributionMeta.model_fields.items() if f.is_required())
"""The front matter every contribution must have."""
LIST_FIELDS = frozenset(
    n for n, f in ContributionMeta.model_fields.items() if get_origin(f.annotation) is list
)
BOOL_FIELDS = frozenset(n for n, f in ContributionMeta.model_fields.items() if f.annotation is bool)


class ChapterMeta(_Strict):
    """Front matter of an editorial chapter (foreword, introduction, annex)."""

    title: NonEmpty
    """The chapter's heading."""
    part: Literal["front", "annex"]
    """`front` for chapters before the report (foreword, introduction), `annex` for annexes."""
    order: int = Field(ge=0, le=1000)
    """Position among the chapters of the same part."""
    language: Language | None = None
    """Language of the chapter when it differs from the book's."""


class TranslationMeta(_Strict):
    """Front matter of a translation, ``NAME.LANG.md`` beside the original ``NAME.md``."""

    title: NonEmpty
    """The piece's title in the translation's language."""
    translator: NonEmpty | Annotated[list[NonEmpty], Field(min_length=1)]
    """Name of the translator, or a list of names."""
    status: Literal["draft", "final"]
    """`draft` while being translated or revised; `final` once approved."""
    translation_of: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the original as it was translated; written by `idmbook translate`."""
    source_segments: str = ""
    """One short hash per paragraph of the original as it was translated, written by
    `idmbook translate`: how a stale translation names what changed."""
    sample: bool = False
    """True for sample text written to demonstrate the tool, not a real translation."""


# --------------------------------------------------------------------------- parsed documents


@dataclass(frozen=True)
class Recommendation:
    """One recommendation from a note's Recommendations section."""

    text: str
    """The recommendation in Markdown, without its attribute block."""
    line: int
    """Line of the list item in the note."""
    themes: tuple[str, ...]
    levels: tuple[str, ...]
    actors: tuple[str, ...]
    gcm: tuple[int, ...] = ()
    """Objectives of the global compact (1 to 23) the recommendation addresses."""


@dataclass(frozen=True, eq=False)
class Note:
    """A rapporteur note: its metadata and its three sections."""

    rel: str
    meta: NoteMeta
    summary: str
    key_messages: str
    recommendations: tuple[Recommendation, ...]
    words: int
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Line and column of each front-matter key."""
    footnotes: str = ""
    """Footnote definitions written among the recommendations, for the texts that refer to
    them."""


@dataclass(frozen=True, eq=False)
class Contribution:
    """A stakeholder contribution: metadata and Markdown text."""

    rel: str
    meta: ContributionMeta
    body: str
    words: int
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Line and column of each front-matter key."""


@dataclass(frozen=True)
class Chapter:
    """An editorial chapter."""

    rel: str
    meta: ChapterMeta
    body: str


@dataclass(frozen=True, eq=False)
class Translated:
    """A translation of a note, a contribution or a chapter, ready to stand in for it."""

    rel: str
    """The translation's file, ``NAME.LANG.md``."""
    original: str
    """The original's file."""
    language: str
    meta: TranslationMeta
    doc: Note | Contribution | Chapter
    """The piece as the edition in ``language`` prints it (the original's metadata, the
    translation's title and text)."""
    stale: tuple[str, ...] = ()
    """What changed in the original since the translation was made (empty: up to date)."""


@dataclass
class Acronyms:
    """The acronyms of a project, with the line of each in acronyms.yaml."""

    expansions: dict[str, dict[str, str]] = field(default_factory=dict)
    """Acronym -> language (or "*" for every language) -> expansion."""
    lines: dict[str, int] = field(default_factory=dict)
    present: bool = False
    """Whether the project has an acronyms.yaml at all."""

    def expansion(self, acronym: str, language: str) -> str:
        """The expansion of ``acronym`` in ``language`` (its primary language, English, any)."""
        words = self.expansions.get(acronym, {})
        for key in (language, language.split("-")[0], "*", "en"):
            if key in words:
                return words[key]
        return next(iter(words.values()), "")


@dataclass
class Documents:
    """Everything loaded from a project's sources."""

    notes: list[Note] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    translations: list[Translated] = field(default_factory=list)
    """Translations of the pieces above (``NAME.LANG.md``), never pieces of their own."""
    acronyms: Acronyms = field(default_factory=Acronyms)
    """The list of acronyms (acronyms.yaml; see idmbook.load.acronyms)."""
