"""Find a publication project and its source files, without reading them.

Kept apart from :mod:`idmbook.load.project` (which loads the files into models) so that what only
needs the list of files, such as the up-to-date check of ``idmbook build``, does not import the
models.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Literal

from idmbook.diagnostics import Diagnostic, Report
from idmbook.errors import ProjectNotFound
from idmbook.load.confine import kind_of
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
    rels: list[str] = []
    places = Places(root)
    for folder in ("chapters", "contributions"):
        base = root / folder
        if not base.is_dir() or base.is_symlink():
            if os.path.lexists(base):  # a link, a file, a pipe...: nothing in it is read
                report.add(_not_a_folder(base, folder))
            continue
        for parts, path, is_link in _walk(base):
            rel = f"{folder}/{'/'.join(parts)}"
            if any(p.startswith(JUNK_PREFIXES) for p in parts) or "media" in parts[:-1]:
                continue
            if not places.inside(path, is_link):
                report.add(linked_out(rel))
                continue
            if path.suffix.lower() not in SOURCE_SUFFIXES:
                report.add(not_read(path, rel))
                continue
            kind: Kind | None = None
            if folder == "contributions":
                kind = "contribution"
            elif parts[0] == "notes":
                kind = "note"
            elif len(parts) == 1:
                kind = "chapter"
            found.append((path, kind))
            rels.append(rel)
    _check_names(found, rels, report)
    return found


def _walk(base: Path) -> list[tuple[tuple[str, ...], Path, bool]]:
    """(names below ``base``, path, whether it is a link) of everything under ``base`` but its
    folders, sorted as paths sort; folders that are links are listed, not entered, and
    folders that cannot be read are left out (as ``Path.rglob`` does, in one system call per
    folder instead of two per name)."""
    found: list[tuple[tuple[str, ...], Path, bool]] = []
    pending: list[tuple[tuple[str, ...], str]] = [((), str(base))]
    while pending:
        parts, folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            names = (*parts, entry.name)
            try:
                is_link = entry.is_symlink()
                is_folder = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError:
                is_link = is_folder = False
            if is_folder:
                pending.append((names, entry.path))
            else:
                found.append((names, Path(entry.path), is_link))
    found.sort(key=lambda item: tuple(os.path.normcase(name) for name in item[0]))
    return found


SOURCE_SUFFIXES = (".md", ".markdown")


_TEXT_SUFFIXES = (".txt", ".text", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".rmd")
"""Names a Markdown file gets from an editor that adds or changes its extension."""


def not_read(path: Path, rel: str) -> Diagnostic:
    """IDM065 for a file of chapters/ or contributions/ (or named on the command line) that
    is not read because it is not Markdown; a Markdown file saved under another name
    (children.md.txt) is told the name to give it."""
    name, suffix = path.name, path.suffix.lower()
    meant = name.split(".", 1)[0] + ".md"
    looks_like_markdown = ".md." in name.lower() or suffix in _TEXT_SUFFIXES
    if looks_like_markdown:
        what = "a note" if rel.startswith("chapters/notes/") else "part of the book"
        if rel.startswith("contributions/"):
            what = "a contribution"
        message = f"'{name}' is not {what}: only .md files are read (did you mean {meant}?)"
        hint = f"rename it {meant}; as it is, it is not part of the book"
    else:
        message = f"'{name}' is not a Markdown file; it is not part of the book"
        if rel.startswith("contributions/"):
            hint = f"turn it into a contribution with `idmbook ingest {rel}`"
        elif suffix == ".docx":
            hint = f"turn it into a note with `idmbook ingest --as note {rel}`"
        else:
            hint = "save it as Markdown (.md), or move it out of the project"
    return diag("IDM065", rel, 0, 0, message, hint)


def _not_a_folder(path: Path, rel: str) -> Diagnostic:
    try:
        what = kind_of(os.lstat(path).st_mode)
    except OSError:
        what = "something idmbook cannot look at"
    if what == "a link":
        return diag("IDM062", rel, 0, 0, f"{rel}/ is a link; nothing in it is read")
    return diag("IDM001", rel, 0, 0, f"{rel}/ is {what}, not a folder; nothing in it is read")


def linked_out(rel: str) -> Diagnostic:
    return diag(
        "IDM062", rel, 0, 0, "the file is a link to a place outside the project; it is not read"
    )


class Places:
    """Where the files of one folder tree really are, each folder resolved once (resolving
    every file's path was a fifth of finding a compendium's 1,663 files)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.folders: dict[Path, Path] = {}

    def real(self, path: Path, is_link: bool | None = None) -> Path:
        """``path.resolve()``; ``is_link`` when it is known whether ``path`` is a symbolic link.
        Raises OSError or RuntimeError as ``resolve`` does."""
        if path.name == ".." or (path.is_symlink() if is_link is None else is_link):
            return path.resolve()
        # a name that is not a link is where its folder really is
        folder = self.folders.get(path.parent)
        if folder is None:
            folder = self.folders[path.parent] = path.parent.resolve()
        return folder / path.name

    def inside(self, path: Path, is_link: bool | None = None) -> bool:
        """:func:`inside` for ``path``, in the ``root`` given."""
        try:
            self.real(path, is_link).relative_to(self.root)
        except (ValueError, OSError, RuntimeError):
            return False
        return True


def inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _check_names(found: list[tuple[Path, Kind | None]], rels: list[str], report: Report) -> None:
    folded: dict[str, str] = {}
    for (path, _), rel in zip(found, rels, strict=True):
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
