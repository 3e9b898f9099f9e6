"""The book's structure: grouping, consent, numbering, and what submitted text can do."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import DOT_PNG, ProjectDir, contribution_text, note_text

from idmbook.check.validate import validate
from idmbook.compose.assemble import assemble
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.sanitize import sanitize


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


# --------------------------------------------------------------------------- what the book writes


def _chapters_and_spans(ast: dict[str, Any]) -> tuple[list[str], list[Any]]:
    spans: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if value.get("t") == "Span":
                spans.append(value)
            for item in value.values():
                walk(item)

    walk(ast["blocks"])
    return _headings(ast, 1), spans


def test_file_names_and_titles_cannot_inject_structure(
    make_project: Callable[..., ProjectDir],
) -> None:
    """A file name with quotes and blank lines, and titles and organisations with brackets,
    braces and newlines, are text: the book's chapters are those of the valid project, and
    no attribute of theirs reaches the book."""
    _, plain, _ = _book(make_project())
    hostile = "\n".join(
        'title: "# Title]{style=x} [y\\n\\n# Injected title"' if line.startswith("title:") else line
        for line in contribution_text(
            "Org ]{onclick=alert(1)} [x", body="\nText of the named file.\n"
        ).split("\n")
    )
    name = 'contributions/a"b\n\n# Injected chapter\n\n::: {.x}\n.md'
    project = make_project({name: hostile})
    markdown, ast, _ = _book(project)
    chapters, spans = _chapters_and_spans(ast)
    assert chapters == _headings(plain, 1)
    assert "Injected chapter" not in " ".join(_headings(ast))
    assert all(s["c"][0] == ["", [], []] or s["c"][0][2] == [["lang", "en"]] for s in spans)
    assert _attribute_keys(ast) <= {"lang"}
    text = _text(ast["blocks"])
    assert "Text of the named file." in text and "Org ]{onclick=alert(1)} [x" in text
    assert 'data-src="contributions/a%22b%0A%0A%23%20Injected' in markdown


def test_a_recommendation_cannot_close_its_wrapper(make_project: Callable[..., ProjectDir]) -> None:
    body = (
        "\n## Summary\n\nText.\n\n## Key messages\n\n- A message.\n\n## Recommendations\n\n"
        '- Protect children]{onclick="alert(1)"} and [more.\n'
        "- # A heading in a recommendation\n"
    )
    project = make_project(
        {
            "chapters/notes/geneva/children.md": note_text(
                "geneva", "children", "[forced-irregular]", body=body
            )
        }
    )
    markdown, ast, _ = _book(project)
    assert _attribute_keys(ast) <= {"lang"}
    assert "Protect children]{onclick=alert(1)} and [more." in _text(
        ast["blocks"]
    )  # (quotes: Quoted)
    assert "A heading in a recommendation" not in _headings(ast)
    assert '::: {.idm-src data-src="chapters/notes/geneva/children.md"}' in markdown


def _lang_spans(ast: dict[str, Any], lang: str) -> list[str]:
    _, spans = _chapters_and_spans(ast)
    return [_text(s["c"][1]) for s in spans if ["lang", lang] in s["c"][0][2]]


def test_titles_and_names_in_another_language_are_tagged_with_it(
    make_project: Callable[..., ProjectDir],
) -> None:
    lyon = (
        contribution_text("Ville de Lyon", body="\nTexte.[^1]\n\n[^1]: Une note.\n")
        .replace("language: en", "language: fr")
        .replace("title: Submission of Ville de Lyon", "title: Contribution de Lyon")
    )
    note = note_text("geneva", "children", "[rights-wellbeing]", extra="language: es\n").replace(
        "title: Session children", "title: Niños en movimiento"
    )
    chapter = "---\ntitle: Note conceptuelle\npart: annex\norder: 1\nlanguage: fr\n---\n\nTexte.\n"
    project = make_project(
        {
            "contributions/lyon.md": lyon,
            "chapters/notes/geneva/children.md": note,
            "chapters/concept.md": chapter,
        }
    )
    _, ast, _ = _book(project)
    french = _lang_spans(ast, "fr")
    # the theme chapter's list (title, organisation), the annex table (organisation, title),
    # the text's heading and byline; the annex chapter's title
    assert french.count("Contribution de Lyon") == 3, french
    assert french.count("Ville de Lyon") == 3, french
    assert "Note conceptuelle" in french
    assert _headings(ast, 1).count("Annex I: Note conceptuelle") == 1
    spanish = _lang_spans(ast, "es")
    assert spanish.count("Niños en movimiento") == 2, "theme chapter and session summaries"
    notes = [n for n in _walk_notes(ast["blocks"]) if "Une note." in _text(n["c"])]
    assert notes and all(n["c"][0]["c"][0][2] == [["lang", "fr"]] for n in notes)


def _walk_notes(value: Any) -> list[Any]:
    found = []
    if isinstance(value, list):
        for item in value:
            found += _walk_notes(item)
    elif isinstance(value, dict):
        if value.get("t") == "Note":
            found.append(value)
        for item in value.values():
            found += _walk_notes(item)
    return found


def _attribute_keys(value: Any) -> set[str]:
    """The keys of every attribute in ``value``."""
    keys: set[str] = set()
    if isinstance(value, dict):
        for item in value.values():
            keys |= _attribute_keys(item)
    elif isinstance(value, list):
        if (
            len(value) == 3
            and isinstance(value[0], str)
            and isinstance(value[1], list)
            and isinstance(value[2], list)
            and all(isinstance(pair, list) and len(pair) == 2 for pair in value[2])
            and "idm-src" not in value[1]  # the sanitiser's mark of where a source begins
        ):
            keys |= {str(key) for key, _ in value[2]}
        for item in value:
            keys |= _attribute_keys(item)
    return keys
