"""The sanitiser on submitted text as the book embeds it: the allow-list of attributes, headings
anywhere, equations, languages of footnotes, and the book's own wrappers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from idmbook.compose.embedded import wrap
from idmbook.pandoc.ast import id_counts, stringify
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.sanitize import MAX_MATH_CHARACTERS, Change, Sanitizer, math_problem, sanitize

REL = "contributions/x.md"


@dataclass
class Embedded:
    result: list[Any]
    """The sanitised blocks."""
    changes: list[Change]
    dropped_attributes: int


def embedded(body: str, root: Path, top: int | None = 3, lang: str = "en") -> Embedded:
    """``body`` embedded as the book embeds a contribution (``top`` None: as a
    recommendation, in a list item), sanitised."""
    wrapped = wrap(body, "c1", REL, top, lang, "en")
    if top is None:
        wrapped = "1.  " + wrapped.replace("\n", "\n    ")
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], wrapped.encode()))["blocks"]
    sanitizer = Sanitizer(root)
    result = sanitizer.blocks(blocks, None)
    assert sanitizer.ids == id_counts(result)
    return Embedded(result, sanitizer.changes, sanitizer.dropped_attributes)


def nodes(value: Any, kind: str) -> list[dict[str, Any]]:
    found = []
    if isinstance(value, list):
        for item in value:
            found += nodes(item, kind)
    elif isinstance(value, dict):
        if value.get("t") == kind:
            found.append(value)
        for item in value.values():
            found += nodes(item, kind)
    return found


def attrs(value: Any) -> list[list[Any]]:
    """Every Attr in ``value``."""
    found = []
    if isinstance(value, list):
        if (
            len(value) == 3
            and isinstance(value[0], str)
            and isinstance(value[1], list)
            and isinstance(value[2], list)
            and all(isinstance(p, list) and len(p) == 2 for p in value[2])
        ):
            found.append(value)
        for item in value:
            found += attrs(item)
    elif isinstance(value, dict):
        for item in value.values():
            found += attrs(item)
    return found


def test_only_allowed_attributes_reach_the_renderers(tmp_path: Path) -> None:
    (tmp_path / "contributions/media").mkdir(parents=True)
    (tmp_path / "contributions/media/p.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    body = (
        '[span]{#own .cls lang=fr dir=rtl style="x" onclick="y" src="/etc/passwd"} '
        "[link](https://a.org){lang=es target=_blank} `code`{.python .extra startFrom=2}\n\n"
        '![pic](media/p.png){width=50% height=3cm poster="/etc/passwd" width=9}\n\n'
        '## Heading {#mine .unnumbered custom-style="Heading 1" lang=fr}\n\n'
        '## Auto heading\n\n[bad]{lang="fr onload=x" dir=up}\n\n'
        '```{.python data-src="../../x"}\ncode\n```\n'
    )
    result = embedded(body, tmp_path)
    marks = [a for a in attrs(result.result) if {"idm-src", "idm-src-end"} & set(a[1])]
    assert [a[2] for a in marks] == [[["source", REL]], []], "the book's own"
    kept = sorted({key for attr in attrs(result.result) if attr not in marks for key, _ in attr[2]})
    assert kept == ["dir", "height", "lang", "width"]
    spans = nodes(result.result, "Span")
    assert spans[0]["c"][0] == ["", [], [["lang", "fr"], ["dir", "rtl"]]]
    assert len(spans) == 1, "a span left with no attribute is its text"
    [image] = nodes(result.result, "Image")
    assert image["c"][0][2] == [["width", "50%"], ["height", "3cm"]]
    [code] = nodes(result.result, "Code")
    assert code["c"][0] == ["", ["python"], []]
    headers = nodes(result.result, "Header")
    assert headers[0]["c"][1] == ["", ["unnumbered"], [["lang", "fr"]]], "no id of the text's own"
    assert headers[1]["c"][1][0] == "auto-heading", "pandoc's own id is kept"
    dropped = [c.what for c in result.changes if c.kind == "attribute"]
    assert dropped == [
        "#own", ".cls", "style", "onclick", "src", "target", ".extra", "startFrom",
        "poster", "width", "#mine", "custom-style", "lang", "dir", "data-src",
    ]  # fmt: skip
    assert result.dropped_attributes == len(dropped)


def test_the_books_own_ids_and_languages_are_kept(tmp_path: Path) -> None:
    markdown = (
        "# Chapter {#chapter-x}\n\n::: {#idm-contributors-chart}\n:::\n\n"
        '[Titre]{lang="fr"} and [x]{.idm-src data-src="notes/a.md"}\n'
    )
    ast = json.loads(run_pandoc(["-f", READER, "-t", "json"], markdown.encode()))
    clean = sanitize(ast, tmp_path).ast["blocks"]
    assert clean[0]["c"][1][0] == "chapter-x"
    assert clean[1]["c"][0][0] == "idm-contributors-chart"
    assert nodes(clean, "Span")[0]["c"][0] == ["", [], [["lang", "fr"]]]


@pytest.mark.parametrize(
    ("body", "container"),
    [
        ("- # In a list", "list item"),
        ("1. ## In a numbered list", "list item"),
        ("> # In a quote", "block quote"),
        ("Term\n\n:   # In a definition", "definition list"),
        ("Note.[^1]\n\n[^1]: Text.\n\n    # In a footnote", "footnote"),
        ("+-------------+\n| # In a cell |\n+-------------+", "table cell"),
        ("![Caption](media/none.png)\n\n> - > # Deeper", "block quote"),
    ],
)
def test_a_heading_in_a_container_is_bold_text(body: str, container: str, tmp_path: Path) -> None:
    result = embedded("# Top\n\n" + body, tmp_path)
    headers = nodes(result.result, "Header")
    assert [h["c"][0] for h in headers] == [3], "only the top-level heading is one"
    [change] = [c for c in result.changes if c.kind == "heading"]
    assert f"inside a {container}" in change.why
    strong = [stringify(s["c"]) for s in nodes(result.result, "Strong")]
    assert change.what in strong and change.what in body


def test_a_recommendations_headings_are_bold_text(tmp_path: Path) -> None:
    result = embedded("# A heading in a recommendation\n\nIts text.", tmp_path, top=None)
    assert nodes(result.result, "Header") == []
    [change] = result.changes
    assert change.kind == "heading" and "list item" in change.why


def test_headings_are_placed_without_a_skip_and_never_above_the_wrapper(tmp_path: Path) -> None:
    body = "## A\n\n#### B\n\n### C\n\n# D\n\n## E\n\n### F\n\n#### G\n\n##### H\n"
    result = embedded(body, tmp_path)
    levels = [h["c"][0] for h in nodes(result.result, "Header")]
    assert levels == [3, 4, 4, 3, 4, 5, 6]
    assert all(b - a <= 1 for a, b in zip([2, *levels], levels, strict=False))
    changes = [(c.kind, c.what) for c in result.changes]
    assert changes == [("level", "B"), ("level", "D"), ("heading", "H")]


def test_a_text_in_another_language_tags_its_footnotes(tmp_path: Path) -> None:
    result = embedded("Texte.[^1]\n\n[^1]: Une note.", tmp_path, lang="fr")
    start, div, end = [d for d in result.result if d["t"] == "Div"]
    assert (start["c"][0][1], end["c"][0][1]) == (["idm-src"], ["idm-src-end"])
    assert div["c"][0] == ["", [], [["lang", "fr"]]]
    [note] = nodes(div, "Note")
    assert note["c"][0]["t"] == "Div" and note["c"][0]["c"][0][2] == [["lang", "fr"]]


def test_submitted_text_cannot_pass_for_the_books_wrapper(tmp_path: Path) -> None:
    """An idm-src span of the text's own is an ordinary span: its data-src (where its pictures
    are found) and data-top are dropped and warned of."""
    result = embedded('[x]{.idm-src data-src="../../outside" data-top="1"}', tmp_path)
    assert nodes(result.result, "Span") == []
    assert [c.what for c in result.changes] == [".idm-src", "data-src", "data-top"]


@pytest.mark.parametrize(
    ("tex", "problem"),
    [
        ("x^2 + \\frac{1}{2}", None),
        ("\\begin{pmatrix} a & b \\end{pmatrix}", None),
        ("\\left(\\left(x\\right)\\right)", None),
        ("\\newcommand{\\a}{b}\\a", "\\newcommand"),
        ("\\def\\x{y}", "\\def"),
        ("\\input{/etc/passwd}", "\\input"),
        ("\\href{http://x}{y}", "\\href"),
        ("\\url{file:///x}", "\\url"),
        ("\\DeclareMathOperator{\\w}{w}", "\\DeclareMathOperator"),
        ("x_{" * 9 + "y" + "}" * 9, "9 deep"),
        ("\\left(" * 9 + "x" + "\\right)" * 9, "9 deep"),
        ("x_{" * 8 + "y" + "}" * 8, None),
        ("x+" * MAX_MATH_CHARACTERS, "characters long"),
        ("\\{" * 50, None),
    ],
)
def test_what_an_equation_may_hold(tex: str, problem: str | None) -> None:
    found = math_problem(tex)
    assert (found is None) == (problem is None), found
    assert problem is None or problem in str(found)


def test_a_refused_equation_is_its_tex_as_code(tmp_path: Path) -> None:
    result = embedded("Kept $x^2$, refused $\\input{/etc/passwd}$.", tmp_path)
    assert [m["c"][1] for m in nodes(result.result, "Math")] == ["x^2"]
    assert [c["c"][1] for c in nodes(result.result, "Code")] == ["\\input{/etc/passwd}"]
    assert [c.kind for c in result.changes] == ["math"]


def test_a_heading_without_words_is_no_heading(tmp_path: Path) -> None:
    """PDF/UA refuses a heading with no text (Word files have empty heading paragraphs)."""
    (tmp_path / "contributions/media").mkdir(parents=True)
    (tmp_path / "contributions/media/p.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = embedded("# Title\n\n##\n\n## ![A map](media/p.png)\n\n### Sub", tmp_path)
    headers = [(h["c"][0], stringify(h["c"][2])) for h in nodes(result.result, "Header")]
    assert headers == [(3, "Title"), (4, "Sub")]
    assert len(nodes(result.result, "Image")) == 1, "the picture is kept, in a paragraph"
    assert [(c.kind, c.why.split(":")[0]) for c in result.changes] == [
        ("heading", "it is empty"),
        ("heading", "it has no words, and a heading of the book needs some"),
        ("level", "it jumps from level 1 (#) to level 3 (###)"),
    ]


def test_a_heading_does_not_start_or_end_with_a_line_break(tmp_path: Path) -> None:
    """(pandoc's Typst wrote such a heading empty, its words a paragraph after it; converted
    Word files have them.)"""
    words = [{"t": "Str", "c": "Words"}, {"t": "LineBreak"}, {"t": "Str", "c": "more"}]
    heading = {"t": "Header", "c": [1, ["", [], []], [{"t": "LineBreak"}, *words, {"t": "Space"}]]}
    [result] = Sanitizer(tmp_path).submitted([heading], REL, 3)
    assert result == {"t": "Header", "c": [3, ["", [], []], words]}
