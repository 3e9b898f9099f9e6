"""The returned proof docs/proofs.md shows, made from a real proof of the Geneva note on
children as the rapporteur would return it from Word: "or through return" deleted in the
summary and "of any age" inserted in the first recommendation with Track Changes on, and a
comment by A. Reviewer on "never in the best interests".

    python tests/proof_returned.py proofs/notes-geneva-children.docx inbox/children-returned.docx

The paragraphs are found by their text as sent, in the record the proof keeps of itself; the
edits are those of :class:`tests.proofkit.WordEdit` (the proof tests' own), so the page and
the tests return the same kind of file.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository's root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from idmbook.proofs.marks import read_record
from idmbook.proofs.wordread import read_returned
from tests.proofkit import WordEdit

COMMENT = "Did every speaker say never? The Geneva statement says rarely."
USAGE = "usage: python tests/proof_returned.py PROOF.docx RETURNED.docx"


def marked(proof: Path, words: str) -> str:
    """The mark of the one paragraph of ``proof`` whose text as sent holds ``words``."""
    text = read_returned(proof.read_bytes(), proof.name).record
    if text is None:
        raise SystemExit(f"{proof}: not a proof (no record)")
    keys = [key for key, item in read_record(text).paragraphs.items() if words in item.sent]
    if len(keys) != 1:
        raise SystemExit(f"{proof}: {len(keys)} paragraphs say {words!r}, expected one")
    return keys[0]


def returned(proof: Path, target: Path) -> Path:
    edit = WordEdit(proof)
    summary = marked(proof, "in a third country or through return")
    recommendation = marked(proof, "End the immigration detention of children")
    key_message = marked(proof, "never in the best interests")
    edit.delete(summary, " or through return")
    edit.insert(recommendation, "detention of children", " of any age")
    edit.comment(key_message, "never in the best interests", COMMENT)
    target.parent.mkdir(parents=True, exist_ok=True)
    return edit.save(target)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    returned(Path(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
