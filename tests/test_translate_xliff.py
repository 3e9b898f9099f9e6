"""`idmbook translate export` and `import`: XLIFF 2.0 files for translators' tools and back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
from lxml import etree

from tests.conftest import NOTE_PATHS, CliResult, ProjectDir

NS = "urn:oasis:names:tc:xliff:document:2.0"
Q = f"{{{NS}}}"
CHILDREN = NOTE_PATHS["geneva", "children"]

NOTE_BODY = """
## Summary

The session opened with *children first*, a principle[^1] of the [Convention](https://www.ohchr.org/crc).

[^1]: Article 3 of the **Convention**.

## Key messages

- Cooperation matters.

## Recommendations

- Share data between States. {levels="national"}
- Involve local authorities.
"""


def _translate(path: Path, mark: str = "TRAD ") -> None:
    """What a translator's tool does, by a script: a target for every segment, each of its
    words changed, every inline code kept."""
    tree = etree.parse(str(path))
    for segment in tree.iter(f"{Q}segment"):
        source = segment.find(f"{Q}source")
        target = etree.fromstring(etree.tostring(source))
        target.tag = f"{Q}target"
        for element in target.iter():
            if element.text and element.text.strip():
                element.text = mark + element.text.upper()
            if element is not target and element.tail and element.tail.strip():
                element.tail = element.tail.upper()
        source.addnext(target)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def _project(make_project: Callable[..., ProjectDir]) -> ProjectDir:
    from tests.conftest import note_text

    return make_project(
        {
            CHILDREN: note_text(
                "geneva",
                "children",
                "[forced-irregular, nyd-k]",
                extra="thematic_sessions: [TS5]\n",
                body=NOTE_BODY,
            )
        }
    )


def test_export_writes_units_with_inline_codes_and_notes(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    result = run_main(["translate", "export", "--lang", "fr", CHILDREN], cwd=project)
    assert result.exit_code == 0, result.stderr
    xlf = project.path("xliff/fr/chapters/notes/geneva/children.xlf")
    tree = etree.parse(str(xlf))
    root = tree.getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "fr")
    file = root.find(f"{Q}file")
    assert file is not None and file.get("original") == CHILDREN
    description = file.find(f"{Q}notes/{Q}note[@category='description']")
    assert description is not None
    assert "Session: Addressing the needs of children on the move" in (description.text or "")
    assert "Themes: Reducing the incidence and impact of forced and irregular migration" in (
        description.text or ""
    )
    sources = [
        "".join(etree.tostring(s, encoding="unicode", with_tail=False).split(">", 1)[1:])
        for s in root.iter(f"{Q}source")
    ]
    # title, paragraph, footnote, key message, two recommendations; no section headings
    assert len(sources) == 6
    assert sources[0] == "Session children</source>"
    paragraph = root.findall(f".//{Q}unit")[1]
    source = paragraph.find(f"{Q}segment/{Q}source")
    codes = [(e.tag.replace(Q, ""), e.get("id")) for e in source]
    assert codes == [("pc", "1"), ("ph", "3"), ("pc", "4")]
    data = {d.get("id"): d.text for d in paragraph.iter(f"{Q}data")}
    assert data == {
        "d1": "*",
        "d2": "*",
        "d3": "[^1]",
        "d4": "[",
        "d5": "](https://www.ohchr.org/crc)",
    }
    recommendation = root.findall(f".//{Q}unit")[4]
    notes = [n.text for n in recommendation.iter(f"{Q}note")]
    assert notes[0] == "Recommendation 1. Line 23 of the original."
    ph = recommendation.find(f"{Q}segment/{Q}source/{Q}ph")
    assert ph is not None
    assert next(recommendation.iter(f"{Q}data")).text == '{levels="national"}'


def test_a_translated_export_imports_validates_and_builds(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    run_main(["translate", "export", "--lang", "fr"], cwd=project)
    files = sorted(project.path("xliff/fr").rglob("*.xlf"))
    assert [f.relative_to(project.root).as_posix() for f in files] == [
        "xliff/fr/chapters/foreword.xlf",
        "xliff/fr/chapters/notes/geneva/children.xlf",
        "xliff/fr/chapters/notes/geneva/opening.xlf",
        "xliff/fr/chapters/notes/new-york/opening.xlf",
        "xliff/fr/chapters/notes/new-york/sdg-targets.xlf",
        "xliff/fr/contributions/mexico.xlf",
        "xliff/fr/contributions/montreal.xlf",
    ]
    for file in files:
        _translate(file)
    result = run_main(
        ["translate", "import", "--translator", "Claire", "--final", *map(str, files)],
        cwd=project,
    )
    assert result.exit_code == 0, result.stderr
    text = project.read("chapters/notes/geneva/children.fr.md")
    assert text.split("---\n", 2)[1].splitlines()[:3] == [
        'title: "TRAD SESSION CHILDREN"',
        'translator: "Claire"',
        "status: final",
    ]
    body = text.split("---\n", 2)[2]
    assert "## Résumé" in body and "## Recommandations" in body
    assert (
        "TRAD THE SESSION OPENED WITH *TRAD CHILDREN FIRST*, A PRINCIPLE[^1] OF THE "
        "[TRAD CONVENTION](https://www.ohchr.org/crc)." in body
    )
    assert "[^1]: TRAD ARTICLE 3 OF THE **TRAD CONVENTION**." in body
    assert '- TRAD SHARE DATA BETWEEN STATES. {levels="national"}' in body
    report = project.validate()
    assert [d for d in report.diagnostics if d.path.endswith(".fr.md")] == []
    build = run_main(["build", "--lang", "fr", "--format", "docx", "--final"], cwd=project)
    assert build.exit_code == 0, build.stderr
    assert "IDM083" not in build.stderr  # everything is translated
    document = docx.Document(str(project.path("dist/publication-fr.docx")))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "TRAD WE WELCOME NEWCOMERS THROUGH ONE-STOP SHOPS." in paragraphs
    assert "TRAD SHARE DATA BETWEEN STATES." in paragraphs
    assert "Share data between States." not in paragraphs


def test_an_import_with_a_damaged_inline_code_is_refused_naming_the_line(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    run_main(["translate", "export", "--lang", "fr", CHILDREN], cwd=project)
    xlf = project.path("xliff/fr/chapters/notes/geneva/children.xlf")
    _translate(xlf)
    tree = etree.parse(str(xlf))
    target = tree.getroot().findall(f".//{Q}target")[1]
    footnote = target.find(f"{Q}ph")
    assert footnote is not None
    target.remove(footnote)
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")
    line = etree.parse(str(xlf)).getroot().findall(f".//{Q}target")[1].sourceline
    result = run_main(["translate", "import", str(xlf)], cwd=project)
    assert result.exit_code == 1
    assert (
        f"xliff/fr/chapters/notes/geneva/children.xlf:{line}:1: error[IDM086]: unit u2 (the "
        "paragraph at line 13): the inline code '[^1]' is missing"
    ) in result.stdout
    assert not project.path("chapters/notes/geneva/children.fr.md").exists()


def test_an_import_after_the_original_changed_is_refused(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    run_main(["translate", "export", "--lang", "fr", CHILDREN], cwd=project)
    xlf = project.path("xliff/fr/chapters/notes/geneva/children.xlf")
    _translate(xlf)
    project.write(CHILDREN, project.read(CHILDREN).replace("Cooperation matters.", "It matters."))
    result = run_main(["translate", "import", str(xlf)], cwd=project)
    assert result.exit_code == 1
    assert (
        "error[IDM086]: chapters/notes/geneva/children.md changed since this file was exported"
        in result.stdout
    )
    assert not project.path("chapters/notes/geneva/children.fr.md").exists()


def test_an_import_naming_a_file_outside_the_project_is_refused(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    run_main(["translate", "export", "--lang", "fr", CHILDREN], cwd=project)
    xlf = project.path("xliff/fr/chapters/notes/geneva/children.xlf")
    xlf.write_text(
        xlf.read_text("utf-8").replace(f'original="{CHILDREN}"', 'original="../../etc/passwd"'),
        "utf-8",
    )
    result = run_main(["translate", "import", str(xlf)], cwd=project)
    assert result.exit_code == 1
    assert "its original '../../etc/passwd' is not a file of the project" in result.stdout


def test_export_leaves_out_what_is_written_in_the_target_language(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    from tests.conftest import contribution_text

    lyon = contribution_text("Ville de Lyon").replace("language: en", "language: fr")
    project = make_project({"contributions/lyon.md": lyon})
    result = run_main(["translate", "export", "--lang", "fr"], cwd=project)
    assert result.exit_code == 0, result.stderr
    assert project.path("xliff/fr/contributions/montreal.xlf").is_file()
    assert not project.path("xliff/fr/contributions/lyon.xlf").exists()
    named = run_main(["translate", "export", "--lang", "fr", "contributions/lyon.md"], cwd=project)
    assert named.exit_code == 2
    assert "contributions/lyon.md is written in 'fr' already" in named.stderr


def test_the_same_round_trip_through_po(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    from translate.storage.po import pofile

    project = _project(make_project)
    result = run_main(
        ["translate", "export", "--lang", "es", "--format", "po", CHILDREN], cwd=project
    )
    assert result.exit_code == 0, result.stderr
    path = project.path("xliff/es/chapters/notes/geneva/children.po")
    store = pofile.parsefile(str(path))
    entries = [u for u in store.units if not u.isheader()]
    assert [u.getcontext() for u in entries] == ["u1", "u2", "u3", "u4", "u5", "u6"]
    assert entries[1].source == (
        "The session opened with <g1>children first</g1>, a principle<x3/> of the "
        "<g4>Convention</g4>."
    )
    assert "Recommendation 1. Line 23 of the original." in entries[4].getnotes()
    for entry in entries:
        entry.target = "ES " + entry.source.replace("session", "sesión")
    entries[4].target = "ES Compartir datos entre Estados."  # its attribute block dropped
    path.write_bytes(bytes(store))
    refused = run_main(["translate", "import", str(path)], cwd=project)
    assert refused.exit_code == 1
    text = path.read_text("utf-8")
    line = text[: text.index('msgctxt "u5"')].count("\n") + 1
    assert (
        f"xliff/es/chapters/notes/geneva/children.po:{line}:1: error[IDM086]: unit u5 "
        """(recommendation 1 (line 23)): the inline code '{levels="national"}' is missing"""
    ) in refused.stdout
    entries[4].target = "ES Compartir datos entre Estados. <x1/>"
    path.write_bytes(bytes(store))
    result = run_main(["translate", "import", "--translator", "Ana", str(path)], cwd=project)
    assert result.exit_code == 0, result.stderr
    body = project.read("chapters/notes/geneva/children.es.md").split("---\n", 2)[2]
    assert "## Resumen" in body and "## Recomendaciones" in body
    assert (
        "ES The sesión opened with *children first*, a principle[^1] of the "
        "[Convention](https://www.ohchr.org/crc)." in body
    )
    assert '- ES Compartir datos entre Estados. {levels="national"}' in body
    found = [d.code for d in project.validate().diagnostics if d.path.endswith(".es.md")]
    assert found == ["IDM085"]  # a draft until revised; nothing else to say
