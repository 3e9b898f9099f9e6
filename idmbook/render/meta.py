"""What every renderer receives besides the body: the book's metadata, in plain text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from idmbook.compose.assemble import Assembled
from idmbook.load.project import Project


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


def book_meta(
    project: Project,
    assembled: Assembled,
    draft_footer: str | None,
    timestamp: int,
    pdf_standard: str | None,
    images: dict[str, Path],
    link_targets: frozenset[str] | None,
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
    return BookMeta(
        title=config.title,
        subtitle=config.subtitle,
        series_line=series_line,
        publisher=config.publisher.name,
        year=config.year,
        language=config.language,
        author=", ".join(config.editors) or config.publisher.name,
        subject=series_line or config.title,
        keywords=assembled.themes or tuple(t.title for t in project.taxonomy.themes),
        imprint=assembled.imprint,
        contents_label=str(labels.get("contents", "Contents")),
        draft=draft_footer is not None,
        watermark=str(labels.get("draft_watermark") or "DRAFT"),
        footer_note=draft_footer,
        running_header=series_line or config.title,
        pdf_standard=pdf_standard or config.output.pdf_standard,
        timestamp=timestamp,
        images=images,
        root=project.root,
        link_targets=link_targets,
    )
