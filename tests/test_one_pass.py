"""Every problem of a file in one run of `idmbook validate`, each at its own line: a model
error (an unknown key, a wrong type) no longer hides the theme, workshop and session checks,
a YAML value in typographic quotes is reported and read on, and the body is checked too."""

from __future__ import annotations

from collections.abc import Callable

from conftest import CliResult, ProjectDir, contribution_text

MakeProject = Callable[..., ProjectDir]
RunMain = Callable[..., CliResult]

NOTE = "chapters/notes/geneva/children.md"

EIGHT_MISTAKES = """\
---
title: “Children on the move: first”
workshop: genva
session: childern
rapporteur: Ana Rapporteur
status: final
themes: [rights-welbeing]
levels: national
colour: blue
date: 2017-07-32
---

## Summary

The session was about children.

## Recommendations

- End the detention of children. {levels="national"}
"""
"""A note with eight typical mistakes: smart quotes (2), a workshop typo (3), a wrong
session (4), a misspelt theme (7), a wrong type (8), an unknown key (9), a date, which a
note does not have (10), and a missing section."""


def test_a_note_with_eight_mistakes_gets_all_eight_in_one_run(
    make_project: MakeProject, run_main: RunMain
) -> None:
    project = make_project({NOTE: EIGHT_MISTAKES})
    result = run_main(["validate", NOTE], cwd=project)
    assert result.exit_code == 1
    heads = [line for line in result.stdout.splitlines() if line.startswith(NOTE)]
    assert heads == [
        f"{NOTE}:2:8: error[IDM013]: “Children on the move: first” is in typographic quotes, "
        "which YAML keeps as part of the value",
        f"{NOTE}:3:11: error[IDM021]: unknown workshop 'genva'",
        f"{NOTE}:4:10: error[IDM022]: session 'childern' is not on the agenda of workshop "
        "'geneva' (the workshop 'genva' is taken as 'geneva')",
        f"{NOTE}:7:10: error[IDM020]: unknown theme 'rights-welbeing'",
        f"{NOTE}:8:9: error[IDM012]: levels: a list is expected: write [national]",
        f"{NOTE}:9:1: error[IDM010]: unknown key 'colour'",
        f"{NOTE}:10:1: error[IDM010]: unknown key 'date'",
        f"{NOTE}:12:1: error[IDM030]: the section '## Key messages' is missing",
    ]
    assert result.stdout.rstrip().endswith("8 errors, 0 warnings, 0 info")
    text = result.stdout
    assert "did you mean 'geneva'?" in text
    assert "did you mean 'children'?" in text
    assert "did you mean 'rights-wellbeing'?" in text
    assert 'write straight quotes: "Children on the move: first"' in text
    assert "a note has no date of its own" in text


def test_a_contribution_with_a_bad_date_and_other_mistakes(
    make_project: MakeProject, run_main: RunMain
) -> None:
    text = (
        contribution_text(themes="[rights-welbeing]", extra="colour: blue\n")
        .replace("received: 2017-05-02", "received: 2017-02-30")
        .replace("workshop: new-york", "workshop: new-yrok")
        .replace("consent: true", "consent: [true]")
    )
    project = make_project({"contributions/montreal.md": text})
    result = run_main(["validate", "contributions/montreal.md"], cwd=project)
    heads = [line for line in result.stdout.splitlines() if line.startswith("contributions/")]
    assert heads == [
        "contributions/montreal.md:6:11: error[IDM021]: unknown workshop 'new-yrok'",
        "contributions/montreal.md:7:10: error[IDM020]: unknown theme 'rights-welbeing'",
        "contributions/montreal.md:9:11: error[IDM012]: received: '2017-02-30' is not a date "
        "(day value is outside expected range)",
        "contributions/montreal.md:10:10: error[IDM012]: consent: Input should be a valid boolean",
        "contributions/montreal.md:11:1: error[IDM010]: unknown key 'colour'",
    ]


def test_a_bold_line_instead_of_a_heading_is_named(
    make_project: MakeProject, run_main: RunMain
) -> None:
    from conftest import note_text

    body = (
        "\n**Summary**\n\nThe session opened the workshop.\n\n"
        "## Key messages\n\n- Cooperation matters.\n\n"
        "## Recommendations\n\n- Share data between States.\n"
    )
    project = make_project({NOTE: note_text("geneva", "children", "[rights-wellbeing]", body=body)})
    result = run_main(["validate", NOTE], cwd=project)
    lines = result.stdout.splitlines()
    head = lines.index(
        f"{NOTE}:10:1: error[IDM030]: the section '## Summary' is missing; the line "
        "'**Summary**' looks like its heading"
    )
    assert lines[head + 1] == "   10 | **Summary**"
    assert lines[head + 3] == (
        "      = hint: a heading is a line starting with '## ': write '## Summary' instead of "
        "'**Summary**'"
    )


def test_attribute_blocks_that_would_print_as_text_are_reported_at_their_line(
    make_project: MakeProject, run_main: RunMain
) -> None:
    from conftest import note_text

    body = (
        '\n## Summary\n\nThe session {themes="rights-wellbeing" opened.\n\n'
        '## Key messages\n\n- Cooperation matters (levels="national").\n\n'
        '## Recommendations\n\n- Share data between States. {levels="national"\n'
        '- Involve local authorities. {levels="local"\n  actors="cities"}\n'
        '\n```\n{levels="in code"\n```\n'
    )
    project = make_project({NOTE: note_text("geneva", "children", "[rights-wellbeing]", body=body)})
    result = run_main(["validate", NOTE], cwd=project)
    heads = [line for line in result.stdout.splitlines() if line.startswith(NOTE)]
    assert heads == [
        f"{NOTE}:12:13: error[IDM032]: the attribute block is never closed with '}}', so it "
        "would be printed as text",
        f"{NOTE}:16:23: error[IDM032]: the attributes are in parentheses, so they would be "
        "printed as text",
        f"{NOTE}:20:30: error[IDM032]: the attribute block is never closed with '}}', so it "
        "would be printed as text",
        f"{NOTE}:24:1: info[IDM033]: text in the Recommendations section outside a list item is "
        "not published",
    ]
