"""JSON Schemas of the front matter and config, for editors' completion and checking."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from idmbook.model.config import Config, Taxonomy
from idmbook.model.documents import ChapterMeta, ContributionMeta, NoteMeta
from idmbook.model.fielddocs import describe_schema

SCHEMAS: dict[str, type[BaseModel]] = {
    "idmbook-config": Config,
    "note": NoteMeta,
    "contribution": ContributionMeta,
    "chapter": ChapterMeta,
    "taxonomy": Taxonomy,
}


def write_schemas(
    folder: Path, config: Config | None = None, taxonomy: Taxonomy | None = None
) -> list[Path]:
    """Write the schemas into ``folder``; with a project's ``config`` and ``taxonomy``, the
    front matter's ids are the project's own (its workshops, sessions, themes, SDG targets and
    thematic sessions), each with its title, so that an editor completes them."""
    folder.mkdir(parents=True, exist_ok=True)
    vocabularies = _vocabularies(config, taxonomy) if config and taxonomy else {}
    written = []
    for name, model in SCHEMAS.items():
        schema = describe_schema(model.model_json_schema(), model)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://idmbook.invalid/schemas/{name}.schema.json"
        if name in ("note", "contribution"):
            _restrict(schema, vocabularies)
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
    return written


def _vocabularies(config: Config, taxonomy: Taxonomy) -> dict[str, dict[str, str]]:
    """Each front-matter field with a closed list of ids: id -> title, in the project's order."""
    workshops = {w.id: f"{w.title} ({w.city})" for w in config.workshops}
    sessions: dict[str, str] = {}
    for workshop in config.workshops:
        for session in workshop.sessions:
            title = f"{session.title} ({workshop.id})"
            sessions[session.id] = (
                f"{sessions[session.id]}; {title}" if session.id in sessions else title
            )
    themes: dict[str, str] = {}
    for theme in taxonomy.themes:
        themes[theme.id] = theme.title
        themes.update({sub.id: f"{sub.title} ({theme.id})" for sub in theme.subthemes})
    return {
        "workshop": workshops,
        "session": sessions,
        "themes": themes,
        "sdg_targets": {v.id: v.title for v in taxonomy.sdg_targets},
        "thematic_sessions": {v.id: v.title for v in taxonomy.thematic_sessions},
    }


def _restrict(schema: dict[str, Any], vocabularies: dict[str, dict[str, str]]) -> None:
    """The fields of ``schema`` that have a vocabulary limited to its ids (``enum``), with
    their titles as the descriptions editors show beside each id."""
    properties = schema.get("properties", {})
    for field, ids in vocabularies.items():
        if field not in properties or not ids:
            continue
        target = properties[field]
        if target.get("type") == "array":
            target = target["items"]
        target.pop("pattern", None)
        target["enum"] = list(ids)
        target["enumDescriptions"] = list(ids.values())
        target["markdownEnumDescriptions"] = list(ids.values())
