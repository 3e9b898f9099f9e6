"""The rule of checks left out when the build extra is not installed, and its diagnostic.

``pip install idmbook`` installs what ``idmbook validate`` needs; pandoc, Typst, the PDF's
fonts and the editor's tools come with ``pip install 'idmbook[build]'``. A check of validate
that needs one of them (reading a text with pandoc, the fonts' character maps, the
near-duplicate recommendations) is then left out: each place where one is left out gives
:func:`not_checked`, and :func:`one_not_checked` makes them one diagnostic for the run.
"""

from __future__ import annotations

from collections.abc import Iterable

from idmbook.diagnostics import Diagnostic
from idmbook.errors import BUILD_EXTRA, INSTALL_BUILD, ExtraMissing
from idmbook.rules.rule import INFO, Rule

NOT_CHECKED = "IDM170"

EXTRA_RULES = [
    Rule(
        NOT_CHECKED,
        "not-checked-without-build",
        INFO,
        f"A check was left out because the build extra ({BUILD_EXTRA}) is not installed.",
        "`pip install idmbook` installs what validation needs and nothing of the build: not "
        "pandoc, Typst, the PDF's fonts nor the editor's tools, so that a pre-commit hook or a "
        "CI job that only validates stays small. The checks that need them are left out and "
        "named once in this diagnostic: what the build changes in a text (IDM070-IDM074) and "
        "the internal links (IDM154), which pandoc reads; the references file and citation "
        "style (IDM150, IDM153), which pandoc tries; the characters the PDF's fonts lack "
        "(IDM054); the near-duplicate recommendations of a consolidation (IDM093). "
        f"`{INSTALL_BUILD}` installs them, and `idmbook build` needs them.",
    ),
]


def not_checked(what: str, path: str, missing: ExtraMissing) -> Diagnostic:
    """IDM170 for the check ``what`` of ``path``, left out because ``missing`` says a package
    of the build extra is not installed."""
    return Diagnostic(
        NOT_CHECKED, INFO, path, 0, 0, f"not checked: {what} (needs {missing.package})", None
    )


def one_not_checked(diagnostics: Iterable[Diagnostic], path: str) -> list[Diagnostic]:
    """``diagnostics`` with their IDM170 made one, at ``path`` (the project's config), naming
    every check left out (in the order of their names) and how many files each was left out
    of."""
    kept: list[Diagnostic] = []
    left_out: dict[str, set[str]] = {}
    for d in diagnostics:
        if d.code == NOT_CHECKED:
            left_out.setdefault(d.message.removeprefix("not checked: "), set()).add(d.path)
        else:
            kept.append(d)
    if not left_out:
        return kept
    parts = []
    for what, where in sorted(left_out.items()):
        files = f"{len(where)} file{'s' * (len(where) != 1)}"
        parts.append(f"{what} in {files}" if len(where) > 1 else what)
    message = f"not checked without {BUILD_EXTRA}: {'; '.join(parts)}"
    hint = f"`{INSTALL_BUILD}` installs pandoc, Typst and the fonts these checks need"
    kept.append(Diagnostic(NOT_CHECKED, INFO, path, 0, 0, message, hint))
    return kept
