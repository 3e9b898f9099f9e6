"""Translations beside their originals (NAME.LANG.md): loading, checking against the original,
staleness, and the edition in the translation's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from idmbook.commands.build import BuildOptions, build
from idmbook.commands.translate import stamp
from idmbook.diagnostics import Severity
from idmbook.errors import ProblemsFound
from tests.conftest import NOTE_PATHS, CliResult, ProjectDir

CHILDREN = NOTE_PATHS["geneva", "children"]
CHILDREN_FR = CHILDREN.replace(".md", ".fr.md")

NOTE_FR = """\
---
title: Répondre aux besoins des enfants en déplacement
translator: Claire Traductrice
status: final
translation_of: "0000000000000000000000000000000000000000000000000000000000000001"
---

## Résumé

La séance a ouvert l'atelier sur les enfants.

## Messages clés

- La coopération compte.

## Recommandations

- Partager les données entre États. {levels="national"}
- Associer les autorités locales.
"""

CONTRIBUTION_FR = """\
---
title: Contribution de la Ville de Montréal
translator: Claire Traductrice
status: final
translation_of: "0000000000000000000000000000000000000000000000000000000000000001"
---

Nous accueillons les nouveaux arrivants par des guichets uniques.
"""


def _translated(make_project: Callable[..., ProjectDir], **files: str) -> ProjectDir:
    project = make_project({CHILDREN_FR: NOTE_FR, **files})
    stamp(project.root, [project.path(rel) for rel in (CHILDREN_FR, *files)])
    return project


def _codes(project: ProjectDir) -> list[tuple[str, str, int]]:
    return [(d.code, d.path, d.line) for d in project.validate().diagnostics]


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def test_a_stamped_translation_is_no_second_note_and_validates_clean(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = _translated(make_project)
    assert _codes(project) == []  # no IDM041: a translation is not a note of the session
    text = project.read(CHILDREN_FR)
    assert 'translation_of: "' in text and "source_segments:" in text


def test_the_french_edition_prints_the_translation_and_counts_the_rest(
    make_project: Callable[..., ProjectDir], tmp_path: Path
) -> None:
    project = _translated(make_project, **{"contributions/montreal.fr.md": CONTRIBUTION_FR})
    markdown = tmp_path / "book.md"
    result = build(
        project.root,
        BuildOptions(formats=("docx",), language="fr", markdown_out=markdown, force=True),
    )
    text = _docx_text(result.outputs["docx"])
    assert "Répondre aux besoins des enfants en déplacement" in text
    assert "Partager les données entre États." in text
    assert "Share data between States." in text  # from the notes left untranslated
    assert "Nous accueillons les nouveaux arrivants par des guichets uniques." in text
    assert "We welcome newcomers through one-stop shops." in text  # Mexico's, untranslated
    book = markdown.read_text("utf-8")
    # the untranslated note is tagged with its language, the translated one is not
    assert 'data-src="chapters/notes/geneva/opening.md" data-top="4" lang="en"' in book
    assert 'data-src="chapters/notes/geneva/children.fr.md" data-top="4"}' in book
    counted = [d for d in result.report.diagnostics if d.code == "IDM083"]
    assert len(counted) == 1
    assert counted[0].message.startswith(
        "the fr edition prints 3 of 4 notes, 1 of 2 contributions, 1 of 1 chapters untranslated"
    )
    assert "contributions/mexico.md" in counted[0].message
    coverage = result.stats["translation"]
    assert coverage["note"]["translated"] == 1 and coverage["note"]["missing"] == 3
    assert coverage["contribution"]["missing_files"] == ["contributions/mexico.md"]


def test_the_english_edition_keeps_the_originals(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = _translated(make_project)
    result = build(project.root, BuildOptions(formats=("docx",), force=True))
    text = _docx_text(result.outputs["docx"])
    assert "Partager les données" not in text
    assert not [d for d in result.report.diagnostics if d.code == "IDM083"]
    assert "translation" not in result.stats  # the English manifest is as it was


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (
            ('- Partager les données entre États. {levels="national"}\n', ""),
            "1 recommendation; the original chapters/notes/geneva/children.md has 2",
            17,
        ),
        (
            ('{levels="national"}', '{levels="local"}'),
            "recommendation 1 has not the attribute block of the original's (line 21 of "
            "chapters/notes/geneva/children.md)",
            19,
        ),
        (
            ("La séance a ouvert", "La séance[^1] a ouvert"),
            "footnote [^1] is not in the original (chapters/notes/geneva/children.md)",
            11,
        ),
    ],
)
def test_a_translation_keeps_its_originals_structure(
    make_project: Callable[..., ProjectDir], change: tuple[str, str], message: str, line: int
) -> None:
    project = _translated(make_project)
    project.write(CHILDREN_FR, project.read(CHILDREN_FR).replace(*change))
    found = [d for d in project.validate().diagnostics if d.code == "IDM081"]
    assert [(d.path, d.line, d.message) for d in found] == [(CHILDREN_FR, line, message)]
    assert found[0].severity is Severity.ERROR


def test_a_translation_without_its_original_is_refused(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project({"chapters/notes/geneva/data.fr.md": NOTE_FR})
    found = [(d.code, d.path, d.line) for d in project.validate().diagnostics]
    assert ("IDM080", "chapters/notes/geneva/data.fr.md", 5) in found


def test_editing_the_original_makes_the_translation_stale_naming_what_changed(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = _translated(make_project)
    original = project.read(CHILDREN)
    project.write(
        CHILDREN,
        original.replace(
            "Involve local authorities.", "Involve local and regional authorities."
        ).replace("The session opened the workshop.", "The session opened the second workshop."),
    )
    stale = [d for d in project.validate().diagnostics if d.code == "IDM082"]
    assert [(d.path, d.line, d.severity) for d in stale] == [(CHILDREN_FR, 5, Severity.WARNING)]
    assert stale[0].message == (
        "the translation is stale: in chapters/notes/geneva/children.md, the paragraph at "
        "line 13 changed; recommendation 2 (line 22) changed"
    )
    # the edition in French is refused by --final, the English one is not
    with pytest.raises(ProblemsFound) as refused:
        build(project.root, BuildOptions(formats=("docx",), language="fr", final=True))
    errors = [d for d in refused.value.report.diagnostics if d.severity is Severity.ERROR]
    assert [(d.code, d.path) for d in errors] == [("IDM082", CHILDREN_FR)]
    build(project.root, BuildOptions(formats=("docx",), final=True, force=True))
    # brought up to date and stamped, it is no longer stale
    stamp(project.root, [project.path(CHILDREN_FR)])
    assert not [d for d in project.validate().diagnostics if d.code == "IDM082"]


def test_a_draft_translation_is_refused_by_final_in_its_language(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = _translated(make_project)
    project.write(CHILDREN_FR, project.read(CHILDREN_FR).replace("status: final", "status: draft"))
    assert ("IDM085", CHILDREN_FR, 4) in _codes(project)
    with pytest.raises(ProblemsFound) as refused:
        build(project.root, BuildOptions(formats=("docx",), language="fr", final=True))
    errors = [d for d in refused.value.report.diagnostics if d.severity is Severity.ERROR]
    assert [(d.code, d.path, d.line) for d in errors] == [("IDM085", CHILDREN_FR, 4)]


# --------------------------------------------------------------------------- the config's words

ROOT = Path(__file__).resolve().parents[1]

FRENCH_WORDS = """\
translations:
  fr:
    title: Renforcer la coopération internationale
    series: Dialogue international sur la migration
    publisher: Organisation internationale pour les migrations
    address: [17 route des Morillons, 1211 Genève 19]
    workshops:
      new-york:
        title: Coopération internationale et gouvernance des migrations
        city: New York
        sessions:
          opening: Séance d'ouverture
          sdg-targets: Les cibles des ODD liées à la migration
          closing: Synthèse et clôture
        chairs:
          opening: [Mme Exemple, Directrice générale adjointe]
      geneva:
        title: Comprendre les vulnérabilités des migrants
        city: Genève
        sessions:
          opening: Séance d'ouverture
          children: Répondre aux besoins des enfants en déplacement
"""


def test_each_config_string_left_untranslated_is_named(
    make_project: Callable[..., ProjectDir],
) -> None:
    from tests.conftest import CONFIG

    config = CONFIG.replace(
        "        title: Opening session\n",
        "        title: Opening session\n        chairs: [Ms Example, Deputy Director General]\n",
        1,
    )
    words = FRENCH_WORDS.replace("    address: [17 route des Morillons, 1211 Genève 19]\n", "")
    words = words.replace("          sdg-targets: Les cibles des ODD liées à la migration\n", "")
    words = words.replace(
        "        chairs:\n          opening: [Mme Exemple, Directrice générale adjointe]\n", ""
    )
    project = make_project({"idmbook.yaml": config + words})
    result = build(project.root, BuildOptions(formats=("docx",), language="fr", force=True))
    missing = [(d.line, d.message) for d in result.report.diagnostics if d.code == "IDM084"]
    assert missing == [
        (11, "the fr edition prints this in en: translations.fr.address is missing"),
        (
            24,
            "the fr edition prints this in en: "
            "translations.fr.workshops.new-york.chairs.opening is missing",
        ),
        (
            27,
            "the fr edition prints this in en: "
            "translations.fr.workshops.new-york.sessions.sdg-targets is missing",
        ),
    ]
    # the English edition does not ask for French words
    english = build(project.root, BuildOptions(formats=("docx",), force=True))
    assert not [d for d in english.report.diagnostics if d.code == "IDM084"]


def test_chairs_are_printed_in_the_editions_language(
    make_project: Callable[..., ProjectDir],
) -> None:
    from tests.conftest import CONFIG

    config = CONFIG.replace(
        "        title: Opening session\n",
        "        title: Opening session\n        chairs: [Ms Example, Deputy Director General]\n",
        1,
    )
    project = make_project({"idmbook.yaml": config + FRENCH_WORDS})
    result = build(project.root, BuildOptions(formats=("docx",), language="fr", force=True))
    assert not [d for d in result.report.diagnostics if d.code == "IDM084"]
    document = docx.Document(str(result.outputs["docx"]))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Mme Exemple; Directrice générale adjointe" in cells
    assert "Ms Example; Deputy Director General" not in cells
    assert "1211 Genève 19" in _docx_text(result.outputs["docx"])


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_repositorys_editions_have_every_config_string_and_sample_translations(
    language: str,
) -> None:
    from idmbook.check.validate import validate
    from idmbook.compose.editions import edition_check, edition_pieces

    project, report = validate(ROOT)
    assert project is not None and not report.has_errors
    checked = edition_check(project, report, language, final=True)
    assert [d for d in checked.diagnostics if d.code == "IDM084"] == []
    assert not checked.has_errors  # stamped, final: --final accepts them
    _, coverage = edition_pieces(project.documents, language, "en")
    assert coverage.count("translated", "note") >= 2
    assert coverage.count("translated", "contribution") >= 1
    assert coverage.count("stale") == 0
    translations = [t for t in project.documents.translations if t.language == language]
    assert translations and all(t.meta.sample for t in translations)


# --------------------------------------------------------------------------- status


def test_status_counts_translated_stale_and_missing_per_language(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    import json

    project = _translated(make_project, **{"contributions/montreal.fr.md": CONTRIBUTION_FR})
    project.write(
        "contributions/montreal.md",
        project.read("contributions/montreal.md").replace("one-stop shops", "one-stop centres"),
    )
    result = run_main(["status", "--format", "json"], cwd=project)
    assert result.exit_code == 0, result.stderr
    french = json.loads(result.stdout)["translations"]["fr"]
    assert (french["note"]["translated"], french["note"]["stale"], french["note"]["missing"]) == (
        1,
        0,
        3,
    )
    assert french["contribution"]["stale_files"] == ["contributions/montreal.md"]
    assert (french["contribution"]["translated"], french["contribution"]["missing"]) == (1, 1)
    assert french["chapter"]["missing_files"] == ["chapters/foreword.md"]
    assert "title" in french["config_missing"]  # the test config translates nothing
    tables = run_main(["status"], cwd=project, COLUMNS="200")
    row = next(line for line in tables.stdout.splitlines() if line.strip("│ ").startswith("fr "))
    assert [cell.strip() for cell in row.strip("│").split("│")][:4] == [
        "fr",
        "1 / 0 / 3",
        "1 / 1 / 1",
        "0 / 0 / 1",
    ]


def test_a_translation_into_the_originals_own_language_is_refused(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project({"chapters/foreword.en.md": CONTRIBUTION_FR})
    found = [(d.code, d.path, d.message) for d in project.validate().diagnostics]
    assert found == [
        (
            "IDM080",
            "chapters/foreword.en.md",
            "a translation into 'en' of chapters/foreword.md, which is written in it",
        )
    ]
