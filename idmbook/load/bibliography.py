"""The book's references and citation style (``bibliography:`` and ``csl:`` in idmbook.yaml).

The references are a BibTeX (``.bib``) or CSL JSON (``.json``) file inside the project; pandoc
reads them into CSL JSON here, once, so that a file it cannot read is reported on its line
before any build (IDM150), and the keys are known to the checks of the citations
(:mod:`idmbook.check.citations`). The style is a CSL file inside the project: the one
``csl:`` names, else ``templates/style.csl`` when the project's templates have one, else
pandoc's own Chicago author-date; pandoc tries it once on the references (IDM153).

Both files are read as the project's other files are (:func:`idmbook.load.confine.read_file`:
regular files inside the project, never through a link), and pandoc is given copies, so a
received project cannot make it read anything else.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from idmbook.diagnostics import Diagnostic, Severity
from idmbook.errors import ExtraMissing, ToolMissing
from idmbook.load.confine import folder_problem, read_file
from idmbook.pandoc.run import run_pandoc
from idmbook.rules import diag
from idmbook.rules.extras import not_checked

READERS = {".bib": "biblatex", ".bibtex": "biblatex", ".json": "csljson"}
"""pandoc's reader for each kind of references file."""
DEFAULT_STYLE = "templates/style.csl"
"""The style used when idmbook.yaml names none and the project's templates have one."""
_AT_LINE = re.compile(r"line (\d+)(?:, column (\d+))?")
_XML_AT = re.compile(r"CiteprocXMLError: (\d+):(\d+)")
_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Bibliography:
    """The project's references, read, with the citation style to print them in."""

    rel: str
    """The references file, relative to the project."""
    csljson: bytes
    """The references as CSL JSON (pandoc's reading of the file)."""
    keys: frozenset[str]
    """The keys a text may cite."""
    style_rel: str | None = None
    """The CSL style file, relative to the project; None for pandoc's own."""
    style: bytes | None = None
    """The style's bytes."""


@dataclass(frozen=True)
class Where:
    """Where idmbook.yaml names the files, for diagnostics about the name itself."""

    config: str
    bibliography: tuple[int, int] = (1, 1)
    csl: tuple[int, int] = (1, 1)


WHAT_PANDOC_READS = "the references file and the citations (IDM150-IDM153)"
"""Left out without pandoc (see :func:`idmbook.rules.extras.not_checked`)."""


def _project_file(root: Path, rel: str) -> tuple[bytes | None, str | None]:
    """The bytes of the project file ``rel``, or why it cannot be read."""
    path = PurePosixPath(rel)
    if rel.startswith(("/", "\\")) or "\\" in rel or ".." in path.parts or not path.parts:
        return None, f"'{rel}' is not a file inside the project"
    problem = folder_problem(root / path.parent, root) if path.parent.parts else None
    if problem is not None:
        return None, problem
    try:
        return read_file(root / path, _MAX_BYTES), None
    except FileNotFoundError:
        return None, f"{rel} does not exist"
    except OSError as exc:
        return None, f"{rel} cannot be read: {exc.strerror}"


def _position(message: str, text: str) -> tuple[int, int]:
    """The line and column pandoc's ``message`` names, within ``text``'s lines."""
    match = _AT_LINE.search(message) or _XML_AT.search(message)
    if match is None:
        return 1, 1
    lines = max(text.count("\n") + (0 if text.endswith("\n") else 1), 1)
    return min(int(match.group(1)), lines), int(match.group(2) or 1)


def _pandoc_message(exc: ToolMissing) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    return text.split(": ", 1)[1] if text.startswith("pandoc failed") else text


def read_references(rel: str, data: bytes) -> tuple[bytes | None, list[str], Diagnostic | None]:
    """The references file ``rel`` as CSL JSON and its keys, or the diagnostic saying why
    pandoc cannot read it."""
    reader = READERS.get(PurePosixPath(rel).suffix.lower())
    if reader is None:
        return (
            None,
            [],
            diag(
                "IDM150",
                rel,
                1,
                1,
                f"{rel} is not a references file idmbook reads",
                "give a BibTeX file (.bib) or a CSL JSON file (.json)",
            ),
        )
    text = data.decode("utf-8", "replace")
    try:
        out = run_pandoc(["--sandbox", "-f", reader, "-t", "csljson"], data)
        entries = json.loads(out)
    except ExtraMissing as missing:  # pip install idmbook without the build extra
        return None, [], not_checked(WHAT_PANDOC_READS, rel, missing)
    except ToolMissing as exc:
        message = _pandoc_message(exc)
        line, column = _position(message, text)
        first = " ".join(message.split())[:300]
        return (
            None,
            [],
            diag(
                "IDM150",
                rel,
                line,
                column,
                f"pandoc cannot read the references in {rel}: {first}",
                "correct the entry at this line (a missing comma, brace or quote is the usual "
                "cause)",
            ),
        )
    except ValueError:
        return None, [], diag("IDM150", rel, 1, 1, f"pandoc gave no references for {rel}")
    keys = [str(entry.get("id", "")) for entry in entries if isinstance(entry, dict)]
    return out, keys, None


def _try_style(rel: str, style: bytes, references: bytes, key: str | None) -> Diagnostic | None:
    """IDM153 when pandoc cannot format a citation of ``key`` with the style ``style``."""
    markdown = f"[@{key}]\n".encode() if key else b"Text.\n"
    with tempfile.TemporaryDirectory(prefix="idmbook-csl-") as folder:
        (Path(folder) / "style.csl").write_bytes(style)
        (Path(folder) / "refs.json").write_bytes(references)
        try:
            run_pandoc(
                [
                    "-f",
                    "markdown",
                    "-t",
                    "plain",
                    "--citeproc",
                    "--sandbox",
                    "--csl",
                    "style.csl",
                    "--bibliography",
                    "refs.json",
                ],
                markdown,
                cwd=Path(folder),
            )
        except ExtraMissing as missing:
            return not_checked(WHAT_PANDOC_READS, rel, missing)
        except ToolMissing as exc:
            message = _pandoc_message(exc)
            line, column = _position(message, style.decode("utf-8", "replace"))
            return diag(
                "IDM153",
                rel,
                line,
                column,
                f"the citation style {rel} cannot be used: {' '.join(message.split())[:300]}",
                "give a CSL 1.0 style (from the Zotero style repository, for example), or "
                "remove `csl:` from idmbook.yaml to use the Chicago author-date style",
            )
    return None


def _duplicates(rel: str, keys: list[str], text: str) -> list[Diagnostic]:
    """IDM150 warnings for keys given to two entries (the first is the one cited)."""
    seen: set[str] = set()
    found: list[Diagnostic] = []
    for key in keys:
        if key in seen:
            match = list(re.finditer(r"[{\"]\s*" + re.escape(key) + r"\s*[,\"]", text))
            line = text.count("\n", 0, match[-1].start()) + 1 if len(match) > 1 else 1
            found.append(
                diag(
                    "IDM150",
                    rel,
                    line,
                    1,
                    f"the key '{key}' is given to two references in {rel}",
                    "give each reference a key of its own",
                    severity=Severity.WARNING,
                )
            )
        seen.add(key)
    return found


def load_bibliography(
    root: Path, bibliography: str | None, csl: str | None, where: Where
) -> tuple[Bibliography | None, list[Diagnostic]]:
    """The references and style idmbook.yaml declares, read and tried; None when it declares
    no references or they cannot be read (the diagnostics say why)."""
    if bibliography is None:
        if csl is not None:
            line, column = where.csl
            return None, [
                diag(
                    "IDM153",
                    where.config,
                    line,
                    column,
                    "a citation style is given but no references (`bibliography:`)",
                    "name the references file with `bibliography:`, or remove `csl:`",
                )
            ]
        return None, []
    data, problem = _project_file(root, bibliography)
    if data is None:
        line, column = where.bibliography
        return None, [
            diag(
                "IDM150",
                where.config,
                line,
                column,
                f"the references cannot be read: {problem}",
                "name a BibTeX (.bib) or CSL JSON (.json) file of the project, such as "
                "references.bib",
            )
        ]
    references, keys, problem_diag = read_references(bibliography, data)
    if references is None:
        return None, [problem_diag] if problem_diag else []
    found = _duplicates(bibliography, keys, data.decode("utf-8", "replace"))
    style_rel = csl
    if style_rel is None and (root / DEFAULT_STYLE).is_file():
        style_rel = DEFAULT_STYLE
    style: bytes | None = None
    if style_rel is not None:
        style, problem = _project_file(root, style_rel)
        if style is None:
            line, column = where.csl if csl is not None else (1, 1)
            found.append(
                diag(
                    "IDM153",
                    where.config if csl is not None else style_rel,
                    line,
                    column,
                    f"the citation style cannot be read: {problem}",
                    "name a CSL file of the project, such as templates/style.csl",
                )
            )
            return None, found
        tried = _try_style(style_rel, style, references, keys[0] if keys else None)
        if tried is not None:
            return None, [*found, tried]
    book = Bibliography(bibliography, references, frozenset(keys), style_rel, style)
    return book, found
