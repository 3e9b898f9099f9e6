"""The book's structure: grouping, consent, numbering, and what submitted text can do."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import DOT_PNG, ProjectDir, contribution_text, note_text

from idmbook.assemble import assemble
from idmbook.markdown import READER
from idmbook.render.common import run_pandoc
from idmbook.sanitize import sanitize
from idmbook.validate import validate


def _book(
    project: ProjectDir, allow_errors: bool = False
) -> tuple[str, dict[str, Any], dict[str, Path]]:
    loaded, report = validate(project.root)
    assert loaded is not None
    assert allow_errors or not report.has_errors, [d.message for d in report.diagnostics]
    assembled = assemble(
        loaded.config, loaded.taxonomy, loaded.documents, Path(__file__).parent.parent / "templates"
    )
    ast = json.loads(run_pandoc(["-f", READER, "-t", "json"], assembled.markdown.encode()))
    ast, images, _ = sanitize(ast, project.root)
    return assembled.markdown, ast, images


def _text(node: Any) -> str:
    """All Str/Code text under a node, spaces for Space."""
    if isinstance(node, dict):
        kind, c = node.get("t"), node.get("c")
        if kind == "Str":
            return str(c)
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if kind in ("Code", "CodeBlock"):
            return str(c[1])
        return _text(c)
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    return ""


def _headings(ast: dict[str, Any], level: int | None = None) -> list[str]:
    found: list[str] = []

    def walk(blocks: list[Any]) -> None:
        for b in blocks:
            if b["t"] == "Header" and (level is None or b["c"][0] == level):
                found.append(_text(b["c"][2]))
            elif b["t"] == "Div":
                walk(b["c"][1])

    walk(ast["blocks"])
    return found


def test_book_order_follows_the_series(project: ProjectDir) -> None:
    _, ast, _ = _book(project)
    chapters = _headings(ast, 1)
    assert chapters == [
        "Foreword",
        "Facilitating safe, orderly and regular migration",
        "Protecting the rights and well-being of migrants",
        "Reducing the incidence and impact of forced and irregular migration",
        "Addressing the mobility dimensions of crises",
        "Key recommendations",
        "Supplementary materials: New York workshop",
        "Supplementary materials: Geneva workshop",
        "Annex I: List of stakeholder contributions",
        "Annex II: Texts of stakeholder contributions",
    ]


def test_contribution_without_consent_appears_nowhere(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project(
        {
            "contributions/secret.md": contribution_text(
                "Unpublished Org",
                consent="false",
                body="\nThe words QUIXOTIC-MARKER stay private.\n",
            )
        }
    )
    markdown, ast, _ = _book(project)
    assert "Unpublished" not in markdown and "QUIXOTIC" not in markdown
    assert "Unpublished" not in _text(ast["blocks"])
    assert "Submission of City of Montreal" in _text(ast["blocks"])


def test_item_with_several_themes_is_placed_once_and_referenced(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project(
        {
            "chapters/notes/geneva/children.md": note_text(
                "geneva", "children", "[rights-wellbeing, forced-irregular]"
            )
        }
    )
    _, ast, _ = _book(project)
    assert _headings(ast).count("Session children") == 2  # theme chapter + session summaries
    blocks = ast["blocks"]
    starts = {
        _text(b["c"][2]): i for i, b in enumerate(blocks) if b["t"] == "Header" and b["c"][0] == 1
    }
    rights = _text(
        blocks[
            starts["Protecting the rights and well-being of migrants"] : starts[
                "Reducing the incidence and impact of forced and irregular migration"
            ]
        ]
    )
    forced = _text(
        blocks[
            starts["Reducing the incidence and impact of forced and irregular migration"] : starts[
                "Addressing the mobility dimensions of crises"
            ]
        ]
    )
    assert "Session children" in rights and "Cooperation matters" in rights
    assert "Also discussed in other chapters" in forced
    assert "Session children" in forced and "Cooperation matters" not in forced


def test_recommendations_are_numbered_across_themes_with_attribution(
    make_project: Callable[..., ProjectDir],
) -> None:
    body = (
        "\n## Summary\n\nText.\n\n## Key messages\n\n- A message.\n\n## Recommendations\n\n"
        '- Protect children. {themes="rights-wellbeing" levels="local national" '
        'actors="local authorities; child protection services"}\n'
        "- Fund data systems.\n"
    )
    project = make_project(
        {
            "chapters/notes/geneva/children.md": note_text(
                "geneva", "children", "[forced-irregular]", body=body
            )
        }
    )
    _, ast, _ = _book(project)
    blocks = ast["blocks"]
    start = next(
        i
        for i, b in enumerate(blocks)
        if b["t"] == "Header" and _text(b["c"][2]) == "Key recommendations"
    )
    end = next(
        i for i, b in enumerate(blocks) if i > start and b["t"] == "Header" and b["c"][0] == 1
    )
    section = blocks[start:end]
    lists = [b for b in section if b["t"] == "OrderedList"]
    numbers = []
    for lst in lists:
        first = lst["c"][0][0]
        numbers += list(range(first, first + len(lst["c"][1])))
    # five notes' recommendations: 2 each from the fixture, numbered 1..8 without gaps
    assert numbers == list(range(1, 9))
    rights_at = next(
        i
        for i, b in enumerate(section)
        if b["t"] == "Header"
        and _text(b["c"][2]) == "Protecting the rights and well-being of migrants"
    )
    following = _text(section[rights_at : rights_at + 2])
    assert "Protect children." in following
    assert "Geneva workshop: Addressing the needs of children on the move." in following
    assert "Levels: local, national." in following
    assert "Addressed to: local authorities; child protection services." in following


def test_submitted_markup_cannot_escape_or_run(make_project: Callable[..., ProjectDir]) -> None:
    body = (
        "\n# A top heading\n\nSee[^1].\n\n[^1]: First footnote text.\n\n"
        '```{=typst}\n#read("/etc/passwd")\n```\n\n'
        'Inline `#image("/etc/passwd")`{=typst} and <script>alert(1)</script>.\n\n'
        "![secret](/etc/passwd) ![up](../../outside.png) ![web](http://example.com/x.png)\n\n"
        "[local file](file:///etc/passwd) and [site](https://www.iom.int)\n\n"
        ":::\n\n```\nunclosed code block\n"
    )
    other = "\nAlso[^1].\n\n[^1]: Second footnote text.\n"
    project = make_project(
        {
            "contributions/a.md": contribution_text("Org A", body=body),
            "contributions/b.md": contribution_text("Org B", body=other),
        }
    )
    # validation refuses these pictures (IDM051); the sanitiser must hold even without it
    _, ast, images = _book(project, allow_errors=True)
    raw = json.dumps(ast)
    assert '"RawBlock"' not in raw and '"RawInline"' not in raw
    text = _text(ast["blocks"])
    assert '#read("/etc/passwd")' in text  # shown as text, not run
    assert "<script>" in text
    assert images == {}
    assert "file:///etc/passwd" not in raw and "http://example.com" not in raw
    assert "https://www.iom.int" in raw
    assert "First footnote text." in text and "Second footnote text." in text
    # the unclosed code block did not swallow the rest of the book
    assert _headings(ast, 1)[-1] == "Annex II: Texts of stakeholder contributions"
    assert "A top heading" in _headings(ast, 3)


def test_pictures_inside_the_project_are_kept(make_project: Callable[..., ProjectDir]) -> None:
    png = DOT_PNG  # (a valid PNG: validation now checks the picture's data)
    project = make_project(
        {
            "contributions/media/map.png": png,
            "contributions/a.md": contribution_text(
                "Org A", body="\n![Route map](media/map.png)\n"
            ),
        }
    )
    _, ast, images = _book(project)
    assert len(images) == 1
    name, source = next(iter(images.items()))
    assert name.startswith("media/") and name.endswith(".png")
    assert source == (project.root / "contributions/media/map.png").resolve()
    assert name in json.dumps(ast)
