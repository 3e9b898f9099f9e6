"""A diagnostic code's rule: its default severity, a one-line summary and an explanation."""

from __future__ import annotations

from dataclasses import dataclass

from idmbook.diagnostics import Severity

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    """A diagnostic code with its default severity, a one-line summary and an explanation."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
