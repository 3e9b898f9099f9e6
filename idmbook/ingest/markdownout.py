"""A cleaned AST written as the book's Markdown: no raw markup, no attributes, rules as text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from idmbook.ingest.nodetext import Node, is_node
from idmbook.ingest.pandocast import api_version, run_pandoc
from idmbook.load.archive import Limits
from idmbook.load.findings import Refused

WRITER = (
    "markdown-raw_html-raw_attribute-raw_tex-native_divs-native_spans-fenced_divs"
    "-link_attributes-header_attributes-inline_code_attributes-fenced_code_attributes-smart"
    "-tex_math_single_backslash-tex_math_double_backslash-citations-yaml_metadata_block"
    "-simple_tables-multiline_tables"
)
"""pandoc's Markdown with every extension that could carry raw markup or attributes off, but
for the two the book reads on purpose: spans with ``dir``/``lang`` (bracketed spans; no
fenced divs, which the book's containment of a submitted text escapes) and equations as TeX
between dollars. Tables are pipe tables, or grid tables when a cell holds more than a line:
neither depends on where a word falls in its column, as simple and multiline tables do."""


def to_markdown(blocks: list[Node], workdir: Path, limits: Limits) -> str:
    """Markdown of ``blocks`` with raw markup and attributes off, one line per paragraph."""
    ast = {"pandoc-api-version": api_version(), "meta": {}, "blocks": protect_rules(blocks)}
    data = json.dumps(ast, ensure_ascii=False).encode("utf-8")
    out = run_pandoc(["-f", "json", "-t", WRITER, "--wrap=none"], workdir, limits, data)
    text = out.decode("utf-8").replace("\r\n", "\n")
    if _NO_TABLE.search(text):
        # a table too wide for its column widths: pandoc writes "[TABLE]" in its place
        ast["blocks"] = _widths_from_content(ast["blocks"])
        data = json.dumps(ast, ensure_ascii=False).encode("utf-8")
        args = ["-f", "json", "-t", WRITER, "--wrap=none", "--columns=100000"]
        text = run_pandoc(args, workdir, limits, data).decode("utf-8").replace("\r\n", "\n")
        if _NO_TABLE.search(text):
            raise Refused(
                "IDM116",
                "a table of the document could not be written as a table",
                "this is a bug in idmbook; please report it with the file",
            )
    return text.strip("\n")


_NO_TABLE = re.compile(r"^\[TABLE\]$", re.M)
"""What pandoc writes for a table it cannot lay out (a text '[TABLE]' is written escaped)."""


def _widths_from_content(value: Any) -> Any:
    """``value`` with the column widths of its tables left to their content."""
    if isinstance(value, list):
        return [_widths_from_content(v) for v in value]
    if not is_node(value):
        return value
    if value["t"] == "Table":
        c = _widths_from_content(value["c"])
        c[2] = [[spec[0], {"t": "ColWidthDefault"}] for spec in c[2]]
        return {"t": "Table", "c": c}
    if "c" in value:
        return {"t": value["t"], "c": _widths_from_content(value["c"])}
    return value


_RULE_CHARS = frozenset("-=")


def protect_rules(value: Any) -> Any:
    """``value`` with every line made only of hyphens (or equals signs) written escaped,
    character by character. pandoc writes a paragraph typed as ``----------`` as it is,
    which reads back as a horizontal rule (or, after a line break, turns the line above into
    a heading), and the book's reader would make its hyphens dashes. The escapes are raw
    Markdown, so that pandoc lays out a table cell around them."""
    if isinstance(value, list):
        return [protect_rules(v) for v in value]
    if not is_node(value):
        return value
    kind, c = value["t"], value.get("c")
    if kind in ("Para", "Plain"):
        return {"t": kind, "c": _protect_lines([protect_rules(i) for i in c])}
    if kind == "LineBlock":
        return {"t": kind, "c": [_protect_lines([protect_rules(i) for i in line]) for line in c]}
    if "c" in value:
        return {"t": kind, "c": protect_rules(c)}
    return value


def _protect_lines(inlines: list[Any]) -> list[Any]:
    out = list(inlines)
    start = 0
    while start <= len(out):
        end = start
        while end < len(out) and out[end].get("t") not in ("LineBreak", "SoftBreak"):
            end += 1
        line = out[start:end]
        marks = "".join(str(i["c"]) for i in line if i.get("t") == "Str")
        if (
            line
            and line[0].get("t") == "Str"
            and all(i.get("t") in ("Str", "Space") for i in line)
            and len(marks) >= 3
            and set(marks) <= _RULE_CHARS
            and len(set(marks)) == 1
        ):
            out[start:end] = [
                {"t": "RawInline", "c": ["markdown", "".join("\\" + ch for ch in str(i["c"]))]}
                if i.get("t") == "Str"
                else i
                for i in line
            ]
        start = end + 1
    return out
