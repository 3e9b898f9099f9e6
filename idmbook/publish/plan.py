"""What a build will read and write, decided before it writes anything; and the up-to-date
check that compares that plan with the last build's manifest."""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idmbook import __version__
from idmbook.cache import Cache
from idmbook.compose.i18n import load_labels, localize_config
from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError, OutputError
from idmbook.load.confine import Unconfined, folder_problem, make_folders, read_file
from idmbook.load.defaults import project_templates
from idmbook.load.project import open_project
from idmbook.load.sources import CONFIG_NAME, discover, find_root
from idmbook.model.config import Config
from idmbook.pandoc.run import pandoc_version
from idmbook.publish.buildinfo import BuildInfo, build_info
from idmbook.publish.manifest import (
    FORMATS,
    MANIFEST_SUFFIX,
    input_hashes,
    path_hashes,
    recorded_inputs,
    sha256,
    up_to_date,
)

MAX_MANIFEST = 64 * 1024 * 1024
"""The largest manifest the up-to-date check reads."""


@dataclass
class BuildOptions:
    """What the user asked for."""

    formats: tuple[str, ...] | None = None
    out: Path | None = None
    draft: bool = False
    final: bool = False
    force: bool = False
    pdf_standard: str | None = None
    language: str | None = None
    """Build the book in this language (en, fr, es...) instead of the config's `language`;
    the outputs are then named BASENAME-LANG."""
    lock_timeout: float = 600.0
    """How long to wait for another build of the same output folder."""
    cache: bool = True
    """Keep pandoc's work in idmbook's cache folder (see :mod:`idmbook.cache`) and reuse it."""
    markdown_out: Path | None = None
    """Also write the assembled Markdown there (what pandoc parses; for the benchmark)."""
    print_edition: bool = False
    """Make the PDF for printing (`--print`), as the config's output.print does."""


@dataclass
class Plan:
    """What one build of a project reads and writes."""

    root: Path
    formats: tuple[str, ...]
    out_dir: Path
    basename: str
    templates: Path
    info: BuildInfo
    inputs: dict[str, str]
    """Hashes of the config, the sources and the templates; the build adds its pictures."""
    tools: dict[str, str]
    opts: dict[str, Any]
    cache: Cache | None
    """idmbook's cache for this build (None: told not to use one); the only one it opens."""

    @property
    def manifest_path(self) -> Path:
        return self.out_dir / f"{self.basename}{MANIFEST_SUFFIX}"

    def output_path(self, fmt: str) -> Path:
        return self.out_dir / f"{self.basename}.{fmt}"

    def is_built(self) -> bool:
        """Whether the last build's manifest lists the same inputs, tools and options, and
        its outputs are intact."""
        return up_to_date(self.manifest_path, self.inputs, self.tools, self.opts, self.cache)


def in_language(config: Config, language: str | None) -> Config:
    """The config of the book in ``language`` (its own when None): translated words from its
    ``translations``, and outputs named BASENAME-LANG when the language is not the config's."""
    localized = localize_config(config, language)
    if language and language != config.language:
        basename = f"{config.output.basename}-{language}"
        output = config.output.model_copy(update={"basename": basename})
        localized = localized.model_copy(update={"output": output})
    return localized


def make_plan(
    root: Path,
    config: Config,
    sources: list[Path],
    options: BuildOptions,
    known: Mapping[Path, tuple[str, str]] | None = None,
) -> Plan:
    """The plan of a build of ``config`` (in the build's language) reading ``sources``;
    ``known``: hashes of sources taken already (see :func:`input_hashes`)."""
    formats = options.formats or tuple(config.output.formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise IdmbookError(f"unknown format {', '.join(unknown)}; choose from docx, pdf, html")
    templates = project_templates(root)
    load_labels(templates, config.language)  # a language without words stops here
    info = build_info(root, sources)
    opts = {
        "formats": list(formats),
        "draft": options.draft,
        "final": options.final,
        "pdf_standard": options.pdf_standard or config.output.pdf_standard,
        "source_date_epoch": info.timestamp,
        "commit": info.commit if options.draft else None,
        "language": config.language,
        "print": options.print_edition or config.output.print,
    }
    return Plan(
        root=root,
        formats=formats,
        out_dir=output_folder(root, config.output.directory, options),
        basename=config.output.basename,
        templates=templates,
        info=info,
        inputs=_input_hashes(root, sources, templates, known),
        tools=tool_versions(),
        opts=opts,
        cache=Cache.default() if options.cache else None,
    )


def tool_versions() -> dict[str, str]:
    """The versions of idmbook, pandoc and Typst: a new one makes the last build stale."""
    return {
        "idmbook": __version__,
        "pandoc": pandoc_version(),
        "typst": importlib.metadata.version("typst"),
    }


def output_folder(root: Path, directory: str, options: BuildOptions) -> Path:
    """Where the outputs go: ``--out`` (the user's choice: anywhere), else the config's
    folder, which must be a folder of the project or not exist yet (see
    :func:`idmbook.load.confine.folder_problem`): never a link to a place elsewhere."""
    if options.out is not None:
        return options.out.absolute()
    out_dir = (root / directory).absolute()
    problem = folder_problem(out_dir, root, may_be_missing=True)
    if problem is not None:
        raise OutputError(
            f"cannot write the outputs into {directory}: {problem}",
            f"delete or rename what is at {directory} (idmbook makes the folder itself), or "
            "choose another folder with output.directory or `--out`",
        )
    return out_dir


def make_output_folder(plan: Plan, options: BuildOptions) -> None:
    """Make the config's output folder as real folders inside the project (``--out`` is
    made by the lock, where the user said)."""
    if options.out is not None:
        return
    try:
        make_folders(plan.out_dir, plan.root)
    except Unconfined as exc:
        raise OutputError(f"cannot write the outputs into {plan.out_dir}: {exc.why}") from None
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {plan.out_dir}: {exc.strerror}"
        ) from None


def _input_hashes(
    root: Path,
    sources: list[Path],
    templates: Path,
    known: Mapping[Path, tuple[str, str]] | None = None,
) -> dict[str, str]:
    """Hashes of the sources and of every template file (pictures are added by the build);
    ``known``: the sources' hashes found already (see :func:`last_build`)."""
    inputs = input_hashes(root, sources, known)
    acronyms = root / "acronyms.yaml"  # the list of acronyms (idmbook.load.acronyms)
    if acronyms.is_file():
        inputs["acronyms.yaml"] = sha256(read_file(acronyms))
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        # (a project's templates/ holds only regular files: checked by project_templates)
        inputs[f"templates/{path.relative_to(templates).as_posix()}"] = sha256(read_file(path))
    return dict(sorted(inputs.items()))


@dataclass
class LastBuild:
    """The outcome of the up-to-date check."""

    plan: Plan | None
    """The plan of the last build when it is still up to date; else None."""
    hashed: dict[Path, tuple[str, str]]
    """The sources' hashes, taken before validation reads them: a file changed in between
    is out of date for the next build, never taken as built."""


def last_build(start: Path, options: BuildOptions) -> LastBuild:
    """Whether the last build's manifest lists the same inputs (every source, template and
    picture, hashed), tools and options, and its outputs are intact.

    Checked before validating: validation depends on nothing else, and a build only writes a
    manifest when validation found no errors. Diagnostics are therefore not shown again. The
    inputs are compared first: after an edit, that is all this check costs.
    """
    hashed: dict[Path, tuple[str, str]] = {}
    try:
        plan = _unchanged_plan(start, options, hashed)
    except (IdmbookError, OSError, ValueError, KeyError, TypeError):
        plan = None
    return LastBuild(plan if plan is not None and plan.is_built() else None, hashed)


def _unchanged_plan(
    start: Path, options: BuildOptions, hashed: dict[Path, tuple[str, str]]
) -> Plan | None:
    root = find_root(start)
    opened = open_project(root)
    if isinstance(opened, Report) or opened.config.taxonomy is not None:
        return None  # (the manifest does not list a taxonomy file)
    config = in_language(opened.config, options.language)
    found = Report()
    sources = [root / CONFIG_NAME, *(path for path, _ in discover(root, found))]
    if found.has_errors:
        return None  # a link out of the project, two names for one file: validate says so
    hashed.update(path_hashes(root, sources))
    plan = make_plan(root, config, sources, options, hashed)
    raw = read_file(plan.manifest_path, MAX_MANIFEST)
    recorded = recorded_inputs(raw, json.loads(raw), plan.cache)
    if recorded is None:
        return None  # (its withheld inputs are not known without the cache)
    for rel in recorded:
        if rel not in plan.inputs:  # a picture the last build placed
            picture = (root / rel).resolve()
            picture.relative_to(root.resolve())
            plan.inputs[rel] = sha256(read_file(picture))
    plan.inputs = dict(sorted(plan.inputs.items()))
    return plan if plan.inputs == recorded else None
