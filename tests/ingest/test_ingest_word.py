"""`idmbook ingest` on real Word files: what ends up in the contribution, what the report
says, what is written and what is not."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import rich_french_docx, simple_docx

from idmbook.commands.ingest import IngestOptions, ingest
from idmbook.pandoc.markdown import READER
from idmbook.pandoc.run import pandoc_path

META = {
    "organisation": "Ville de Montréal",
    "stakeholder_type": "local_authority",
    "workshop": "new-york",
    "themes": ["rights-wellbeing"],
    "language": "fr",
    "consent": True,
}


def _received() -> dict[str, object]:
    import datetime as dt

    return {**META, "received": dt.date(2017, 5, 2)}


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def read_back(markdown: str) -> list[object]:
    """The body as the book's reader sees it."""
    out = subprocess.run(
        [pandoc_path(), "-f", READER, "-t", "json"],
        input=markdown.encode(),
        capture_output=True,
        check=True,
    ).stdout
    return json.loads(out)["blocks"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, Path]:
    """One rich French Word submission ingested into a fresh project (shared by the tests
    below, which only read it)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent))
    from conftest import DEFAULT_FILES

    root = tmp_path_factory.mktemp("rich") / "project"
    for rel, content in DEFAULT_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    inbox = root.parent / "inbox"
    inbox.mkdir()
    source = inbox / "Contribution Montréal.docx"
    source.write_bytes(rich_french_docx())
    result = ingest([inbox], IngestOptions(metadata=_received()), root)
    return root, result, source


def test_front_matter_records_metadata_title_and_source(
    ingested: tuple[Path, object, Path],
) -> None:
    root, _, source = ingested
    text = (root / "contributions/ville-de-montreal.md").read_text("utf-8")
    front = text.split("---\n")[1]
    assert 'title: "Contribution de la Ville de Montréal"' in front  # from the first heading
    assert 'organisation: "Ville de Montréal"' in front
    assert "received: 2017-05-02" in front
    assert "consent: true" in front
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert f'source:\n  file: "Contribution Montréal.docx"\n  sha256: {sha}\n' in front


def test_body_accepts_changes_drops_comments_keeps_notes_tables_lists_rtl(
    ingested: tuple[Path, object, Path],
) -> None:
    root, _, _ = ingested
    body = (root / "contributions/ville-de-montreal.md").read_text("utf-8").split("---\n", 2)[2]
    assert "Nous avons ouvert trois centres." in body
    assert "deux" not in body
    assert "COMMENTAIRE" not in body
    assert "[^1]" in body and "[^1]: Rapport annuel 2016 de la ville." in body
    assert "- Un guichet unique pour tous." in body
    assert "Cellule fusionnée sur trois colonnes" in body
    assert "مرحبا بالمهاجرين في مدينتنا" in body
    # the title heading is not repeated; the level-2 heading is the top level of the body
    assert "Contribution de la Ville" not in body
    assert "## Nos recommandations" in body
    assert not [line for line in body.split("\n") if line.startswith("# ")]
    blocks = read_back(body)
    kinds = {b["t"] for b in blocks}  # type: ignore[index]
    assert "Table" in kinds and "BulletList" in kinds
    assert "RawBlock" not in json.dumps(blocks) and "RawInline" not in json.dumps(blocks)


def test_pictures_extracted_beside_the_contribution_with_alt_text(
    ingested: tuple[Path, object, Path],
) -> None:
    root, result, _ = ingested
    body = (root / "contributions/ville-de-montreal.md").read_text("utf-8")
    assert "![Carte des quartiers d'accueil](media/ville-de-montreal/picture-1.png)" in body
    assert "![](media/ville-de-montreal/picture-2.png)" in body
    media = root / "contributions/media/ville-de-montreal"
    assert sorted(p.name for p in media.iterdir()) == ["picture-1.png", "picture-2.png"]
    assert (media / "picture-1.png").read_bytes().startswith(b"\x89PNG")
    (item,) = result.files  # type: ignore[attr-defined]
    assert item.status == "ingested"
    assert item.target == "contributions/ville-de-montreal.md"
    assert item.counts == {
        "insertions": 1,
        "deletions": 1,
        "comments": 1,
        "pictures": 2,
        "pictures_without_alt": 1,
        "footnotes": 1,
        "tables": 1,
        "equations": 0,
    }
    codes = [(d.code, d.path) for d in item.diagnostics]
    # validated right after ingest: the picture without alt text is a warning on the new file
    assert ("IDM050", "contributions/ville-de-montreal.md") in codes
    assert any("2 tracked changes accepted (1 insertion, 1 deletion)" in c for c in item.changes)
    assert any("1 comment removed" in c for c in item.changes)
    assert result.exit_code == 0  # type: ignore[attr-defined]


def test_second_ingest_of_the_same_file_does_nothing(ingested: tuple[Path, object, Path]) -> None:
    root, _, source = ingested
    before = tree(root)
    again = ingest([source], IngestOptions(metadata=_received()), root)
    (item,) = again.files
    assert item.status == "skipped"
    assert item.target == "contributions/ville-de-montreal.md"
    assert [d.code for d in item.diagnostics] == ["IDM113"]
    assert tree(root) == before
    assert again.exit_code == 0


def test_dry_run_writes_nothing(make_project: Callable[..., object], tmp_path: Path) -> None:
    project = make_project()
    root = project.root  # type: ignore[attr-defined]
    source = tmp_path / "sub.docx"
    source.write_bytes(simple_docx(heading="Titre"))
    before = tree(root)
    result = ingest([source], IngestOptions(metadata=_received(), dry_run=True), root)
    (item,) = result.files
    assert item.status == "would ingest"
    assert item.target == "contributions/ville-de-montreal.md"
    assert tree(root) == before


def test_distinct_names_for_colliding_files(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    project = make_project()
    root = project.root  # type: ignore[attr-defined]
    (root / "contributions/Ville-de-Montreal.md").write_text(
        (root / "contributions/montreal.md").read_text("utf-8"), encoding="utf-8"
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # names that differ only by case and by Unicode normalisation
    (inbox / "Rapport.docx").write_bytes(simple_docx("Premier texte.", "Titre"))
    (inbox / "rapport.docx").write_bytes(simple_docx("Deuxième texte.", "Titre"))
    (inbox / "Re\u0301sume\u0301.docx").write_bytes(simple_docx("Troisième.", "Titre"))
    (inbox / "R\u00e9sum\u00e9.docx").write_bytes(simple_docx("Quatrième.", "Titre"))
    result = ingest([inbox], IngestOptions(metadata=_received()), root)
    targets = [f.target for f in result.files]
    assert all(f.status == "ingested" for f in result.files)
    assert len(set(targets)) == 4
    assert "contributions/ville-de-montreal.md" not in targets  # taken, case ignored
    texts = {(root / t).read_text("utf-8").split("---\n", 2)[2].strip() for t in targets}  # type: ignore[operator]
    assert texts == {"Premier texte.", "Deuxième texte.", "Troisième.", "Quatrième."}
    assert any(d.code == "IDM114" for f in result.files for d in f.diagnostics)


def test_missing_metadata_reported_all_at_once_and_nothing_written(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    project = make_project()
    root = project.root  # type: ignore[attr-defined]
    source = tmp_path / "x.docx"
    source.write_bytes(simple_docx("Texte."))
    before = tree(root)
    result = ingest([source], IngestOptions(metadata={"workshop": "geneva"}), root)
    (item,) = result.files
    assert item.status == "failed"
    (missing,) = [d for d in item.diagnostics if d.code == "IDM110"]
    assert missing.message == (
        "missing metadata: title, organisation, stakeholder_type, themes, received, consent"
    )  # the language falls back to the document's own (python-docx's template says en-US)
    assert "--organisation" in (missing.hint or "")
    assert tree(root) == before
    assert result.exit_code == 1


def test_invalid_value_names_where_it_came_from(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root = make_project().root  # type: ignore[attr-defined]
    source = tmp_path / "x.docx"
    source.write_bytes(simple_docx("Texte.", "Titre"))
    result = ingest(
        [source],
        IngestOptions(metadata={**_received(), "themes": ["rights"], "workshop": "genva"}),
        root,
    )
    messages = [d.message for d in result.files[0].diagnostics if d.code == "IDM111"]
    assert "unknown theme 'rights' (from option --theme)" in messages
    assert "unknown workshop 'genva' (from option --workshop)" in messages
