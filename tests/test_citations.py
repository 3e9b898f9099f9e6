"""Citations and the bibliography (issue 18): ``bibliography:`` in idmbook.yaml, citations of
editorial chapters and notes printed by pandoc's citeproc in the DOCX, the PDF and the HTML, in
the book's language; submitted contributions print their brackets as typed; validate reports an
unreadable references file or style and an unknown key on their lines."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import (
    CHAPTER,
    CONFIG,
    DEFAULT_FILES,
    NOTE_PATHS,
    ProjectDir,
    built_outputs,
    note_text,
    triples,
)

from idmbook.commands.build import BuildOptions, build

REFERENCES = """\
% Two works: one cited by the foreword and the note, one never cited.
@misc{unga2016,
  author = {{United Nations General Assembly}},
  title = {New York Declaration for Refugees and Migrants},
  date = {2016-09-19},
  number = {A/RES/71/1},
  publisher = {United Nations},
  langid = {english}
}

@book{wmr2018,
  editor = {McAuliffe, Marie and Ruhs, Martin},
  title = {World Migration Report 2018},
  publisher = {International Organization for Migration},
  address = {Geneva},
  year = {2017}
}

@book{uncited,
  author = {Nobody, Anne},
  title = {A Work Nobody Cites},
  year = {2001}
}
"""

FOREWORD = (
    CHAPTER
    + """
States committed themselves to a global compact [@unga2016, para. 52].
The report of the year [see @wmr2018] follows.
Follow @IOMhandle for news; write to info@example.org.
With references declared, @sec-scope still names a section.

## Scope {#sec-scope}

The scope.
"""
)

SUMMARY = (
    "\n## Summary\n\nThe session opened the workshop [@wmr2018].\n\n"
    "## Key messages\n\n- Cooperation matters.\n\n"
    '## Recommendations\n\n- Share data between States. {levels="national"}\n'
    "- Involve local authorities.\n"
)

CONTRIBUTION_BODY = "\nAs the literature shows [@unga2016], cities matter.\n"


def _files() -> dict[str, str]:
    from conftest import contribution_text

    return {
        **DEFAULT_FILES,
        "idmbook.yaml": CONFIG + "bibliography: references.bib\n",
        "references.bib": REFERENCES,
        "chapters/foreword.md": FOREWORD,
        NOTE_PATHS["new-york", "opening"]: note_text(body=SUMMARY),
        "contributions/montreal.md": contribution_text(body=CONTRIBUTION_BODY),
    }


def _build(root: Path, language: str | None, formats: tuple[str, ...]) -> dict[str, Path]:
    return built_outputs(root, formats, language)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Path]]]:
    root = tmp_path_factory.mktemp("citations")
    for rel, content in _files().items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    yield {
        "en": _build(root, None, ("docx", "pdf", "html")),
        "fr": _build(root, "fr", ("docx", "pdf", "html")),
        "es": _build(root, "es", ("html",)),
    }


def _flat(text: str) -> str:
    """Text with its white space (and pdftotext's line-end hyphens) folded."""
    text = re.sub(r"\u00ad\s*", "", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u2060", "").split())


def _pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return _flat(out.stdout)


def _docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    from docx import Document

    return [
        (p.style.name if p.style else "", _flat(p.text)) for p in Document(str(path)).paragraphs
    ]


def _html_text(path: Path) -> str:
    html = path.read_text("utf-8")
    return _flat(re.sub(r"<[^>]+>", "", html).replace("&amp;", "&"))


CITED = "(United Nations General Assembly 2016, para. 52)"
ENTRY = "United Nations General Assembly. 2016. New York Declaration for Refugees and Migrants."


@pytest.mark.slow
def test_a_citation_resolves_into_the_bibliography_in_every_format(
    books: dict[str, dict[str, Path]],
) -> None:
    outputs = books["en"]
    pdf = _pdf_text(outputs["pdf"])
    assert CITED in pdf
    assert "(see McAuliffe and Ruhs 2017)" in pdf  # the prefix, editors of the note's work
    bibliography = pdf[pdf.rindex("References") :]
    assert ENTRY in bibliography
    assert "McAuliffe, Marie, and Martin Ruhs, eds. 2017. World Migration Report 2018." in (
        bibliography
    )
    assert "A Work Nobody Cites" not in pdf  # only the works cited are listed

    paragraphs = _docx_paragraphs(outputs["docx"])
    texts = [text for _, text in paragraphs]
    assert any(CITED in text for text in texts)
    heading = next(
        i
        for i, (style, text) in enumerate(paragraphs)
        if text == "References" and "Heading" in style
    )
    assert texts[heading + 1].startswith("McAuliffe, Marie, and Martin Ruhs, eds. 2017.")
    assert texts[heading + 2].startswith(ENTRY)

    html = outputs["html"].read_text("utf-8")
    assert re.search(r'<h1 id="idm-bibliography">References</h1>', html)
    cite = re.search(r'<span\s+class="citation"\s+data-cites="unga2016">(.*?)</span>', html, re.S)
    assert cite is not None and _flat(cite.group(1)) == CITED
    assert ENTRY in _html_text(outputs["html"])


@pytest.mark.slow
def test_the_note_cites_and_the_contribution_does_not(books: dict[str, dict[str, Path]]) -> None:
    outputs = books["en"]
    pdf = _pdf_text(outputs["pdf"])
    assert "The session opened the workshop (McAuliffe and Ruhs 2017)." in pdf
    # a submitted contribution's brackets print as typed, in every format
    assert "As the literature shows [@unga2016], cities matter." in pdf
    docx = " ".join(text for _, text in _docx_paragraphs(outputs["docx"]))
    assert "As the literature shows [@unga2016], cities matter." in docx
    assert "As the literature shows [@unga2016], cities matter." in _html_text(outputs["html"])
    # a handle that is no key, and an e-mail address, print as typed
    assert "Follow @IOMhandle for news; write to info@example.org." in pdf
    # a cross-reference is no citation: it prints the section's heading, as a link
    assert "With references declared, Scope still names a section." in pdf
    html = outputs["html"].read_text("utf-8")
    assert re.search(r'<a\s+href="#sec-scope">Scope</a>', html)


@pytest.mark.slow
def test_the_bibliography_speaks_the_books_language(books: dict[str, dict[str, Path]]) -> None:
    french = books["fr"]
    pdf = _pdf_text(french["pdf"])
    assert "(McAuliffe et Ruhs 2017)" in pdf  # the style's words in French
    assert "Références" in pdf[pdf.index("McAuliffe et Ruhs") :]
    # an English title keeps its capitals in the French edition (langid = {english})
    assert "New York Declaration for Refugees and Migrants" in pdf
    paragraphs = _docx_paragraphs(french["docx"])
    assert any(text == "Références" and "Heading" in style for style, text in paragraphs)
    assert '<h1 id="idm-bibliography">Références</h1>' in french["html"].read_text("utf-8")
    spanish = books["es"]["html"].read_text("utf-8")
    assert '<h1 id="idm-bibliography">Referencias</h1>' in spanish
    assert "(McAuliffe y Ruhs 2017)" in _html_text(books["es"]["html"])


# ------------------------------------------------------------------------------- validate


@pytest.fixture
def cited(make_project: Callable[..., ProjectDir]) -> Callable[..., ProjectDir]:
    def make(files: dict[str, str | None] | None = None) -> ProjectDir:
        return make_project({**_files(), **(files or {})})

    return make


def test_known_citations_validate_cleanly(cited: Callable[..., ProjectDir]) -> None:
    report = cited().validate()
    found = triples(report)
    # the handle is a warning on its line and column; nothing else is said
    assert found == {("chapters/foreword.md", "IDM152", 11, 8)}


def test_an_unknown_key_is_an_error_on_its_line(cited: Callable[..., ProjectDir]) -> None:
    foreword = FOREWORD.replace("[see @wmr2018]", "[see @wmr2019; @unga2016]")
    project = cited({"chapters/foreword.md": foreword})
    found = triples(project.validate())
    assert ("chapters/foreword.md", "IDM151", 10, 29) in found
    assert not any(code == "IDM151" and col != 29 for _, code, _, col in found)


def test_an_unknown_key_in_a_note_is_reported_there(cited: Callable[..., ProjectDir]) -> None:
    note = note_text(body=SUMMARY.replace("[@wmr2018]", "[@nokey]"))
    project = cited({NOTE_PATHS["new-york", "opening"]: note})
    found = triples(project.validate())
    assert (NOTE_PATHS["new-york", "opening"], "IDM151", 12, 34) in found


def test_a_contribution_is_not_checked_for_keys(cited: Callable[..., ProjectDir]) -> None:
    project = cited()
    project.write(
        "contributions/montreal.md",
        project.read("contributions/montreal.md").replace("[@unga2016]", "[@nosuchkey]"),
    )
    assert not any(
        code in ("IDM151", "IDM152") and "montreal" in rel
        for rel, code, _, _ in triples(project.validate())
    )


def test_a_missing_references_file_is_reported_on_the_config_line(
    cited: Callable[..., ProjectDir],
) -> None:
    project = cited()
    project.remove("references.bib")
    found = triples(project.validate())
    line = CONFIG.count("\n") + 1
    assert ("idmbook.yaml", "IDM150", line, 15) in found


def test_a_references_file_outside_the_project_is_refused(
    cited: Callable[..., ProjectDir],
) -> None:
    project = cited()
    (project.root.parent / "outside.bib").write_text(REFERENCES, "utf-8")
    project.write("idmbook.yaml", CONFIG + "bibliography: ../outside.bib\n")
    report = project.validate()
    assert [d.code for d in report.diagnostics if d.code.startswith("IDM15")] == ["IDM150"]
    assert "not a file inside the project" in report.diagnostics[0].message or any(
        "inside the project" in d.message for d in report.diagnostics
    )


def test_a_broken_references_file_is_reported_on_its_line(
    cited: Callable[..., ProjectDir],
) -> None:
    project = cited()
    broken = REFERENCES.replace("  year = {2001}\n}\n", "  year = {2001\n")
    project.write("references.bib", broken)
    report = project.validate()
    problems = [d for d in report.diagnostics if d.code == "IDM150"]
    assert len(problems) == 1 and problems[0].path == "references.bib"
    assert problems[0].line >= 19  # where pandoc stopped: in the last entry, not line 1


def test_a_broken_style_is_reported_on_its_line(cited: Callable[..., ProjectDir]) -> None:
    project = cited()
    project.write("idmbook.yaml", CONFIG + "bibliography: references.bib\ncsl: style.csl\n")
    project.write(
        "style.csl",
        '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">\n'
        "<info><title>x</title>\n</style>\n",
    )
    problems = [d for d in project.validate().diagnostics if d.code == "IDM153"]
    assert [(p.path, p.line) for p in problems] == [("style.csl", 4)]


def test_without_references_nothing_is_a_citation(make_project: Callable[..., ProjectDir]) -> None:
    project = make_project({"chapters/foreword.md": FOREWORD})
    assert not [d for d in project.validate().diagnostics if d.code.startswith("IDM15")]


def test_validating_one_note_checks_its_citations(cited: Callable[..., ProjectDir]) -> None:
    note = note_text(body=SUMMARY.replace("[@wmr2018]", "[@nokey]"))
    rel = NOTE_PATHS["new-york", "opening"]
    project = cited({rel: note})
    found = triples(project.validate(rel))
    assert (rel, "IDM151", 12, 34) in found
    assert not any(path == "chapters/foreword.md" for path, _, _, _ in found)


def test_a_references_file_that_is_a_link_is_refused(cited: Callable[..., ProjectDir]) -> None:
    project = cited()
    outside = project.root.parent / "elsewhere.bib"
    outside.write_text(REFERENCES, "utf-8")
    project.remove("references.bib")
    project.path("references.bib").symlink_to(outside)
    problems = [d for d in project.validate().diagnostics if d.code == "IDM150"]
    assert len(problems) == 1 and problems[0].path == "idmbook.yaml"
    assert "link" in problems[0].message


def test_a_style_without_references_is_reported(make_project: Callable[..., ProjectDir]) -> None:
    project = make_project({"idmbook.yaml": CONFIG + "csl: templates/style.csl\n"})
    found = triples(project.validate())
    assert ("idmbook.yaml", "IDM153", CONFIG.count("\n") + 1, 6) in found


def test_a_translated_note_cites_in_its_edition(
    cited: Callable[..., ProjectDir], tmp_path: Path
) -> None:
    from test_translations import CHILDREN_FR, NOTE_FR

    from idmbook.commands.translate import stamp

    translated = NOTE_FR.replace("sur les enfants.", "sur les enfants [@wmr2018].")
    project = cited({CHILDREN_FR: translated})
    stamp(project.root, [project.path(CHILDREN_FR)])
    result = build(project.root, BuildOptions(formats=("html",), language="fr", force=True))
    text = _html_text(result.outputs["html"])
    assert "La séance a ouvert l’atelier sur les enfants (McAuliffe et Ruhs 2017)." in text
    # an unknown key in a translation is reported on the translation's line
    project.write(CHILDREN_FR, project.read(CHILDREN_FR).replace("@wmr2018", "@wmr2099"))
    found = [t for t in triples(project.validate()) if t[1] == "IDM151"]
    assert [(path, code) for path, code, _, _ in found] == [(CHILDREN_FR, "IDM151")]


def test_citeproc_is_kept_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second build with the same citations takes them from the cache, not from pandoc."""
    from idmbook.cache import Cache
    from idmbook.load.bibliography import read_references
    from idmbook.parse import citations as cite

    references, keys, problem = read_references("references.bib", REFERENCES.encode())
    assert references is not None and problem is None
    book = cite.Bibliography("references.bib", references, frozenset(keys))
    citing = cite.Citations(book, frozenset({"chapters/foreword.md"}), "en", "References")
    citation = {
        "citationId": "unga2016",
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": 1,
        "citationHash": 0,
    }
    para = {
        "t": "Para",
        "c": [{"t": "Cite", "c": [[citation], [{"t": "Str", "c": "[@unga2016]"}]]}],
    }
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [para]}
    cache = Cache(tmp_path / "cache")
    first = cite.resolve(ast, citing, cache)
    cache.flush()

    def no_pandoc(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("pandoc ran again")

    monkeypatch.setattr(cite, "run_pandoc", no_pandoc)
    assert cite.resolve(ast, citing, cache) == first
    printed = first["blocks"][0]["c"][0]["c"][1]
    assert _flat(" ".join(n.get("c", " ") for n in printed if isinstance(n.get("c"), str))) == (
        "(United Nations General Assembly 2016)"
    )
