"""The cache of pandoc's work, the parse in pieces, chapters as Typst files, quick rebuilds."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    DOT_PNG,
    NOTE_PATHS,
    ProjectDir,
    contribution_text,
    every_piece_its_own_run,
    note_text,
)

import idmbook.parse.pieces as parse_module
from idmbook.cache import CACHE_DIR, Cache
from idmbook.commands.build import BuildOptions, build
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import run_pandoc
from idmbook.parse.pieces import assign_identifiers, identifier, parse_markdown, split_markdown
from idmbook.render.meta import BookMeta

# ---------------------------------------------------------------- the store


def test_entries_round_trip_and_keys_do_not_collide(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    key = Cache.key("parse", "3.9", "text")
    assert cache.get("parse", key) is None
    cache.put("parse", key, b"blocks")
    assert cache.get("parse", key) == b"blocks"
    assert (cache.hits, cache.misses) == (1, 1)
    assert Cache.key("ab", "c") != Cache.key("a", "bc"), "parts are length-prefixed"
    cache.flush()  # entries are written in the background
    assert Cache(tmp_path / "c").get("parse", key) == b"blocks", "a second reader sees it"
    assert (tmp_path / "c" / "CACHEDIR.TAG").is_file()
    assert (tmp_path / "c" / ".gitignore").read_text() == "*\n"


def test_entries_in_every_folder_and_of_several_kinds_are_all_written(tmp_path: Path) -> None:
    """Every entry is written, whichever of its kind's folders it falls in (each folder is
    made when its first entry is written)."""
    cache = Cache(tmp_path)
    entries = {
        (kind, Cache.key(kind, str(n))): f"{kind}{n}".encode()
        for kind in ("parse", "typst")
        for n in range(700)
    }
    for (kind, key), data in entries.items():
        cache.put(kind, key, data)
    cache.flush()
    for kind in ("parse", "typst"):
        folders = {path.name for path in (tmp_path / kind).iterdir()}
        assert folders == {key[:2] for k, key in entries if k == kind}
    again = Cache(tmp_path)
    assert all(again.get(kind, key) == data for (kind, key), data in entries.items())


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-1],  # truncated
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # one bit flipped
        lambda raw: b"",  # empty
        lambda raw: b"not a cache entry at all" * 10,
        lambda raw: raw[:10],  # header cut short
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_deleted(tmp_path: Path, damage: Any) -> None:
    cache = Cache(tmp_path)
    key = Cache.key("x")
    cache.put("typst", key, b"= Chapter\n" * 50)
    cache.flush()
    (path,) = (p for p in (tmp_path / "typst").rglob("*") if p.is_file())
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get("typst", key) is None
    assert not path.exists()


def test_a_cache_that_cannot_be_written_is_silently_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cache = Cache(blocker)
    cache.put("parse", Cache.key("x"), b"data")
    cache.flush()
    assert cache.get("parse", Cache.key("x")) is None
    assert cache.prune() == 0


def test_bad_entry_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Cache(tmp_path).get("../etc", Cache.key("x"))
    with pytest.raises(ValueError):
        Cache(tmp_path).get("parse", "../../passwd")


def test_prune_removes_the_least_recently_used_first(tmp_path: Path) -> None:
    cache = Cache(tmp_path, max_bytes=3 * 1100)
    keys = [Cache.key(str(n)) for n in range(5)]
    for age, key in enumerate(keys):
        cache.put("parse", key, bytes(1000))
        cache.flush()
        path = tmp_path / "parse" / key[:2] / key[2:]
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    assert cache.prune() == 2
    assert [cache.get("parse", key) is not None for key in keys] == [False, False, True, True, True]


def test_pruning_in_the_background_comes_after_the_entries_given_before(tmp_path: Path) -> None:
    """A build prunes while its tools work (prune_later): the entries it gave the cache before
    are written and counted first; one given after is written after, and kept."""
    cache = Cache(tmp_path, max_bytes=3 * 1100)
    old = [Cache.key(f"old{n}") for n in range(3)]
    for age, key in enumerate(old):
        cache.put("parse", key, bytes(1000))
        cache.flush()
        os.utime(tmp_path / "parse" / key[:2] / key[2:], (1_000_000 + age, 1_000_000 + age))
    new, later = Cache.key("new"), Cache.key("later")
    cache.put("parse", new, bytes(1000))
    cache.prune_later()
    cache.put("parse", later, bytes(1000))
    cache.flush()
    kept = [(tmp_path / "parse" / k[:2] / k[2:]).exists() for k in [*old, new, later]]
    assert kept == [False, True, True, True, True]


def test_an_entry_found_counts_as_used_without_a_write_per_rebuild(tmp_path: Path) -> None:
    """Finding an entry marks it as used, so pruning keeps it; an entry marked within the last
    hour is not touched again (a rebuild finds thousands)."""
    cache = Cache(tmp_path, max_bytes=2 * 1100)
    keys = [Cache.key(str(n)) for n in range(3)]
    paths = [tmp_path / "parse" / key[:2] / key[2:] for key in keys]
    for age, key in enumerate(keys):
        cache.put("parse", key, bytes(1000))
        cache.flush()
        os.utime(paths[age], (1_000_000 + age, 1_000_000 + age))
    assert cache.get("parse", keys[0]) is not None  # the oldest, found again
    cache.flush()
    assert paths[0].stat().st_mtime > time.time() - 60
    recent = time.time() - 600
    os.utime(paths[0], (recent, recent))
    assert cache.get("parse", keys[0]) is not None
    cache.flush()
    assert paths[0].stat().st_mtime == pytest.approx(recent), "touched once an hour at most"
    assert cache.prune() == 1
    assert [path.exists() for path in paths] == [True, False, True]


# ---------------------------------------------------------------- the parse in pieces

TRICKY = """\
# Foreword {#foreword}

::: {.idm-src data-src="a.md"}
## Lessons

# A level-one heading inside a div is not a place to cut

```
# not a heading, in code
```

See [the reference][ref] and the note.[^a-1]

[^a-1]: A footnote with a heading-like line
    # inside.
:::

## Lessons

- A list item

  ## Lessons

> ## Lessons

## Ünïcode — “quoted” `code` *1st* [link](#foreword)

## 2017: numbers first

## Lessons {#lessons-1}

## Lessons

::: {.idm-src data-src="b.md" lang="fr"}
## Leçons

[ref]: https://www.iom.int "IOM"
:::

## ...

### Session one

::: {.idm-src data-src="c.md" data-top="4"}
### A level-three heading inside a div is not a place to cut

Text with a note.[^c-1]

### Another one, before the footnote's text

[^c-1]: Defined after a level-three heading, in the same div.
:::

### Session two {#session-two}

1. A list item

   ### Lessons

## Lessons
"""


def whole_parse(markdown: str) -> dict[str, Any]:
    """One pandoc parse of the whole text, with the reader parse_markdown promises to match."""
    reader = f"{READER}-implicit_header_references"
    return dict(json.loads(run_pandoc(["-f", reader, "-t", "json"], markdown.encode())))


def test_pieces_are_cut_only_outside_divs_and_code_and_join_back() -> None:
    pieces = split_markdown(TRICKY)
    assert "\n".join(pieces) == TRICKY
    assert [p.split("\n", 1)[0] for p in pieces] == [
        "# Foreword {#foreword}",
        '::: {.idm-src data-src="a.md"}',
        "## Lessons",
        "## Ünïcode — “quoted” `code` *1st* [link](#foreword)",
        "## 2017: numbers first",
        "## Lessons {#lessons-1}",
        "## Lessons",
        '::: {.idm-src data-src="b.md" lang="fr"}',
        "## ...",
        "### Session one",
        '::: {.idm-src data-src="c.md" data-top="4"}',
        "### Session two {#session-two}",
        "## Lessons",
    ], "submitted texts are pieces of their own"


def test_parse_in_pieces_equals_one_parse_of_the_whole(tmp_path: Path) -> None:
    expected = whole_parse(TRICKY)
    cache = Cache(tmp_path)
    cold = parse_markdown(TRICKY, READER, cache)
    assert cold["blocks"] == expected["blocks"]
    assert cold["pandoc-api-version"] == expected["pandoc-api-version"]
    warm = parse_markdown(TRICKY, READER, cache)
    assert warm == cold
    assert cache.hits == len(split_markdown(TRICKY))
    assert parse_markdown(TRICKY, READER, None) == cold


@pytest.mark.slow
def test_the_repositorys_own_book_parses_in_pieces_as_a_whole(tmp_path: Path) -> None:
    """The publication this repository builds, cut into every piece the rule allows."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "book.md"
    options = BuildOptions(
        formats=("docx",), markdown_out=out, out=tmp_path / "dist", cache=False, force=True
    )
    build(root, options)
    markdown = out.read_text("utf-8")
    assert len(split_markdown(markdown)) > 40, "the book is cut into pieces"
    parsed = parse_markdown(markdown, READER, Cache(tmp_path / "cache"))
    assert parsed["blocks"] == whole_parse(markdown)["blocks"]


def test_pieces_parse_the_same_whichever_pieces_share_a_pandoc_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    expected = parse_markdown(TRICKY, READER, None)
    every_piece_its_own_run(monkeypatch, 4)
    assert parse_markdown(TRICKY, READER, Cache(tmp_path)) == expected
    edited = TRICKY.replace("## 2017: numbers first", "## 2017: numbers first, edited")
    assert (
        parse_markdown(edited, READER, Cache(tmp_path))["blocks"] == whole_parse(edited)["blocks"]
    )


def test_the_identifiers_are_those_of_the_whole_book_however_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The book parsed in several pandoc processes, or taken from the cache: a heading
    repeated in a later piece gets the suffix it gets in the whole text."""
    every_piece_its_own_run(monkeypatch, 2)
    markdown = "\n\n".join(f"# Same\n\nText {n}.\n\n## Part {n % 3}\n" for n in range(12))
    jobs: list[int] = []
    real = parse_module.run_pandoc_all

    def counted(batch: list[tuple[list[str], bytes]]) -> Any:
        jobs.append(len(batch))
        return real(batch)

    monkeypatch.setattr(parse_module, "run_pandoc_all", counted)
    blocks = parse_markdown(markdown, READER, None)["blocks"]
    assert jobs == [2], "two pandoc processes, one per processor"
    assert blocks == whole_parse(markdown)["blocks"]
    ids = [b["c"][1][0] for b in blocks if b["t"] == "Header"]
    assert ids[:4] == ["same", "part-0", "same-1", "part-1"] and ids[-1] == "part-2-3"
    cache = Cache(tmp_path)
    assert parse_markdown(markdown, READER, cache)["blocks"] == blocks
    cache.flush()
    assert parse_markdown(markdown, READER, Cache(tmp_path))["blocks"] == blocks
    assert jobs == [2, 2], "the second parse came from the cache"


def test_text_that_cannot_be_cut_is_parsed_whole() -> None:
    unbalanced = "# A\n\n::: {.x}\ntext\n\n# B\n\n## C\n"
    assert parse_markdown(unbalanced, READER, None)["blocks"] == whole_parse(unbalanced)["blocks"]


@pytest.mark.parametrize(
    "heading",
    [
        "Simple heading",
        "Ünïcode — “quoted” `code` *1st*",
        "2017: numbers first",
        "...",
        "Dots.and_underscores-and-dashes",
        "[A link](https://iom.int) and **strong**",
        "Ελληνικά και Русский",
        "$x^2$ math",
    ],
)
def test_identifiers_are_pandocs(heading: str) -> None:
    """(Not a heading with a footnote: pandoc makes its identifier before reading the note,
    from the note's label, which the parsed book no longer has.)"""
    ast = json.loads(run_pandoc(["-f", "markdown", "-t", "json"], f"# {heading}\n".encode()))
    header = ast["blocks"][0]
    expected = header["c"][1][0]
    assert (identifier(header["c"][2]) or "section") == expected
    header["c"][1][0] = ""
    assign_identifiers(ast["blocks"])
    assert header["c"][1][0] == expected


# ---------------------------------------------------------------- chapters as Typst files


def _meta(imprint: tuple[str, ...] = ()) -> BookMeta:
    return BookMeta(
        title="T",
        subtitle=None,
        series_line=None,
        publisher="IOM",
        year=2017,
        language="en",
        author="IOM",
        subject="S",
        keywords=(),
        imprint=imprint,
    )


def test_chapters_converted_apart_make_the_same_typst_as_the_whole_body(
    tmp_path: Path,
) -> None:
    from idmbook.load.defaults import default_templates
    from idmbook.pandoc.ast import ast_bytes
    from idmbook.render.pdf import pandoc_meta, prepare_blocks, typst_book

    markdown = "\n\n".join(
        f"# Chapter {n}\n\nText {n}.[^n{n}]\n\n[^n{n}]: Note {n}.\n\n## Section {n}\n\n"
        f"- item\n\n::: {{lang=fr}}\n# Chapitre {n}\n\nTexte.\n:::\n"
        for n in range(6)
    )
    ast = parse_markdown(markdown, READER, None)
    meta = _meta(imprint=("Imprint",))
    templates = default_templates()
    blocks, _ = prepare_blocks(list(ast["blocks"]), {})
    document = {"pandoc-api-version": ast["pandoc-api-version"], "meta": pandoc_meta(meta)}
    args = ["-f", "json", "-t", "typst", "--wrap=none", "--sandbox"]
    args += ["--template", str(templates / "idm.typ")]
    whole = run_pandoc(args, ast_bytes({**document, "blocks": blocks})).decode()
    cache = Cache(tmp_path)
    book = typst_book(ast, meta, templates, cache)
    assert len(book.chapters) == 6, "the French chapter inside its language group stays"
    assert book.single_source() == whole
    converted = cache.misses
    assert converted == 12 + 1, "a chapter's opening and its section apart, and the main file"
    assert typst_book(ast, meta, templates, cache) == book
    assert cache.hits == converted


def test_the_typst_is_the_same_however_the_pieces_are_batched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pieces of the body converted in one pandoc process or each in its own give the
    same Typst files (each piece's text is cut from its batch at its marker)."""
    import idmbook.render.pdf.writer as pdf_module
    from idmbook.load.defaults import default_templates

    markdown = "\n\n".join(
        f"# Chapter {n} {{#c{n}}}\n\nSee [the next](#c{n + 1}).\n\n## Section {n}\n\n"
        f"Text.\n\n::: {{lang=fr}}\nTexte.\n:::\n"
        for n in range(2)
    )
    ast = parse_markdown(markdown, READER, None)
    meta = _meta()
    templates = default_templates()
    batches: list[int] = []
    real = pdf_module.balanced_runs

    def one_batch(indices: list[int], *_: Any, **__: Any) -> list[list[int]]:
        batches.append(1)
        return [indices]

    def each_alone(indices: list[int], *_: Any, **__: Any) -> list[list[int]]:
        batches.append(len(indices))
        return [[index] for index in indices]

    monkeypatch.setattr(pdf_module, "balanced_runs", one_batch)
    whole = pdf_module.typst_book(ast, meta, templates)
    monkeypatch.setattr(pdf_module, "balanced_runs", each_alone)
    apart = pdf_module.typst_book(ast, meta, templates)
    monkeypatch.setattr(pdf_module, "balanced_runs", real)
    assert batches == [1, 4], "four pieces: each chapter's opening and its section"
    assert apart == whole
    assert len(whole.chapters) == 2
    assert "#link(<c1>)" in whole.chapters[0], "a link forward is kept"
    assert "<c2>" not in whole.chapters[1], "a link to nothing is text"


# ---------------------------------------------------------------- builds with the cache


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")


def outputs(result: Any) -> dict[str, bytes]:
    return {fmt: path.read_bytes() for fmt, path in result.outputs.items()}


@pytest.mark.slow
def test_cached_and_uncached_builds_write_the_same_bytes(
    project: ProjectDir, epoch: None, own_cache_folder: Path
) -> None:
    options = BuildOptions(formats=("docx", "pdf"), force=True)
    cold = outputs(build(project.root, options))
    cache_dir = own_cache_folder
    assert not (project.root / CACHE_DIR).exists()  # never in the project
    assert any(p.is_file() for p in (cache_dir / "parse").rglob("*"))
    warm = outputs(build(project.root, options))
    assert warm == cold
    for entry in cache_dir.rglob("*"):
        if entry.is_file() and entry.parent.parent.parent == cache_dir:
            entry.write_bytes(entry.read_bytes()[:-3] + b"xyz")  # every entry damaged
    assert outputs(build(project.root, options)) == cold
    uncached = BuildOptions(formats=("docx", "pdf"), force=True, cache=False)
    assert outputs(build(project.root, uncached)) == cold


@pytest.mark.slow
def test_editing_one_note_reparses_only_its_pieces(
    project: ProjectDir, epoch: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import idmbook.parse.pieces as parse_module

    build(project.root, BuildOptions(formats=("pdf",)))
    parsed: list[int] = []
    real = parse_module._parse_pieces

    def spy(pieces: list[str], indices: list[int], *rest: Any) -> Any:
        parsed.extend(indices)
        return real(pieces, indices, *rest)

    monkeypatch.setattr(parse_module, "_parse_pieces", spy)
    children = note_text("geneva", "children", "[forced-irregular, nyd-k]")
    project.write(NOTE_PATHS["geneva", "children"], children.replace("Cooperation", "Trust"))
    result = build(project.root, BuildOptions(formats=("pdf",)))
    assert not result.up_to_date
    markdown_pieces = len(split_markdown(_markdown(project)))
    assert 0 < len(parsed) < markdown_pieces / 2


def _markdown(project: ProjectDir) -> str:
    out = project.root / "book.md"
    build(project.root, BuildOptions(formats=("docx",), markdown_out=out, out=project.root / "x"))
    return out.read_text("utf-8")


# ---------------------------------------------------------------- up to date without validating


@pytest.mark.slow
def test_a_project_with_a_picture_is_up_to_date_when_nothing_changed(
    project: ProjectDir, epoch: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import idmbook.check.validate as validate_module

    project.write("contributions/media/dot.png", DOT_PNG)
    body = "\nWe welcome newcomers.\n\n![A dot](media/dot.png)\n"
    project.write("contributions/montreal.md", contribution_text(body=body))
    first = build(project.root, BuildOptions(formats=("docx",)))
    assert "contributions/media/dot.png" in json.loads(first.manifest.read_text())["inputs"]  # type: ignore[union-attr]

    def no_validation(*_: Any) -> Any:
        raise AssertionError("an up-to-date build does not validate")

    monkeypatch.setattr(validate_module, "validate", no_validation)
    assert build(project.root, BuildOptions(formats=("docx",))).up_to_date
    project.write("contributions/media/dot.png", DOT_PNG + b"\x00")
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    assert not build(project.root, BuildOptions(formats=("docx",))).up_to_date


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.write("contributions/new.md", contribution_text("City of Lyon")),
        lambda p: p.write("templates/idm.typ", "// a project template now\n"),
        lambda p: p.remove("contributions/mexico.md"),
        lambda p: p.write("idmbook.yaml", p.read("idmbook.yaml") + "\n# a comment\n"),
    ],
)
def test_any_change_to_the_sources_is_not_up_to_date(
    project: ProjectDir, epoch: None, change: Any
) -> None:
    build(project.root, BuildOptions(formats=("docx",)))
    change(project)
    from idmbook.publish.plan import last_build

    assert last_build(project.root, BuildOptions(formats=("docx",))).plan is None


@pytest.mark.slow
def test_a_source_changed_while_the_build_reads_it_is_out_of_date_after(
    project: ProjectDir, epoch: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest keeps the hashes taken before validation read the files: an edit made
    in between is built, and the next build does not take it as done."""
    import idmbook.commands.build as build_module

    build(project.root, BuildOptions(formats=("docx",)))
    real = build_module.validate
    edits = iter([" Edited while the build ran."])

    def validate(*args: Any, **kwargs: Any) -> Any:
        for extra in edits:  # once: after the up-to-date check, before the files are read
            path = "contributions/mexico.md"
            project.write(path, project.read(path).rstrip("\n") + extra + "\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "validate", validate)
    path = "contributions/mexico.md"
    project.write(path, project.read(path).replace("\n---\n", "\n---\nA first edit.\n", 1))
    assert not build(project.root, BuildOptions(formats=("docx",))).up_to_date
    again = build(project.root, BuildOptions(formats=("docx",)))
    assert not again.up_to_date, "the edit made during the build is seen"
    assert build(project.root, BuildOptions(formats=("docx",))).up_to_date
