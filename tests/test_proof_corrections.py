"""`idmbook corrections`: a proof of a note of this repository, edited as Word edits it,
comes back into the Markdown as exactly those edits; what cannot be placed changes nothing."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from idmbook.commands.proof import make_proofs
from idmbook.proofs.marks import paragraph_key
from tests.proofkit import W, WordEdit, copy_repository_project, soffice_round_trip

NOTE = "chapters/notes/geneva/children.md"
SUMMARY_2, KEY_MESSAGE_2, RECOMMENDATION_1 = 3, 7, 11
"""Segment indexes in the note: the summary's second paragraph, the second key message,
the first recommendation."""


@pytest.fixture
def proofed(tmp_path: Path) -> tuple[Path, Path]:
    root = copy_repository_project(tmp_path / "project")
    (written,) = make_proofs(root, [root / NOTE], None)
    return root, written


def key(index: int) -> str:
    return paragraph_key(NOTE, index)


def edited(proof: Path, target: Path) -> Path:
    """The done-when edits: an insertion in a recommendation, a deletion in the summary, a
    comment on a key message, all tracked as Word tracks them."""
    edit = WordEdit(proof)
    edit.insert(key(RECOMMENDATION_1), "detention of children", " of any age")
    edit.delete(key(SUMMARY_2), " or through return")
    edit.comment(key(KEY_MESSAGE_2), "never in the best interests", "Did every speaker say never?")
    return edit.save(target)


def expected(original: str) -> str:
    text = original.replace(
        "- End the immigration detention of children and provide",
        "- End the immigration detention of children of any age and provide",
    )
    return text.replace("in a third country or through return.", "in a third country.")


def test_tracked_changes_come_back_as_exactly_those_edits(
    proofed: tuple[Path, Path], run_main: Callable[..., object]
) -> None:
    root, proof = proofed
    returned = edited(proof, root / "returned.docx")
    source = root / NOTE
    original = source.read_text("utf-8")

    dry = run_main(["corrections", str(returned), "--dry-run"], cwd=root)
    assert dry.exit_code == 0, dry.stderr  # type: ignore[attr-defined]
    assert source.read_text("utf-8") == original  # a dry run writes nothing
    diff = dry.stdout  # type: ignore[attr-defined]
    lines = [line for line in diff.splitlines() if not line.startswith(("---", "+++"))]
    removed = [line for line in lines if line.startswith("-")]
    added = [line for line in lines if line.startswith("+")]
    assert len(removed) == len(added) == 2
    assert added[1].startswith("+- End the immigration detention of children of any age and")
    assert added[1].endswith('gcm="13 7"}')  # the recommendation's block is kept
    assert "would correct chapters/notes/geneva/children.md (lines 20, 33)" in dry.stderr  # type: ignore[attr-defined]

    done = run_main(["corrections", str(returned)], cwd=root)
    assert done.exit_code == 0, done.stderr  # type: ignore[attr-defined]
    assert source.read_text("utf-8") == expected(original)

    again = run_main(["corrections", str(returned)], cwd=root)  # the same proof once more
    assert again.exit_code == 0, again.stderr  # type: ignore[attr-defined]
    assert f"{NOTE}:20: already corrected" in again.stderr  # type: ignore[attr-defined]
    assert f"{NOTE}:33: already corrected" in again.stderr  # type: ignore[attr-defined]
    assert source.read_text("utf-8") == expected(original)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_same_after_a_round_trip_through_libreoffice(
    proofed: tuple[Path, Path], run_main: Callable[..., object], tmp_path: Path
) -> None:
    root, proof = proofed
    returned = edited(proof, tmp_path / "returned.docx")
    saved = soffice_round_trip(returned, tmp_path / "lo")
    original = (root / NOTE).read_text("utf-8")
    done = run_main(["corrections", str(saved)], cwd=root)
    assert done.exit_code == 0, done.stderr  # type: ignore[attr-defined]
    assert (root / NOTE).read_text("utf-8") == expected(original)
    assert (
        f"{NOTE}:27: recorded review item" in done.stderr  # type: ignore[attr-defined]
    )  # the comment, still anchored on the second key message
    items = (root / "reviews" / f"{NOTE}.yaml").read_text("utf-8")
    assert "comment: Did every speaker say never?" in items
    assert "about: never in the best interests" in items


def test_an_outdated_source_lists_the_conflict_and_changes_nothing(
    proofed: tuple[Path, Path], run_main: Callable[..., object]
) -> None:
    root, proof = proofed
    returned = edited(proof, root / "returned.docx")
    source = root / NOTE
    outdated = source.read_text("utf-8").replace("in a third country", "in a third State")
    source.write_text(outdated, encoding="utf-8")
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 1
    assert (
        f"{NOTE}:20: cannot place a change: its paragraph has changed in the source since the "
        "proof was made"
    ) in result.stderr  # type: ignore[attr-defined]
    assert f"{NOTE}: nothing changed" in result.stderr  # type: ignore[attr-defined]
    assert source.read_text("utf-8") == outdated  # the recommendation was not applied either


def test_an_edit_made_with_tracking_off_is_compared_with_the_text_as_sent(
    proofed: tuple[Path, Path], run_main: Callable[..., object]
) -> None:
    root, proof = proofed
    edit = WordEdit(proof)
    edit.direct_replace(key(KEY_MESSAGE_2), "never", "rarely, if ever,")
    returned = edit.save(root / "returned.docx")
    original = (root / NOTE).read_text("utf-8")
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert (root / NOTE).read_text("utf-8") == original.replace(
        "- Immigration detention is never in", "- Immigration detention is rarely, if ever, in"
    )


def test_inline_markup_is_kept_around_a_change(
    proofed: tuple[Path, Path], run_main: Callable[..., object]
) -> None:
    root, proof = proofed
    edit = WordEdit(proof)
    edit.delete(key(2), " for the demonstration publication")
    edit.insert(key(2), "The session started from a", " very")
    returned = edit.save(root / "returned.docx")
    original = (root / NOTE).read_text("utf-8")
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert (root / NOTE).read_text("utf-8") == original.replace(
        "*This is sample content written for the demonstration publication, not",
        "*This is sample content written, not",
    ).replace("started from a simple", "started from a very simple")


def test_a_change_to_a_heading_the_book_makes_is_listed(
    proofed: tuple[Path, Path], run_main: Callable[..., object]
) -> None:
    root, proof = proofed
    edit = WordEdit(proof)
    body = edit.document.find(f"{W}body")
    summary = next(p for p in body if "".join(p.itertext()) == "Summary")
    edit.paragraph = lambda _key: summary  # type: ignore[method-assign]
    edit.insert("", "Summary", " of the session")
    returned = edit.save(root / "returned.docx")
    original = (root / NOTE).read_text("utf-8")
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 1
    assert "cannot place a change: a change in text the book makes" in result.stderr  # type: ignore[attr-defined]
    assert '"Summary of the session"' in result.stderr  # type: ignore[attr-defined]
    assert (root / NOTE).read_text("utf-8") == original


def test_a_proof_of_another_project_is_refused(
    proofed: tuple[Path, Path], run_main: Callable[..., object]
) -> None:
    root, proof = proofed
    returned = edited(proof, root / "returned.docx")
    config = root / "idmbook.yaml"
    config.write_text(
        config.read_text("utf-8").replace("basename: idm-27", "basename: idm-28"), "utf-8"
    )
    original = (root / NOTE).read_text("utf-8")
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 1
    assert "is a proof of another project" in result.stderr  # type: ignore[attr-defined]
    assert "(idm-27), not of this one" in result.stderr  # type: ignore[attr-defined]
    assert (root / NOTE).read_text("utf-8") == original


def test_a_word_file_that_is_not_a_proof_is_refused(
    project: object, run_main: Callable[..., object], tmp_path: Path
) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("A submission.")
    path = tmp_path / "letter.docx"
    document.save(str(path))
    result = run_main(["corrections", str(path)], cwd=project.root)  # type: ignore[attr-defined]
    assert result.exit_code == 1
    assert "letter.docx is not a proof made by idmbook" in result.stderr  # type: ignore[attr-defined]


def test_a_contribution_with_a_footnote_bold_items_and_a_numbered_list(
    tmp_path: Path, run_main: Callable[..., object]
) -> None:
    source = "contributions/mx-labour-mobility.md"
    root = copy_repository_project(tmp_path / "project")
    (proof,) = make_proofs(root, [root / source], None)
    edit = WordEdit(proof)
    edit.insert(paragraph_key(source, 18), "con Canadá", " y México")  # the footnote
    edit.delete(paragraph_key(source, 6), " para el trabajador")  # inside **...**
    edit.insert(paragraph_key(source, 13), "Permitir", " siempre")  # item "2."
    returned = edit.save(root / "returned.docx")
    original = (root / source).read_text("utf-8")
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert (root / source).read_text("utf-8") == (
        original.replace("con Canadá funciona", "con Canadá y México funciona")
        .replace(
            "**La contratación debe ser pública y gratuita para el trabajador.**",
            "**La contratación debe ser pública y gratuita.**",
        )
        .replace("2. Permitir el cambio", "2. Permitir siempre el cambio")
    )


def test_a_record_naming_a_file_outside_the_project_is_refused(
    proofed: tuple[Path, Path], run_main: Callable[..., object], tmp_path: Path
) -> None:
    import json

    root, proof = proofed
    record = json.loads(proof.with_suffix(".proof.json").read_text("utf-8"))
    record["sources"] = {"../outside.md": "0" * 64}
    record["paragraphs"] = {}
    (tmp_path / "outside.md").write_text("---\ntitle: x\n---\n\nText.\n", "utf-8")
    forged = tmp_path / "forged.docx"
    shutil.copy(proof, forged)
    from idmbook.proofs.marks import PROPERTY
    from idmbook.proofs.wordprops import with_property

    forged.write_bytes(with_property(forged.read_bytes(), PROPERTY, json.dumps(record)))
    result = run_main(["corrections", str(forged)], cwd=root)
    assert result.exit_code == 1
    assert "the proof names a source outside the project: '../outside.md'" in result.stderr  # type: ignore[attr-defined]
    assert (tmp_path / "outside.md").read_text("utf-8").endswith("Text.\n")


def test_a_proof_of_the_whole_book_and_a_change_across_two_sources(
    tmp_path: Path, run_main: Callable[..., object]
) -> None:
    from lxml import etree

    from idmbook.proofs.marks import read_record
    from idmbook.proofs.wordread import read_returned

    root = copy_repository_project(tmp_path / "project")
    made = run_main(["proof", "--book"], cwd=root)
    assert made.exit_code == 0, made.stderr  # type: ignore[attr-defined]
    proof = root / "proofs" / "idm-27-book.docx"
    record = read_record(proof.with_suffix(".proof.json").read_text("utf-8"))
    assert NOTE in record.sources
    assert "contributions/remittance-services-association.md" not in record.sources  # no consent
    keyed = [p for p in read_returned(proof.read_bytes(), "x").paragraphs if p.key]
    first, second = next(
        (a, b)
        for a, b in itertools.pairwise(keyed)
        if a.part == b.part == "document"
        and record.paragraphs[a.key or ""].source != record.paragraphs[b.key or ""].source
        and record.paragraphs[b.key or ""].kind == "title"
        and record.paragraphs[a.key or ""].kind == "paragraph"
    )
    source_a = record.paragraphs[first.key or ""].source
    source_b = record.paragraphs[second.key or ""].source
    edit = WordEdit(proof)
    edit.insert(key(RECOMMENDATION_1), "detention of children", " of any age")
    # a deletion from the end of source A's last paragraph into source B's title
    last_words = first.after.split()[-1]
    edit.delete(first.key or "", last_words)
    paragraph = edit.paragraph(first.key or "")
    properties = paragraph.find(f"{W}pPr")
    if properties is None:
        properties = etree.SubElement(paragraph, f"{W}pPr")
        paragraph.insert(0, properties)
    marks = etree.SubElement(properties, f"{W}rPr")
    etree.SubElement(marks, f"{W}del", {f"{W}id": "9999", f"{W}author": "A", f"{W}date": "x"})
    edit.delete(second.key or "", second.after.split()[0])
    returned = edit.save(root / "returned.docx")
    texts = {rel: (root / rel).read_text("utf-8") for rel in (source_a, source_b, NOTE)}
    result = run_main(["corrections", str(returned)], cwd=root)
    assert result.exit_code == 1
    assert "a change runs from this paragraph into another source's" in result.stderr  # type: ignore[attr-defined]
    assert f"{source_a}: nothing changed" in result.stderr  # type: ignore[attr-defined]
    assert f"{source_b}: nothing changed" in result.stderr  # type: ignore[attr-defined]
    assert (root / source_a).read_text("utf-8") == texts[source_a]
    assert (root / source_b).read_text("utf-8") == texts[source_b]
    assert (root / NOTE).read_text("utf-8") == expected_recommendation(texts[NOTE])


def expected_recommendation(original: str) -> str:
    return original.replace(
        "- End the immigration detention of children and provide",
        "- End the immigration detention of children of any age and provide",
    )
