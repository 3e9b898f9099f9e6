"""idmbook.load.frontmatter: decoding bytes, splitting front matter, YAML with positions."""

from __future__ import annotations

import datetime as dt

import pytest

from idmbook.load.frontmatter import (
    MAX_FILE_BYTES,
    MAX_FRONT_MATTER_LINES,
    MAX_NODES,
    FrontMatterFile,
    TextFile,
    decode,
    parse_yaml,
    split,
)
from idmbook.model.documents import NoteMeta


def codes(diagnostics: list) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in diagnostics]


# ----------------------------------------------------------------------------- decode


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"a\nb\n", "a\nb\n"),
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\r", "a\nb\n"),
        (b"\xef\xbb\xbfa\r\nb", "a\nb"),
        ("café\n".encode(), "café\n"),
    ],
    ids=["lf", "crlf", "cr", "bom-crlf", "utf8"],
)
def test_decode_normalises_newlines_and_drops_the_bom(raw: bytes, text: str) -> None:
    decoded, problems = decode(raw, "n.md")
    assert problems == []
    assert decoded == TextFile("n.md", text)


@pytest.mark.parametrize("raw", [b"", b"  \n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n"])
def test_decode_empty(raw: bytes) -> None:
    decoded, problems = decode(raw, "n.md")
    assert decoded is None
    assert codes(problems) == [("IDM003", 0, 0)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16(encoding: str) -> None:
    decoded, problems = decode("---\ntitle: Séance\n---\n".encode(encoding), "n.md")
    assert decoded is None
    assert codes(problems) == [("IDM001", 1, 1)]
    assert "UTF-16" in problems[0].message
    assert "UTF-8" in (problems[0].hint or "")


@pytest.mark.parametrize(
    ("raw", "line", "column", "byte"),
    [
        (b"---\ntitle: S\xe9ance\n", 2, 9, 0xE9),
        (b"---\r\ntitle: S\xe9ance\r\n", 2, 9, 0xE9),
        (b"---\rtitle: S\xe9ance\r", 2, 9, 0xE9),
        (b"\xef\xbb\xbf\x93quoted\x94", 1, 1, 0x93),
        ("a\ncafé – ".encode() + b"\x96", 2, 8, 0x96),
    ],
    ids=["lf", "crlf", "cr", "bom", "after-utf8-characters"],
)
def test_decode_windows_1252_points_at_the_byte(
    raw: bytes, line: int, column: int, byte: int
) -> None:
    decoded, problems = decode(raw, "n.md")
    assert decoded is None
    assert codes(problems) == [("IDM001", line, column)]
    assert problems[0].message == f"byte 0x{byte:02x} is not valid UTF-8"


@pytest.mark.parametrize(
    ("raw", "line", "column"),
    [
        (b"\x00abc", 1, 1),
        (b"ab\ncd\x00", 2, 3),
        (b"\xef\xbb\xbfab\x00", 1, 3),
        (b"a\r\nb\rc\x00", 3, 2),
    ],
)
def test_decode_nul(raw: bytes, line: int, column: int) -> None:
    decoded, problems = decode(raw, "n.md")
    assert decoded is None
    assert codes(problems) == [("IDM002", line, column)]


def test_decode_size_limit() -> None:
    at_limit = b"a" * MAX_FILE_BYTES
    assert decode(at_limit, "n.md")[1] == []
    decoded, problems = decode(at_limit + b"a", "n.md")
    assert decoded is None
    assert codes(problems) == [("IDM004", 0, 0)]
    assert problems[0].message == "file is 5.0 MB, more than the limit of 5 MB"


# ----------------------------------------------------------------------------- split


def _split(text: str, required: bool = True) -> tuple[FrontMatterFile | None, list]:
    return split(TextFile("n.md", text), required)


def test_split_front_matter_and_body() -> None:
    fm, problems = _split("---\ntitle: A\nsession: b\n---\n\n## Summary\n")
    assert problems == []
    assert fm is not None
    assert fm.data == {"title": "A", "session": "b"}
    assert fm.body == "\n## Summary\n"
    assert (fm.front_line, fm.body_line) == (1, 5)
    assert fm.text.split("\n")[fm.body_line - 1 :] == fm.body.split("\n")
    assert fm.position(("session",)) == (3, 1)
    assert fm.position(("session",), value=True) == (3, 10)


def test_split_after_blank_lines_keeps_file_line_numbers() -> None:
    fm, problems = _split("\n\n---\ntitle: A\n...\nBody\n")
    assert problems == []
    assert fm is not None
    assert (fm.front_line, fm.body_line) == (3, 6)
    assert fm.position(("title",)) == (4, 1)
    assert fm.body == "Body\n"


def test_split_missing_front_matter() -> None:
    fm, problems = _split("\n\ntitle: A\n")
    assert fm is None
    assert codes(problems) == [("IDM005", 3, 1)]
    assert "does not start with front matter" in problems[0].message


def test_split_optional_front_matter() -> None:
    fm, problems = _split("Just text.\n", required=False)
    assert problems == []
    assert fm is not None
    assert (fm.data, fm.body, fm.body_line) == ({}, "Just text.\n", 1)


def test_split_unterminated() -> None:
    fm, problems = _split("\n---\ntitle: A\n\n## Summary\n")
    assert fm is None
    assert codes(problems) == [("IDM005", 2, 1)]
    assert problems[0].message == "the front matter is never closed"


def test_split_front_matter_too_long() -> None:
    text = "---\n" + "".join(f"k{i}: v\n" for i in range(MAX_FRONT_MATTER_LINES + 5))
    fm, problems = _split(text)
    assert fm is None
    assert codes(problems) == [("IDM004", 1, 1)]


def test_split_yaml_errors_are_in_file_lines() -> None:
    fm, problems = _split("\n---\ntitle: A\nsession: [b\n---\n")
    assert fm is None
    # the YAML ends with line 4 ("session: [b"): the parser gives up just after it
    assert codes(problems) == [("IDM006", 4, 12)]
    assert "expected ',' or ']'" in problems[0].message


def test_split_empty_front_matter() -> None:
    fm, problems = _split("---\n---\nBody")
    assert problems == []
    assert fm is not None and fm.data == {} and fm.body == "Body"


# ----------------------------------------------------------------------------- YAML


def _yaml(text: str, offset: int = 0) -> tuple:
    return parse_yaml(text, "n.md", offset)


def test_yaml_is_1_2_core_schema() -> None:
    parsed, problems = _yaml(
        "country: NO\nconsent: yes\nflag: off\nnothing: ~\nday: 2017-04-18\n"
        "bad_day: 2017-13-45\ntarget: 10.7\nquoted: '10.7'\noctal: 0o17\nlead: 012\n"
        "hex: 0x1F\nyes_bool: true\ntagged_str: !!str 5\nempty:\n"
    )
    assert problems == []
    data = parsed[0]
    assert data == {
        "country": "NO",
        "consent": "yes",
        "flag": "off",
        "nothing": None,
        "day": dt.date(2017, 4, 18),
        "bad_day": "2017-13-45",
        "target": 10.7,
        "quoted": "10.7",
        "octal": 15,
        "lead": "012",
        "hex": 31,
        "yes_bool": True,
        "tagged_str": "5",
        "empty": None,
    }


def test_yaml_positions_of_keys_values_and_items() -> None:
    parsed, problems = _yaml("x: [a, {b: c}]\ny:\n  - p: 1\n    q: 2\nz:\n", offset=10)
    assert problems == []
    _, positions, values = parsed
    assert positions == {
        ("x",): (11, 1),
        ("x", 0): (11, 5),
        ("x", 1): (11, 8),
        ("x", 1, "b"): (11, 9),
        ("y",): (12, 1),
        ("y", 0): (13, 5),
        ("y", 0, "p"): (13, 5),
        ("y", 0, "q"): (14, 5),
        ("z",): (15, 1),
    }
    assert values[("x", 1, "b")] == (11, 12)
    assert values[("y", 0, "q")] == (14, 8)
    # an empty value is placed right after its key's colon, not on the next line
    assert values[("z",)] == (15, 3)


def test_position_falls_back_to_the_nearest_parent() -> None:
    fm, _ = _split("---\nsource:\n  file: a\n---\n")
    assert fm is not None
    assert fm.position(("source", "sha256")) == (2, 1)
    assert fm.position(("nothing", 3)) == (1, 1)
    assert fm.position(("source", "file"), value=True) == (3, 9)


def test_yaml_duplicate_keys_point_at_the_second() -> None:
    parsed, problems = _yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", offset=1)
    assert parsed is not None and parsed[0] == {"a": 1, "b": {"c": 1}}  # checked on, first kept
    assert codes(problems) == [("IDM007", 5, 3), ("IDM007", 6, 1)]
    assert problems[0].message == "duplicate key 'c' (first set on line 4)"
    assert problems[1].message == "duplicate key 'a' (first set on line 2)"


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("a: !!python/object/apply:os.system [ls]\n", 1, 4, "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", 1, 4, "!!python/name:os.system"),
        ("a: !!binary aGk=\n", 1, 4, "!!binary"),
        ("a: !!set {x}\n", 1, 4, "!!set"),
        ("a: !include secrets.yaml\n", 1, 4, "!include"),
        ("a: &x 1\nb: *x\n", 1, 4, "anchors ('&x')"),
        ("a: [&x 1, *x]\n", 1, 5, "anchors ('&x')"),
        ("base: &b {k: 1}\nother:\n  <<: *b\n", 1, 7, "anchors ('&b')"),
    ],
    ids=["python-object", "python-name", "binary", "set", "local", "alias", "flow", "merge"],
)
def test_yaml_refuses_tags_anchors_and_aliases(
    text: str, line: int, column: int, fragment: str
) -> None:
    parsed, problems = _yaml(text)
    assert parsed is None
    assert codes(problems) == [("IDM009", line, column)]
    assert fragment in problems[0].message


def test_billion_laughs_is_refused_without_expansion() -> None:
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefgh"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    parsed, problems = _yaml("\n".join(levels) + "\n")
    assert parsed is None
    assert codes(problems) == [("IDM009", 1, 4)]


def test_undefined_alias_is_a_syntax_error() -> None:
    parsed, problems = _yaml("a: *nowhere\n", offset=3)
    assert parsed is None
    assert codes(problems) == [("IDM006", 4, 4)]
    assert "undefined alias" in problems[0].message


def test_nesting_and_size_limits() -> None:
    deep = "a: " + "[" * 30 + "]" * 30 + "\n"
    parsed, problems = _yaml(deep)
    assert parsed is None
    assert [p.code for p in problems] == ["IDM004"]
    wide = "a: [" + ", ".join(["1"] * (MAX_NODES + 1)) + "]\n"
    parsed, problems = _yaml(wide)
    assert parsed is None
    assert [p.code for p in problems] == ["IDM004"]


def test_very_deep_nesting_does_not_overflow_the_stack() -> None:
    parsed, problems = _yaml("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert parsed is None
    assert problems and problems[0].code in ("IDM004", "IDM006")


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("- a\n- b\n", "IDM008", 1, 1),
        ("just words\n", "IDM008", 1, 1),
        ("? [a, b]\n: c\n", "IDM006", 1, 3),
        ("a: b: c\n", "IDM006", 1, 5),
        ("a:\n\t- b\n", "IDM006", 2, 1),
        ("a: 'unclosed\n", "IDM006", 2, 1),
    ],
)
def test_yaml_shape_and_syntax_errors(text: str, code: str, line: int, column: int) -> None:
    parsed, problems = _yaml(text)
    assert parsed is None
    assert codes(problems) == [(code, line, column)]


def test_yaml_top_level_name_in_message() -> None:
    _, problems = parse_yaml("- a\n", "idmbook.yaml", top_level="config")
    assert problems[0].message.startswith("the config must be a mapping")


def test_empty_and_comment_only_yaml() -> None:
    assert _yaml("") == (({}, {}, {}), [])
    assert _yaml("# nothing\n") == (({}, {}, {}), [])


def test_country_no_reaches_the_model_as_norway() -> None:
    """End to end: YAML 1.2 keeps NO a string, and the country field accepts it."""
    from idmbook.model.documents import ContributionMeta

    fm, _ = _split(
        "---\ntitle: T\norganisation: O\nstakeholder_type: government\ncountry: NO\n"
        "workshop: geneva\nthemes: [a]\nlanguage: nb\nreceived: 2017-05-02\nconsent: yes\n---\n"
    )
    assert fm is not None
    meta = ContributionMeta.model_validate(fm.data)
    assert meta.country == "NO"
    assert meta.consent is True


def test_note_front_matter_into_the_model() -> None:
    fm, problems = _split(
        "---\ntitle: T\nworkshop: geneva\nsession: children\nrapporteur: [A, B]\n"
        "status: final\nthemes: [forced-irregular]\nsdg_targets: ['10.7']\n---\n"
    )
    assert problems == [] and fm is not None
    meta = NoteMeta.model_validate(fm.data)
    assert meta.rapporteur == ["A", "B"]
    assert meta.sdg_targets == ["10.7"]


def test_reused_anchor_is_refused_without_a_python_warning(
    recwarn: pytest.WarningsRecorder,
) -> None:
    parsed, problems = _yaml("themes:\n  - &a x\n  - &a y\n")
    assert parsed is None
    assert codes(problems) == [("IDM009", 2, 5)]
    assert [str(w.message) for w in recwarn] == []
