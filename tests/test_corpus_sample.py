"""A fixed sample of the corpus of real documents, run as `make corpus` runs every one.

The corpus (`scripts/corpus_gather.py`, `scripts/corpus_run.py`) is real Word, ODT and RTF
files from other projects' test suites, kept outside the repository. These few files, chosen
by SHA-256 to cover every format and the features that broke builds before (tables,
footnotes, tracked changes, comments, fields, pictures, headers and footers, text boxes,
CJK and right-to-left text, a .doc converted by LibreOffice, a damaged file), go through the
real command line: ingest, validate, build as draft and as final, and the built DOCX (read
with python-docx) and PDF (read with pdftotext) must hold the contribution. A file refused at
ingest must be refused with its IDM code and say what to ask the sender for.

The files come from the corpus folder (``IDMBOOK_CORPUS``, /work/corpus) or, when it lacks
them, straight from the repository snapshots (``IDMBOOK_MIRRORS``, /work/.mirror); with
neither, the test is skipped and says how to get them.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import corpus_gather
import corpus_run


@dataclass(frozen=True)
class Expect:
    outcome: str
    """built, or refused."""
    phrases: tuple[str, ...] = ()
    """Words of the document that the built DOCX and PDF must hold (besides its title)."""
    code: str = ""
    """The IDM code of a refusal."""
    known: str = ""
    """Why this file does not yet do what it should, naming the cause in the corpus report."""


SAMPLE: dict[str, Expect] = {
    # PHPWord's reader sample: footnotes, tables, tracked changes, a picture, headers
    "05019ac572": Expect("built", ("It can read track changes", "Tables are also easy to be made")),
    # Open XML SDK conformance file: comments, footnotes, a text box, tracked changes
    "a8ab720212": Expect("built", ("sdfasdfasdfsadf",)),
    # POI: Cyrillic and Uzbek text in a table, embedded objects, comments, a text box
    "9035226382": Expect("built", ("Всех, кто стар и кто молод", "Таблица")),
    # ODF Toolkit: footnotes, tables, text boxes, pictures
    "ce712b36a4": Expect("built", ("[with leading and trailing space]",)),
    # rtf.js: a list, a table, a footnote
    "2d9080ab4d": Expect("built", ("More in cell 2", "This is the actual content of the footnote")),
    # a Word 97-2003 file, converted by LibreOffice
    "0225f964c9": Expect(
        "built", ("Welcome to PhpWord", "I am styled by a paragraph style definition")
    ),
    # a password-protected .docx and a truncated one: refused, saying what to ask for
    "39ae9e6928": Expect("refused", code="IDM102"),
    "8bb91125cc": Expect("refused", code="IDM104"),
    # POI: a table with an empty row, footnotes, form fields
    "f54182713e": Expect(
        "built",
        ("Rich_text_post_table", "Watermelon"),
    ),
    # Tika: Japanese RTF, most of it in Shift-JIS (\fcharset128 fonts)
    "99dc05c1bc": Expect(
        "built",
        ("ゾルゲと尾崎", "古書店で処刑記録見つかる"),
        known="the Shift-JIS text is read as Windows-1252",
    ),
    # odfpy: a plain ODT table written by LibreOffice
    "267768eee0": Expect(
        "built",
        ("Cell 4 (italic)",),
    ),
}
"""SHA-256 prefix -> what idmbook must do with the file."""


def sample_records(tmp_path: Path) -> tuple[dict[str, dict[str, Any]], Path]:
    """The sample's manifest records by SHA-256 prefix, and the folder holding their files;
    or a skip saying how to get them."""
    sources = {sha: (repo, path) for repo, path, sha in corpus_gather.read_sources()}
    wanted: dict[str, tuple[str, str]] = {}
    for prefix in SAMPLE:
        match = [sha for sha in sources if sha.startswith(prefix)]
        assert len(match) == 1, f"{prefix} names {len(match)} files of corpus_sources.tsv"
        wanted[match[0]] = sources[match[0]]
    corpus = corpus_gather.corpus_dir()
    manifest = corpus / "manifest.json"
    records: list[dict[str, Any]] = []
    files = corpus / "files"
    if manifest.is_file():
        found = json.loads(manifest.read_text("utf-8"))["files"]
        records = [r for r in found if r["sha256"] in wanted]
    if len(records) != len(wanted) or not all((files / r["file"]).is_file() for r in records):
        entries = [(repo, path, sha) for sha, (repo, path) in wanted.items()]
        try:
            built = corpus_gather.gather(tmp_path / "corpus", corpus_gather.mirrors_dir(), entries)
        except corpus_gather.MissingMirror as exc:
            pytest.skip(
                f"the corpus sample is neither in {corpus} nor in the snapshots: {exc} "
                "(`make corpus` gathers the corpus once they are there)"
            )
        assert built["problems"] == []
        records = built["files"]  # type: ignore[assignment]
        files = tmp_path / "corpus" / "files"
    return {r["sha256"][:10]: r for r in records}, files


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, Any]], Path]:
    return sample_records(tmp_path_factory.mktemp("corpus"))


def params() -> list[Any]:
    return [
        pytest.param(
            prefix,
            marks=[pytest.mark.xfail(reason=e.known, strict=False)] if e.known else [],
            id=f"{prefix}-{e.outcome}",
        )
        for prefix, e in SAMPLE.items()
    ]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) is missing")
@pytest.mark.parametrize("prefix", params())
def test_a_real_document_builds_or_is_refused_saying_what_to_ask(
    prefix: str, sample: tuple[dict[str, dict[str, Any]], Path], tmp_path: Path
) -> None:
    records, files = sample
    expect = SAMPLE[prefix]
    result = corpus_run.run_one(
        records[prefix], files, tmp_path, timeout=240.0, phrases=expect.phrases
    )
    assert (result.outcome, result.stage, result.message) == (
        expect.outcome,
        "build-final" if expect.outcome == "built" else "ingest",
        result.message if expect.outcome == "refused" else "",
    )
    if expect.outcome == "refused":
        assert result.code == expect.code, result.message
        assert result.asks_sender, result.message
        assert "ask the sender" in result.message
