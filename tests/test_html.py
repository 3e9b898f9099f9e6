"""The HTML edition: pandoc in its sandbox, the book's pictures embedded by idmbook from the
checked files only, the metadata as text, and no attribute of a submission that could run."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from conftest import ProjectDir, contribution_text
from hostile.cases_build import _tiny_png
from hostile.harness import TOKEN, html_problems

from idmbook.commands.build import BuildOptions, build
from idmbook.render.html import render_html
from idmbook.render.meta import BookMeta

TEMPLATES = Path(__file__).parent.parent / "templates"


def _meta(images: dict[str, Path], title: str = "A book") -> BookMeta:
    return BookMeta(
        title=title,
        subtitle="<b>sub</b>",
        series_line=None,
        publisher="IOM",
        year=2017,
        language="en",
        author="<script>alert(1)</script>",
        subject="Subject",
        keywords=("*emphasis*", "[link](javascript:x)"),
        imprint=(),
        images=images,
    )


def test_the_checks_of_a_page_can_fail(tmp_path: Path) -> None:
    (tmp_path / "pic.png").write_bytes(b"picture")
    inside = base64.b64encode(b"picture").decode()
    outside = base64.b64encode(TOKEN.encode()).decode()
    page = (
        f'<html><body><img src="data:image/png;base64,{inside}"><script>x()</script>'
        f'<span onclick="x">a</span><img src="data:image/png;base64,{outside}">'
        f'<a href="javascript:x">b</a><p style="color:red">c</p><iframe srcdoc="x"></iframe>'
        f'<col style="width: 50%"></body></html>'
    )
    problems = html_problems(page.encode(), tmp_path)
    assert problems == [
        "HTML: a <script> element",
        "HTML: <span onclick=...>",
        "HTML: <img> embeds something not in the project",
        "HTML: <img> embeds a file from outside the project",
        "HTML: <a href='javascript:x'>",
        "HTML: <p style='color:red'>",
        "HTML: a <iframe> element",
        "HTML: <iframe srcdoc=...>",
    ]


def test_metadata_is_text_and_pictures_come_only_from_the_book(tmp_path: Path) -> None:
    """The renderer is the last line: even given attributes the sanitiser would drop, pandoc
    in its sandbox reads nothing (the canary is not embedded), and the title is text."""
    (tmp_path / "canary.txt").write_text(TOKEN)
    picture = tmp_path / "pic.png"
    picture.write_bytes(_tiny_png())
    hostile = [["src", str(tmp_path / "canary.txt")], ["poster", str(tmp_path / "canary.txt")]]
    ast = {
        "pandoc-api-version": [1, 23, 1],
        "meta": {"header-includes": {"t": "MetaString", "c": "<script>x()</script>"}},
        "blocks": [
            {
                "t": "Para",
                "c": [
                    {
                        "t": "Image",
                        "c": [
                            ["", [], hostile],
                            [{"t": "Str", "c": "A pixel"}],
                            ["media/0123456789abcdef.png", ""],
                        ],
                    },
                    {"t": "Math", "c": [{"t": "InlineMath"}, "x^2"]},
                ],
            }
        ],
    }
    page = render_html(
        ast,
        _meta({"media/0123456789abcdef.png": picture}, "<img src=x onerror=alert(1)>"),
        TEMPLATES,
    ).decode()
    assert TOKEN not in page and base64.b64encode(TOKEN.encode()).decode()[:12] not in page
    assert "<script" not in page and "<b>sub" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert base64.b64encode(picture.read_bytes()).decode() in page
    assert "<math" in page, "equations as MathML, no script"


def test_a_hostile_contribution_gives_a_clean_page(
    make_project: Callable[..., ProjectDir],
) -> None:
    body = (
        '\n[Hover]{onmouseover="alert(1)" style="position:fixed"} '
        '[link](https://www.iom.int){onclick="x" data-src="../../outside.txt"}\n\n'
        '![A pixel](media/pic.png){onerror="alert(2)" src="/proc/self/environ" width=40%}\n\n'
        "## Heading {onload=x}\n\n$x^2$ and $<script>alert(3)</script>$\n"
    )
    png = _tiny_png()
    project = make_project(
        {
            "contributions/evil.md": contribution_text("Evil Org", body=body),
            "contributions/media/pic.png": png,
        }
    )
    result = build(project.root, BuildOptions(formats=("html",)))
    page = result.outputs["html"].read_bytes()
    assert html_problems(page, project.root) == []
    text = page.decode()
    assert "Hover" in text and "Evil Org" in text
    assert text.count("data:image/png;base64,") == 1
    assert sorted(d.code for d in result.report.diagnostics) == ["IDM070"] * 7
