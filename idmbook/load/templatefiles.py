"""The project's ``templates/`` folder, checked before anything in it is read.

A project's templates decide how its book looks, and a received project's templates are as
untrusted as its notes: every entry must be a real folder or a regular file with one name
inside the project (see :mod:`idmbook.load.confine`), the folder small enough to read whole, the
Word house style (``reference.docx``, whose styles, headers and settings pandoc copies into
the book) free of anything Word would fetch or run when the book is opened, and the PDF
design (``idm.typ``) free of Typst packages, which Typst would download.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from idmbook.diagnostics import Diagnostic
from idmbook.load.archive import read_zip
from idmbook.load.confine import Unconfined, file_problem, kind_of, read_file
from idmbook.load.findings import Refused
from idmbook.load.frontmatter import decode, parse_yaml
from idmbook.rules import diag

FOLDER = "templates"
MAX_ENTRIES = 500
"""Files and folders under templates/."""
MAX_DEPTH = 8
"""Folders nested under templates/."""
MAX_FILE_BYTES = 32 * 1024 * 1024
"""One template file (a Word template with pictures in its headers stays far below)."""
MAX_TOTAL_BYTES = 96 * 1024 * 1024
"""Every template file together."""

_PACKAGE = re.compile(r"""["']@[a-z]""", re.IGNORECASE)
"""A Typst package named in a string ("@preview/name:version"): Typst downloads it."""
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*["']([^"']*)["']""")
_WEB = re.compile(r"(https?|mailto):", re.IGNORECASE)
_FIELD = re.compile(
    r"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|DDE|DDEAUTO|IMPORT|LINK|AUTOTEXTLIST)\b", re.I
)
_ACTIVE_PARTS = re.compile(
    r"(vbaProject|activeX|embeddings/|oleObject|attachedTemplate|\.bin$)", re.IGNORECASE
)


@dataclass(frozen=True)
class TemplateProblem:
    """Why a file of templates/ is refused."""

    rel: str
    """Its path in the project (``templates/book/labels.yaml``)."""
    message: str
    code: str = "IDM066"
    """IDM062 for a link or another name of a file elsewhere, IDM066 for everything else."""


def template_problems(root: Path) -> list[TemplateProblem]:
    """Every problem of the project's templates/ folder (none when it has none): what it
    holds (:func:`scan`), then what the Word and Typst templates say."""
    files, problems = scan(root)
    if problems:
        return problems
    for rel, path in files:
        name = rel.removeprefix(f"{FOLDER}/")
        if name == "reference.docx":
            problems += _reference_docx(rel, path)
        elif name.endswith(".typ"):
            problems += _typst(rel, path)
    return problems


def scan(root: Path) -> tuple[list[tuple[str, Path]], list[TemplateProblem]]:
    """(path in the project, path) of every file of templates/ (none when there is no such
    folder), and the problems of what it holds: entries that are not real folders or regular
    files with one name, too many of them, files too large."""
    folder = root / FOLDER
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [TemplateProblem(FOLDER, f"templates/ cannot be looked at: {exc.strerror}")]
    if stat.S_ISLNK(info.st_mode):
        message = "templates/ is a link; idmbook reads templates only inside the project"
        return [], [TemplateProblem(FOLDER, message, "IDM062")]
    if not stat.S_ISDIR(info.st_mode):
        return [], [TemplateProblem(FOLDER, f"templates/ is {kind_of(info.st_mode)}, not a folder")]
    problems: list[TemplateProblem] = []
    files = _files(folder, problems)
    total = 0
    for rel, path in files:
        try:
            size = os.lstat(path).st_size
        except OSError:
            continue
        total += size
        if size > MAX_FILE_BYTES:
            problems.append(
                TemplateProblem(rel, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
            )
    if total > MAX_TOTAL_BYTES:
        problems.append(
            TemplateProblem(
                FOLDER, f"the templates are larger than {MAX_TOTAL_BYTES // 2**20} MB together"
            )
        )
    return files, problems


def is_project_folder(root: Path) -> bool:
    """Whether the project has a templates/ entry of its own (whatever it is)."""
    return os.path.lexists(root / FOLDER)


def _files(folder: Path, problems: list[TemplateProblem]) -> list[tuple[str, Path]]:
    """(path in the project, path) of every regular file under ``folder``; what is anything
    else (a link, a pipe, a device, a socket, a hard link) becomes a problem."""
    found: list[tuple[str, Path]] = []
    pending: list[tuple[str, Path, int]] = [(FOLDER, folder, 0)]
    entries = 0
    while pending:
        rel_folder, current, depth = pending.pop()
        try:
            with os.scandir(current) as listing:
                listed = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            problems.append(TemplateProblem(rel_folder, f"cannot be read: {exc.strerror}"))
            continue
        for entry in listed:
            entries += 1
            if entries > MAX_ENTRIES:
                problems.append(
                    TemplateProblem(FOLDER, f"templates/ holds more than {MAX_ENTRIES} entries")
                )
                return found
            rel = f"{rel_folder}/{entry.name}"
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                problems.append(TemplateProblem(rel, f"cannot be looked at: {exc.strerror}"))
                continue
            if stat.S_ISDIR(info.st_mode):
                if depth + 1 > MAX_DEPTH:
                    problems.append(TemplateProblem(rel, "folders nested too deep"))
                else:
                    pending.append((rel, Path(entry.path), depth + 1))
                continue
            problem = file_problem(info)
            if problem is not None:
                linked = stat.S_ISLNK(info.st_mode) or info.st_nlink > 1
                problems.append(
                    TemplateProblem(rel, f"not read: {problem}", "IDM062" if linked else "IDM066")
                )
                continue
            found.append((rel, Path(entry.path)))
    found.sort()
    return found


def _read(rel: str, path: Path) -> tuple[bytes | None, list[TemplateProblem]]:
    try:
        return read_file(path, MAX_FILE_BYTES), []
    except Unconfined as exc:
        return None, [TemplateProblem(rel, f"not read: {exc.why}")]
    except OSError as exc:
        return None, [TemplateProblem(rel, f"cannot be read: {exc.strerror}")]


def _typst(rel: str, path: Path) -> list[TemplateProblem]:
    data, problems = _read(rel, path)
    if data is None:
        return problems
    text = data.decode("utf-8", "replace")
    for number, line in enumerate(text.split("\n"), 1):
        code = line.split("//", 1)[0]
        if _PACKAGE.search(code):
            return [
                TemplateProblem(
                    rel,
                    f"line {number} names a Typst package ('@...'): Typst would download it; "
                    "the build works offline, so a template may only use its own files",
                )
            ]
    return []


def _reference_docx(rel: str, path: Path) -> list[TemplateProblem]:
    """pandoc copies the reference document's styles, settings, headers and footers (with
    their relationships and pictures) into the book: none of them may point outside the
    document or carry code, or every reader of the book's DOCX would meet it."""

    data, problems = _read(rel, path)
    if data is None:
        return problems
    try:
        members = read_zip(data, what="Word template")
    except Refused as exc:
        return [TemplateProblem(rel, exc.finding.message)]
    for name, content in members.items():
        if _ACTIVE_PARTS.search(name):
            return [TemplateProblem(rel, f"it holds '{name}' (macros, controls or objects)")]
        if not name.endswith((".xml", ".rels")):
            continue
        text = content.decode("utf-8", "replace")
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            return [TemplateProblem(rel, f"'{name}' declares a DOCTYPE or entities")]
        outside = _outside_relationship(text)
        if outside is not None:
            return [TemplateProblem(rel, f"'{name}' refers to {outside} outside the document")]
        if "attachedTemplate" in text:
            return [TemplateProblem(rel, f"'{name}' attaches another template")]
        for instruction in re.findall(r"<w:instrText[^>]*>([^<]*)<", text) + re.findall(
            r'w:instr="([^"]*)"', text
        ):
            if _FIELD.search(instruction):
                return [
                    TemplateProblem(
                        rel,
                        f"'{name}' has a field that fetches or runs something "
                        f"({instruction.strip()[:40]})",
                    )
                ]
    return []


def _outside_relationship(text: str) -> str | None:
    """What a relationship part points at outside the document (Word fetches it when the
    book is opened), or None; a web or mail hyperlink (followed only when clicked) is not."""
    for match in _RELATIONSHIP.finditer(text):
        attributes = {k.lower(): v for k, v in _ATTRIBUTE.findall(match.group())}
        if attributes.get("targetmode", "").lower() != "external":
            continue
        kind = attributes.get("type", "").rsplit("/", 1)[-1]
        target = attributes.get("target", "")
        if kind == "hyperlink" and _WEB.match(target):
            continue
        return f"'{target[:60]}' ({kind or 'a relationship'})"
    return None


def template_diagnostics(root: Path) -> list[Diagnostic]:
    """:func:`template_problems` as diagnostics on the files of templates/, and what the
    YAML of its labels files says (read as the front matter is: duplicate keys, tags and
    aliases are errors with their line)."""

    problems = template_problems(root)
    found = [
        diag(
            problem.code,
            problem.rel,
            0,
            0,
            problem.message,
            "replace it with a regular file made by `idmbook init`, or delete templates/ to "
            "use idmbook's defaults",
        )
        for problem in problems
    ]
    if not problems:
        found += _labels_diagnostics(root)
    return found


def _labels_diagnostics(root: Path) -> list[Diagnostic]:

    found: list[Diagnostic] = []
    for rel, path in scan(root)[0]:
        name = rel.rsplit("/", 1)[-1]
        if not (name.startswith("labels") and name.endswith(".yaml")):
            continue
        data, _ = _read(rel, path)  # (a file that cannot be read is reported already)
        if data is None:
            continue
        text_file, decoding = decode(data, rel)
        found += decoding
        if text_file is not None:
            found += parse_yaml(text_file.text, rel, top_level="labels")[1]
    return found
