"""`idmbook init` and `idmbook new`: create a project, a note or a contribution from templates.

Nothing existing is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError
from idmbook.ingest.notetemplate import note_template, template_fields
from idmbook.load.confine import Unconfined, make_folders
from idmbook.load.defaults import DATA, default_templates
from idmbook.load.modelerrors import did_you_mean
from idmbook.load.placeholders import (
    MESSAGES_TEXT,
    RECOMMENDATION_TEXT,
    SUBMISSION_TEXT,
    SUMMARY_TEXT,
)
from idmbook.load.project import load_config
from idmbook.load.sources import CONFIG_NAME
from idmbook.model.config import Config, Taxonomy
from idmbook.model.fields import STAKEHOLDER_TYPES


def init_project(target: Path) -> list[Path]:
    """Create a new publication project in ``target`` (which must be empty or absent)."""
    try:
        occupied = target.exists() and (not target.is_dir() or any(target.iterdir()))
    except OSError as exc:  # a name too long, a folder that cannot be listed
        raise IdmbookError(f"cannot create the project in {target}: {exc.strerror}") from None
    if occupied:
        what = "a project" if (target / CONFIG_NAME).exists() else "files"
        raise IdmbookError(
            f"{target} already contains {what}; idmbook init never overwrites anything",
            "choose a new folder name, e.g. `idmbook init idm-2018`",
        )
    init = DATA / "init"
    plan = {
        CONFIG_NAME: init / "idmbook.yaml",
        "chapters/foreword.md": init / "foreword.md",
        "chapters/notes/workshop-1/opening.md": init / "note.md",
        "contributions/example.md": init / "contribution.md",
    }
    created: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for rel, source in plan.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, path)
            created.append(path)
        shutil.copytree(default_templates(), target / "templates")
        _note_template(target)
        created.append(target / "templates")
        (target / ".gitignore").write_text("dist/\n", "utf-8")
        created.append(target / ".gitignore")
    except OSError as exc:
        raise IdmbookError(f"cannot create the project in {target}: {exc.strerror}") from None
    return created


def _note_template(root: Path) -> None:
    """templates/rapporteur-note.docx made from the new project's own config (its workshop,
    a session without a note, its themes), so that a note written in it can be ingested."""
    config, taxonomy, _ = load_config(root, Report())
    if config is None or taxonomy is None or not config.workshops:
        return  # the shipped config always loads; the packaged template is kept otherwise
    fields = template_fields(config, taxonomy, root)
    (root / "templates" / "rapporteur-note.docx").write_bytes(note_template(fields))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "contribution"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_note(
    root: Path,
    config: Config,
    taxonomy: Taxonomy,
    workshop_id: str,
    session_id: str,
    rapporteur: str | None = None,
) -> Path:
    """A rapporteur note for one agenda session, front matter filled from the agenda."""
    workshop = config.workshop(workshop_id)
    if workshop is None:
        raise IdmbookError(
            f"unknown workshop '{workshop_id}'",
            did_you_mean(workshop_id, [w.id for w in config.workshops]),
        )
    session = next((s for s in workshop.sessions if s.id == session_id), None)
    if session is None:
        raise IdmbookError(
            f"session '{session_id}' is not on the agenda of '{workshop_id}'",
            did_you_mean(session_id, [s.id for s in workshop.sessions]),
        )
    path = root / "chapters" / "notes" / workshop.id / f"{session.id}.md"
    themes = ", ".join(t.id for t in taxonomy.themes)
    text = (
        "---\n"
        f"title: {_quote(session.title)}\n"
        f"workshop: {workshop.id}\n"
        f"session: {session.id}\n"
        f"rapporteur: {_quote(rapporteur or 'TODO: your name')}\n"
        "status: draft\n"
        f"# themes: most relevant first; choose from {themes}\n"
        f"themes: [{taxonomy.themes[0].id}]\n"
        "levels: []  # local, national, regional, global\n"
        "---\n\n"
        f"## Summary\n\n{SUMMARY_TEXT}\n\n"
        f"## Key messages\n\n- {MESSAGES_TEXT}\n\n"
        "## Recommendations\n\n"
        f'- {RECOMMENDATION_TEXT} {{levels="national" actors="Member States"}}\n'
    )
    return _create(path, text, root)


def new_contribution(
    root: Path,
    config: Config,
    taxonomy: Taxonomy,
    workshop_id: str,
    organisation: str,
    stakeholder_type: str,
    title: str | None = None,
    language: str = "en",
) -> Path:
    """A contribution with its front matter filled in and consent still to be confirmed."""
    if config.workshop(workshop_id) is None:
        raise IdmbookError(
            f"unknown workshop '{workshop_id}'",
            did_you_mean(workshop_id, [w.id for w in config.workshops]),
        )
    if stakeholder_type not in STAKEHOLDER_TYPES:
        raise IdmbookError(
            f"unknown stakeholder type '{stakeholder_type}'",
            did_you_mean(stakeholder_type, list(STAKEHOLDER_TYPES)),
        )
    path = root / "contributions" / f"{_slug(organisation)}.md"
    text = (
        "---\n"
        f"title: {_quote(title or 'Submission of ' + organisation)}\n"
        f"organisation: {_quote(organisation)}\n"
        f"stakeholder_type: {stakeholder_type}\n"
        f"workshop: {workshop_id}\n"
        f"themes: [{taxonomy.themes[0].id}]\n"
        f"language: {language}\n"
        f"received: {dt.date.today().isoformat()}\n"
        "consent: false  # set to true once the authors agree to publication\n"
        f"---\n\n{SUBMISSION_TEXT}\n"
    )
    return _create(path, text, root)


def _create(path: Path, text: str, root: Path) -> Path:
    """Write a new file of the project: its folders real folders of the project (a link to a
    folder elsewhere is refused, see :mod:`idmbook.load.confine`), the file new."""
    try:
        make_folders(path.parent, root)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path
        raise IdmbookError(f"{shown} already exists; idmbook new never overwrites a file") from None
    except Unconfined as exc:
        raise IdmbookError(f"cannot create {path}: {exc.why}") from None
    except OSError as exc:
        raise IdmbookError(f"cannot create {path}: {exc.strerror}") from None
    return path
