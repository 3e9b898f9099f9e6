"""Find a publication project and its source files, without reading them.

Kept apart from :mod:`idmbook.project` (which loads the files into models) so that what only
needs the list of files, such as the up-to-date check of ``idmbook build``, does not import the
models.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Literal

from idmbook.diagnostics import Diagnostic, Report
from idmbook.errors import ProjectNotFound
from idmbook.rules import diag

CONFIG_NAME = "idmbook.yaml"
"""The project's configuration file, at its root."""

Kind = Literal["note", "contribution", "chapter"]
JUNK_PREFIXES = ("~$", "._", ".")
_WINDOWS_BAD = set('<>:"|?*') | {chr(c) for c in range(32)}
_WINDOWS_RESERVED = (
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding idmbook.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectNotFound(
        f"no {CONFIG_NAME} found in {start} or any folder above it",
        "run idmbook inside a publication project, or create one with `idmbook init DIR`",
    )


def rel_path(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(root: Path, report: Report) -> list[tuple[Path, Kind | None]]:
    """Every source file of the project in a stable order, with the kind its folder implies."""
    found: list[tuple[Path, Kind | None]] = []
    places = _Places(root)
    for folder in ("chapters", "contributions"):
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = rel_path(path, root)
            parts = path.relative_to(base).parts
            if any(p.startswith(JUNK_PREFIXES) for p in parts) or "media" in parts[:-1]:
                continue
            if path.is_dir() and not path.is_symlink():
                continue
            if not places.inside(path):
                report.add(linked_out(rel))
                continue
            if path.suffix.lower() not in SOURCE_SUFFIXES:
                report.add(_not_read(path, rel, folder))
                continue
            kind: Kind | None = None
            if folder == "contributions":
                kind = "contribution"
            elif parts[0] == "notes":
                kind = "note"
            elif len(parts) == 1:
                kind = "chapter"
            found.append((path, kind))
    _check_names(found, root, report)
    return found


SOURCE_SUFFIXES = (".md", ".markdown")


def _not_read(path: Path, rel: str, folder: str) -> Diagnostic:
    if folder == "contributions":
        hint = f"turn it into a contribution with `idmbook ingest {rel}`"
    elif path.suffix.lower() == ".docx":
        hint = f"turn it into a note with `idmbook ingest --as note {rel}`"
    else:
        hint = "save it as Markdown (.md), or move it out of the project"
    return diag(
        "IDM065",
        rel,
        0,
        0,
        f"'{path.name}' is not a Markdown file; it is not part of the book",
        hint,
    )


def linked_out(rel: str) -> Diagnostic:
    return diag(
        "IDM062", rel, 0, 0, "the file is a link to a place outside the project; it is not read"
    )


class _Places:
    """Where the files of one folder tree really are, each folder resolved once (resolving
    every file's path was a fifth of finding a compendium's 1,663 files)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.folders: dict[Path, Path] = {}

    def inside(self, path: Path) -> bool:
        """:func:`inside` for ``path``, in the ``root`` given."""
        try:
            if path.is_symlink():
                real = path.resolve()
            else:  # a name that is not a link is where its folder really is
                folder = self.folders.get(path.parent)
                if folder is None:
                    folder = self.folders[path.parent] = path.parent.resolve()
                real = folder / path.name
            real.relative_to(self.root)
        except (ValueError, OSError, RuntimeError):
            return False
        return True


def inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _check_names(found: list[tuple[Path, Kind | None]], root: Path, report: Report) -> None:
    folded: dict[str, str] = {}
    for path, _ in found:
        rel = rel_path(path, root)
        key = unicodedata.normalize("NFC", rel).casefold()
        if key in folded:
            report.add(
                diag(
                    "IDM047",
                    rel,
                    0,
                    0,
                    f"'{rel}' and '{folded[key]}' differ only in letter case or accents form",
                )
            )
        folded[key] = rel
        name = path.name
        stem = name.split(".")[0].upper()
        if (
            any(c in _WINDOWS_BAD for c in name)
            or name.endswith((" ", "."))
            or stem in _WINDOWS_RESERVED
        ):
            report.add(diag("IDM063", rel, 0, 0, f"'{name}' is not a valid file name on Windows"))
