"""`idmbook proof`: a Word proof of a note of this repository, its marks and its record,
read back with python-docx and after a round trip through LibreOffice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from idmbook.proofs.marks import paragraph_key, read_record
from idmbook.proofs.wordread import read_returned
from tests.proofkit import copy_repository_project, soffice_round_trip

NOTE = "chapters/notes/geneva/children.md"


@pytest.fixture(scope="module")
def proofed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, proof) for the Geneva children note, made once for the module."""
    from idmbook.commands.proof import make_proofs

    root = copy_repository_project(tmp_path_factory.mktemp("repo") / "project")
    (written,) = make_proofs(root, [root / NOTE], None)
    return root, written


def test_proof_is_the_note_in_the_house_style(proofed: tuple[Path, Path]) -> None:
    root, path = proofed
    assert path == root / "proofs" / "notes-geneva-children.docx"
    document = docx.Document(str(path))
    texts = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    headings = [text for style, text in texts if style.startswith("Heading")]
    assert headings[:4] == [
        "Addressing the needs of children on the move",
        "Summary",
        "Key messages",
        "Recommendations",
    ]
    cover = " ".join(text for style, text in texts if style == "Imprint")
    assert "Track Changes" in cover and NOTE in cover
    recommendation = next(t for _, t in texts if t.startswith("End the immigration detention"))
    assert recommendation.endswith("care instead.")  # the attribute block is not printed
    assert "themes=" not in "\n".join(t for _, t in texts)


def test_every_printed_paragraph_is_marked_with_its_source(proofed: tuple[Path, Path]) -> None:
    _, path = proofed
    returned = read_returned(path.read_bytes(), path.name)
    marked = {p.key: p.after for p in returned.paragraphs if p.key}
    # title, 3 summary paragraphs, 4 key messages, 5 recommendations
    assert len(marked) == 13
    assert marked[paragraph_key(NOTE, 0)] == "Addressing the needs of children on the move"
    assert marked[paragraph_key(NOTE, 6)].startswith("Children on the move are children first")
    unmarked = [p.after for p in returned.paragraphs if not p.key and p.part == "document"]
    assert "Summary" in unmarked and "Recommendations" in unmarked


def test_the_record_is_in_the_docx_and_beside_it(proofed: tuple[Path, Path]) -> None:
    root, path = proofed
    returned = read_returned(path.read_bytes(), path.name)
    assert returned.record is not None
    inside = read_record(returned.record)
    beside = read_record(path.with_suffix(".proof.json").read_text("utf-8"))
    assert inside.to_json() == beside.to_json()
    import hashlib

    digest = hashlib.sha256((root / NOTE).read_bytes()).hexdigest()
    assert inside.sources == {NOTE: digest}
    assert inside.project["basename"] == "idm-27"
    recommendation = inside.paragraphs[paragraph_key(NOTE, 11)]
    assert (recommendation.kind, recommendation.line) == ("recommendation", 33)
    assert recommendation.sent.startswith("End the immigration detention of children")
    assert json.loads(path.with_suffix(".proof.json").read_text("utf-8"))["id"] == inside.ident


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_marks_and_record_survive_libreoffice(proofed: tuple[Path, Path], tmp_path: Path) -> None:
    _, path = proofed
    before = read_returned(path.read_bytes(), path.name)
    saved = soffice_round_trip(path, tmp_path / "lo")
    after = read_returned(saved.read_bytes(), saved.name)
    assert after.record == before.record
    keys_before = {p.key: p.after for p in before.paragraphs if p.key}
    keys_after = {p.key: p.after for p in after.paragraphs if p.key}
    assert keys_after == keys_before


def test_a_file_that_is_not_a_source_is_refused(proofed: tuple[Path, Path], run_main) -> None:  # type: ignore[no-untyped-def]
    root, _ = proofed
    result = run_main(["proof", "idmbook.yaml"], cwd=root)
    assert result.exit_code == 2  # not a source at all: the command was given the wrong file
    assert "idmbook.yaml is not a note, a contribution or a chapter in Markdown" in result.stderr
