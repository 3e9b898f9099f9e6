"""What every renderer receives: the book's metadata, and a safe way to run pandoc."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from idmbook.errors import ToolMissing


@dataclass(frozen=True)
class BookMeta:
    """Everything a renderer needs besides the body. All strings are plain text."""

    title: str
    subtitle: str | None
    series_line: str | None
    """For example 'International Dialogue on Migration No. 27'."""
    publisher: str
    year: int
    language: str
    """BCP 47 tag of the book."""
    author: str
    """For document properties: the editors, or the publisher."""
    subject: str
    keywords: tuple[str, ...]
    imprint: tuple[str, ...]
    """Paragraphs of the imprint page, in order (address, disclaimer, ISSN, copyright...)."""
    contents_label: str = "Contents"
    draft: bool = False
    watermark: str = "DRAFT"
    footer_note: str | None = None
    """Printed in every footer of a draft: version, build date, commit."""
    running_header: str = ""
    """Short title for running headers."""
    pdf_standard: str = "ua-1"
    timestamp: int = 0
    """SOURCE_DATE_EPOCH: the creation time written into the outputs."""
    images: dict[str, Path] = field(default_factory=dict)
    """Picture name as used in the AST (``media/<hash>.<ext>``) -> file to copy it from."""


@cache
def pandoc_path() -> str:
    """The pandoc bundled with pypandoc-binary."""
    try:
        import pypandoc

        path = str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:
        raise ToolMissing(
            f"pandoc is not available: {exc}",
            "reinstall idmbook (`make install`); pypandoc-binary bundles pandoc",
        ) from None
    return path


@cache
def pandoc_version() -> str:
    out = run_pandoc(["--version"], b"")
    return out.decode("utf-8", "replace").split("\n", 1)[0].split()[-1]


def run_pandoc(args: list[str], stdin: bytes, cwd: Path | None = None) -> bytes:
    """Run pandoc with ``args`` and ``stdin``; a failure raises ToolMissing with its stderr."""
    try:
        proc = subprocess.run(
            [pandoc_path(), *args],
            input=stdin,
            capture_output=True,
            cwd=cwd,
            check=False,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(
            f"pandoc could not run: {exc}", "reinstall idmbook (`make install`)"
        ) from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise ToolMissing(f"pandoc failed (exit {proc.returncode}): {message[:2000]}")
    return proc.stdout


def ast_bytes(ast: dict[str, Any]) -> bytes:
    return json.dumps(ast, ensure_ascii=False).encode("utf-8")
