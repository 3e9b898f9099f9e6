"""Where idmbook's packaged defaults live: the templates and the files `init` copies.

The repository's own ``templates/`` folder is the one source of truth for the templates: the
wheel packages it as ``idmbook/data/templates`` (see pyproject.toml), and a source checkout
reads it in place, so the two never drift apart.
"""

from __future__ import annotations

from pathlib import Path

from idmbook.errors import IdmbookError
from idmbook.load.templatefiles import is_project_folder, scan, template_problems

PACKAGE = Path(__file__).parent.parent
"""The idmbook package's folder."""
DATA = PACKAGE / "data"
REQUIRED_TEMPLATES = (
    "book/labels.yaml",
    "book/theme.md.j2",
    "book/recommendations.md.j2",
    "book/workshop.md.j2",
    "book/contributions-list.md.j2",
    "book/contributions-texts.md.j2",
    "book/imprint.md.j2",
    "reference.docx",
    "idm.typ",
)


def default_templates() -> Path:
    """The packaged templates (in a wheel) or the checkout's templates/ folder."""
    for candidate in (DATA / "templates", PACKAGE.parent / "templates"):
        if (candidate / "book" / "labels.yaml").is_file():
            return candidate
    raise IdmbookError("idmbook's default templates are missing; reinstall idmbook")


def project_templates(root: Path, check_content: bool = False) -> Path:
    """The project's templates/ folder when it has one, else the defaults; every required
    template must be there, and the folder hold only real folders and regular files inside
    the project (see :mod:`idmbook.load.templatefiles`); with ``check_content``, what the Word and
    Typst templates say is checked too (validation does it; the up-to-date check of a build
    compares them with those of the last build instead)."""

    if not is_project_folder(root):
        return default_templates()
    folder = root / "templates"
    problems = template_problems(root) if check_content else scan(root)[1]
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise IdmbookError(
            f"{first.rel}: {first.message}{more}",
            "replace links and special files in templates/ with the files themselves, or "
            "delete templates/ to use idmbook's defaults",
        )
    missing = [name for name in REQUIRED_TEMPLATES if not (folder / name).is_file()]
    if missing:
        raise IdmbookError(
            f"templates/ lacks {', '.join(missing)}",
            "copy the missing files from a project made with `idmbook init`, or delete "
            "templates/ to use idmbook's defaults",
        )
    return folder
