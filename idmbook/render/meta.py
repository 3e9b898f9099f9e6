"""What every renderer receives besides the body: the book's metadata, in plain text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from idmbook.compose.assemble import Assembled
from idmbook.compose.typography import smarten
from idmbook.load.cover import cover_pictures
from idmbook.load.project import Project
from idmbook.model.config import Config


@dataclass(frozen=True)
class CoverMeta:
    """The covers' pictures and words (``cover:`` in idmbook.yaml), in the book's language.
    Pictures are named as in :attr:`BookMeta.images`; all strings are plain text."""

    logo: str | None = None
    """The publisher's logo (``idm-cover/logo-<hash>.svg``), on the front and back covers."""
    logo_alt: str = ""
    photo: str | None = None
    """The front cover's photograph (``idm-cover/photo-<hash>.jpg``)."""
    photo_alt: str = ""
    blurb: str | None = None
    """The back cover's paragraph."""
    publisher_lines: tuple[str, ...] = ()
    """The back cover's publisher block: name, address lines, telephone, e-mail, website."""
    numbers: tuple[str, ...] = ()
    """ISBN, e-ISBN and ISSN as printed, for example 'e-ISBN 978-92-9068-001-7'."""
    identifier: str | None = None
    """The book's ISBN for document properties: the electronic edition's, else the print
    edition's."""


@dataclass(frozen=True)
class BookMeta:
    """Everything a renderer needs besides the body. All strings are plain text."""

    title: str
    subtitle: str | None
    series_line: str | None
    """For example 'International Dialogue on Migration No. 27'."""
    publisher: str
    year: int
    language: str
    """BCP 47 tag of the book."""
    author: str
    """For document properties: the editors, or the publisher."""
    subject: str
    keywords: tuple[str, ...]
    imprint: tuple[str, ...]
    """Paragraphs of the imprint page, in order (address, disclaimer, ISSN, copyright...)."""
    contents_label: str = "Contents"
    draft: bool = False
    watermark: str = "DRAFT"
    footer_note: str | None = None
    """Printed in every footer of a draft: version, build date, commit."""
    running_header: str = ""
    """Short title for running headers."""
    pdf_standard: str = "ua-1"
    timestamp: int = 0
    """SOURCE_DATE_EPOCH: the creation time written into the outputs."""
    images: dict[str, Path] = field(default_factory=dict)
    """Picture name as used in the AST (``media/<hash>.<ext>``) -> file to copy it from."""
    root: Path | None = None
    """The project's folder: the source files the body names are relative to it (an error
    of the PDF names the file and line it comes from)."""
    link_targets: frozenset[str] | None = None
    """The ids internal links of the body may point at (see :func:`link_targets`) when the
    build counted them while it sanitised the body; None: the PDF renderer counts them."""
    cover: CoverMeta = field(default_factory=CoverMeta)
    """The covers' logo, photograph, publisher block, numbers and paragraph."""
    print_edition: bool = False
    """The PDF is made for printing: chapters open on right-hand pages, inner margins wider."""


def book_meta(
    project: Project,
    assembled: Assembled,
    draft_footer: str | None,
    timestamp: int,
    pdf_standard: str | None,
    images: dict[str, Path],
    link_targets: frozenset[str] | None,
    print_edition: bool = False,
) -> BookMeta:
    """The metadata of ``project``'s book as assembled; ``draft_footer`` is the footer of a
    draft's pages (None: not a draft), ``timestamp`` the build's SOURCE_DATE_EPOCH."""
    config = project.config
    labels = assembled.labels
    series_line = (
        str(labels["series_line"]).format(name=config.series.name, number=config.series.number)
        if config.series
        else None
    )
    pictures = cover_pictures(config, project.root)
    cover = cover_meta(config, labels, pictures)
    return BookMeta(
        title=config.title,
        subtitle=config.subtitle,
        series_line=series_line,
        publisher=config.publisher.name,
        year=config.year,
        language=config.language,
        author=", ".join(config.editors) or config.publisher.name,
        subject=series_line or config.title,
        keywords=(
            *cover.numbers,
            *(assembled.themes or tuple(t.title for t in project.taxonomy.themes)),
        ),
        imprint=assembled.imprint,
        contents_label=str(labels.get("contents", "Contents")),
        draft=draft_footer is not None,
        watermark=str(labels.get("draft_watermark") or "DRAFT"),
        footer_note=draft_footer,
        running_header=series_line or config.title,
        pdf_standard=pdf_standard or config.output.pdf_standard,
        timestamp=timestamp,
        images={**images, **pictures},
        root=project.root,
        link_targets=link_targets,
        cover=cover,
        print_edition=print_edition or config.output.print,
    )


def cover_meta(config: Config, labels: dict[str, object], pictures: dict[str, Path]) -> CoverMeta:
    """The covers of the book of ``config`` (in the book's language) in ``labels``' words;
    ``pictures``: the cover's pictures that can be used, by their names."""
    language = config.language
    named = {name.split("/")[-1].split("-")[0]: name for name in pictures}
    publisher = config.publisher

    def label(key: str, default: str, **values: str) -> str:
        return str(labels.get(key) or default).format(**values)

    numbers = [
        label(key, default, isbn=value)
        for key, default, value in (
            ("isbn_print", "ISBN {isbn}", config.isbn),
            ("isbn_electronic", "e-ISBN {isbn}", config.eisbn),
        )
        if value
    ]
    if config.series is not None and config.series.issn:
        numbers.append(f"ISSN {config.series.issn}")
    contact = [
        label("phone_line", "Tel.: {value}", value=publisher.phone) if publisher.phone else None,
        label("email_line", "Email: {value}", value=publisher.email) if publisher.email else None,
        publisher.website,
    ]
    blurb = config.cover.blurb_in(language)
    return CoverMeta(
        logo=named.get("logo"),
        logo_alt=smarten(
            config.cover.logo_alt
            or label("logo_alt", "Logo of {publisher}", publisher=publisher.name),
            language,
        ),
        photo=named.get("photo"),
        photo_alt=smarten(
            config.cover.photo_alt or label("cover_photo_alt", "Cover photograph"), language
        ),
        blurb=smarten(blurb, language) if blurb else None,
        publisher_lines=tuple(
            line for line in (publisher.name, *publisher.address, *contact) if line
        ),
        numbers=tuple(numbers),
        identifier=config.eisbn or config.isbn,
    )
