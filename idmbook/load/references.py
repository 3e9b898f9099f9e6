"""Checks of one file's ids against the config and the taxonomy."""

from __future__ import annotations

from idmbook.diagnostics import Diagnostic
from idmbook.load.frontmatter import FrontMatterFile
from idmbook.load.modelerrors import did_you_mean
from idmbook.load.notebody import NoteBody
from idmbook.model.config import Config, Taxonomy
from idmbook.model.documents import ChapterMeta, ContributionMeta, NoteMeta
from idmbook.model.fields import LEVELS
from idmbook.rules.codes import diag


def _check_themes(themes: list[str], fm: FrontMatterFile, taxonomy: Taxonomy) -> list[Diagnostic]:
    valid = taxonomy.all_ids()
    out = []
    for i, theme in enumerate(themes):
        if theme not in valid:
            line, col = fm.position(("themes", i), value=True)
            out.append(
                diag(
                    "IDM020",
                    fm.rel,
                    line,
                    col,
                    f"unknown theme '{theme}'",
                    did_you_mean(theme, valid),
                )
            )
    return out


def _check_workshop(workshop: str, fm: FrontMatterFile, config: Config) -> list[Diagnostic]:
    if config.workshop(workshop) is not None:
        return []
    line, col = fm.position(("workshop",), value=True)
    return [
        diag(
            "IDM021",
            fm.rel,
            line,
            col,
            f"unknown workshop '{workshop}'",
            did_you_mean(workshop, [w.id for w in config.workshops]),
        )
    ]


def _check_vocab(
    values: list[str], key: str, code: str, valid: list[str], fm: FrontMatterFile
) -> list[Diagnostic]:
    out = []
    for i, value in enumerate(values):
        if value not in valid:
            line, col = fm.position((key, i), value=True)
            out.append(
                diag(
                    code,
                    fm.rel,
                    line,
                    col,
                    f"unknown {key[:-1].replace('_', ' ')} '{value}'",
                    did_you_mean(value, valid),
                )
            )
    return out


def check_note(
    meta: NoteMeta, body: NoteBody, fm: FrontMatterFile, config: Config, taxonomy: Taxonomy
) -> list[Diagnostic]:
    out = _check_themes(meta.themes, fm, taxonomy)
    out += _check_workshop(meta.workshop, fm, config)
    workshop = config.workshop(meta.workshop)
    if workshop is not None and meta.session not in [s.id for s in workshop.sessions]:
        line, col = fm.position(("session",), value=True)
        out.append(
            diag(
                "IDM022",
                fm.rel,
                line,
                col,
                f"session '{meta.session}' is not on the agenda of workshop '{workshop.id}'",
                did_you_mean(meta.session, [s.id for s in workshop.sessions]),
            )
        )
    out += _check_vocab(
        meta.sdg_targets, "sdg_targets", "IDM028", [v.id for v in taxonomy.sdg_targets], fm
    )
    out += _check_vocab(
        meta.thematic_sessions,
        "thematic_sessions",
        "IDM029",
        [v.id for v in taxonomy.thematic_sessions],
        fm,
    )
    valid_themes = taxonomy.all_ids()
    for rec in body.recommendations:
        for theme in rec.split("themes"):
            if theme not in valid_themes:
                out.append(
                    diag(
                        "IDM020",
                        fm.rel,
                        rec.attr_line,
                        rec.attr_column,
                        f"unknown theme '{theme}' in a recommendation",
                        did_you_mean(theme, valid_themes),
                    )
                )
        for level in rec.split("levels"):
            if level not in LEVELS:
                out.append(
                    diag(
                        "IDM023",
                        fm.rel,
                        rec.attr_line,
                        rec.attr_column,
                        f"unknown level '{level}' in a recommendation",
                        did_you_mean(level, list(LEVELS)),
                    )
                )
    return out


def check_contribution(
    meta: ContributionMeta, fm: FrontMatterFile, config: Config, taxonomy: Taxonomy
) -> list[Diagnostic]:
    return _check_themes(meta.themes, fm, taxonomy) + _check_workshop(meta.workshop, fm, config)


def check_chapter(meta: ChapterMeta, fm: FrontMatterFile) -> list[Diagnostic]:
    return []
