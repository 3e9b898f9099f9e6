"""`idmbook diff`: the changes between two commits of this repository's project, as a Word
file whose tracked changes (by "idmbook") are the commits' edits."""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from idmbook.proofs.wordread import read_returned
from tests.proofkit import W, copy_repository_project

NOTE = "chapters/notes/geneva/children.md"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=editor@example.org", "-c", "user.name=Editor", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_the_tracked_changes_are_the_commits_edits(
    tmp_path: Path, run_main: Callable[..., object]
) -> None:
    root = copy_repository_project(tmp_path / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first draft")
    note = root / NOTE
    text = note.read_text("utf-8")
    text = text.replace(
        "detention of children and provide", "detention of children of any age and provide"
    )
    text = text.replace(" or through return.", ".")
    text = text.replace("- Immigration detention is never in the best interests of a child.\n", "")
    note.write_text(text, "utf-8")
    withheld = root / "contributions" / "remittance-services-association.md"
    withheld.write_text(withheld.read_text("utf-8") + "\nA confidential sentence.\n", "utf-8")
    git(root, "commit", "-qam", "second draft")

    out = tmp_path / "changes.docx"
    result = run_main(["diff", "HEAD~1", "HEAD", "--out", str(out)], cwd=root)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert f"changed {NOTE}" in result.stderr  # type: ignore[attr-defined]
    assert "remittance" not in result.stderr  # type: ignore[attr-defined]

    returned = read_returned(out.read_bytes(), out.name)
    tracked = [
        (" ".join(p.before.split()), " ".join(p.after.split()))
        for p in returned.paragraphs
        if p.tracked
    ]
    assert len(tracked) == 3
    summary, message, recommendation = tracked
    assert summary[0].endswith("in a third country or through return.")
    assert summary[1].endswith("in a third country.")
    assert message == ("Immigration detention is never in the best interests of a child.", "")
    assert recommendation[1].startswith("End the immigration detention of children of any age and")
    assert recommendation[0].startswith("End the immigration detention of children and provide")
    everything = " ".join(p.after + p.before for p in returned.paragraphs)
    assert "confidential" not in everything
    with zipfile.ZipFile(out) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
    changes = [*document.iter(f"{W}ins"), *document.iter(f"{W}del")]
    assert len(changes) == 3
    assert {c.get(f"{W}author") for c in changes} == {"idmbook"}


def test_an_unknown_revision_is_refused(tmp_path: Path, run_main: Callable[..., object]) -> None:
    root = copy_repository_project(tmp_path / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first draft")
    result = run_main(["diff", "no-such-tag"], cwd=root)
    assert result.exit_code == 2
    assert "git does not know the revision 'no-such-tag'" in result.stderr  # type: ignore[attr-defined]
    result = run_main(["diff", "--", "--output=/tmp/x"], cwd=root)
    assert result.exit_code == 2
    assert "'--output=/tmp/x' is not a git revision" in result.stderr  # type: ignore[attr-defined]
