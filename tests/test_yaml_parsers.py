"""The C parser is only a faster road to the same place: for every input, the front matter read
through libyaml (ruamel.yaml.clib) gives the same data, the same positions and the same
diagnostics as ruamel's pure YAML 1.2 parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from test_fuzz_loader import FUZZ, yaml_documents, yamlish_text

from idmbook.load import frontmatter
from idmbook.load.frontmatter import decode, parse_yaml, split

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    frontmatter._CLoader is None, reason="ruamel.yaml.clib is not installed"
)


def both(read: Callable[[], Any]) -> tuple[Any, Any]:
    """What ``read()`` gives through the C parser (where it is used), and through the pure
    parser alone."""
    fast = read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frontmatter, "_CLoader", None)
        pure = read()
    return fast, pure


def assert_same(text: str) -> None:
    fast, pure = both(lambda: parse_yaml(text, "n.md", 3))
    assert fast == pure


def test_the_c_parser_is_used_for_plain_front_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_c, real_pure = frontmatter._compose_c, frontmatter.YAML

    def spy_c(text: str) -> Any:
        calls.append("c")
        return real_c(text)

    def spy_pure(*, typ: str, pure: bool) -> Any:
        calls.append("pure")
        return real_pure(typ=typ, pure=pure)

    monkeypatch.setattr(frontmatter, "_compose_c", spy_c)
    monkeypatch.setattr(frontmatter, "YAML", spy_pure)
    parsed, problems = parse_yaml("title: A\nthemes: [a, b]\nconsent: true\n", "n.md")
    assert problems == [] and parsed is not None
    assert parsed[0] == {"title": "A", "themes": ["a", "b"], "consent": True}
    assert calls == ["c"]
    calls.clear()
    parse_yaml("title: A & B\n", "n.md")  # '&' may start an anchor: the pure parser decides
    assert calls == ["pure"]
    calls.clear()
    parse_yaml("title: [open\n", "n.md")  # an error is always the pure parser's
    assert calls == ["c", "pure"]


def sources() -> list[Path]:
    found = [p for p in (ROOT / "tests" / "cases").iterdir() if p.suffix in (".md", ".yaml")]
    found += sorted((ROOT / "chapters").rglob("*.md")) + sorted(
        (ROOT / "contributions").glob("*.md")
    )
    return sorted(p for p in found if not p.name.endswith(".expect.yaml"))


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_same_result_on_every_file_in_the_repository(path: Path) -> None:
    text_file, _ = decode(path.read_bytes(), path.name)
    if text_file is None:
        return
    if path.suffix == ".yaml":
        assert_same(text_file.text)
        return
    fast, pure = both(lambda: split(text_file))
    assert fast == pure


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\nb: NO\nc: 012\nd: 2017-05-01\ne: 0o17\nf: 1_000\ng: .inf\nh: ~\n",
        "title:\nthemes:\n  - a\n  -\n  - 'b'\n",
        "a: [1\nb: 2\n",
        "a: 1\n...\nb: 2\n",
        "a:\t1\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 3\n",
        "%YAML 1.2\n---\na: 1\n",
        "%YAML 1.1\n---\na: yes\nb: 010\n",
        "a: 1\na: 2\n",
        "- a\n- b\n",
        'a: "\\/ \\u00e9"\nb: |\n  line\n  two\nc: >-\n  folded\n  text\n',
        "a: {b: [c, {d: e}]}\n",
        "é: ü\n'quoted key': 2\n",
    ],
)
def test_same_result_on_tricky_yaml(text: str) -> None:
    assert_same(text)


@FUZZ
@given(yamlish_text)
def test_same_result_on_yamlish_text(text: str) -> None:
    assert_same(text)


@FUZZ
@given(yaml_documents)
def test_same_result_on_mutated_yaml(text: str) -> None:
    assert_same(text)
