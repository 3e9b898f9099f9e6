"""The content checks look line by line only for what the whole text shows is possible: the
result must be the same as looking at every line for everything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import idmbook.load.content as content
from idmbook.load.content import (
    MAX_BRACKET_DEPTH,
    MAX_CONTAINER_DEPTH,
    MAX_INDENT,
    MAX_INLINE,
    MAX_WORD,
    scan,
)

SETTINGS = settings(
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TOKENS = st.sampled_from(
    [
        *"#-*+1.) \n{}=\"'`~![]()<>/\\:;,\tx",
        "\n\n", "```", "~~~", "`code [ ( <`", "{=typst}", "![a](media/x.png)", "![](", "](",
        "[r]: media/y.png", "![x][r]", "<b>", "<!--", "\\begin{x}", "\\beginning", "\u3000",
        "[" * (MAX_BRACKET_DEPTH + 1), "(" * 40, "<" * 70, "\\[" * 8,
        " " * (MAX_INDENT // 4 + 1), "\t" * (MAX_INDENT // 4 + 1), " " * (MAX_INDENT + 1),
        "> " * (MAX_CONTAINER_DEPTH + 1), "- " * (MAX_CONTAINER_DEPTH + 1), "x" * (MAX_WORD + 1),
        "\u00a0", "\\ ", "x\u00a0" * (MAX_WORD // 2), "|", "| ", "+--", "+==", ":   ", "~ ",
        "*a* " * (MAX_INLINE // 2), "_", "^", "`", "[^1]", "](", "1. ", "|" * 9 + "+-",
    ]
)  # fmt: skip


def everything_possible(_body: str) -> content._Possible:
    return content._Possible(pictures=True, raw=True, line_limits=True, brackets=True)


def both(body: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[object], ...]:
    quick = scan(body, "c.md", 5, root, root)
    with monkeypatch.context() as patched:
        patched.setattr(content, "_possible", everything_possible)
        thorough = scan(body, "c.md", 5, root, root)
    return quick, thorough


@SETTINGS
@given(st.lists(TOKENS, max_size=40).map("".join))
def test_the_quick_scan_finds_what_looking_everywhere_finds(body: str) -> None:
    root = Path(__file__).parent
    with pytest.MonkeyPatch.context() as monkeypatch:
        quick, thorough = both(body, root, monkeypatch)
    assert quick == thorough


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("plain words, a [link](https://iom.int) and (brackets).", []),
        ("x" * (MAX_WORD + 1), ["IDM004"]),
        (" " * (MAX_INDENT + 1) + "deep", ["IDM004"]),
        ("\t" * (MAX_INDENT // 4 + 1) + "deep", ["IDM004"]),
        ("> " * (MAX_CONTAINER_DEPTH + 1) + "deep", ["IDM004"]),
        ("[" * (MAX_BRACKET_DEPTH + 1) + "x", ["IDM004"]),
        ("a <b>bold</b> word", ["IDM052", "IDM052"]),
        ("`<b>` in code", []),
        ("\\begin{table}", ["IDM052"]),
        ("![](missing.png)", ["IDM050", "IDM053"]),
        ("\u00a0".join(["word"] * 2000), ["IDM004"]),  # no-break spaces join words
        ("\\ ".join(["word"] * 2000), ["IDM004"]),  # so does pandoc's backslash-space
        (" ".join(["word"] * 2000), []),
        (" ".join(["*a*"] * (MAX_INLINE + 1)), ["IDM004"]),
        ("\n\n".join(" ".join(["*a*"] * 300) for _ in range(5)), []),
        ("\n".join("- *a* **b** [c](https://iom.int)" for _ in range(500)), []),
        ("* * *\n\n" * 500, []),
        ("".join("  " * i + "- x\n" for i in range(24)), []),
        ("".join("  " * i + "- x\n" for i in range(25)), ["IDM004"]),
        ("> - " * 12 + "x", []),
        ("> - " * 13 + "x", ["IDM004"]),
        ("| a | b |\n|---|---|\n" + "| x | y |\n" * 50, []),
    ],
)
def test_each_kind_of_finding_survives_the_shortcuts(
    body: str, found: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick, thorough = both(body, tmp_path, monkeypatch)
    assert [d.code for d in quick] == found  # type: ignore[attr-defined]
    assert quick == thorough


def _grid(depth: int) -> str:
    lines = ["x"]
    for _ in range(depth):
        width = max(len(line) for line in lines)
        border = "+" + "-" * width + "+"
        lines = [border, *("|" + line.ljust(width) + "|" for line in lines), border]
    return "\n".join(lines)


def test_tables_nested_too_deep_for_the_pdf_are_found_on_their_line(tmp_path: Path) -> None:
    """Grid tables nested 10 deep stop Typst ('maximum show rule depth exceeded'); 8 are
    typeset. The first border line past the limit is reported."""
    assert scan(_grid(8), "c.md", 1, tmp_path, tmp_path) == []
    found = scan(_grid(12), "c.md", 1, tmp_path, tmp_path)
    assert [(d.code, d.line) for d in found] == [("IDM004", 9)]
    assert "tables" in found[0].message


def test_a_wide_empty_cell_of_a_grid_table_is_not_indentation(tmp_path: Path) -> None:
    """Ingest writes wide grid tables; an empty cell is a run of spaces between two bars,
    not a line nested in lists."""
    blank = " " * (MAX_INDENT + 20)
    table = "\n".join(
        [
            f"+--------+{'-' * len(blank)}+",
            f"| Year   |{' Arrivals'.ljust(len(blank))}|",
            f"+========+{'=' * len(blank)}+",
            f"| 2016   |{blank}|",
            f"+--------+{'-' * len(blank)}+",
        ]
    )
    assert scan(table, "c.md", 1, tmp_path, tmp_path) == []
    indented = table.replace(f"| 2016   |{blank}|", f"{blank}| 2016   |")
    assert [d.code for d in scan(indented, "c.md", 1, tmp_path, tmp_path)] == ["IDM004"]


def test_the_space_left_in_a_cell_after_a_block_quote_is_not_indentation(
    tmp_path: Path,
) -> None:
    """(From apache/poi's stress005.docx: ingest writes a cell's empty quoted paragraph as '>'
    followed by the rest of the cell's width.)"""
    width = MAX_INDENT + 60
    table = "\n".join(
        [
            f"+--------+{'-' * width}+",
            f"| Name   |{' > Address'.ljust(width)}|",
            f"|        |{' >'.ljust(width)}|",
            f"+--------+{'-' * width}+",
        ]
    )
    assert scan(table, "c.md", 1, tmp_path, tmp_path) == []
    quoted = "> " + " " * width + "text"
    assert [d.code for d in scan(quoted, "c.md", 1, tmp_path, tmp_path)] == ["IDM004"]
