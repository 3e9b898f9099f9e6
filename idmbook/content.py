"""Checks on the Markdown text of notes, contributions and chapters: pictures and raw code."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from idmbook.diagnostics import Diagnostic
from idmbook.rules import diag

_IMAGE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*)?\)")
_RAW = re.compile(
    r"(\{=\s*(?P<fmt>[A-Za-z]+)\s*\})"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>|<!--)"
    r"|(?P<latex>\\(?:begin|end|input|include|usepackage|documentclass)\b)"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}


def scan(body: str, rel: str, first_line: int, root: Path, base: Path) -> list[Diagnostic]:
    """Diagnostics for pictures and raw markup in a Markdown body.

    ``base`` is the folder relative image paths are resolved from; ``root`` the project root.
    """
    problems: list[Diagnostic] = []
    fence: str | None = None
    for i, line in enumerate(body.split("\n")):
        lineno = first_line + i
        fence_match = _FENCE.match(line)
        if fence_match:
            marker, info = fence_match.groups()
            if fence is None:
                fence = marker[0] * 3
                if "{=" in info:
                    fmt = info.split("{=", 1)[1].split("}", 1)[0].strip()
                    problems.append(
                        diag("IDM052", rel, lineno, line.index("{=") + 1,
                             f"raw {fmt} block will be printed as text, not run",
                             "write plain Markdown instead")
                    )
            elif marker.startswith(fence):
                fence = None
            continue
        if fence:
            continue
        for match in _IMAGE.finditer(line):
            problems += _check_image(match, rel, lineno, root, base)
        for match in _RAW.finditer(line):
            if match.group("fmt"):
                what = f"raw {match.group('fmt')}"
            elif match.group("html"):
                what = "HTML"
            else:
                what = "LaTeX"
            problems.append(
                diag("IDM052", rel, lineno, match.start() + 1,
                     f"{what} markup will be printed as text, not interpreted",
                     "write plain Markdown instead")
            )
    return problems


def _check_image(
    match: re.Match[str], rel: str, lineno: int, root: Path, base: Path
) -> list[Diagnostic]:
    alt, target = match.group(1), match.group(2)
    col = match.start() + 1
    out: list[Diagnostic] = []
    if not alt.strip():
        out.append(
            diag("IDM050", rel, lineno, col, f"picture '{target}' has no alternative text",
                 "describe the picture between the brackets: ![what it shows](...)")
        )
    resolved = resolve_image(target, root, base)
    if isinstance(resolved, str):
        out.append(diag("IDM051", rel, lineno, col + len(alt) + 4, resolved,
                        "put the picture in the project's media folder and link it there"))
    elif not resolved.is_file():
        out.append(diag("IDM053", rel, lineno, col + len(alt) + 4,
                        f"picture '{target}' does not exist"))
    elif resolved.suffix.lower() not in IMAGE_SUFFIXES:
        out.append(diag("IDM053", rel, lineno, col + len(alt) + 4,
                        f"'{target}' is not a PNG, JPEG, GIF or SVG picture"))
    return out


def resolve_image(target: str, root: Path, base: Path) -> Path | str:
    """The picture's path inside the project, or a message saying why it is refused."""
    if not target:
        return "the picture has no file name"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith("//"):
        return f"picture '{target}' is a URL; idmbook never fetches from the network"
    if target.startswith(("/", "\\")) or "\\" in target:
        return f"picture '{target}' is an absolute path; only project files are used"
    candidate = (base / PurePosixPath(target)).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return f"picture '{target}' is outside the project"
    return candidate
