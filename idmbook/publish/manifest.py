"""The build manifest: inputs with their hashes, tool versions, options, outputs.

The manifest is published with the book, so it lists only what the book is made of: a
contribution withheld for want of consent is not in the book, and its file name (the
organisation's) and hash are left out of the manifest too. What the up-to-date check needs
about every input, withheld ones included, is kept in idmbook's cache (see
:func:`record_inputs`), keyed by the manifest it goes with.

A build of some formats (``-f html``) lists them with the outputs of the last build that are
still current: in the folder unchanged, and made from the same inputs, tools and options
(:func:`carried_outputs`). An output that is not is left out of the manifest, and the build
says why; its file is left where it is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idmbook.cache import Cache
from idmbook.load.confine import read_file
from idmbook.load.sources import Places

MANIFEST_SUFFIX = ".manifest.json"
FORMATS = ("docx", "pdf", "html")
"""The formats a book is built in; an output is named BASENAME.FORMAT."""
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
    kept: Mapping[str, dict[str, Any]] | None = None,
) -> bytes:
    """The manifest of ``outputs`` (written now) and of ``kept`` (outputs of an earlier build
    still current, as that build's manifest listed them: see :func:`carried_outputs`)."""
    listed = {**(kept or {})}
    listed.update(
        {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in outputs.items()}
    )
    doc = {
        "manifest_version": 1,
        "tools": tools,
        "options": options,
        "inputs": inputs,
        "outputs": dict(sorted(listed.items())),
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
    too: see :func:`recorded_inputs`), tools and options, its manifest lists an output of
    every format asked for (``options["formats"]``), and every output it lists is still there
    unchanged."""
    try:  # never through a link (it may point anywhere), never a pipe (it would block)
        raw = read_file(manifest_path)
        old = json.loads(raw)
    except (OSError, ValueError):
        return False
    if not isinstance(old, dict):
        return False
    if old.get("tools") != tools or _other_options(old.get("options"), options):
        return False
    if recorded_inputs(raw, old, cache) != inputs:
        return False
    outputs = old.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return False
    stem = manifest_path.name.removesuffix(MANIFEST_SUFFIX)
    if any(f"{stem}.{fmt}" not in outputs for fmt in options.get("formats", ())):
        return False  # a format asked for now that the last build did not make
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


@dataclass
class Carried:
    """What the last build's manifest in a folder gives the build writing there now."""

    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Outputs it listed that are still current, with their entries (sha256, bytes)."""
    stats: dict[str, Any] = field(default_factory=dict)
    """Its figures (the pages of a PDF kept are counted there)."""
    dropped: dict[str, str] = field(default_factory=dict)
    """Outputs it listed that are not current, each with why; their files are left alone."""


def carried_outputs(
    manifest_path: Path,
    written: Iterable[str],
    inputs: dict[str, str],
    tools: dict[str, str],
    options: dict[str, Any],
    cache: Cache | None = None,
) -> Carried:
    """The outputs the manifest at ``manifest_path`` lists besides those ``written`` now, sorted
    into those still current (in the folder with the hash it gives, made from the same
    ``inputs``, withheld ones included, ``tools`` and ``options`` other than the formats) and
    those dropped. Nothing when there is no readable manifest there."""
    try:  # never through a link, never a pipe (as the up-to-date check)
        raw = read_file(manifest_path)
        old = json.loads(raw)
    except (OSError, ValueError):
        return Carried()
    if not isinstance(old, dict) or not isinstance(old.get("outputs"), dict):
        return Carried()
    stats = old.get("stats")
    carried = Carried(stats=stats if isinstance(stats, dict) else {})
    stem = manifest_path.name.removesuffix(MANIFEST_SUFFIX)
    stale = _stale(raw, old, inputs, tools, options, cache)
    now = set(written)
    for name, info in sorted(old["outputs"].items()):
        if name in now:
            continue
        if not name.startswith(f"{stem}.") or name.removeprefix(f"{stem}.") not in FORMATS:
            shown = name if name.isprintable() else ascii(name)
            carried.dropped[shown] = "not an output of this book"  # (never read)
            continue
        why, size = stale, 0
        if why is None:
            why, size = _changed(manifest_path.parent / name, info)
        if why is None:
            carried.outputs[name] = {"sha256": info["sha256"], "bytes": size}
        else:
            carried.dropped[name] = why
    return carried


def _stale(
    raw: bytes,
    old: dict[str, Any],
    inputs: dict[str, str],
    tools: dict[str, str],
    options: dict[str, Any],
    cache: Cache | None,
) -> str | None:
    """Why the outputs of the build that wrote ``old`` are not those of a build of ``inputs``
    with ``tools`` and ``options``; None when they are."""
    if old.get("tools") != tools:
        return "made by other versions of idmbook, pandoc or Typst"
    differ = _other_options(old.get("options"), options)
    if differ:
        return f"built with other options ({', '.join(differ)})"
    recorded = recorded_inputs(raw, old, cache)
    if recorded is None:
        return "the inputs it was built from are not known (idmbook's cache was cleared)"
    if recorded != inputs:
        return "built from other inputs"
    return None


def _other_options(old: object, options: dict[str, Any]) -> list[str]:
    """The options (formats aside) that ``old`` does not give as ``options`` does."""
    if not isinstance(old, dict):
        return sorted(k for k in options if k != "formats") or ["options"]
    keys = (set(old) | set(options)) - {"formats"}
    return sorted(k for k in keys if old.get(k) != options.get(k))


def _changed(path: Path, info: object) -> tuple[str | None, int]:
    """Why the file at ``path`` is not the output the manifest entry ``info`` lists (None
    when it is), and its size."""
    if not isinstance(info, dict) or not isinstance(info.get("sha256"), str):
        return "its entry in the manifest is not one", 0
    try:
        data = read_file(path, MAX_OUTPUT)
    except FileNotFoundError:
        return "its file is gone", 0
    except OSError as exc:
        return f"its file cannot be read ({exc.strerror or exc})", 0
    if sha256(data) != info["sha256"]:
        return "its file changed since it was built", 0
    return None, len(data)
