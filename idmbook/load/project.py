"""A publication project opened: its config and taxonomy read and checked, its root found."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from idmbook.diagnostics import Report
from idmbook.errors import IdmbookError
from idmbook.load.confine import Unconfined, read_file
from idmbook.load.frontmatter import FrontMatterFile, decode, parse_yaml
from idmbook.load.modelerrors import validate_model
from idmbook.load.sources import (
    CONFIG_NAME,
    find_root,
)
from idmbook.model.config import Config, Taxonomy
from idmbook.model.documents import (
    Documents,
)
from idmbook.rules import diag


@dataclass
class Project:
    """A loaded publication project: its config, taxonomy, documents and diagnostics."""

    root: Path
    config: Config
    taxonomy: Taxonomy
    documents: Documents = field(default_factory=Documents)
    report: Report = field(default_factory=Report)
    inputs: list[Path] = field(default_factory=list)
    """Every file read, for the build manifest."""
    config_source: FrontMatterFile | None = None
    """idmbook.yaml as parsed, for positions of its keys."""
    unloaded_sessions: set[tuple[str, str]] = field(default_factory=set)
    """(workshop, session) of notes that exist but could not be loaded."""


def load_config(
    root: Path, report: Report
) -> tuple[Config | None, Taxonomy | None, FrontMatterFile | None]:
    """Read idmbook.yaml and the taxonomy. Unreadable files raise; invalid ones report."""
    path = root / CONFIG_NAME
    try:
        raw = read_file(path)  # a regular file of the project: never a link, pipe or device
    except OSError as exc:
        raise IdmbookError(f"cannot read {path}: {exc.strerror}") from None
    text_file, problems = decode(raw, CONFIG_NAME)
    report.extend(problems)
    if text_file is None:
        raise IdmbookError(f"{CONFIG_NAME} cannot be read", problems[0].message)
    report.sources[CONFIG_NAME] = text_file.text
    parsed, problems = parse_yaml(text_file.text, CONFIG_NAME, top_level="config")
    report.extend(problems)
    if parsed is None:
        return None, None, None
    data, positions, values = parsed
    fm = FrontMatterFile(CONFIG_NAME, text_file.text, data, positions, values)
    config, problems = validate_model(Config, fm, "IDM060")
    report.extend(problems)
    if config is None:
        return None, None, fm
    return config, load_taxonomy(root, config, report), fm


def load_taxonomy(root: Path, config: Config, report: Report) -> Taxonomy | None:
    if config.taxonomy is None:
        text = resources.files("idmbook").joinpath("data/themes.yaml").read_text("utf-8")
        rel = "<built-in themes>"
    else:
        path = (root / config.taxonomy).resolve()
        rel = config.taxonomy
        try:
            path.relative_to(root.resolve())
            raw = read_file(path)
        except (ValueError, OSError):
            report.add(
                diag(
                    "IDM061",
                    CONFIG_NAME,
                    1,
                    1,
                    f"taxonomy file '{config.taxonomy}' cannot be read inside the project",
                    "remove the taxonomy key to use the built-in New York Declaration themes",
                )
            )
            return None
        text_file, problems = decode(raw, rel)
        report.extend(problems)
        if text_file is None:
            return None
        text = text_file.text
        report.sources[rel] = text
    parsed, problems = parse_yaml(text, rel, top_level="taxonomy")
    report.extend(problems)
    if parsed is None:
        return None
    fm = FrontMatterFile(rel, text, *parsed)
    taxonomy, problems = validate_model(Taxonomy, fm, "IDM061")
    report.extend(problems)
    return taxonomy


def open_project(start: Path) -> Project | Report:
    """Find and load the config; a Report is returned when the config itself is invalid."""
    root = find_root(start)
    report = Report()
    config, taxonomy, source = load_config(root, report)
    if config is None or taxonomy is None:
        return report
    project = Project(
        root=root, config=config, taxonomy=taxonomy, report=report, config_source=source
    )
    project.inputs.append(root / CONFIG_NAME)
    return project


def read_source(path: Path, rel: str, project: Project) -> bytes | None:
    """The bytes of the source ``path`` (``rel`` in the project), counted among the project's
    inputs; None, with a diagnostic in the project's report, when it cannot be read."""
    try:
        # a regular file with one name: a named pipe would block the read forever, a device
        # never end, a hard link may be a file from anywhere
        raw = read_file(path)
    except Unconfined as exc:
        if exc.why.startswith(("it has", "it is a link")):
            project.report.add(diag("IDM062", rel, 0, 0, f"the file is not read: {exc.why}"))
        else:
            project.report.add(diag("IDM001", rel, 0, 0, f"cannot read the file: {exc.why}"))
        return None
    except OSError as exc:
        project.report.add(diag("IDM001", rel, 0, 0, f"cannot read the file: {exc.strerror}"))
        return None
    project.inputs.append(path)
    return raw


__all__ = ["Project", "load_config", "open_project", "read_source"]
