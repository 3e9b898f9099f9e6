"""idmbook.load.notebody: a note's sections and its recommendations with attribute blocks."""

from __future__ import annotations

import textwrap

import pytest

from idmbook.load.notebody import RawRecommendation, parse_note_body


def parse(body: str, first_line: int = 1) -> tuple:
    return parse_note_body(textwrap.dedent(body), "n.md", first_line)


def found(problems: list) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.column) for p in problems]


NOTE = """\
    ## Summary

    The session opened the workshop.

    ## Key messages

    - Cooperation matters.

    ## Recommendations

    - Share data.
    """


def test_sections_and_their_lines() -> None:
    body, problems = parse(NOTE, first_line=9)
    assert problems == []
    assert body.sections == {
        "summary": "The session opened the workshop.",
        "key_messages": "- Cooperation matters.",
        "recommendations": "- Share data.",
    }
    assert body.section_lines == {"summary": 9, "key_messages": 13, "recommendations": 17}
    assert [(r.text, r.line) for r in body.recommendations] == [("Share data.", 19)]


@pytest.mark.parametrize(
    ("summary", "key_messages", "recommendations"),
    [
        ("Summary", "Key messages", "Recommendations"),
        ("Résumé", "Messages clés", "Recommandations"),
        ("RÉSUMÉ", "Messages clés :", "Recommandations :"),
        ("Resume", "Messages cles", "Recommandations"),
        ("Résumé", "Messages clés\u00a0:", "Recommandations\u202f:"),
        ("Resumen", "Mensajes clave", "Recomendaciones"),
        ("Summary ##", "Key  Messages:", "Recommendations ###"),
    ],
    ids=["en", "fr", "fr-typography", "fr-no-accents", "fr-nbsp", "es", "trailing-hashes"],
)
def test_section_heading_variants(summary: str, key_messages: str, recommendations: str) -> None:
    body, problems = parse_note_body(
        f"## {summary}\n\nA.\n\n## {key_messages}\n\nB.\n\n## {recommendations}\n\n- C.\n",
        "n.md",
        1,
    )
    assert problems == []
    assert set(body.sections) == {"summary", "key_messages", "recommendations"}
    assert [r.text for r in body.recommendations] == ["C."]


def test_missing_sections_point_at_the_first_body_line() -> None:
    _, problems = parse("## Summary\n\nA.\n", first_line=12)
    assert found(problems) == [("IDM030", 12, 1), ("IDM030", 12, 1)]
    assert [p.message for p in problems] == [
        "the section '## Key messages' is missing",
        "the section '## Recommendations' is missing",
    ]


def test_a_section_twice() -> None:
    _, problems = parse(textwrap.dedent(NOTE) + "\n## Summary\n\nMore.\n", first_line=1)
    assert found(problems) == [("IDM030", 13, 1)]
    assert "appears twice" in problems[0].message


def test_level_one_and_other_level_two_headings_are_not_published() -> None:
    body, problems = parse("# Title\n\n" + textwrap.dedent(NOTE) + "\n## Annex\n\nExtra.\n")
    assert found(problems) == [("IDM033", 1, 1), ("IDM033", 15, 1)]
    assert [p.severity.value for p in problems] == ["info", "info"]
    assert "Extra" not in "".join(body.sections.values())


def test_level_three_headings_stay_in_their_section() -> None:
    body, problems = parse(
        "## Summary\n\n### Morning\n\nA.\n\n## Key messages\n\nB.\n\n## Recommendations\n\n- C.\n"
    )
    assert problems == []
    assert "### Morning" in body.sections["summary"]


def test_text_before_the_first_section() -> None:
    _, problems = parse("\nRapporteur's notes.\n\n" + textwrap.dedent(NOTE), first_line=9)
    assert found(problems) == [("IDM033", 10, 1)]
    assert problems[0].message == "text before the first section is not published"


def test_text_under_an_unpublished_section_is_not_called_a_preamble() -> None:
    _, problems = parse(textwrap.dedent(NOTE) + "\n## Background\n\nNot for the book.\n")
    assert [p.message for p in problems] == ["section 'Background' is not published"]


def test_headings_in_fenced_code_are_not_sections() -> None:
    body, problems = parse(
        "## Summary\n\n```\n## Recommendations\n```\n\n~~~~\n## Annex\n```\n~~~~\n\n"
        "## Key messages\n\nB.\n\n## Recommendations\n\n- C.\n"
    )
    assert problems == []
    assert "## Recommendations" in body.sections["summary"]
    assert "## Annex" in body.sections["summary"]


def test_empty_section_and_no_items() -> None:
    _, problems = parse("## Summary\n\n## Key messages\n\nB.\n\n## Recommendations\n\nProse.\n")
    assert found(problems) == [("IDM034", 1, 1), ("IDM031", 7, 1)]
    assert [p.severity.value for p in problems] == ["warning", "warning"]


def test_an_empty_recommendations_section_is_empty_not_itemless() -> None:
    _, problems = parse("## Summary\n\nA.\n\n## Key messages\n\nB.\n\n## Recommendations\n\n")
    assert found(problems) == [("IDM034", 9, 1)]


# ----------------------------------------------------------------------------- recommendations


def recs(items: str, first_line: int = 1) -> tuple[list[RawRecommendation], list]:
    body, problems = parse_note_body(
        "## Summary\n\nA.\n\n## Key messages\n\nB.\n\n## Recommendations\n\n" + items,
        "n.md",
        first_line,
    )
    return body.recommendations, problems


def test_list_markers_and_continuations() -> None:
    items, problems = recs(
        textwrap.dedent(
            """\
        - Dash.
        * Star
          continued.
        + Plus.
        1. One.
        2) Two,
        lazily continued.

           With a second paragraph.
        """
        )
    )
    assert problems == []
    assert [(r.text, r.line) for r in items] == [
        ("Dash.", 11),
        ("Star\ncontinued.", 12),
        ("Plus.", 14),
        ("One.", 15),
        ("Two,\nlazily continued.\n\nWith a second paragraph.", 16),
    ]


def test_attribute_block() -> None:
    items, problems = recs(
        '- Create one-stop shops. {themes="rights-wellbeing nyd-o" levels="local" '
        'actors="local authorities; civil society ;"}\n'
    )
    assert problems == []
    (rec,) = items
    assert rec.text == "Create one-stop shops."
    assert rec.split("themes") == ["rights-wellbeing", "nyd-o"]
    assert rec.split("levels") == ["local"]
    assert rec.split("actors") == ["local authorities", "civil society"]
    assert (rec.attr_line, rec.attr_column) == (11, 26)


def test_attribute_values_quoted_single_or_bare_and_comma_separated() -> None:
    (rec,), problems = recs("- A. {themes=nyd-a,nyd-b levels='local, national'}\n")
    assert problems == []
    assert rec.split("themes") == ["nyd-a", "nyd-b"]
    assert rec.split("levels") == ["local", "national"]
    assert rec.split("actors") == []


def test_attribute_block_on_a_continuation_line() -> None:
    (rec,), problems = recs('1. Fund shelters\n   for children. {levels="local"}   \n')
    assert problems == []
    assert rec.text == "Fund shelters\nfor children."
    assert (rec.attr_line, rec.attr_column) == (12, 18)


def test_braces_that_are_not_attributes_stay_in_the_text() -> None:
    (rec,), problems = recs("- Keep {this} and {x y} as text {}\n")
    assert problems == []
    assert rec.text == "Keep {this} and {x y} as text {}"
    assert rec.attributes == {}


@pytest.mark.parametrize(
    ("item", "column", "message"),
    [
        ('- A. {themes="nyd-a}', 6, "cannot read the attributes"),
        ('- Abc. {colour="red"}', 8, "unknown attribute 'colour'"),
        ("- A. {levels=local levels=global}", 6, "attribute 'levels' given twice"),
        ('  - Indented. {themes="a" = }', 15, "cannot read the attributes"),
    ],
)
def test_bad_attribute_blocks_point_at_the_brace(item: str, column: int, message: str) -> None:
    _, problems = recs(item + "\n")
    assert found(problems) == [("IDM032", 11, column)]
    assert message in problems[0].message
    assert 'key="value"' in (problems[0].hint or "")


def test_an_item_with_only_attributes_is_empty() -> None:
    items, problems = recs('- Real.\n- {themes="nyd-a"}\n-\n')
    assert [r.text for r in items] == ["Real."]
    assert found(problems) == [("IDM034", 12, 1), ("IDM034", 13, 1)]


def test_nested_list_belongs_to_its_recommendation() -> None:
    items, problems = recs(
        textwrap.dedent(
            """\
        - Strengthen data: {themes="nyd-v"}
          - disaggregate by migratory status
          - share across borders
        - Second.
        1. Third
           1. detail of the third
        """
        )
    )
    assert problems == []
    assert [r.text for r in items] == [
        "Strengthen data:\n- disaggregate by migratory status\n- share across borders",
        "Second.",
        "Third\n1. detail of the third",
    ]
    assert items[0].split("themes") == ["nyd-v"]
    assert (items[0].attr_line, items[0].attr_column) == (11, 20)


def test_text_outside_items() -> None:
    items, problems = recs("The participants recommended:\n\n- A.\n\nAfterwards.\n")
    assert [r.text for r in items] == ["A."]
    assert found(problems) == [("IDM033", 11, 1)]
    assert "outside a list item" in problems[0].message


def test_code_block_inside_recommendations_is_not_a_heading() -> None:
    items, problems = recs("- A.\n\n  ```\n  ## Not a heading\n  ```\n")
    assert problems == []
    assert [r.text for r in items] == ["A.\n\n```\n## Not a heading\n```"]


def test_recommendations_section_twice_keeps_line_numbers() -> None:
    items, problems = recs("- First.\n\n## Recommendations\n\n- Second. {levels=local}\n")
    assert [(r.text, r.line) for r in items] == [("First.", 11), ("Second.", 15)]
    assert (items[1].attr_line, items[1].attr_column) == (15, 11)
    assert found(problems) == [("IDM030", 13, 1)]
