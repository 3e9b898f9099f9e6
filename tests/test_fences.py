"""One rule for fenced code blocks, shared by the checks (content.py), the split of the book
into pieces (cache.py) and the wrapping of bodies (markdown.py): the rule pandoc follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idmbook.load.content import scan
from idmbook.pandoc.markdown import outside_code
from idmbook.pandoc.run import run_pandoc

CASES = {
    # name: (text, the code pandoc reads, the closing fence)
    "a longer fence is not closed by a shorter one": (
        "````\n```\n<div>\n````\n\nafter\n",
        ["```", "<div>"],
        "````",
    ),
    "a fence with words after it does not close": (
        "```\n<div>\n``` not a close\n```\n",
        ["<div>", "``` not a close"],
        "```",
    ),
    "tildes are not closed by backticks": ("~~~\n```\n<b>x</b>\n~~~\n", ["```", "<b>x</b>"], "~~~"),
    "a plain block": ("```python\nx = '<b>'\n```\n<i>out</i>\n", ["x = '<b>'"], "```"),
}


def pandoc_code(text: str) -> list[str]:
    """The lines of every code block pandoc reads in ``text``."""
    ast = json.loads(run_pandoc(["-f", "markdown", "-t", "json"], text.encode()))
    return [line for b in ast["blocks"] if b["t"] == "CodeBlock" for line in b["c"][1].split("\n")]


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_the_lines_left_out_are_pandoc_s_code(case: tuple[str, list[str], str]) -> None:
    text, code, closing = case
    assert pandoc_code(text) == code
    lines = text.split("\n")
    yielded = {number for number, _, _ in outside_code(lines)}
    left_out = [line for number, line in enumerate(lines) if number not in yielded]
    assert left_out == [*code, closing]


def test_markup_inside_code_is_not_reported(tmp_path: Path) -> None:
    text = CASES["a longer fence is not closed by a shorter one"][0]
    assert pandoc_code(text) == ["```", "<div>"]
    assert [d.code for d in scan(text, "c.md", 1, tmp_path, tmp_path)] == []
    reported = scan(text + "<div>\n", "c.md", 1, tmp_path, tmp_path)
    assert [(d.code, d.line) for d in reported] == [("IDM052", 7)]
