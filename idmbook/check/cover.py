"""The cover's pictures and words in idmbook.yaml (IDM160-152), each reported on its line.

A picture that can be used is counted among the build's inputs: a changed logo makes the last
build out of date.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from idmbook.diagnostics import Diagnostic
from idmbook.load.cover import COVER_PICTURES, cover_file
from idmbook.load.sources import CONFIG_NAME
from idmbook.rules import diag

if TYPE_CHECKING:
    from idmbook.load.project import Project

_HINTS = {
    "IDM160": "put the picture in a folder of the project (templates/ or media/) and name it "
    "relative to the project's folder, for example templates/logo.svg",
    "IDM161": "export the picture again as SVG, PNG or JPEG, with the extension its content has",
}


def cover_diagnostics(project: Project) -> list[Diagnostic]:
    """What is wrong with the cover's pictures and credit; the usable pictures are added to
    the project's inputs."""
    cover = project.config.cover
    out: list[Diagnostic] = []
    for key in COVER_PICTURES:
        name = getattr(cover, key)
        if name is None:
            continue
        found = cover_file(name, project.root)
        if isinstance(found, Path):
            project.inputs.append(found)
            continue
        line, column = _where(project, key)
        out.append(diag(found.code, CONFIG_NAME, line, column, found.message, _HINTS[found.code]))
    if cover.photo is not None:
        missing = [
            words
            for key, words in (("photo_credit", "credit"), ("photo_alt", "description"))
            if not (getattr(cover, key) or "").strip()
        ]
        if missing:
            line, column = _where(project, "photo")
            out.append(
                diag(
                    "IDM162",
                    CONFIG_NAME,
                    line,
                    column,
                    f"the cover photograph has no {' and no '.join(missing)}",
                    "add cover.photo_credit (who took it) and cover.photo_alt (what it shows)",
                )
            )
    return out


def _where(project: Project, key: str) -> tuple[int, int]:
    source = project.config_source
    if source is None:
        return 1, 1
    return source.position(("cover", key), value=True)
