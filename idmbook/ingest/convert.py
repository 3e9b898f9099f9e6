"""Convert a submission to the project's Markdown through pandoc's AST, safely.

pandoc runs with ``--sandbox`` (its readers and writers may read only the file named on its
command line and never the network), in an empty folder that is also its resource path, and
with a time and memory limit. The document goes to pandoc's JSON AST, is cleaned here (raw
markup becomes text, unsafe links and pictures are removed, attributes dropped, headings
normalised) and is written as Markdown with every raw-markup extension off. The Markdown is
then read back the way the book reads it, and refused if anything raw survived.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from idmbook.ingest.direction import has_rtl, normal_tag
from idmbook.load.archive import Limits
from idmbook.load.findings import Finding, Refused
from idmbook.pandoc.markdown import READER, contain
from idmbook.pandoc.run import pandoc_path

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

_NO_ATTR: list[Any] = ["", [], []]
_FILE_NAME = re.compile(
    r"^([A-Za-z]:\\|\\\\|/|~/|file:)|\.(jpe?g|png|gif|bmp|tiff?|emf|wmf|svg|webp)$", re.I
)
"""Alternative text that is only the name of the picture's file (Word fills it in so)."""
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.I)
Node = dict[str, Any]
_CONTAINERS = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}


def run_pandoc(
    args: list[str], workdir: Path, limits: Limits, stdin: bytes = b"", what: str = "file"
) -> bytes:
    """pandoc in a sandbox, in ``workdir``, with ``limits``; a failure refuses the file."""
    command = [
        pandoc_path(),
        "+RTS",
        f"-M{limits.pandoc_memory}",
        "-RTS",
        "--sandbox",
        f"--resource-path={workdir}",
        *args,
    ]
    try:
        proc = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            cwd=workdir,
            check=False,
            timeout=limits.pandoc_timeout,
        )
    except subprocess.TimeoutExpired:
        raise Refused(
            "IDM116",
            f"converting the {what} took longer than {limits.pandoc_timeout:.0f} s",
            "ask the sender to open the file and save it again as .docx",
        ) from None
    if proc.returncode != 0:
        message = [
            line
            for line in proc.stderr.decode("utf-8", "replace").strip().splitlines()
            if line.strip() and not line.startswith("[WARNING]")
        ]
        first = " ".join(message[:2]) if message else f"exit status {proc.returncode}"
        raise Refused(
            "IDM116",
            f"pandoc could not read the {what}: {first[:300]}",
            "ask the sender to open the file and save it again as .docx",
        )
    return proc.stdout


@cache
def api_version() -> list[int]:
    """The AST version of the bundled pandoc, for ASTs built here."""
    proc = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "json"],
        input=b"",
        capture_output=True,
        check=False,
        timeout=60,
    )
    try:
        version = json.loads(proc.stdout)["pandoc-api-version"]
    except (ValueError, KeyError, TypeError):
        return [1, 23]
    return [int(v) for v in version]


def to_ast(args: list[str], workdir: Path, limits: Limits, stdin: bytes = b"") -> Node:
    """pandoc's JSON AST of the input named in ``args`` (or given on ``stdin``)."""
    out = run_pandoc([*args, "-t", "json"], workdir, limits, stdin)
    deepest = json_depth(out)
    if deepest > MAX_DEPTH:
        raise Refused(
            "IDM116",
            f"the document nests quotations, lists or tables about {deepest // 2} levels deep; "
            f"idmbook reads up to {MAX_DEPTH // 2}",
            "ask the sender to open the file and save it again as .docx; a document written "
            "in a word processor never nests that deep",
        )
    try:
        ast = json.loads(out)
    except (ValueError, RecursionError) as exc:
        raise Refused("IDM116", f"pandoc's output could not be read: {exc}") from None
    if not isinstance(ast, dict) or not isinstance(ast.get("blocks"), list):
        raise Refused("IDM116", "pandoc's output has no document in it")
    return ast


MAX_DEPTH = 300
"""How deep pandoc's JSON of a submission may nest (a quotation in a quotation is two levels):
deeper would exhaust the walks over the document, and no word processor writes it."""


def json_depth(data: bytes) -> int:
    """How deep the arrays and objects of the JSON ``data`` nest (strings skipped)."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate((1 if b in b"[{" else -1 for b in brackets), initial=0))


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def text_ast(text: str) -> Node:
    """A plain text file as an AST: paragraphs at blank lines, lines kept as line breaks."""
    blocks: list[Node] = []
    for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
        inlines: list[Node] = []
        for i, line in enumerate(paragraph.split("\n")):
            if i:
                inlines.append({"t": "LineBreak"})
            words = line.split()
            for j, word in enumerate(words):
                if j:
                    inlines.append({"t": "Space"})
                inlines.append({"t": "Str", "c": word})
        if inlines:
            blocks.append({"t": "Para", "c": inlines})
    return {"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks}


@dataclass
class Cleaner:
    """Cleans an AST; ``picture`` maps a picture's target and alt text to its new target
    (None leaves the picture out, keeping its alt text)."""

    picture: Callable[[str, str], str | None]
    findings: list[Finding] = field(default_factory=list)
    raw: int = 0
    links_removed: list[str] = field(default_factory=list)
    file_name_alts: list[str] = field(default_factory=list)

    def blocks(self, blocks: list[Node]) -> list[Node]:
        cleaned = self._walk(blocks)
        assert isinstance(cleaned, list)
        return [b for b in simplify_spans(cleaned, {}) if not _empty(b)]

    def report(self) -> list[Finding]:
        out = list(self.findings)
        if self.raw:
            out.append(
                Finding(
                    "IDM119",
                    f"{self.raw} piece{'s' * (self.raw != 1)} of raw markup kept as plain text",
                )
            )
        if self.file_name_alts:
            n = len(self.file_name_alts)
            out.append(
                Finding(
                    "IDM125",
                    f"{n} picture{'s' * (n != 1)} had the name of a file as alternative text "
                    f"('{self.file_name_alts[0][-60:]}'); it was removed",
                    "describe what the pictures show (the book needs alternative text)",
                )
            )
        if self.links_removed:
            shown = ", ".join(f"'{u[:60]}'" for u in self.links_removed[:3])
            more = len(self.links_removed) - 3
            out.append(
                Finding(
                    "IDM117",
                    f"{len(self.links_removed)} link{'s' * (len(self.links_removed) != 1)} "
                    f"replaced by their text ({shown}{f' and {more} more' if more > 0 else ''})",
                )
            )
        return out

    def _walk(self, value: Any) -> Any:
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                result = self._walk(item)
                if _is_node(item) and isinstance(result, list):
                    out.extend(result)
                else:
                    out.append(result)
            return out
        if _is_node(value):
            node: Node = {"t": value["t"]}
            if "c" in value:
                node["c"] = self._walk(value["c"])
            return self._node(node)
        return value

    def _node(self, node: Node) -> Node | list[Node]:
        kind, c = node["t"], node.get("c", [])
        if kind == "RawInline":
            self.raw += 1
            return {"t": "Str", "c": c[1]} if c[1] else []
        if kind == "RawBlock":
            self.raw += 1
            inlines: list[Node] = []
            for i, line in enumerate(c[1].split("\n")):
                if i:
                    inlines.append({"t": "LineBreak"})
                if line:
                    inlines.append({"t": "Str", "c": line})
            return {"t": "Para", "c": inlines}
        if kind == "Span":
            attrs = text_attributes(c[0])
            return {"t": "Span", "c": [["", [], attrs], c[1]]} if attrs else list(c[1])
        if kind == "Div":
            attrs = text_attributes(c[0])
            return _carry(list(c[1]), attrs) if attrs else list(c[1])
        if kind == "Cite":
            return list(c[1])
        if kind == "Link":
            url = c[2][0]
            if not _SAFE_LINK.match(url):
                if not url.startswith("#"):
                    self.links_removed.append(url)
                return list(c[1])
            return {"t": "Link", "c": [_NO_ATTR, _unlinked(c[1]), [url, c[2][1]]]}
        if kind == "Image":
            alt = plain_text(c[1])
            if _FILE_NAME.search(alt):
                self.file_name_alts.append(alt)
                c = [c[0], [], c[2]]
                alt = ""
            target = self.picture(c[2][0], alt)
            if target is None:
                return [{"t": "Str", "c": f"[{alt}]"}] if alt else []
            return {"t": "Image", "c": [_NO_ATTR, c[1], [target, ""]]}
        if kind in ("Superscript", "Subscript") and any(
            _is_node(i) and i["t"] == "Note" for i in c
        ):
            return _notes_out(kind, c)
        if kind in ("Header",):
            return {"t": kind, "c": [c[0], _NO_ATTR, c[2]]}
        if kind in ("Code", "CodeBlock"):
            return {"t": kind, "c": [_NO_ATTR, c[1]]}
        if kind == "Figure":
            return {"t": kind, "c": [_NO_ATTR, c[1], c[2]]}
        return node


def _unlinked(inlines: list[Any]) -> list[Any]:
    """The text of a link with the links inside it replaced by their text: Markdown has no
    link inside a link, and pandoc's reader slows down beyond measure on nested brackets
    (a page of links nested five deep took it more than two minutes)."""
    out: list[Any] = []
    for inline in inlines:
        if _is_node(inline) and inline["t"] == "Link":
            out.extend(_unlinked(inline["c"][1]))
        elif _is_node(inline) and inline["t"] in _CONTAINERS:
            out.append({"t": inline["t"], "c": _unlinked(inline["c"])})
        elif _is_node(inline) and inline["t"] in ("Span", "Quoted"):
            out.append({"t": inline["t"], "c": [inline["c"][0], _unlinked(inline["c"][1])]})
        else:
            out.append(inline)
    return out


def _notes_out(kind: str, inlines: list[Node]) -> list[Node]:
    """A superscript or subscript holding a note (a note's number styled as superscript, as
    LibreOffice writes it) split around the note: a note cannot be written inside one."""
    out: list[Node] = []
    run: list[Node] = []
    for inline in inlines:
        if inline.get("t") == "Note":
            if run:
                out.append({"t": kind, "c": run})
                run = []
            out.append(inline)
        else:
            run.append(inline)
    if run:
        out.append({"t": kind, "c": run})
    return out


def _is_node(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("t"), str)


def text_attributes(attr: list[Any]) -> list[list[str]]:
    """The attributes of a span or div that the book keeps: ``dir`` (rtl or ltr) and a valid
    ``lang``; everything else (identifiers, classes, styles) is dropped."""
    pairs = dict(attr[2]) if isinstance(attr, list) and len(attr) == 3 else {}
    out: list[list[str]] = []
    direction = str(pairs.get("dir", "")).strip().lower()
    if direction in ("rtl", "ltr"):
        out.append(["dir", direction])
    lang = normal_tag(str(pairs.get("lang", "")))
    if lang:
        out.append(["lang", lang])
    return out


def _holds_rtl(value: Any) -> bool:
    if isinstance(value, list):
        return any(_holds_rtl(v) for v in value)
    if _is_node(value):
        if value["t"] == "Str":
            return has_rtl(str(value["c"]))
        if value["t"] == "Note":
            return False
        return _holds_rtl(value.get("c"))
    return False


def _carry(blocks: list[Node], attrs: list[list[str]]) -> list[Node]:
    """The blocks of a div with ``attrs``, each paragraph's text in a span with them (the
    book's Markdown keeps spans, not divs)."""
    out: list[Node] = []
    for block in blocks:
        kind, c = block["t"], block.get("c", [])
        if kind in ("Para", "Plain") and c:
            block = {"t": kind, "c": [{"t": "Span", "c": [["", [], attrs], c]}]}
        elif kind == "Header" and c[2]:
            block = {"t": kind, "c": [c[0], c[1], [{"t": "Span", "c": [["", [], attrs], c[2]]}]]}
        elif kind in ("BlockQuote",):
            block = {"t": kind, "c": _carry(c, attrs)}
        elif kind == "BulletList":
            block = {"t": kind, "c": [_carry(item, attrs) for item in c]}
        elif kind == "OrderedList":
            block = {"t": kind, "c": [c[0], [_carry(item, attrs) for item in c[1]]]}
        out.append(block)
    return out


def simplify_spans(value: Any, inherited: dict[str, str]) -> Any:
    """Spans whose attributes say nothing their enclosing span has not said are unwrapped
    (pandoc marks every right-to-left run of a right-to-left paragraph); a span holding
    nothing but one span takes its attributes."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            result = simplify_spans(item, inherited)
            if _is_node(item) and isinstance(result, list):
                out.extend(result)
            else:
                out.append(result)
        return out
    if not _is_node(value):
        return value
    if value["t"] == "Span":
        attrs = dict(value["c"][0][2])
        inner = value["c"][1]
        while len(inner) == 1 and _is_node(inner[0]) and inner[0]["t"] == "Span":
            attrs.update(dict(inner[0]["c"][0][2]))
            inner = inner[0]["c"][1]
        if attrs.get("dir") == "rtl" and not _holds_rtl(inner):
            del attrs["dir"]  # a run of Latin letters or spaces marked right to left
        new = {k: v for k, v in attrs.items() if inherited.get(k) != v}
        content = simplify_spans(inner, {**inherited, **attrs})
        if not new:
            return content
        return {"t": "Span", "c": [["", [], sorted([k, v] for k, v in attrs.items())], content]}
    if "c" in value:
        return {"t": value["t"], "c": simplify_spans(value["c"], inherited)}
    return value


def _empty(block: Node) -> bool:
    return block["t"] in ("Para", "Plain") and not block.get("c")


def plain_text(inlines: list[Any]) -> str:
    """The text of a list of inlines, as a reader would say it (notes left out)."""
    out: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if not _is_node(item):
                continue
            kind, c = item["t"], item.get("c", [])
            if kind == "Str":
                out.append(c)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind in ("Code", "Math", "RawInline"):
                out.append(c[1])
            elif kind == "Note":
                continue
            elif kind in _CONTAINERS:
                walk(c)
            elif kind == "Quoted":
                quote = '"' if c[0]["t"] == "DoubleQuote" else "'"
                out.append(quote)
                walk(c[1])
                out.append(quote)
            elif kind in ("Link", "Image", "Span", "Cite"):
                walk(c[1])
            elif kind in ("Plain", "Para"):
                walk(c)

    walk(inlines)
    return " ".join("".join(out).split())


def block_text(block: Node) -> str:
    """The text of one block, for messages and for matching."""
    kind, c = block["t"], block.get("c", [])
    if kind in ("Para", "Plain"):
        return plain_text(c)
    if kind == "Header":
        return plain_text(c[2])
    if kind in ("BulletList", "OrderedList"):
        items = c if kind == "BulletList" else c[1]
        return " ".join(block_text(b) for item in items for b in item)
    return ""


def normalise_headings(blocks: list[Node]) -> tuple[list[Node], dict[int, int]]:
    """Shift headings so the highest is level 2; returns the blocks and old -> new levels."""
    levels = sorted({b["c"][0] for b in blocks if b["t"] == "Header"})
    if not levels:
        return blocks, {}
    shift = 2 - levels[0]
    mapping = {level: min(max(level + shift, 2), 6) for level in levels}
    out = []
    for block in blocks:
        if block["t"] == "Header":  # headings without words: see tidy_headings
            block = {"t": "Header", "c": [mapping[block["c"][0]], *block["c"][1:]]}
        out.append(block)
    return out, {k: v for k, v in mapping.items() if k != v}


def tidy_headings(blocks: list[Node]) -> tuple[list[Node], dict[str, int]]:
    """Headings the book can set as an outline: none deeper than one level below the one
    before it (a document going from level 2 to level 4 gets level 3), none without words (a
    heading holding only a picture or a note becomes a paragraph), and none inside a table,
    a quotation, a list or a note (those become bold paragraphs). Returns the blocks and how
    many headings were changed in each way."""
    done = {"deeper": 0, "without words": 0, "inside other blocks": 0}
    out: list[Node] = []
    previous = 1
    for block in blocks:
        if block["t"] == "Header":
            level, attr, inlines = block["c"]
            if not plain_text(inlines):
                done["without words"] += 1
                if inlines:
                    out.append({"t": "Para", "c": _nested_headings(inlines, done)})
                continue
            if level > previous + 1:
                level = previous + 1
                done["deeper"] += 1
            previous = level
            block = {"t": "Header", "c": [level, attr, _nested_headings(inlines, done)]}
        else:
            block = _nested_headings(block, done)
        out.append(block)
    return out, {k: v for k, v in done.items() if v}


def _nested_headings(value: Any, done: dict[str, int]) -> Any:
    if isinstance(value, list):
        return [_nested_headings(v, done) for v in value]
    if not _is_node(value):
        return value
    if value["t"] == "Header":
        done["inside other blocks"] += 1
        inlines = _nested_headings(value["c"][2], done)
        return {"t": "Para", "c": [{"t": "Strong", "c": inlines}] if inlines else []}
    if "c" in value:
        return {"t": value["t"], "c": _nested_headings(value["c"], done)}
    return value


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
    if not _is_node(value):
        return value
    if value["t"] == "Table":
        c = _widths_from_content(value["c"])
        c[2] = [[spec[0], {"t": "ColWidthDefault"}] for spec in c[2]]
        return {"t": "Table", "c": c}
    if "c" in value:
        return {"t": value["t"], "c": _widths_from_content(value["c"])}
    return value


_BOOK_PREFIX = "a-contribution-with-a-long-file-name-0a1b2c"
"""A footnote prefix as long as the book gives a submitted text (see assemble.py)."""
_COUNTED = ("Table", "Note", "Image", "HorizontalRule", "BulletList", "OrderedList", "Header")


_RULE_CHARS = frozenset("-=")


def protect_rules(value: Any) -> Any:
    """``value`` with every line made only of hyphens (or equals signs) written escaped,
    character by character. pandoc writes a paragraph typed as ``----------`` as it is,
    which reads back as a horizontal rule (or, after a line break, turns the line above into
    a heading), and the book's reader would make its hyphens dashes. The escapes are raw
    Markdown, so that pandoc lays out a table cell around them."""
    if isinstance(value, list):
        return [protect_rules(v) for v in value]
    if not _is_node(value):
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


def check_markdown(
    markdown: str, workdir: Path, limits: Limits, written: list[Node] | None = None
) -> None:
    """Read ``markdown`` back as the book does (contained, then parsed with the book's
    reader); refuse it if raw markup survived, or if what is read back has other tables,
    notes, pictures, rules, lists or headings than the ``written`` blocks."""
    body = contain(markdown, _BOOK_PREFIX)
    book = f'::: {{.idm-src data-src="contribution.md"}}\n{body}\n:::\n'
    ast = to_ast(["-f", READER], workdir, limits, book.encode("utf-8"))
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif _is_node(value):
            if value["t"] in ("RawBlock", "RawInline"):
                found.append(str(value["c"][0]))
            walk(value.get("c"))

    walk(ast["blocks"])
    if found:
        raise Refused(
            "IDM116",
            f"the converted text would carry raw {', '.join(sorted(set(found)))} markup; "
            "it was not written",
            "this is a bug in idmbook; please report it with the file",
        )
    if written is None:
        return
    expected, got = count_kinds(written), count_kinds(ast["blocks"])
    expected["Note"] += _inline_notes(written)
    different = [
        f"{kind}: {expected[kind]} written, {got[kind]} read back"
        for kind in _COUNTED
        if expected[kind] != got[kind]
    ]
    if different:
        raise Refused(
            "IDM116",
            "the converted text does not read back as it was written ("
            + "; ".join(different)
            + "); it was not written",
            "this is a bug in idmbook; please report it with the file",
        )


def count_kinds(value: Any) -> dict[str, int]:
    """How many nodes of each kind in :data:`_COUNTED` ``value`` holds."""
    counts = dict.fromkeys(_COUNTED, 0)

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for v in item:
                walk(v)
        elif _is_node(item):
            if item["t"] in counts:
                counts[item["t"]] += 1
            walk(item.get("c"))

    walk(value)
    return counts


def _inline_notes(value: Any) -> int:
    """Notes written inline as raw Markdown (see tables.py)."""
    if isinstance(value, list):
        return sum(_inline_notes(v) for v in value)
    if _is_node(value):
        if value["t"] == "RawInline":
            return int(value["c"][0] == "markdown" and value["c"][1].startswith("^["))
        return _inline_notes(value.get("c"))
    return 0
