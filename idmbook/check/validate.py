"""`idmbook validate`: load a project (or some of its files) and collect diagnostics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from idmbook.diagnostics import Report
from idmbook.gcpause import cycle_collection_paused
from idmbook.load.memo import LoadMemo
from idmbook.load.project import Project, load_project, open_project

if TYPE_CHECKING:
    pass


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
    with cycle_collection_paused():
        project = load_project(opened, paths, memo)
        if paths is None:  # the whole project: its templates, its pictures together
            from idmbook.check.picturebudget import budget_diagnostics
            from idmbook.load.templatefiles import template_diagnostics

            project.report.extend(template_diagnostics(project.root))
            project.report.extend(budget_diagnostics(project))
            if project.config.consolidation:
                from idmbook.check.consolidation import check_consolidation

                project.report.extend(check_consolidation(project))
    report = project.report.strict() if strict else project.report
    return project, report
