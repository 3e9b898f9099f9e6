"""The cover's picture files named in idmbook.yaml (``cover.logo``, ``cover.photo``): found
inside the project and read only when they are regular files reached through real folders."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from idmbook.load.confine import file_problem, folder_problem, read_file
from idmbook.load.picturecost import MAX_PICTURE_BYTES
from idmbook.load.picturefiles import (
    IMAGE_SUFFIXES,
    picture_problem,
    resolve_image,
)
from idmbook.model.config import Config

COVER_PICTURES = ("logo", "photo")
"""The keys of ``cover:`` that name a picture file, in the order they are checked."""
PICTURE_FOLDER = "idm-cover"
"""Where the cover's pictures are placed beside the book's files when a renderer compiles it:
``idm-cover/logo-<hash>.svg``, ``idm-cover/photo-<hash>.jpg``."""


@dataclass(frozen=True)
class Refusal:
    """Why a cover picture cannot be used, and which rule says so."""

    code: str
    """IDM160 (not a file of the project) or IDM161 (not a picture that can be printed)."""
    message: str


def cover_file(name: str, root: Path) -> Path | Refusal:
    """The file ``name`` (as written in idmbook.yaml) names inside the project at ``root``,
    or why it cannot be used."""
    written = name.strip()
    resolved = resolve_image(written, root, root)
    if isinstance(resolved, str):
        return Refusal("IDM160", resolved)
    unresolved = root / PurePosixPath(written)
    problem = folder_problem(unresolved.parent, root)
    if problem is not None:
        return Refusal("IDM160", f"picture '{written}' cannot be read: {problem}")
    try:
        info = os.lstat(unresolved)
    except FileNotFoundError:
        return Refusal("IDM160", f"picture '{written}' does not exist")
    except OSError as exc:
        return Refusal("IDM160", f"picture '{written}' cannot be read: {exc.strerror}")
    problem = file_problem(info)
    if problem is not None:
        return Refusal("IDM160", f"picture '{written}' cannot be used: {problem}")
    if unresolved.suffix.lower() not in IMAGE_SUFFIXES:
        return Refusal("IDM161", f"'{written}' is not a PNG, JPEG, GIF or SVG picture")
    problem = picture_problem(unresolved)
    if problem is not None:
        return Refusal("IDM161", f"picture '{written}' cannot be printed: {problem}")
    return unresolved


def cover_pictures(config: Config, root: Path) -> dict[str, Path]:
    """The cover's pictures that can be used, by the name renderers give them
    (``idm-cover/logo.svg``) -> the file of the project."""
    found: dict[str, Path] = {}
    for key in COVER_PICTURES:
        name = getattr(config.cover, key)
        if name is None:
            continue
        path = cover_file(name, root)
        if isinstance(path, Path):
            found[picture_name(key, path)] = path
    return found


def picture_name(key: str, path: Path) -> str:
    """The name of the cover's ``key`` picture (logo, photo) beside the book's files, with
    its content's hash: a long-lived compile folder (``idmbook watch``) takes a changed
    picture as a new one."""
    try:
        digest = hashlib.sha256(read_file(path, MAX_PICTURE_BYTES)).hexdigest()[:16]
    except OSError:
        digest = "unread"  # (the renderer that copies it says why)
    return f"{PICTURE_FOLDER}/{key}-{digest}{path.suffix.lower()}"
