"""Whether the file a picture refers to is inside the project and can go into the book."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from idmbook.diagnostics import Diagnostic
from idmbook.load.confine import file_problem
from idmbook.load.pictures import inspect_file
from idmbook.rules import diag

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}


def check_image(
    alt: str,
    target: str,
    rel: str,
    at: tuple[int, int],
    target_at: tuple[int, int],
    root: Path,
    base: Path,
) -> list[Diagnostic]:
    """``at`` is where the picture is written, ``target_at`` where its file name is."""
    out: list[Diagnostic] = []
    if not alt.strip():
        out.append(
            diag(
                "IDM050",
                rel,
                *at,
                f"picture '{target}' has no alternative text",
                "describe the picture between the brackets: ![what it shows](...)",
            )
        )
    resolved = resolve_image(target, root, base)
    if isinstance(resolved, str):
        out.append(
            diag(
                "IDM051",
                rel,
                *target_at,
                resolved,
                "put the picture in the project's media folder and link it there",
            )
        )
    elif isinstance(state := _file_state(resolved), str):
        out.append(diag("IDM053", rel, *target_at, f"picture '{target}' cannot be read: {state}"))
    elif not state:
        out.append(diag("IDM053", rel, *target_at, f"picture '{target}' does not exist"))
    elif resolved.suffix.lower() not in IMAGE_SUFFIXES:
        out.append(
            diag("IDM053", rel, *target_at, f"'{target}' is not a PNG, JPEG, GIF or SVG picture")
        )
    else:
        problem = picture_problem(resolved)
        if problem:
            out.append(
                diag(
                    "IDM053",
                    rel,
                    *target_at,
                    f"picture '{target}' cannot be printed: {problem}",
                    "open the picture in an image editor and export it again as PNG or JPEG",
                )
            )
    return out


def picture_problem(path: Path) -> str | None:
    """Why a picture file cannot go into the book safely, or None: it must be a regular file
    with one name, its bytes the format its name says, its structure sound and its size
    within the limits (see :mod:`idmbook.load.pictures`)."""

    found = inspect_file(path)
    if isinstance(found, str):
        return found
    suffix = path.suffix.lower()
    if found.kind != {".jpg": "jpeg", ".jpeg": "jpeg"}.get(suffix, suffix[1:]):
        return f"it is a {found.kind.upper()} picture named '{path.name}'"
    return None


def _file_state(path: Path) -> bool | str:
    """Whether ``path`` is a file (False: there is nothing there), or why it cannot be used:
    the system cannot even look (a name too long for it, a folder without permission), or it
    is a folder, a pipe, a device or a socket, or a file with other names (hard links)."""

    try:
        info = os.stat(path)  # (``path`` is resolved: no link is left to follow)
    except FileNotFoundError:
        return False
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return file_problem(info) or True


def is_picture_file(path: Path) -> bool:
    """Whether ``path`` is a file; False also where the system cannot look."""
    return _file_state(path) is True


def resolve_image(target: str, root: Path, base: Path) -> Path | str:
    """The picture's path inside the project, or a message saying why it is refused.

    pandoc percent-decodes local paths (``%2e%2e/x.png`` reads ``../x.png``), so the decoded
    path is the one checked.
    """
    if not target:
        return "the picture has no file name"
    decoded = unquote(target)
    for form in dict.fromkeys((target, decoded)):
        drive = re.match(r"^[A-Za-z]:([\\/]|$)", form)
        if not drive and (re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", form) or form.startswith("//")):
            return f"picture '{target}' is a URL; idmbook never fetches from the network"
        if drive or form.startswith(("/", "\\")) or "\\" in form:
            return f"picture '{target}' is an absolute path; only project files are used"
    candidate = (base / PurePosixPath(decoded)).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return f"picture '{target}' is outside the project"
    return candidate
