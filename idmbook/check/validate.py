"""`idmbook validate`: load a project (or some of its files) and collect diagnostics."""

from __future__ import annotations

from pathlib import Path

from idmbook.check.acronyms import acronym_diagnostics
from idmbook.check.citations import citation_diagnostics
from idmbook.check.consolidation import check_consolidation
from idmbook.check.cover import cover_diagnostics
from idmbook.check.crossrefs import crossref_diagnostics
from idmbook.check.links import link_diagnostics
from idmbook.check.memo import LoadMemo
from idmbook.check.picturebudget import budget_diagnostics
from idmbook.check.reviews import REVIEW_CODES, review_diagnostics
from idmbook.check.sources import load_project
from idmbook.diagnostics import Report, Severity
from idmbook.load.placeholders import placeholder_diagnostics
from idmbook.load.project import Project, open_project
from idmbook.load.sources import CONFIG_NAME
from idmbook.load.templatefiles import template_diagnostics
from idmbook.rules.extras import one_not_checked


def validate(
    start: Path,
    paths: list[Path] | None = None,
    strict: bool = False,
    memo: LoadMemo | None = None,
) -> tuple[Project | None, Report]:
    """Validate the project containing ``start`` (or only ``paths`` within it); ``memo`` keeps
    each file's result for the next validation (watch mode)."""
    opened = open_project(start)
    if isinstance(opened, Report):
        return None, opened.strict() if strict else opened
    project = load_project(opened, paths, memo)
    if paths is None:  # the whole project: its templates, its pictures together
        if project.config_source is not None:
            project.report.extend(placeholder_diagnostics(project.config_source, body=False))
        project.report.extend(template_diagnostics(project.root))
        project.report.extend(budget_diagnostics(project))
        if project.config.consolidation:
            project.report.extend(check_consolidation(project))
        project.report.extend(crossref_diagnostics(project))
        project.report.extend(link_diagnostics(project))
        project.report.extend(acronym_diagnostics(project))
        project.report.extend(cover_diagnostics(project))
    # the citations of the files checked, whole project or not (the references are the project's)
    project.report.extend(citation_diagnostics(project))
    project.report.extend(review_diagnostics(project, whole=paths is None))
    # the checks left out without the build extra, named once (IDM170)
    project.report.diagnostics = one_not_checked(project.report.diagnostics, CONFIG_NAME)
    report = project.report.strict() if strict else project.report
    return project, report


FINAL_REFUSES = ("IDM045", "IDM049")
"""Warnings a final build refuses: drafts, placeholders."""


def for_build(report: Report, final: bool) -> Report:
    """The validation report as a build sees it: --final makes drafts (IDM045) and
    placeholders (IDM049) and unresolved review items (IDM135, IDM136) errors."""
    if not final:
        return report
    promoted = [
        d.with_severity(Severity.ERROR) if d.code in FINAL_REFUSES or d.code in REVIEW_CODES else d
        for d in report.diagnostics
    ]
    return Report(promoted, report.sources)
