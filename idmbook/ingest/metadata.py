"""A contribution's front matter: merged from the register, the command line and the
document's own properties, written as YAML and checked before anything is written.

Precedence, most specific first: the file's row in the register, then the command-line
options (which apply to every file of the run), then what the document says about itself
(its properties, its title). Every value remembers where it came from, so that a problem
names the register row and column, the option or the property to correct.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from idmbook.diagnostics import Diagnostic, Severity
from idmbook.load.frontmatter import TextFile, split
from idmbook.load.modelerrors import validate_model
from idmbook.load.references import check_contribution
from idmbook.model.config import Config, Taxonomy
from idmbook.model.documents import REQUIRED_FIELDS, SUBMITTED_FIELDS, ContributionMeta
from idmbook.rules import diag

ORDER = SUBMITTED_FIELDS
REQUIRED = REQUIRED_FIELDS
OPTIONS = {
    "title": "--title",
    "organisation": "--organisation",
    "stakeholder_type": "--type",
    "country": "--country",
    "workshop": "--workshop",
    "themes": "--theme",
    "language": "--language",
    "received": "--received",
    "consent": "--consent",
    "sample": "--sample",
}


@dataclass
class Metadata:
    """Front-matter values and, for each, where it came from."""

    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)

    def offer(self, key: str, value: Any, origin: str) -> None:
        """Set ``key`` unless a more specific source already did."""
        if key not in self.values and value not in (None, "", []):
            self.values[key] = value
            self.origin[key] = origin


def document_values(
    properties: dict[str, str], custom: dict[str, str], taxonomy: Taxonomy
) -> list[tuple[str, Any, str]]:
    """What the document's properties offer: (key, value, where it came from)."""
    out: list[tuple[str, Any, str]] = []
    for key in ORDER:
        for name, value in custom.items():
            if name.strip().lower().replace(" ", "_") == key and value.strip():
                out.append((key, _custom_value(key, value), f"custom document property '{name}'"))
    if properties.get("title"):
        out.append(("title", properties["title"], "the document's Title property"))
    if properties.get("company"):
        out.append(("organisation", properties["company"], "the document's Company property"))
    language = properties.get("language", "").strip()
    if language:
        out.append(("language", language.split("-")[0].lower(), "the document's language"))
    keywords = [k.strip() for k in properties.get("keywords", "").replace(",", ";").split(";")]
    keywords = [k for k in keywords if k]
    valid = set(taxonomy.all_ids())
    if keywords and all(k in valid for k in keywords):
        out.append(("themes", keywords, "the document's Keywords property"))
    return out


def _custom_value(key: str, value: str) -> Any:
    if key in ("themes", "authors"):
        return [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
    if key in ("consent", "sample"):
        return {"true": True, "yes": True, "false": False, "no": False}.get(
            value.strip().lower(), value
        )
    return value.strip()


def quote(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML), line separators escaped."""
    text = json.dumps(value, ensure_ascii=False)
    for char in ("\u2028", "\u2029", "\u0085", "\ufeff"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(quote(str(v)) for v in value) + "]"
    return quote(str(value))


def front_matter(values: dict[str, Any], comment: str, source: tuple[str, str] | None) -> str:
    """The YAML front matter block, keys in the model's order, closing '---' included."""
    lines = ["---", "# " + " ".join(comment.split())]
    for key in ORDER:
        if key in values:
            lines.append(f"{key}: {yaml_value(values[key])}")
    if source is not None:
        lines += ["source:", f"  file: {quote(source[0])}", f"  sha256: {source[1]}"]
    lines.append("---")
    return "\n".join(lines) + "\n"


def check(
    meta: Metadata, rel: str, config: Config, taxonomy: Taxonomy, source: tuple[str, str]
) -> list[Diagnostic]:
    """Problems with the front matter ``meta`` would produce, named after their origin.

    All missing required fields become one diagnostic, so the editor fixes them in one go.
    """
    missing = [k for k in REQUIRED if k not in meta.values]
    out: list[Diagnostic] = []
    if missing:
        options = [OPTIONS[k] for k in missing if k in OPTIONS]
        out.append(
            diag(
                "IDM110",
                rel,
                0,
                0,
                f"missing metadata: {', '.join(missing)}",
                f"add the column{'s' * (len(missing) > 1)} {', '.join(missing)} to this file's "
                f"row in the register, or give {', '.join(options)} on the command line",
            )
        )
    text = front_matter(meta.values, "check", source)
    fm, problems = split(TextFile(rel, text))
    if fm is None:  # cannot happen for YAML written above; reported rather than hidden
        return out + problems
    model, problems = validate_model(ContributionMeta, fm)
    keys = {pos[0]: str(loc[0]) for loc, pos in fm.positions.items()}
    keys.update({pos[0]: str(loc[0]) for loc, pos in fm.values.items()})
    for problem in problems:
        if problem.code == "IDM011":
            continue  # listed above, all at once
        out.append(_named(problem, keys.get(problem.line), meta, rel))
    if model is not None:
        for problem in check_contribution(model, fm, config, taxonomy):
            out.append(_named(problem, keys.get(problem.line), meta, rel))
    return out


def _named(problem: Diagnostic, key: str | None, meta: Metadata, rel: str) -> Diagnostic:
    where = meta.origin.get(key or "", "")
    message = problem.message
    if where:
        message = f"{message} (from {where})"
    severity = problem.severity
    code = "IDM111" if severity is Severity.ERROR else problem.code
    return diag(code, rel, 0, 0, message, problem.hint, severity)
