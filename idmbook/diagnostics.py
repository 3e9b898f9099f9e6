"""The Diagnostic record: one record, many formatters (human, json, github, sarif)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from rich.cells import cell_len
from rich.markup import escape

from idmbook import __version__


class Severity(StrEnum):
    """How serious a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Diagnostic:
    """One finding about one place in one file."""

    code: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    hint: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }

    def with_severity(self, severity: Severity) -> Diagnostic:
        return Diagnostic(
            self.code, severity, self.path, self.line, self.column, self.message, self.hint
        )


@dataclass
class Report:
    """The diagnostics of one run, with the text of the files they point into."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def sorted(self) -> list[Diagnostic]:
        unique = list(dict.fromkeys(self.diagnostics))
        return sorted(
            unique, key=lambda d: (d.path, d.line, d.column, _SEVERITY_ORDER[d.severity], d.code)
        )

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.ERROR) > 0

    def strict(self) -> Report:
        """Warnings become errors (``--strict``)."""
        promoted = [
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in self.diagnostics
        ]
        return Report(promoted, self.sources)


# --------------------------------------------------------------------------- formatters

FORMATS = ("human", "json", "github", "sarif")


def _source_line(report: Report, d: Diagnostic) -> str | None:
    text = report.sources.get(d.path)
    if text is None or d.line < 1:
        return None
    lines = text.split("\n")  # as the loaders count lines; splitlines() also splits at \f, \u2028…
    if d.line > len(lines):
        return None
    return lines[d.line - 1]


_VISIBLE = {c: 0x2400 + c for c in range(32) if c != 9} | {0x7F: 0x2421}
_VISIBLE |= dict.fromkeys(range(0x80, 0xA0), 0xFFFD)
"""Control characters as the symbols that picture them (ESC as ␛): a file name or a line of
a submission must not reach the terminal as an escape sequence (a changed window title, a
write to the clipboard); one character each, so carets stay under their column."""


def printable(text: str) -> str:
    """``text`` with its control characters made visible (see :data:`_VISIBLE`)."""
    return text.translate(_VISIBLE)


def format_human(report: Report, color: bool = False) -> str:
    """Compiler-style text: location, message, the offending line with a caret, the hint."""
    out: list[str] = []
    styles = {
        Severity.ERROR: "bold red",
        Severity.WARNING: "bold yellow",
        Severity.INFO: "bold blue",
    }
    for d in report.sorted():
        path, message = printable(d.path), printable(d.message)
        loc = f"{path}:{d.line}:{d.column}" if d.line else path
        head = f"{loc}: {d.severity.value}[{d.code}]: {message}"
        if color:
            head = (
                f"[bold]{escape(loc)}[/]: [{styles[d.severity]}]{d.severity.value}[{d.code}][/]: "
                f"{escape(message)}"
            )
        out.append(head)
        line = _source_line(report, d)
        if line is not None:
            line = printable(line.removesuffix("\r"))
            gutter = f"{d.line:>5} | "
            shown = line.expandtabs(4)
            if len(shown) > 200:
                shown = shown[:200] + "…"
            # the column counts characters; the caret goes under the same character on screen,
            # after tabs are expanded and with wide (CJK) characters taking two cells
            before = line[: max(d.column, 1) - 1].expandtabs(4)
            caret_col = min(cell_len(before), cell_len(shown)) + 1
            text_line = gutter + shown
            caret = " " * 5 + " | " + " " * (caret_col - 1) + "^"
            out.append(escape(text_line) if color else text_line)
            out.append(f"[bold red]{caret}[/]" if color else caret)
        if d.hint:
            hint = printable(d.hint)
            out.append(f"      = hint: {escape(hint) if color else hint}")
        out.append("")
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    infos = report.count(Severity.INFO)
    summary = (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
        f"{infos} info"
    )
    out.append(summary)
    return "\n".join(out)


def format_json(report: Report) -> str:
    return json.dumps([d.as_dict() for d in report.sorted()], indent=2, ensure_ascii=False)


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic."""
    kinds = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for d in report.sorted():
        props = [f"file={_gh_escape(d.path, True)}"]
        if d.line:
            props += [f"line={d.line}", f"col={d.column}"]
        props.append(f"title={_gh_escape(d.code, True)}")
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        lines.append(f"::{kinds[d.severity]} {','.join(props)}::{_gh_escape(message)}")
    return "\n".join(lines)


class RuleText(Protocol):
    """What SARIF's rule table says of a code (:class:`idmbook.rules.rule.Rule` is one)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def summary(self) -> str: ...
    @property
    def explanation(self) -> str: ...


def _sarif_rule(rule: RuleText) -> dict[str, object]:
    """One entry of SARIF's rule table: what code scanning shows on the rule's page."""
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {
            "text": f"{rule.summary} {rule.explanation}",
            "markdown": f"**{rule.code} {rule.name}**: {rule.summary}\n\n{rule.explanation}\n\n"
            f"`idmbook rules {rule.code}` explains it on the command line.",
        },
        "defaultConfiguration": {"level": levels[rule.severity]},
    }


def format_sarif(report: Report, rules: Sequence[RuleText] = ()) -> str:
    """SARIF 2.1.0, one run, with the rule table when given."""

    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    results = []
    for d in report.sorted():
        region = {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)}
        result: dict[str, object] = {
            "ruleId": d.code,
            "level": levels[d.severity],
            "message": {"text": d.message + (f" Hint: {d.hint}" if d.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(Path(d.path).as_posix(), safe="/")},
                        "region": region,
                    }
                }
            ],
        }
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "idmbook",
                        "version": __version__,
                        "rules": [_sarif_rule(rule) for rule in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
