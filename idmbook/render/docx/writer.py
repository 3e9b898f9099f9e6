"""Step 2 of the DOCX: pandoc's DOCX writer, in a staging folder that holds only what it needs."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from idmbook.errors import IdmbookError
from idmbook.pandoc.run import run_pandoc

__all__ = ["REFERENCE_NAME", "pandoc_args", "write_docx"]

REFERENCE_NAME = "reference.docx"


def write_docx(document: bytes, images: Mapping[str, Path], reference: Path, ts: int) -> bytes:
    """pandoc's DOCX of the AST ``document`` (JSON), with the pictures ``images`` (name in the
    AST: file) and the Word template ``reference``, dated ``ts``. Nothing is written outside a
    temporary folder."""
    try:
        with tempfile.TemporaryDirectory(prefix="idmbook-docx-") as tmp:
            staging, data_dir = Path(tmp) / "stage", Path(tmp) / "data"
            staging.mkdir()
            data_dir.mkdir()  # empty: no user defaults or templates leak into the build
            _stage_images(images, staging)
            _copy_file(reference, staging / REFERENCE_NAME, "the Word template")
            return run_pandoc_docx(document, staging, data_dir, ts)
    except OSError as exc:
        raise IdmbookError(f"the DOCX could not be prepared in a temporary folder: {exc}") from None


def _safe_member(name: str) -> PurePosixPath:
    """``name`` as a relative path that stays inside the staging folder, or IdmbookError."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
        or name == REFERENCE_NAME
    ):
        raise IdmbookError(f"the picture name {name!r} is not a plain relative path")
    return path


def _copy_file(source: Path, target: Path, what: str) -> None:
    """Copy ``source`` to ``target``; a missing or unreadable file raises IdmbookError."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise IdmbookError(f"{what} {source} could not be read: {exc.strerror or exc}") from None


def _stage_images(images: Mapping[str, Path], staging: Path) -> None:
    """Copy every picture of the book into ``staging`` under the name the AST uses."""
    for name in sorted(images):
        member = _safe_member(name)
        _copy_file(images[name], staging.joinpath(*member.parts), "the picture")


_INPUT_NAME = ".idmbook-book.json"
_OUTPUT_NAME = ".idmbook-book.docx"
"""pandoc's input and output in the staging folder (staged pictures never start with a dot)."""


def pandoc_args(data_dir: Path) -> list[str]:
    return [
        "--from=json",
        "--to=docx",
        f"--reference-doc={REFERENCE_NAME}",
        "--resource-path=.",
        f"--data-dir={data_dir}",
        f"--output={_OUTPUT_NAME}",
        _INPUT_NAME,
    ]


def run_pandoc_docx(
    document: bytes,
    staging: Path,
    data_dir: Path,
    ts: int,
) -> bytes:
    """Run pandoc in ``staging`` (pictures and reference only) and return the raw DOCX.

    pandoc reads the book from a file and writes the DOCX to one, rather than through pipes
    that this process would have to feed while the PDF's Python work runs in another thread
    (feeding a pipe needs the interpreter between every chunk)."""
    env = {"SOURCE_DATE_EPOCH": str(max(ts, 0))}
    (staging / _INPUT_NAME).write_bytes(document)
    run_pandoc(pandoc_args(data_dir), b"", cwd=staging, env=env)
    try:
        out = (staging / _OUTPUT_NAME).read_bytes()
    except OSError:
        out = b""
    if not out.startswith(b"PK"):
        raise IdmbookError("pandoc did not produce a DOCX file")
    return out
