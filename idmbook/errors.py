"""The one error hierarchy of idmbook; the CLI turns these into exit codes in one place."""

from __future__ import annotations


class IdmbookError(Exception):
    """Something stopped idmbook from doing its job (exit status 2)."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ProjectNotFound(IdmbookError):
    """No idmbook.yaml was found in the folder or any of its parents."""


class ToolMissing(IdmbookError):
    """A program idmbook relies on (pandoc, typst) is missing or broken."""


class BuildLocked(IdmbookError):
    """Another build holds the project's lock."""


class OutputError(IdmbookError):
    """The outputs could not be written (read-only folder, full disk)."""


class ProblemsFound(IdmbookError):
    """Validation found errors (exit status 1); ``report`` holds the diagnostics."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, report: object = None) -> None:
        super().__init__(message, hint)
        self.report = report
