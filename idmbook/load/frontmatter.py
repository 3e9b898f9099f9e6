"""Read a text file with YAML front matter, keeping the line and column of every key.

Nothing here raises for a user's mistake: every problem becomes a diagnostic. The YAML is read
as YAML 1.2 core schema through the composer, so that ``NO`` stays Norway, ``yes`` stays a
string, duplicate keys are found instead of silently dropped, and tags, anchors and aliases are
refused before anything is constructed.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver, VersionedResolver
from ruamel.yaml.tag import Tag

try:  # libyaml, when ruamel.yaml.clib is installed (it is a dependency on CPython)
    from _ruamel_yaml import CParser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    CParser = None

from idmbook.diagnostics import Diagnostic
from idmbook.load.yamlquotes import quote_problems, straighten
from idmbook.pandoc.comments import hide_comments
from idmbook.rules import diag

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_LINES = 2000
MAX_NODES = 20_000
MAX_DEPTH = 20

Loc = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


@dataclass
class TextFile:
    """A decoded text file: newlines normalised to LF, BOM removed."""

    rel: str
    text: str


@dataclass
class FrontMatterFile:
    """A file split into its front matter (as plain data) and its body."""

    rel: str
    text: str
    data: dict[str, Any]
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Where each key (or list item) starts, 1-based line and column."""
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Where each value starts."""
    body: str = ""
    body_line: int = 1
    """1-based line number of the first body line in ``text``."""
    front_line: int = 1
    """1-based line number of the opening ``---``."""

    def position(self, loc: Loc, value: bool = False) -> tuple[int, int]:
        """Line and column of the key (or its value) at ``loc``, or of its nearest parent."""
        if value and loc in self.values:
            return self.values[loc]
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.front_line, 1


def decode(raw: bytes, rel: str) -> tuple[TextFile | None, list[Diagnostic]]:
    """Decode bytes as UTF-8 (with or without BOM) and normalise CRLF and CR to LF."""
    if len(raw) > MAX_FILE_BYTES:
        size = len(raw) / 1024 / 1024
        return None, [
            diag(
                "IDM004",
                rel,
                0,
                0,
                f"file is {size:.1f} MB, more than the limit of "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB",
            )
        ]
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        return None, [diag("IDM003", rel, 0, 0, "file is empty")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        return None, [
            diag(
                "IDM001",
                rel,
                1,
                1,
                "file is UTF-16, not UTF-8",
                "save it again as UTF-8 (Save As, Encoding: UTF-8)",
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        line, col = _line_col(raw, raw.index(b"\x00"))
        return None, [diag("IDM002", rel, line, col, "file contains NUL bytes; it is not text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        return None, [
            diag(
                "IDM001",
                rel,
                line,
                col,
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                "save the file as UTF-8 (Save As, Encoding: UTF-8)",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(rel, text), []


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte order mark: most of the odd or the even bytes are NUL."""
    if len(raw) < 4 or len(raw) % 2:
        return False
    half = len(raw) // 2
    return raw[1::2].count(0) > half * 0.7 or raw[0::2].count(0) > half * 0.7


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of byte ``offset``, counting LF, CRLF and CR as line breaks and
    the column in characters (the line up to ``offset`` is valid UTF-8 or taken as Latin-1)."""
    before = raw[:offset]
    lines = before.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    try:
        width = len(lines[-1].decode("utf-8"))
    except UnicodeDecodeError:
        width = len(lines[-1])
    return len(lines), width + 1


def split(
    text_file: TextFile, required: bool = True
) -> tuple[FrontMatterFile | None, list[Diagnostic]]:
    """Split front matter from the body and read it as YAML."""
    rel, text = text_file.rel, text_file.text
    lines = text.split("\n")
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines) or lines[first].rstrip() != "---":
        if not required:
            return FrontMatterFile(rel, text, {}, body=hide_comments(text), body_line=1), []
        return None, [
            diag(
                "IDM005",
                rel,
                first + 1 if first < len(lines) else 1,
                1,
                "the file does not start with front matter ('---' on the first line)",
                "start the file with '---', the metadata lines, then '---'",
            )
        ]
    end = None
    for i in range(first + 1, min(len(lines), first + 1 + MAX_FRONT_MATTER_LINES)):
        if lines[i].rstrip() in ("---", "..."):
            end = i
            break
    if end is None:
        if len(lines) > first + 1 + MAX_FRONT_MATTER_LINES:
            return None, [
                diag(
                    "IDM004",
                    rel,
                    first + 1,
                    1,
                    f"front matter is longer than {MAX_FRONT_MATTER_LINES} lines or not closed",
                    "close the front matter with a line '---'",
                )
            ]
        return None, [
            diag(
                "IDM005",
                rel,
                first + 1,
                1,
                "the front matter is never closed",
                "add a line '---' after the last metadata line",
            )
        ]
    yaml_text = "\n".join(lines[first + 1 : end])
    offset = first + 1  # 0-based line index of the YAML's first line
    parsed, problems = parse_yaml(yaml_text, rel, offset)
    if parsed is None:
        return None, problems
    data, positions, values = parsed
    body = hide_comments("\n".join(lines[end + 1 :]))  # never printed: review items
    return (
        FrontMatterFile(
            rel, text, data, positions, values, body, body_line=end + 2, front_line=first + 1
        ),
        problems,
    )


Positions = dict[Loc, tuple[int, int]]

# YAML 1.2's rules for plain scalars (true, 12, 1.5, null, 2017-05-01...), by first character,
# each with its tag made once: a tag works out its name the first time it is asked for it, one
# character at a time (a fifth of reading a compendium's front matter, with a tag per value).
_IMPLICIT: dict[str | None, list[tuple[Tag, re.Pattern[str]]]] = {
    key: [(Tag(suffix=tag), pattern) for tag, pattern in value]
    for key, value in VersionedResolver(version=(1, 2)).versioned_resolver.items()
}
_IMPLICIT_ANY = _IMPLICIT.get(None, [])
_IMPLICIT_FOR = {key: value + _IMPLICIT_ANY for key, value in _IMPLICIT.items() if key is not None}
"""The rules to try for a plain scalar, by its first character."""


def _c_loader() -> type | None:
    """The C parser composing nodes with YAML 1.2's tags: what ruamel's ``YAML(typ="safe")``
    builds for every document, made once (ruamel also looks for plug-ins on every call)."""
    if CParser is None:
        return None

    class Loader(CParser, BaseResolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseResolver.__init__(self, self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                for tag, pattern in _IMPLICIT_FOR.get(value[:1], _IMPLICIT_ANY):
                    if pattern.match(value):
                        return tag
            if kind is ScalarNode:
                return self.DEFAULT_SCALAR_TAG
            if kind is SequenceNode:
                return self.DEFAULT_SEQUENCE_TAG
            return self.DEFAULT_MAPPING_TAG

    return Loader


_CLoader = _c_loader()


def _compose_c(yaml_text: str) -> Node | None:
    assert _CLoader is not None
    loader = _CLoader(yaml_text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


# What the C parser (libyaml, through ruamel.yaml.clib) reads differently from ruamel's YAML 1.2
# parser: anchors (libyaml does not report them on nodes), tabs (it accepts one after a colon),
# NEL and the Unicode line and paragraph separators (line breaks in YAML 1.1, not in 1.2), a
# byte order mark inside the text, and control characters; and directives (%YAML 1.1 would
# change how the pure parser reads values).
_NEEDS_PURE = re.compile(
    "[&*!%]|[^\n\x20-\x7e\u00a0-\u2027\u202a-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def parse_yaml(
    yaml_text: str, rel: str, line_offset: int = 0, top_level: str = "front matter"
) -> tuple[tuple[dict[str, Any], Positions, Positions] | None, list[Diagnostic]]:
    """Parse YAML into plain data, with 1-based positions of every key and value.

    A value in typographic quotes (``“geneva”``) is reported and read as if its quotes were
    straight, and a key given twice is reported and its first value kept: the data is still
    returned, so that the rest of the file is checked in the same run."""
    yaml_text, found = straighten(yaml_text)
    parsed, problems = _parse_yaml(yaml_text, rel, line_offset, top_level)
    return parsed, quote_problems(found, rel, line_offset) + problems


def _parse_yaml(
    yaml_text: str, rel: str, line_offset: int, top_level: str
) -> tuple[tuple[dict[str, Any], Positions, Positions] | None, list[Diagnostic]]:
    """:func:`parse_yaml` of text with straight quotes.

    The C parser is only a faster road to the same result: it is used when it is installed and
    the text is plain, and its answer is kept only when it is a clean mapping. Anything else,
    every error included, is read again by ruamel's pure YAML 1.2 parser, so the data and every
    diagnostic are the pure parser's (tests/test_yaml_parsers.py compares the two)."""
    if _CLoader is not None and not _NEEDS_PURE.search(yaml_text):
        try:
            node = _compose_c(yaml_text)
        except Exception:  # noqa: BLE001 - the pure parser reads it again and says what is wrong
            pass
        else:
            fast = _from_node(node, rel, line_offset, top_level)
            if fast[0] is not None and not fast[1]:
                return fast
    try:
        with warnings.catch_warnings():
            # a reused anchor is refused below (IDM009); ruamel's warning would only print
            # parser internals on the user's terminal
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            node = YAML(typ="safe", pure=True).compose(yaml_text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [
            diag(
                "IDM006",
                rel,
                line,
                col,
                f"invalid YAML: {problem}",
                "check indentation and quote values containing ': '",
            )
        ]
    except (YAMLError, RecursionError, ValueError) as exc:
        return None, [diag("IDM006", rel, line_offset + 1, 1, f"invalid YAML: {exc}")]
    return _from_node(node, rel, line_offset, top_level)


def _from_node(
    node: Node | None, rel: str, line_offset: int, top_level: str
) -> tuple[tuple[dict[str, Any], Positions, Positions] | None, list[Diagnostic]]:
    """Plain data and positions from a composed document, or the problems found on the way."""
    if node is None:
        return ({}, {}, {}), []
    builder = _Builder(rel, line_offset)
    if not isinstance(node, MappingNode):
        return None, [
            diag(
                "IDM008",
                rel,
                node.start_mark.line + 1 + line_offset,
                node.start_mark.column + 1,
                f"the {top_level} must be a mapping of keys to values",
                "write one 'key: value' per line",
            )
        ]
    try:
        value = builder.build(node, (), 0)
    except _Refused:
        return None, builder.problems + builder.kept
    assert isinstance(value, dict)
    return (value, builder.positions, builder.values), builder.kept


class _Refused(Exception):
    pass


class _Builder:
    def __init__(self, rel: str, line_offset: int) -> None:
        self.rel = rel
        self.offset = line_offset
        self.positions: Positions = {}
        self.values: Positions = {}
        self.problems: list[Diagnostic] = []
        """Why the document is refused."""
        self.kept: list[Diagnostic] = []
        """Problems after which the data is still read (a key given twice)."""
        self.seen: set[int] = set()
        self.count = 0

    def _pos(self, node: Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def _value_pos(self, key_node: Node, value_node: Node) -> tuple[int, int]:
        """Where a key's value starts. An empty value (``title:``) has no text of its own and
        the parser marks it at the next token, often the next key's line; it is placed just
        after the key's colon instead."""
        if isinstance(value_node, ScalarNode) and value_node.value == "" and not value_node.style:
            end = key_node.end_mark
            return end.line + 1 + self.offset, end.column + 2
        return self._pos(value_node)

    def _refuse(self, node: Node, code: str, message: str, hint: str | None = None) -> None:
        line, col = self._pos(node)
        self.problems.append(diag(code, self.rel, line, col, message, hint))
        raise _Refused

    def build(self, node: Node, loc: Loc, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            self._refuse(node, "IDM004", "front matter is too large or too deeply nested")
        if id(node) in self.seen:
            self._refuse(
                node,
                "IDM009",
                "aliases ('*name') are not allowed",
                "write the value out instead of referring to an anchor",
            )
        self.seen.add(id(node))
        if getattr(node, "anchor", None):
            self._refuse(
                node,
                "IDM009",
                f"anchors ('&{node.anchor}') are not allowed",
                "write the value out instead of using an anchor",
            )
        tag = str(node.ctag.trval if node.ctag is not None else None)  # str(node.tag), faster
        if tag not in _ALLOWED_TAGS:
            self._refuse(
                node,
                "IDM009",
                f"the YAML tag '{tag.replace(_CORE, '!!')}' is not allowed",
                "remove the tag; plain values are enough",
            )
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    self._refuse(key_node, "IDM006", "keys must be plain words")
                key = str(key_node.value)
                if key in result:
                    first = self.positions.get((*loc, key), (0, 0))
                    line, col = self._pos(key_node)
                    self.kept.append(
                        diag(
                            "IDM007",
                            self.rel,
                            line,
                            col,
                            f"duplicate key '{key}' (first set on line {first[0]})",
                            "keep one of the two; YAML would silently drop the first",
                        )
                    )
                    continue
                self.positions[(*loc, key)] = self._pos(key_node)
                self.values[(*loc, key)] = self._value_pos(key_node, value_node)
                result[key] = self.build(value_node, (*loc, key), depth + 1)
            return result
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.positions[(*loc, i)] = self._pos(item)
                self.values[(*loc, i)] = self._pos(item)
                items.append(self.build(item, (*loc, i), depth + 1))
            return items
        assert isinstance(node, ScalarNode)
        return self._scalar(node, tag)

    def _scalar(self, node: ScalarNode, tag: str) -> Any:
        value = str(node.value)
        kind = tag[len(_CORE) :]
        if kind == "null":
            return None
        if kind == "bool":
            return value.lower() == "true"
        if kind == "int":
            try:
                return int(value.replace("_", ""), 0)
            except ValueError:
                return value
        if kind == "float":
            try:
                return float(value)
            except ValueError:
                return value
        if kind == "timestamp":
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value
