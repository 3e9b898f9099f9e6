"""Validation reports what the build will change in submitted text (idmbook.check.preflight): every
change the sanitiser makes when the book embeds a text is a warning of `idmbook validate` on
the line that causes it, and the cheap check that decides whether to parse a text misses none."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_sanitize import PANDOC

from idmbook.check.preflight import CODES, TOPS, Locator, may_change, scan
from idmbook.compose.embedded import wrap
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.sanitize import Levels, Sanitizer

REL = "contributions/x.md"

FRAGMENTS = [
    "# Heading",
    "## Heading two",
    "#### Heading four",
    "###### Heading six",
    "#",
    "## ![A picture](media/none.png)",
    "- # Heading in a list",
    "1. ## Heading in a numbered list",
    "> ## Heading in a quote",
    "Term\n\n:   ### Heading in a definition",
    "Text with a note.[^1]\n\n[^1]: The note.\n\n    # Heading in a note",
    "+------------------+\n| # Heading cell   |\n+------------------+",
    "Setext heading\n==============",
    "Setext two\n----------",
    "A paragraph\n# not a heading",
    "---",
    'A [span]{onclick="alert(1)"} here.',
    "A [span]{lang=fr} kept.",
    "A [span]{#own .cls style=x} here.",
    "A [link](https://example.org){target=_blank}.",
    "A [bad link](file:///etc/passwd).",
    "A <javascript:alert(1)> autolink.",
    "A [reference][ref].\n\n[ref]: ftp://example.org/x",
    "`code`{.python startFrom=2} and `x`{.a .b}",
    "```{.python data-x=1}\nprint(1)\n```",
    '## Titled {#my-id custom-style="Heading 1"}',
    "Math $x^2$ and $$\\frac{1}{2}$$.",
    "Bad math $\\newcommand{\\a}{b}\\a$ here.",
    "Deep $x_{x_{x_{x_{x_{x_{x_{x_{x_{y}}}}}}}}}$ math.",
    "Costs $5 and $10.",
    "Plain text with {braces} and # a hash.",
    "    # indented code, not a heading",
]


def _build_changes(body: str, root: Path) -> Counter[tuple[str, str]]:
    """The changes the build's sanitiser makes to ``body`` embedded as a contribution."""
    wrapped = wrap(body, "c1", REL, TOPS["contribution"], "en", "en")
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], wrapped.encode()))["blocks"]
    sanitizer = Sanitizer(root)
    sanitizer.blocks(blocks, None)
    assert {c.src for c in sanitizer.changes} <= {REL}
    return Counter((c.kind, c.what) for c in sanitizer.changes if c.kind in CODES)


def _placed(fragment: str, where: str) -> str:
    """``fragment`` at the top level, in a block quote, in a list item or indented."""
    lines = fragment.split("\n")
    if where == "quote":
        return "\n".join("> " + line for line in lines)
    if where == "list":
        return "\n".join(("- " if i == 0 else "  ") + line for i, line in enumerate(lines))
    if where == "indented":
        return "\n".join(" " + line for line in lines)
    return fragment


PART = st.tuples(
    st.sampled_from(FRAGMENTS), st.sampled_from(["top", "top", "quote", "list", "indented"])
).map(lambda x: _placed(*x))


@PANDOC
@given(st.lists(PART, min_size=1, max_size=6), st.booleans())
def test_validation_warns_of_every_change_the_build_makes(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], tight: bool
) -> None:
    root = tmp_path_factory.getbasetemp() / "preflight"
    root.mkdir(exist_ok=True)
    body = ("\n" if tight else "\n\n").join(parts) + "\n"
    built = _build_changes(body, root)
    if not may_change(body, TOPS["contribution"]):
        assert not built, f"may_change said no, the build changed {built}"
    found = scan(body, REL, 20, root, "contribution")
    assert Counter(d.code for d in found) == Counter(CODES[kind] for kind, _ in built.elements())
    lines = body.split("\n")
    for d in found:
        assert d.path == REL and d.severity.value == "warning"
        assert 20 <= d.line < 20 + len(lines), d
        source = lines[d.line - 20]
        if d.code == "IDM070":
            name = d.message.split("'")[1].lstrip("#.").lower()
            assert source[d.column - 1 :].lower().lstrip("#.").startswith(name), (d, source)
        elif d.code == "IDM073":
            assert source[d.column - 1 :].startswith(d.message.split("'")[1][:10]), (d, source)


def test_a_plain_text_is_not_parsed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import idmbook.pandoc.run as common

    def refuse(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("pandoc ran for a text that needs no parse")

    monkeypatch.setattr(common, "run_pandoc", refuse)
    text = (
        "# Title\n\nWords, {braces}, 100 $ and a #hashtag, a note[^1] and a link to "
        "[IOM](https://www.iom.int) and <mailto:a@example.org>.\n\n## Part\n\n### Sub\n\n"
        "## Next\n\n[^1]: The note.\n\n[ref]: https://www.iom.int\n"
    )
    assert scan(text, REL, 1, tmp_path, "contribution") == []
    assert not may_change(text, 3)
    risky = ["# A\n\n### C\n", "- # In a list\n", "Title\n===\n", "[x]{a=1}", "$x$"]
    risky += ["[a](b.md)", "<file:x>", "[r]: ftp://x", "#\n", "# ![x](y.png)\n"]
    for text in risky:
        assert may_change(text, 3), text


def test_a_notes_sections_start_their_levels_afresh() -> None:
    text = "## Summary\n\n### A\n\n## Key messages\n\n#### B\n"
    assert not may_change(text, 4, split_at=2)
    assert may_change("## Summary\n\n### A\n\n##### B\n", 4, split_at=2)


def test_levels_never_skip_and_never_go_above_the_wrapper() -> None:
    levels = Levels(3, [])
    placed = [levels.place(level) for level in (2, 4, 3, 6, 1, 2, 5)]
    assert [p for p, _ in placed] == [3, 4, 4, 5, 3, 4, 5]
    reasons = [why is not None for _, why in placed]
    assert reasons == [False, True, False, True, True, False, True]
    assert "from level 2 (##) to level 4 (####)" in str(placed[1][1])


def test_each_change_is_found_once_in_the_text() -> None:
    """Two equal attributes are two warnings on their own columns."""
    from idmbook.parse.sanitize import Change

    body = "A [x]{style=a} and [y]{style=b}.\n"
    changes = [Change(REL, "attribute", "style", "why")] * 2
    found = Locator(body, REL, 5).diagnostics(changes)
    assert [(d.line, d.column) for d in found] == [(5, 7), (5, 24)]
