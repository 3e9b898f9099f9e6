"""What ingest found in a file or did to it on the way in, before it becomes a diagnostic.

A :class:`Finding` is one thing the editor should hear about (three tracked changes accepted,
a macro removed); :class:`Refused` stops the ingest of one file and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from idmbook.diagnostics import Diagnostic, Severity
from idmbook.rules import diag


@dataclass(frozen=True)
class Finding:
    """Something done to a file or found in it, with the code that explains it."""

    code: str
    message: str
    hint: str | None = None
    severity: Severity | None = None

    def diagnostic(self, path: str) -> Diagnostic:
        return diag(self.code, path, 0, 0, self.message, self.hint, self.severity)


class Refused(Exception):
    """The file cannot be ingested; ``code``, ``message`` and ``hint`` say why."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.finding = Finding(code, message, hint)
