"""What a build tells whoever runs it while it works: one small interface instead of a
callback per moment. The command line shows the stages; watch mode shows the diagnostics as
soon as validation is done."""

from __future__ import annotations

from idmbook.diagnostics import Report


class BuildEvents:
    """The moments of a build. Each method does nothing here; a runner overrides those it
    shows. They are called on the build's own thread."""

    def stage(self, what: str) -> None:
        """A stage begins: 'validating sources', 'rendering docx, pdf'..."""

    def validated(self, report: Report) -> None:
        """Validation is done; the build goes on only when ``report`` has no error."""


QUIET = BuildEvents()
"""A runner that shows nothing (tests, the benchmark, library use)."""
