"""The build manifest: inputs with their hashes, tool versions, options, outputs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from idmbook.confine import read_file

MANIFEST_SUFFIX = ".manifest.json"
MAX_OUTPUT = 4 * 1024**3
"""The largest output the up-to-date check reads to compare it with the manifest."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_hashes(root: Path, paths: Iterable[Path]) -> dict[Path, tuple[str, str]]:
    """(name inside the project, sha256) of each path; the name is where the path really
    is (a link inside the project is listed under its target)."""
    from idmbook.sources import Places

    found = {}
    places = Places(root)
    for path in set(paths):
        try:
            rel = places.real(path).relative_to(places.root).as_posix()
        except ValueError:
            rel = path.as_posix()
        found[path] = (rel, sha256(read_file(path)))
    return found


def input_hashes(
    root: Path, paths: list[Path], known: Mapping[Path, tuple[str, str]] | None = None
) -> dict[str, str]:
    """sha256 of each input by its name in the project, sorted by name; ``known`` gives what
    :func:`path_hashes` found for some of the paths already."""
    known = known or {}
    found = {**path_hashes(root, (path for path in paths if path not in known)), **known}
    return dict(sorted(found[path] for path in paths))


def make_manifest(
    inputs: dict[str, str],
    tools: dict[str, str],
    options: dict[str, Any],
    outputs: dict[str, bytes],
    stats: dict[str, Any],
) -> bytes:
    doc = {
        "manifest_version": 1,
        "tools": tools,
        "options": options,
        "inputs": inputs,
        "outputs": {
            name: {"sha256": sha256(data), "bytes": len(data)}
            for name, data in sorted(outputs.items())
        },
        "stats": stats,
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()


def up_to_date(
    manifest_path: Path, inputs: dict[str, str], tools: dict[str, str], options: dict[str, Any]
) -> bool:
    """True when the previous build had the same inputs, tools and options and its outputs
    are still there unchanged."""
    try:  # never through a link (it may point anywhere), never a pipe (it would block)
        old = json.loads(read_file(manifest_path))
    except (OSError, ValueError):
        return False
    if not isinstance(old, dict):
        return False
    if (old.get("inputs"), old.get("tools"), old.get("options")) != (inputs, tools, options):
        return False
    outputs = old.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return False
    for name, info in outputs.items():
        path = manifest_path.parent / name
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            return False  # not a file the build wrote in its folder: never read
        try:
            if sha256(read_file(path, MAX_OUTPUT)) != info.get("sha256"):
                return False
        except (OSError, AttributeError):
            return False
    return True
