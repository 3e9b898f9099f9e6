"""Single-file HTML of the book through pandoc, pictures embedded."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from idmbook.render.common import BookMeta, ast_bytes, run_pandoc


def render_html(ast: dict[str, Any], meta: BookMeta, templates: Path) -> bytes:
    """A standalone HTML5 page with a table of contents and embedded pictures."""
    with tempfile.TemporaryDirectory(prefix="idmbook-html-") as tmp:
        folder = Path(tmp)
        for name, source in meta.images.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        metadata = {
            "title": meta.title,
            "subtitle": meta.subtitle or "",
            "lang": meta.language,
            "toc-title": meta.contents_label,
            "date": str(meta.year),
            "author": [meta.author],
            "keywords": list(meta.keywords),
            "description-meta": meta.subject,
        }
        (folder / "meta.json").write_text(json.dumps(metadata, ensure_ascii=False), "utf-8")
        args = [
            "-f",
            "json",
            "-t",
            "html5",
            "--standalone",
            "--toc",
            "--toc-depth=2",
            "--embed-resources",
            "--metadata-file=meta.json",
            "--resource-path=.",
        ]
        return run_pandoc(args, ast_bytes(ast), cwd=folder)
