"""Checks of the editor's consolidation (``consolidation:`` in idmbook.yaml) against the notes.

Every merged id must name a loaded recommendation, no recommendation may be merged twice, a
wording given per language must include the book's language, and, once a consolidation has
been started, near-duplicate groups that no merge covers are listed as information.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from idmbook.check.duplicates import project_near_duplicates
from idmbook.diagnostics import Diagnostic
from idmbook.errors import ExtraMissing, extra_missing
from idmbook.load.sources import CONFIG_NAME
from idmbook.model.recommendations import RecRow, recommendation_rows
from idmbook.rules.codes import diag
from idmbook.rules.extras import not_checked

if TYPE_CHECKING:
    from idmbook.load.project import Project


def _position(project: Project, *loc: str | int) -> tuple[int, int]:
    if project.config_source is None:
        return 1, 1
    return project.config_source.position(("consolidation", *loc), value=True)


def check_consolidation(project: Project) -> list[Diagnostic]:
    """Diagnostics of the consolidation of the whole loaded project."""
    merges = project.config.consolidation
    if not merges:
        return []
    rows = recommendation_rows(project.config, project.documents.notes)
    known = {r.id for r in rows}
    loaded_sessions = {(n.meta.workshop, n.meta.session) for n in project.documents.notes}
    out: list[Diagnostic] = []
    merged_in: dict[str, str] = {}
    for key, merge in merges.items():
        for index, rec in enumerate(merge.merge):
            line, column = _position(project, key, "merge", index)
            if rec not in known:
                workshop, rest = rec.split("/", 1)
                session = rest.split("#", 1)[0]
                if (workshop, session) in project.unloaded_sessions:
                    continue  # the note has errors of its own: validate reports them
                if (workshop, session) in loaded_sessions:
                    count = sum(1 for r in rows if r.id.startswith(f"{workshop}/{session}#"))
                    hint = f"the note of {workshop}/{session} has {count} recommendations"
                else:
                    close = difflib.get_close_matches(rec, sorted(known), n=1)
                    hint = (
                        f"did you mean '{close[0]}'?"
                        if close
                        else "`idmbook recommendations` lists every id"
                    )
                out.append(
                    diag("IDM090", CONFIG_NAME, line, column, f"no recommendation {rec}", hint)
                )
            elif rec in merged_in:
                out.append(
                    diag(
                        "IDM091",
                        CONFIG_NAME,
                        line,
                        column,
                        f"{rec} is merged in {merged_in[rec]} and in {key}",
                        f"keep it in one of {merged_in[rec]} and {key}",
                    )
                )
            else:
                merged_in[rec] = key
        if not isinstance(merge.text, str) and project.config.language not in merge.text:
            line, column = _position(project, key, "text")
            given = ", ".join(sorted(merge.text))
            out.append(
                diag(
                    "IDM092",
                    CONFIG_NAME,
                    line,
                    column,
                    f"{key} has no wording in '{project.config.language}' (given: {given})",
                    f"add `{project.config.language}:` under {key}'s text",
                )
            )
    out.extend(_unconsolidated(project, rows, set(merged_in)))
    return out


def _unconsolidated(project: Project, rows: list[RecRow], merged: set[str]) -> list[Diagnostic]:

    threshold = project.config.recommendations.near_duplicate_threshold
    by_id = {r.id: r for r in rows}
    out = []
    try:
        groups = project_near_duplicates(rows, threshold)
    except ImportError as exc:  # scikit-learn: pip install idmbook without the build extra
        if extra_missing(exc, "near-duplicates") is None:
            raise
        missing = ExtraMissing("near-duplicates", "scikit-learn")
        return [not_checked("the near-duplicate recommendations (IDM093)", CONFIG_NAME, missing)]
    for group in groups:
        if set(group.ids) & merged:
            continue
        first = by_id[group.ids[0]]
        out.append(
            diag(
                "IDM093",
                first.path,
                first.line,
                1,
                f"{', '.join(group.ids)} may say the same thing "
                f"(similarity {group.similarity:.2f}) and are not merged",
                "merge them under `consolidation:` in idmbook.yaml, or leave them",
            )
        )
    return out
