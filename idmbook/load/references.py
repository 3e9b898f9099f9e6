"""Checks of one file's ids against the config and the taxonomy."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel

from idmbook.diagnostics import Diagnostic
from idmbook.load.frontmatter import FrontMatterFile
from idmbook.load.modelerrors import closest, did_you_mean
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


class _Fields:
    """The values of the keys checked against the config and the taxonomy: a validated
    model's, or those of front matter that did not validate whose values have the right
    type (so that one mistake does not hide the others)."""

    def __init__(self, source: BaseModel | dict[str, Any], skip: Collection[str] = ()) -> None:
        self.source = source
        self.skip = skip

    def text(self, key: str) -> str | None:
        value = self._get(key)
        return value if isinstance(value, str) else None

    def texts(self, key: str) -> list[str]:
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return []
        return value

    def _get(self, key: str) -> object:
        if key in self.skip:
            return None
        if isinstance(self.source, dict):
            return self.source.get(key)
        return getattr(self.source, key, None)


def check_note(
    meta: NoteMeta, body: NoteBody, fm: FrontMatterFile, config: Config, taxonomy: Taxonomy
) -> list[Diagnostic]:
    """The note's ids checked against the config and the taxonomy."""
    return _check_note_fields(_Fields(meta), body, fm, config, taxonomy)


def check_unvalidated(
    kind: str,
    body: NoteBody | None,
    fm: FrontMatterFile,
    skip: Collection[str],
    config: Config,
    taxonomy: Taxonomy,
) -> list[Diagnostic]:
    """:func:`check_note` (``kind`` "note") or :func:`check_contribution` for front matter
    that did not validate, on the keys not in ``skip`` (those already reported)."""
    fields = _Fields(fm.data, skip)
    if kind == "note" and body is not None:
        return _check_note_fields(fields, body, fm, config, taxonomy)
    return _check_contribution_fields(fields, fm, config, taxonomy)


def _check_note_fields(
    meta: _Fields, body: NoteBody, fm: FrontMatterFile, config: Config, taxonomy: Taxonomy
) -> list[Diagnostic]:
    out = _check_contribution_fields(meta, fm, config, taxonomy)
    given = meta.text("workshop") or ""
    workshop = config.workshop(given)
    meant = ""
    if workshop is None:  # a misspelt workshop: the session is checked against the one meant
        guess = closest(given, [w.id for w in config.workshops]) if given else None
        workshop = config.workshop(guess) if guess else None
        meant = f" (the workshop '{given}' is taken as '{guess}')"
    session = meta.text("session")
    agenda = [s.id for s in workshop.sessions] if workshop is not None else []
    if workshop is not None and session is not None and session not in agenda:
        line, col = fm.position(("session",), value=True)
        out.append(
            diag(
                "IDM022",
                fm.rel,
                line,
                col,
                f"session '{session}' is not on the agenda of workshop '{workshop.id}'" + meant,
                did_you_mean(session, agenda),
            )
        )
    out += _check_vocab(
        meta.texts("sdg_targets"),
        "sdg_targets",
        "IDM028",
        [v.id for v in taxonomy.sdg_targets],
        fm,
    )
    out += _check_vocab(
        meta.texts("thematic_sessions"),
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
    """The contribution's ids checked against the config and the taxonomy."""
    return _check_contribution_fields(_Fields(meta), fm, config, taxonomy)


def _check_contribution_fields(
    meta: _Fields, fm: FrontMatterFile, config: Config, taxonomy: Taxonomy
) -> list[Diagnostic]:
    out = _check_themes(meta.texts("themes"), fm, taxonomy)
    workshop = meta.text("workshop")
    if workshop is not None:
        out += _check_workshop(workshop, fm, config)
    return out


def check_chapter(meta: ChapterMeta, fm: FrontMatterFile) -> list[Diagnostic]:
    return []
