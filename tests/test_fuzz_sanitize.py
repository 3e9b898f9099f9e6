"""Property-based tests of the recommendation syntax and of everything that makes submitted
text safe: the AST sanitiser, Markdown escaping and containment (the last two through the real
pandoc).

The default budget keeps `make test` quick and is derandomised (a fixed seed per test, the
same examples every run). `make fuzz` sets HYPOTHESIS_PROFILE=fuzz: many more examples, drawn
at random each run (hypothesis prints the seed and the example of any failure).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idmbook.load.content import IMAGE_SUFFIXES
from idmbook.load.notebody import parse_note_body
from idmbook.pandoc.ast import id_counts
from idmbook.pandoc.markdown import READER, contain, escape
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.sanitize import sanitize

PROFILES: dict[str, dict[str, Any]] = {
    "default": {"max_examples": 60, "derandomize": True},
    "fuzz": {"max_examples": 3000, "derandomize": False, "print_blob": True},
}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "database": None,
}
FAST = settings(**{**_COMMON, **PROFILES.get(PROFILE, PROFILES["default"])})
"""Pure-Python properties."""
PANDOC = settings(
    **{
        **_COMMON,
        **PROFILES.get(PROFILE, PROFILES["default"]),
        "max_examples": 20 if PROFILE != "fuzz" else 400,
    }
)
"""Properties that run pandoc once per example."""


def test_the_profile_is_known_and_the_default_is_fixed() -> None:
    assert PROFILE in PROFILES, f"HYPOTHESIS_PROFILE={PROFILE!r}: use default or fuzz"
    if PROFILE == "default":
        assert FAST.derandomize and PANDOC.derandomize


# --------------------------------------------------------------------------- recommendations

IDS = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
WORD = st.text(
    st.characters(
        codec="utf-8",
        categories=("L", "N"),
        include_characters=".,()'’é-–",
        exclude_characters="{}",
    ),
    min_size=1,
    max_size=12,
).filter(lambda w: not re.match(r"^[-*+]$|^\d+[.)]$", w))
PHRASE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
ACTOR = st.lists(
    st.text(st.characters(categories=("L",), exclude_characters="{}\"';"), min_size=1, max_size=8),
    min_size=1,
    max_size=3,
).map(" ".join)


@st.composite
def recommendation(draw: st.DrawFn) -> dict[str, Any]:
    """A recommendation as a rapporteur could write it, with what it must parse to."""
    text = draw(PHRASE)
    attrs: dict[str, list[str]] = {}
    for key in draw(st.permutations(["themes", "levels", "actors"])):
        if draw(st.booleans()):
            attrs[key] = draw(st.lists(ACTOR if key == "actors" else IDS, min_size=1, max_size=3))
    quote = draw(st.sampled_from(['"', "'"]))
    gap = draw(st.sampled_from([" ", "  ", "\t"]))
    parts = []
    for key, values in attrs.items():
        joined = (
            "; ".join(values)
            if key == "actors"
            else draw(st.sampled_from([" ", ", "])).join(values)
        )
        parts.append(f"{key}{draw(st.sampled_from(['=', ' = ']))}{quote}{joined}{quote}")
    block = ("{" + " ".join(parts) + "}") if attrs else ""
    marker = draw(st.sampled_from(["-", "*", "+", "1.", "2)"]))
    nested = draw(st.one_of(st.none(), PHRASE))
    first = f"{marker} {text}" + (f"{gap}{block}" if block else "")
    lines = [first]
    if nested is not None:
        indent = " " * (len(marker) + 1)
        lines.append(f"{indent}- {nested}")
    return {"lines": lines, "text": text, "nested": nested, "attrs": attrs}


def note_body(items: list[dict[str, Any]]) -> tuple[str, list[int]]:
    head = (
        "\n## Summary\n\nWhat was said.\n\n## Key messages\n\n- A message.\n\n"
        "## Recommendations\n\n"
    )
    lines = head.split("\n")
    starts = []
    for item in items:
        starts.append(len(lines))
        lines += item["lines"]
    return "\n".join(lines) + "\n", starts


@FAST
@given(st.lists(recommendation(), min_size=1, max_size=6), st.integers(1, 400))
def test_recommendations_round_trip(items: list[dict[str, Any]], first_line: int) -> None:
    body, starts = note_body(items)
    parsed, problems = parse_note_body(body, "n.md", first_line)
    assert [p for p in problems if p.code == "IDM032"] == []
    assert len(parsed.recommendations) == len(items)
    for rec, item, start in zip(parsed.recommendations, items, starts, strict=True):
        assert rec.line == first_line + start
        expected_text = (
            item["text"] if item["nested"] is None else f"{item['text']}\n- {item['nested']}"
        )
        assert rec.text == expected_text
        for key in ("themes", "levels", "actors"):
            assert rec.split(key) == [v.strip() for v in item["attrs"].get(key, [])]
        if item["attrs"]:
            line = body.split("\n")[rec.attr_line - first_line]
            assert line[rec.attr_column - 1] == "{", (line, rec.attr_column)


HOSTILE_LINE = st.lists(
    st.one_of(
        st.sampled_from([*"{}=\"';-*+#`~.:)( \t", "themes=", "levels=", "actors=", "1."]),
        st.characters(codec="utf-8", exclude_characters="\n\r"),
    ),
    max_size=20,
).map("".join)


@FAST
@given(st.lists(HOSTILE_LINE, max_size=25), st.integers(1, 50))
def test_any_recommendations_section_parses_with_diagnostics_in_range(
    lines: list[str], first_line: int
) -> None:
    body = "## Summary\n\nx\n\n## Key messages\n\nx\n\n## Recommendations\n\n" + "\n".join(lines)
    parsed, problems = parse_note_body(body, "n.md", first_line)
    last = first_line + body.count("\n")
    for problem in problems:
        assert problem.code.startswith("IDM0"), problem
        assert first_line <= problem.line <= last, problem
        assert problem.column >= 1, problem
    source = body.split("\n")
    for rec in parsed.recommendations:
        assert first_line <= rec.line <= last
        assert re.match(r"^ {0,3}([-*+]|\d{1,9}[.)])(\s|$)", source[rec.line - first_line])
        assert rec.text and "{" + 'themes="' not in rec.text[-60:].replace(" ", "")
        for key in ("themes", "levels"):
            assert all(v and not re.search(r"[\s,]", v) for v in rec.split(key))


# --------------------------------------------------------------------------- the sanitiser

TARGETS = st.sampled_from(
    [
        "/etc/passwd",
        "../outside.png",
        "../../outside.png",
        "%2e%2e/outside.png",
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "mailto:a@example.org",
        "#anchor",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "//host/share/x.png",
        "C:\\x.png",
        "media/pic.png",
        "media/PIC.PNG",
        "media/pic.txt",
        "media/missing.png",
        "media/link.png",
        "media",
        "",
    ]
)
TEXT = st.text(max_size=12)
ATTR = st.tuples(
    st.sampled_from(["", "id", "x y"]),
    st.lists(st.sampled_from(["idm-src", "c", "hidden"]), max_size=2),
    st.lists(
        st.tuples(
            st.sampled_from(
                ["data-src", "data-top", "lang", "dir", "typst:text:fill", "style", "onclick"]
            ),
            st.sampled_from(["contributions/a.md", "2", "3", "fr", "red", "../x", "x", "²"]),
        ),
        max_size=2,
    ),
).map(lambda a: [a[0], a[1], [list(kv) for kv in a[2]]])
FORMATS = st.sampled_from(["typst", "openxml", "html", "latex", "tex", "html5"])


def _node(kind: str, content: Any = None) -> dict[str, Any]:
    return {"t": kind} if content is None else {"t": kind, "c": content}


CONTAINERS = ["Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"]


def _inline_tree(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    many = st.lists(children, max_size=3)
    return st.one_of(
        st.tuples(st.sampled_from(CONTAINERS), many).map(lambda x: _node(x[0], x[1])),
        many.map(lambda c: _node("Quoted", [{"t": "DoubleQuote"}, c])),
        many.map(lambda c: _node("Cite", [[], c])),
        st.tuples(ATTR, many, TARGETS, TEXT).map(
            lambda x: _node("Link", [x[0], x[1], [x[2], x[3]]])
        ),
        st.tuples(ATTR, many, TARGETS, TEXT).map(
            lambda x: _node("Image", [x[0], x[1], [x[2], x[3]]])
        ),
        st.tuples(ATTR, many).map(lambda x: _node("Span", [x[0], x[1]])),
        many.map(lambda c: _node("Note", [_node("Para", c)])),
    )


INLINE = st.recursive(
    st.one_of(
        TEXT.map(lambda s: _node("Str", s)),
        st.just(_node("Space")),
        st.just(_node("SoftBreak")),
        st.just(_node("LineBreak")),
        st.tuples(ATTR, TEXT).map(lambda x: _node("Code", [x[0], x[1]])),
        st.tuples(FORMATS, TEXT).map(lambda x: _node("RawInline", list(x))),
        TEXT.map(lambda s: _node("Math", [{"t": "InlineMath"}, s])),
    ),
    _inline_tree,
    max_leaves=10,
)
INLINES = st.lists(INLINE, max_size=4)


def _block_tree(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    many = st.lists(children, max_size=3)
    return st.one_of(
        many.map(lambda c: _node("BlockQuote", c)),
        st.lists(many, max_size=3).map(lambda c: _node("BulletList", c)),
        st.lists(many, max_size=2).map(
            lambda c: _node("OrderedList", [[1, {"t": "Decimal"}, {"t": "Period"}], c])
        ),
        st.tuples(ATTR, many).map(lambda x: _node("Div", [x[0], x[1]])),
        st.lists(st.tuples(INLINES, st.lists(many, max_size=2)), max_size=2).map(
            lambda c: _node("DefinitionList", [list(x) for x in c])
        ),
        st.tuples(ATTR, many, many).map(lambda x: _node("Figure", [x[0], [None, x[1]], x[2]])),
        st.tuples(ATTR, many, many).map(lambda x: _table(*x)),
    )


def _table(attr: list[Any], head: list[Any], body: list[Any]) -> dict[str, Any]:
    """A table of one column: a head cell and a body cell holding ``head`` and ``body``."""
    none = ["", [], []]

    def row(blocks: list[Any]) -> list[Any]:
        return [none, [[none, {"t": "AlignDefault"}, 1, 1, blocks]]]

    colspec = [{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]
    bodies = [[none, 0, [], [row(body)]]]
    return _node("Table", [attr, [None, []], [colspec], [none, [row(head)]], bodies, [none, []]])


BLOCKS = st.lists(
    st.recursive(
        st.one_of(
            INLINES.map(lambda c: _node("Para", c)),
            INLINES.map(lambda c: _node("Plain", c)),
            st.tuples(st.integers(1, 6), ATTR, INLINES).map(lambda x: _node("Header", list(x))),
            st.tuples(FORMATS, TEXT).map(lambda x: _node("RawBlock", list(x))),
            st.tuples(ATTR, TEXT).map(lambda x: _node("CodeBlock", list(x))),
            st.lists(INLINES, max_size=3).map(lambda c: _node("LineBlock", c)),
        ),
        _block_tree,
        max_leaves=10,
    ),
    max_size=5,
)


def walk(value: Any) -> Any:
    if isinstance(value, list):
        for item in value:
            yield from walk(item)
    elif isinstance(value, dict):
        if "t" in value:
            yield value
        for item in value.values():
            yield from walk(item)


def _attrs_of(node: dict[str, Any]) -> list[list[Any]]:
    """The attributes of ``node`` itself (and of a table's parts and cells)."""
    kind, c = node["t"], node.get("c")
    if kind in ("Code", "CodeBlock", "Div", "Span", "Figure", "Table", "Link", "Image"):
        attrs = [c[0]]
        if kind == "Table":
            head, bodies, foot = c[3], c[4], c[5]
            rows = [*head[1], *[r for b in bodies for r in (*b[2], *b[3])], *foot[1]]
            attrs += [head[0], foot[0], *[b[0] for b in bodies]]
            attrs += [row[0] for row in rows] + [cell[0] for row in rows for cell in row[1]]
        return attrs
    if kind == "Header":
        return [c[1]]
    return []


def strings(value: Any) -> list[str]:
    return sorted(n["c"] for n in walk(value) if n.get("t") == "Str")


def sandbox(tmp: Path) -> Path:
    root = tmp / "project"
    media = root / "media"
    if not media.exists():
        media.mkdir(parents=True)
        (media / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (media / "PIC.PNG").write_bytes(b"\x89PNG\r\n\x1a\n")
        (media / "pic.txt").write_text("text")
        (tmp / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        os.symlink("../../outside.png", media / "link.png")
    return root


@FAST
@given(BLOCKS)
def test_sanitised_ast_has_no_raw_code_unsafe_link_or_outside_picture(
    tmp_path_factory: Any, blocks: list[dict[str, Any]]
) -> None:
    root = sandbox(tmp_path_factory.getbasetemp() / "sanitise")
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": blocks}
    before = json.dumps(ast, sort_keys=True)
    clean, images, ids = sanitize(ast, root)
    assert json.dumps(ast, sort_keys=True) == before, "the input AST was changed in place"
    # the ids counted on the way are those of the result, which the PDF takes as they are
    assert ids == id_counts(clean["blocks"])
    nodes = list(walk(clean["blocks"]))
    kinds = {n["t"] for n in nodes}
    assert not kinds & {"RawBlock", "RawInline", "Cite"}, kinds
    for node in nodes:
        for attr in _attrs_of(node):
            keys = {key for key, _ in attr[2]}
            allowed = (
                {"lang", "dir", "width", "height"} if node["t"] == "Image" else {"lang", "dir"}
            )
            if node["t"] == "Div" and attr[1] == ["idm-src"] and not node["c"][1]:
                allowed = {"source"}  # the sanitiser's own mark of where a text begins
            assert keys <= allowed, node
        if node["t"] == "Link":
            assert re.match(r"^(https?://|mailto:|#)", node["c"][2][0], re.I), node
        if node["t"] == "Image":
            name = node["c"][2][0]
            assert name in images, name
        if node["t"] == "Header":
            assert 1 <= node["c"][0] <= 6
    for name, path in images.items():
        real = path.resolve()
        assert real.is_relative_to(root.resolve()), path
        assert real.suffix.lower() in IMAGE_SUFFIXES and real.is_file()
        assert re.fullmatch(r"media/[0-9a-f]{16}\.(png|jpg|jpeg|gif|svg)", name)
    # no text is lost: every word of the input is still there (raw code as code)
    raw_texts = sorted(n["c"][1] for n in walk(blocks) if n.get("t") in ("RawInline",))
    kept = strings(clean["blocks"]) + sorted(
        n["c"][1] for n in walk(clean["blocks"]) if n.get("t") == "Code"
    )
    for text in strings(blocks) + raw_texts:
        if text:
            assert text in kept, text


# --------------------------------------------------------------------------- through pandoc

PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60)


def parse(markdown: str) -> dict[str, Any]:
    data = json.loads(run_pandoc(["-f", READER, "-t", "json"], markdown.encode("utf-8")))
    assert isinstance(data, dict)
    return data


def plain(inlines: list[Any]) -> str:
    out = []
    for node in inlines:
        kind = node["t"]
        if kind == "Str":
            out.append(node["c"])
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        else:
            raise AssertionError(f"escaped text became {kind}: {node}")
    return "".join(out)


@PANDOC
@given(PLAIN)
def test_escaped_text_reads_back_as_the_same_plain_text(text: str) -> None:
    """What idmbook puts into generated Markdown (titles, organisations) stays plain text:
    no emphasis, link, code, note, heading or list can come out of it."""
    expected = " ".join(text.split())
    document = parse("Before: " + escape(text))
    blocks = document["blocks"]
    assert len(blocks) == 1 and blocks[0]["t"] == "Para", blocks
    assert plain(blocks[0]["c"]) == ("Before: " + expected).strip()


BODY_LINE = st.one_of(
    st.sampled_from(
        [
            ":::",
            "::::",
            "::: {.x}",
            ":::::::",
            "```",
            "~~~",
            "````",
            "```{=typst}",
            "---",
            "# Heading",
            "[^1]: note",
            "text[^1]",
            "> quote",
            "- item",
            "",
            "    code",
            "<div>",
        ]
    ),
    st.text(st.sampled_from(list(":`~-#[]^{}>* ab")), max_size=12),
)


@PANDOC
@given(st.lists(BODY_LINE, max_size=14))
def test_contained_body_cannot_close_its_wrapper(lines: list[str]) -> None:
    """A submitted body between the book's fences stays inside them, whatever it holds:
    the text after the wrapper is still a paragraph of its own, outside it."""
    body = contain("\n".join(lines), "c1")
    document = parse(f'::: {{.idm-src data-src="x.md"}}\n{body}\n:::\n\nSENTINEL-AFTER\n')
    blocks = document["blocks"]
    assert len(blocks) == 2, [b["t"] for b in blocks]
    assert blocks[0]["t"] == "Div" and "idm-src" in blocks[0]["c"][0][1]
    assert blocks[1] == {"t": "Para", "c": [{"t": "Str", "c": "SENTINEL-AFTER"}]}


@PANDOC
@given(st.lists(st.lists(BODY_LINE, max_size=10), min_size=1, max_size=3))
def test_a_book_parsed_in_pieces_is_the_book_parsed_whole(bodies: list[list[str]]) -> None:
    """Cut before its headings and around each submitted text (which the early parse reads
    before the book exists), the book parses to what it parses to whole."""
    from idmbook.parse.pieces import parse_markdown, parse_whole

    parts = []
    for number, lines in enumerate(bodies):
        body = contain("\n".join(lines), f"c{number}")
        parts.append(
            f"## Submission {number}\n\n*Organisation*\n\n"
            f'::: {{.idm-src data-src="c{number}.md" data-top="3"}}\n{body}\n:::\n'
        )
    book = "# Contributions\n\n" + "\n".join(parts) + "\n## After\n\nText.\n"
    assert parse_markdown(book, READER, None)["blocks"] == parse_whole(book, READER)["blocks"]


@FAST
@given(st.text(max_size=80))
def test_escape_puts_a_backslash_before_each_ascii_punctuation_mark(text: str) -> None:
    import string

    spaced = " ".join(text.split())
    assert escape(text) == "".join("\\" + c if c in string.punctuation else c for c in spaced)
