"""The publication config (idmbook.yaml) and the theme taxonomy models."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from idmbook.model.fields import ISBN, ISSN, Id, Language, NonEmpty

PdfStandard = Literal["ua-1", "a-2a", "a-2b"]
"""The PDF standards a book can be built to (the config's output.pdf_standard, --pdf-standard)."""
PDF_STANDARDS: tuple[str, ...] = get_args(PdfStandard)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Series(_Strict):
    """The publication series."""

    name: NonEmpty
    """Name of the series, for example International Dialogue on Migration."""
    number: int = Field(ge=1)
    """Number of this volume in the series."""
    issn: ISSN | None = None
    """ISSN of the series (checked for a valid check digit)."""


class Publisher(_Strict):
    """Who publishes the book."""

    name: NonEmpty
    """Full name of the publisher."""
    address: list[NonEmpty] = []
    """Postal address, one line per item."""
    email: str | None = None
    """Contact e-mail printed on the imprint page."""
    website: str | None = None
    """Website printed on the imprint page."""
    phone: str | None = None
    """Telephone number printed in the imprint's contact block."""
    mission: str | None = None
    """The publisher's mission paragraph, printed on the imprint page."""


class Session(_Strict):
    """One session of a workshop's agenda."""

    id: Id
    """Id that rapporteur notes use in their `session` key."""
    title: NonEmpty
    """Title of the session as printed in the agenda."""
    order: int = Field(ge=0)
    """Position of the session in the agenda."""
    date: dt.date | None = None
    """Day of the session, written 2017-04-18."""
    time: str | None = None
    """Time slot as printed, for example 10:00-13:00."""
    chairs: list[NonEmpty] = []
    """Chairs, moderators or speakers to name in the agenda."""
    note_required: bool = True
    """Whether a rapporteur note is expected for this session."""


class Workshop(_Strict):
    """An intersessional workshop with its agenda."""

    id: Id
    """Id that notes and contributions use in their `workshop` key."""
    title: NonEmpty
    """Full title of the workshop."""
    city: NonEmpty
    """City where it was held."""
    venue: str | None = None
    """Venue and room."""
    start: dt.date
    """First day."""
    end: dt.date
    """Last day."""
    participants: str | None = None
    """Attendance as reported, for example 'over 300'."""
    sessions: list[Session] = Field(min_length=1)
    """The agenda: one entry per session."""

    @model_validator(mode="after")
    def _check(self) -> Workshop:
        if self.end < self.start:
            raise ValueError("the workshop ends before it starts")
        ids = [s.id for s in self.sessions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"session ids used twice: {', '.join(dupes)}")
        return self


class Output(_Strict):
    """Where and how the book is written."""

    basename: Id = "publication"
    """File name of the outputs without extension, for example idm-27."""
    formats: list[Literal["docx", "pdf", "html"]] = ["docx", "pdf"]
    """Formats built when `idmbook build` is given no --format."""
    directory: str = "dist"
    """Folder for the outputs, inside the project: a relative path such as dist or
    build/book (`idmbook build --out` writes anywhere else)."""
    pdf_standard: PdfStandard = "ua-1"
    """PDF conformance: ua-1 (accessible, the default), a-2a or a-2b (archival)."""
    contributors_chart: bool = False
    """Add a chart of who contributed (published contributions by stakeholder type) at the
    end of the introduction, with alternative text generated from the numbers."""
    print: bool = False
    """Make the PDF for printing: each chapter opens on a right-hand (odd) page, with a blank
    left-hand page before it when needed, and wider inner margins for binding and trimming
    (`idmbook build --print` does the same for one build)."""

    @field_validator("directory")
    @classmethod
    def _inside_project(cls, value: str) -> str:
        """The output folder is a folder of the project: the build writes there, and a
        received project must not make it write anywhere else."""
        problem = output_directory_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class RecommendationSettings(_Strict):
    """How `idmbook recommendations`, `status` and `validate` compare recommendations."""

    near_duplicate_threshold: float = Field(default=0.4, gt=0, le=1)
    """Similarity (0 to 1) from which two recommendations of different notes are reported as
    near-duplicates; lower finds more, with more false alarms."""


REC_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*#[1-9][0-9]*$"
"""A recommendation's id: its note's workshop and session, and its position in the note."""


class KeyRecommendation(_Strict):
    """The editor's merge of recommendations that say the same thing into one key
    recommendation, printed once with where each was raised."""

    merge: list[Annotated[str, Field(pattern=REC_ID_PATTERN)]] = Field(min_length=2)
    """Ids of the merged recommendations, WORKSHOP/SESSION#N (see `idmbook recommendations`)."""
    text: NonEmpty | dict[Language, NonEmpty]
    """The merged wording, or the wording per language (en, fr, es...) when the edition is
    translated."""

    def wording(self, language: str, fallback: str) -> str | None:
        """The wording in ``language``, else in ``fallback``; None when neither is given."""
        if isinstance(self.text, str):
            return self.text
        return self.text.get(language) or self.text.get(fallback)


KeyId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]*$")]
"""The key of a key recommendation, for example K3."""

_DRIVE = re.compile(r"^[A-Za-z]:")


def output_directory_problem(value: str) -> str | None:
    """Why ``value`` cannot be the output folder of a project, or None."""
    if not value.strip():
        return "the output folder has no name"
    if any(ord(c) < 32 or c == "\x7f" for c in value):
        return "the output folder's name has control characters"
    if value.startswith(("/", "\\")) or "\\" in value or _DRIVE.match(value):
        return (
            f"'{value}' is not inside the project: give a folder of the project such as "
            "dist (`idmbook build --out` writes anywhere else)"
        )
    parts = [part for part in PurePosixPath(value).parts if part != "."]
    if ".." in parts or not parts:
        return (
            f"'{value}' is not a folder inside the project: give one such as dist "
            "(`idmbook build --out` writes anywhere else)"
        )
    if parts[0] in SOURCE_FOLDERS or parts[0].startswith("."):
        return (
            f"'{value}' is a folder of the project's sources or tools; the outputs would be "
            "written among them: give a folder of their own such as dist"
        )
    return None


SOURCE_FOLDERS = frozenset({"chapters", "contributions", "templates", "inbox"})
"""Folders of a project the outputs are never written into."""


# ---------------------------------------------------------------- the cover (issue 18)


class Cover(_Strict):
    """The pictures and words of the front and back covers. Picture files are files of the
    project (PNG, JPEG, GIF or SVG), named relative to its folder."""

    logo: str | None = None
    """The publisher's logo, for example templates/logo.svg: on the front and back covers."""
    logo_alt: str | None = None
    """What the logo shows, read aloud by screen readers; the publisher's name when absent."""
    photo: str | None = None
    """A photograph for the front cover, for example media/cover.jpg."""
    photo_alt: str | None = None
    """What the photograph shows, for readers who cannot see it."""
    photo_credit: str | None = None
    """Who took the photograph, printed under the imprint, for example '© IOM 2017/Jane
    Doe'."""
    blurb: NonEmpty | dict[Language, NonEmpty] | None = None
    """The paragraph printed on the back cover, or the paragraph per language (en, fr,
    es...)."""

    def blurb_in(self, language: str) -> str | None:
        """The back cover's paragraph in ``language``, else in the first language given."""
        if self.blurb is None or isinstance(self.blurb, str):
            return self.blurb
        found = self.blurb.get(language) or self.blurb.get(language.split("-")[0])
        return found or next(iter(self.blurb.values()), None)


class WorkshopTranslation(_Strict):
    """A workshop's own words in another language; what is left out stays as written."""

    title: NonEmpty | None = None
    """Full title of the workshop."""
    city: NonEmpty | None = None
    """City where it was held, for example Genève."""
    venue: str | None = None
    """Venue and room."""
    participants: str | None = None
    """Attendance as reported."""
    sessions: dict[Id, NonEmpty] = {}
    """Session titles, by session id."""
    chairs: dict[Id, list[NonEmpty]] = {}
    """Session chairs with their roles, by session id, as the agenda prints them."""


class Translation(_Strict):
    """The config's own words (title, series, publisher, agenda) in another language.

    The words idmbook generates (chapter headings, table headers, dates...) come from
    templates/book/labels.LANG.yaml; these are the project's own.
    """

    title: NonEmpty | None = None
    """Main title of the publication."""
    subtitle: str | None = None
    """Subtitle printed under the title."""
    series: NonEmpty | None = None
    """Name of the series, for example Dialogue international sur la migration."""
    publisher: NonEmpty | None = None
    """Name of the publisher, for example Organisation internationale pour les migrations."""
    address: list[NonEmpty] | None = None
    """Postal address, one line per item."""
    copyright: str | None = None
    """Copyright holder when it is not the publisher."""
    mission: str | None = None
    """The publisher's mission paragraph."""
    workshops: dict[Id, WorkshopTranslation] = {}
    """Workshop titles, cities, venues and session titles, by workshop id."""


class Config(_Strict):
    """The publication config, `idmbook.yaml` at the project root."""

    title: NonEmpty
    """Main title of the publication."""
    subtitle: str | None = None
    """Subtitle printed under the title."""
    series: Series | None = None
    """The series and this volume's number."""
    year: int = Field(ge=1900, le=2200)
    """Year of publication."""
    publisher: Publisher
    """The publisher and its address."""
    isbn: ISBN | None = None
    """ISBN of the print edition (checked for a valid check digit)."""
    eisbn: ISBN | None = None
    """ISBN of the electronic edition (checked for a valid check digit)."""
    language: Language = "en"
    """Language of the book (BCP 47 tag)."""
    editors: list[NonEmpty] = []
    """Names of the editors."""
    copyright: str | None = None
    """Copyright holder when it is not the publisher."""
    cover: Cover = Cover()
    """The publisher's logo, a cover photograph with its credit, and the back cover's
    paragraph."""
    workshops: list[Workshop] = Field(min_length=1)
    """The workshops the publication reports on."""
    taxonomy: str | None = None
    """Path of a theme taxonomy file; idmbook's built-in New York Declaration themes when
    absent."""
    output: Output = Output()
    """Output settings."""
    recommendations: RecommendationSettings = RecommendationSettings()
    """Settings for comparing and consolidating the recommendations."""
    consolidation: dict[KeyId, KeyRecommendation] = {}
    """Key recommendations merged by the editor, by key (K1, K2...): each lists the ids it
    merges and the merged wording."""
    translations: dict[Language, Translation] = {}
    """The config's own words in other languages, by language tag (fr, es...): used when the
    book is built in that language (`language` above, or `idmbook build --lang`)."""
    # ---------------------------------------------------------------- citations
    bibliography: str | None = None
    """The references that editorial chapters and rapporteurs' notes cite as `[@key]`: a
    BibTeX (.bib) or CSL JSON (.json) file inside the project, for example `references.bib`.
    The book prints the works cited in a bibliography at its end. Submitted contributions
    never cite: their `[@key]` prints as typed."""
    csl: str | None = None
    """The citation style, a CSL file inside the project (for example
    `templates/style.csl`); the Chicago author-date style when absent."""

    @model_validator(mode="after")
    def _check(self) -> Config:
        ids = [w.id for w in self.workshops]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"workshop ids used twice: {', '.join(dupes)}")
        return self

    @model_validator(mode="after")
    def _check_translations(self) -> Config:
        for language, translation in self.translations.items():
            for workshop_id, words in translation.workshops.items():
                workshop = self.workshop(workshop_id)
                if workshop is None:
                    raise ValueError(
                        f"translations.{language}: no workshop '{workshop_id}' to translate"
                    )
                known = {s.id for s in workshop.sessions}
                unknown = sorted((set(words.sessions) | set(words.chairs)) - known)
                if unknown:
                    raise ValueError(
                        f"translations.{language}.workshops.{workshop_id}: no session "
                        f"{', '.join(repr(u) for u in unknown)} on the agenda"
                    )
        return self

    def workshop(self, workshop_id: str) -> Workshop | None:
        return next((w for w in self.workshops if w.id == workshop_id), None)


class SubTheme(_Strict):
    """An element under a theme (for example a paragraph 8 element of Annex II)."""

    id: Id
    """Id that notes and contributions may use in `themes`."""
    title: NonEmpty
    """Short title."""
    ref: str | None = None
    """Where the element comes from."""


class Theme(_Strict):
    """A theme of the report; each theme becomes one chapter."""

    id: Id
    """Id used in `themes` lists."""
    title: NonEmpty
    """Chapter title."""
    description: NonEmpty
    """What the theme covers."""
    subthemes: list[SubTheme] = []
    """Finer elements; tagging one places the item under this theme."""


class Vocabulary(_Strict):
    """An entry of a cross-reference vocabulary."""

    id: NonEmpty
    """Id as written in front matter."""
    title: NonEmpty
    """What it stands for."""


class Taxonomy(_Strict):
    """The theme taxonomy and the cross-reference vocabularies."""

    themes: list[Theme] = Field(min_length=1)
    """The themes, in chapter order."""
    thematic_sessions: list[Vocabulary] = []
    """Thematic sessions of the global compact process."""
    sdg_targets: list[Vocabulary] = []
    """Migration-related SDG targets."""

    @model_validator(mode="after")
    def _check(self) -> Taxonomy:
        ids = [t.id for t in self.themes] + [s.id for t in self.themes for s in t.subthemes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"theme ids used twice: {', '.join(dupes)}")
        return self

    def parent(self, theme_id: str) -> Theme | None:
        """The theme that ``theme_id`` is or belongs to."""
        for theme in self.themes:
            if theme.id == theme_id or any(s.id == theme_id for s in theme.subthemes):
                return theme
        return None

    def all_ids(self) -> list[str]:
        return [t.id for t in self.themes] + [s.id for t in self.themes for s in t.subthemes]
