"""JSON Schemas of the front matter and config, for editors' completion and checking."""

from __future__ import annotations

import json
from pathlib import Path

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


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        schema = describe_schema(model.model_json_schema(), model)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://idmbook.invalid/schemas/{name}.schema.json"
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
    return written
