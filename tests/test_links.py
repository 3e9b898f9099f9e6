"""Internal links (issue 18): ``[text](#id)`` to a place the book does not have is a validate
error on its line (IDM154); links to a heading's own id, to the book's places and to a
cross-reference id are not."""

from __future__ import annotations

from collections.abc import Callable

from conftest import CHAPTER, ProjectDir, triples

FOREWORD = (
    CHAPTER
    + """
See [the scope](#scope-of-the-book), [the other scope](#scope-of-the-book-1) and
[the key recommendations](#key-recommendations) and [the theme](#theme-rights-wellbeing).
A [broken link](#no-such-id) and [a third scope](#scope-of-the-book-2).
Code is not a link: `[x](#nowhere)`; nor is [a web page](https://example.org/#nowhere).
A [figure](#fig-missing) is a cross-reference.

## Scope of the *book*

Text.

## Scope of the book

More text.
"""
)


def test_a_link_to_nowhere_is_an_error_on_its_line(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project({"chapters/foreword.md": FOREWORD})
    found = {t for t in triples(project.validate()) if t[1] in ("IDM154", "IDM128")}
    assert found == {
        ("chapters/foreword.md", "IDM154", 11, 17),
        ("chapters/foreword.md", "IDM154", 11, 50),
        ("chapters/foreword.md", "IDM128", 13, 10),
    }


def test_a_link_into_a_contribution_heading_is_fine(
    make_project: Callable[..., ProjectDir],
) -> None:
    from conftest import contribution_text

    body = "\n## Our one-stop shops\n\nText.\n"
    project = make_project(
        {
            "contributions/montreal.md": contribution_text(body=body),
            "chapters/foreword.md": CHAPTER + "\nSee [the shops](#our-one-stop-shops).\n",
        }
    )
    assert not [d for d in project.validate().diagnostics if d.code == "IDM154"]


def test_a_link_to_a_withheld_contribution_leads_nowhere(
    make_project: Callable[..., ProjectDir],
) -> None:
    from conftest import contribution_text

    body = "\n## Our one-stop shops\n\nText.\n"
    project = make_project(
        {
            "contributions/montreal.md": contribution_text(body=body, consent="false"),
            "chapters/foreword.md": CHAPTER + "\nSee [the shops](#our-one-stop-shops).\n",
        }
    )
    found = [t for t in triples(project.validate()) if t[1] == "IDM154"]
    assert found == [("chapters/foreword.md", "IDM154", 9, 17)]
