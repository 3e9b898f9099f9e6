"""The editor's consolidation: its checks in validate (with lines in idmbook.yaml) and the
merged key recommendations in the book, with their provenance, in English and French."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from idmbook.check.validate import validate
from idmbook.compose.assemble import assemble
from tests.conftest import CONFIG, ProjectDir, note_text

TEMPLATES = Path(__file__).parent.parent / "templates"

NY = (
    "\n## Summary\n\nS.\n\n## Key messages\n\n- K.\n\n## Recommendations\n\n"
    "- Reduce remittance costs below 3 per cent.\n"
    '- End the detention of migrant children and offer family-based care. {levels="national" '
    'actors="Member States"}\n'
)
GENEVA = (
    "\n## Summary\n\nS.\n\n## Key messages\n\n- K.\n\n## Recommendations\n\n"
    '- End the immigration detention of children; provide family-based care. {levels="local" '
    'actors="child protection authorities" themes="rights-wellbeing"}\n'
)
MERGE = """\
consolidation:
  K1:
    merge: [new-york/opening#2, geneva/children#1]
    text:
      en: End the immigration detention of children and provide family-based care instead.
      fr: Mettre fin à la détention des enfants et offrir une prise en charge familiale.
"""


def _project(
    make_project: Callable[..., ProjectDir], consolidation: str, language: str = "en"
) -> ProjectDir:
    config = CONFIG.replace("language: en", f"language: {language}") + consolidation
    return make_project(
        {
            "idmbook.yaml": config,
            "chapters/notes/new-york/opening.md": note_text(body=NY),
            "chapters/notes/geneva/children.md": note_text(
                "geneva", "children", "[forced-irregular, nyd-k]", body=GENEVA
            ),
        }
    )


def _line(project: ProjectDir, text: str) -> int:
    return next(
        i for i, line in enumerate(project.read("idmbook.yaml").splitlines(), 1) if text in line
    )


def test_the_book_prints_the_merged_wording_once_with_its_provenance(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = _project(make_project, MERGE)
    loaded, report = validate(project.root)
    assert loaded is not None and not report.has_errors, report.diagnostics
    # the generated words are escaped for pandoc's reader: compare without the escapes
    md = assemble(loaded.config, loaded.taxonomy, loaded.documents, TEMPLATES).markdown
    md = md.replace("\\", "")
    assert (
        md.count("End the immigration detention of children and provide family-based care instead.")
        == 1
    )
    assert "End the detention of migrant children" not in md
    assert "End the immigration detention of children; provide" not in md
    assert "Raised in New York, session 0, and Geneva, session 1." in md
    # the union of themes, levels and actors of what it merges
    assert "Levels: national, local." in md
    assert "Addressed to: Member States; child protection authorities." in md
    assert "Themes: Facilitating safe, orderly and regular migration, Protecting the rights" in md
    # the unmerged recommendation as before
    assert "Reduce remittance costs below 3 per cent." in md


def test_a_french_book_prints_the_french_wording(make_project: Callable[..., ProjectDir]) -> None:
    project = _project(make_project, MERGE, language="fr")
    loaded, report = validate(project.root)
    assert loaded is not None and not report.has_errors, report.diagnostics
    # the generated words are escaped for pandoc's reader: compare without the escapes
    md = assemble(loaded.config, loaded.taxonomy, loaded.documents, TEMPLATES).markdown
    md = md.replace("\\", "")
    assert "Mettre fin à la détention des enfants et offrir une prise en charge familiale." in md
    assert "Soulevée à New York, séance 0, et Geneva, séance 1." in md


def test_validate_checks_the_ids_and_the_merges(make_project: Callable[..., ProjectDir]) -> None:
    bad = """\
consolidation:
  K1:
    merge: [new-york/opening#2, geneva/children#1]
    text: One wording.
  K2:
    merge: [geneva/children#1, new-york/opening#9, geneva/childrn#1]
    text: {fr: Seulement en français.}
"""
    project = _project(make_project, bad)
    _, report = validate(project.root)
    found = {
        (d.code, d.path, d.line, d.message)
        for d in report.diagnostics
        if d.code in ("IDM090", "IDM091", "IDM092")
    }
    k2 = _line(project, "merge: [geneva/children#1, new-york/opening#9")
    assert found == {
        ("IDM091", "idmbook.yaml", k2, "geneva/children#1 is merged in K1 and in K2"),
        ("IDM090", "idmbook.yaml", k2, "no recommendation new-york/opening#9"),
        ("IDM090", "idmbook.yaml", k2, "no recommendation geneva/childrn#1"),
        ("IDM092", "idmbook.yaml", k2 + 1, "K2 has no wording in 'en' (given: fr)"),
    }
    hints = {d.message: d.hint for d in report.diagnostics}
    assert hints["no recommendation new-york/opening#9"] == (
        "the note of new-york/opening has 2 recommendations"
    )
    assert hints["no recommendation geneva/childrn#1"] == "did you mean 'geneva/children#1'?"


def test_unmerged_near_duplicates_are_information(make_project: Callable[..., ProjectDir]) -> None:
    # no consolidation started: nothing said
    project = _project(make_project, "")
    _, report = validate(project.root)
    assert not [d for d in report.diagnostics if d.code == "IDM093"]
    # a consolidation that merges something else: the children's group is listed
    other = (
        "consolidation:\n  K1:\n    merge: [new-york/sdg-targets#1, geneva/opening#1]\n"
        "    text: Share data between States.\n"
    )
    project = _project(make_project, other)
    _, report = validate(project.root)
    infos = [d for d in report.diagnostics if d.code == "IDM093"]
    messages = [d.message for d in infos]
    assert any(
        m.startswith("new-york/opening#2, geneva/children#1 may say the same thing")
        for m in messages
    ), messages
    assert all(d.severity.name == "INFO" for d in infos)
    assert not report.has_errors


def test_this_repository_merges_its_sample_near_duplicates_in_three_languages() -> None:
    from idmbook.commands.build import in_language

    root = Path(__file__).parent.parent
    loaded, report = validate(root)
    assert loaded is not None and not report.has_errors
    expected = {
        "en": "Raised in New York, session 4, and Geneva, session 5.",
        "fr": "Soulevée à New York, séance 4, et Genève, séance 5.",
        "es": "Planteada en Nueva York, sesión 4, y Ginebra, sesión 5.",
    }
    wording = {
        "en": "End the immigration detention of children and provide family-based",
        "fr": "Mettre fin à la détention des enfants pour des motifs liés à l'immigration",
        "es": "Poner fin a la detención de niños por motivos de inmigración",
    }
    for language, provenance in expected.items():
        config = in_language(loaded.config, language)
        md = assemble(
            config, loaded.taxonomy, loaded.documents, root / "templates", source_language="en"
        ).markdown.replace("\\", "")
        key = md[md.index("{#key-recommendations}") :]
        assert provenance in key, language
        assert " ".join(wording[language].split()) in " ".join(key.split()), language
        assert "Raised in New York, session 1, and Geneva, session 6." in key or language != "en"
