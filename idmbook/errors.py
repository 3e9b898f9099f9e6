"""The one error hierarchy of idmbook; the CLI turns these into exit codes in one place."""

from __future__ import annotations

import importlib.util


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


BUILD_EXTRA = "idmbook[build]"
"""The extra that installs what building needs beyond validation (pandoc, Typst, the fonts...)."""

INSTALL_BUILD = f"pip install '{BUILD_EXTRA}'"

BUILD_MODULES: dict[str, str] = {
    "pypandoc": "pypandoc-binary",
    "typst": "typst",
    "docx": "python-docx",
    "lxml": "lxml",
    "fontTools": "fonttools",
    "fontpkg_amiri": "fontpkg-amiri",
    "manimgx_fonts": "manimgx-fonts",
    "manimgx_fonts_cjk": "manimgx-fonts-cjk",
    "pypdf": "pypdf",
    "openpyxl": "openpyxl",
    "sklearn": "scikit-learn",
    "scipy": "scipy",
    "numpy": "numpy",
    "filelock": "filelock",
    "watchfiles": "watchfiles",
    "translate": "translate-toolkit",
}
"""The modules of the packages :data:`BUILD_EXTRA` installs, and each package's name.
``pip install idmbook`` gives only what ``idmbook validate`` needs."""


class ExtraMissing(ToolMissing):
    """A package of :data:`BUILD_EXTRA` is not installed (exit status 2).

    Its message is one line that names the package and how to install it."""

    def __init__(self, what: str, package: str) -> None:
        super().__init__(f"{what} needs {package}, which is not installed: {INSTALL_BUILD}")
        self.what = what
        self.package = package


def module_installed(name: str) -> bool:
    """Whether the module ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def require_build(what: str) -> None:
    """Raise :class:`ExtraMissing` unless every package of :data:`BUILD_EXTRA` is installed
    (``what``: the command, as the message names it). Called before a command that builds
    writes anything."""
    for module, package in BUILD_MODULES.items():
        if not module_installed(module):
            raise ExtraMissing(what, package)


def extra_missing(exc: BaseException, what: str) -> ExtraMissing | None:
    """``exc`` as :class:`ExtraMissing` when it is the failed import of a package of
    :data:`BUILD_EXTRA` that is not installed; None for any other exception."""
    if not isinstance(exc, ModuleNotFoundError):
        return None
    name = (exc.name or "").split(".")[0]
    if name in BUILD_MODULES:
        return ExtraMissing(what, BUILD_MODULES[name])
    return None
