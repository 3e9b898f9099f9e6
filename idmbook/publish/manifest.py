"""The build manifest: inputs with their hashes, tool versions, options, outputs.

The manifest is published with the book, so it lists only what the book is made of: a
contribution withheld for want of consent is not in the book, and its file name (the
organisation's) and hash are left out of the manifest too. What the up-to-date check needs
about every input, withheld ones included, is kept in idmbook's cache (see
:func:`record_inputs`), keyed by the manifest it goes with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from idmbook.cache import Cache
from idmbook.load.confine import read_file
from idmbook.load.sources import Places

MANIFEST_SUFFIX = ".manifest.json"
MAX_OUTPUT = 4 * 1024**3
"""The largest output the up-to-date check reads to compare it with the manifest."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_hashes(root: Path, paths: Iterable[Path]) -> dict[Path, tuple[str, str]]:
    """(name inside the project, sha256) of each path; the name is where the path really
    is (a link inside the project is listed under its target)."""

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


def published(inputs: dict[str, str], withheld: Iterable[str]) -> dict[str, str]:
    """``inputs`` without the files of the book's ``withheld`` contributions."""
    left_out = set(withheld)
    return {name: digest for name, digest in inputs.items() if name not in left_out}


def record_inputs(cache: Cache | None, manifest: bytes, inputs: dict[str, str]) -> None:
    """Keep every input of the build that wrote ``manifest`` (for :func:`recorded_inputs`)."""
    if cache is not None:
        cache.put("inputs", _record_key(manifest), json.dumps(inputs, sort_keys=True).encode())


def recorded_inputs(
    manifest: bytes, parsed: dict[str, Any], cache: Cache | None
) -> dict[str, str] | None:
    """Every input of the build that wrote ``manifest``: its own list when that build
    withheld nothing, else what :func:`record_inputs` kept (None when it is not kept)."""
    stats = parsed.get("stats")
    inputs = parsed.get("inputs")
    withheld = stats.get("contributions_withheld") if isinstance(stats, dict) else None
    if withheld == 0 and isinstance(inputs, dict):
        return inputs
    found = cache.get("inputs", _record_key(manifest)) if cache is not None else None
    try:
        record = json.loads(found) if found is not None else None
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _record_key(manifest: bytes) -> str:

    return Cache.key("inputs", manifest)


def up_to_date(
    manifest_path: Path,
    inputs: dict[str, str],
    tools: dict[str, str],
    options: dict[str, Any],
    cache: Cache | None = None,
) -> bool:
    """True when the previous build had the same inputs (every one, withheld contributions
    too: see :func:`recorded_inputs`), tools and options and its outputs are still there
    unchanged."""
    try:  # never through a link (it may point anywhere), never a pipe (it would block)
        raw = read_file(manifest_path)
        old = json.loads(raw)
    except (OSError, ValueError):
        return False
    if not isinstance(old, dict):
        return False
    if (old.get("tools"), old.get("options")) != (tools, options):
        return False
    if recorded_inputs(raw, old, cache) != inputs:
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
