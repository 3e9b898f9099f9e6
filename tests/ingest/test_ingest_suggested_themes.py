"""Themes suggested from a submission's text when nothing gives any: reported, and taken only
with --accept-suggested-themes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from builders import simple_docx

from idmbook.check.themes import suggest_themes
from idmbook.check.validate import validate
from idmbook.commands.ingest import IngestOptions, ingest

TEXT = (
    "Remittances sent by migrant workers are a lifeline for families in countries of origin. "
    "We ask that the cost of transfers be reduced and that regular pathways for labour "
    "migration be opened, with fair recruitment and decent work."
)
META = {
    "organisation": "Remittance Forum",
    "stakeholder_type": "civil_society",
    "workshop": "new-york",
    "language": "en",
    "title": "Remittances and labour migration",
    "consent": True,
    "received": dt.date(2017, 5, 2),
}


def test_the_suggestion_is_reported_and_nothing_written(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root = make_project().root  # type: ignore[attr-defined]
    source = tmp_path / "forum.docx"
    source.write_bytes(simple_docx(TEXT))
    result = ingest([source], IngestOptions(metadata=META), root)
    (item,) = result.files
    assert item.status == "failed"
    (suggestion,) = [d for d in item.diagnostics if d.code == "IDM140"]
    assert suggestion.message == "no themes given; the text suggests: safe-orderly-regular"
    assert "--accept-suggested-themes" in (suggestion.hint or "")
    assert [d.message for d in item.diagnostics if d.code == "IDM110"] == [
        "missing metadata: themes"
    ]
    assert not (root / "contributions" / "remittance-forum.md").exists()


def test_accepting_the_suggestion_writes_the_themes(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root = make_project().root  # type: ignore[attr-defined]
    source = tmp_path / "forum.docx"
    source.write_bytes(simple_docx(TEXT))
    options = IngestOptions(metadata=META, accept_suggested_themes=True)
    result = ingest([source], options, root)
    (item,) = result.files
    assert item.status == "ingested", [d.message for d in item.diagnostics]
    written = (root / str(item.target)).read_text("utf-8")
    assert 'themes: ["safe-orderly-regular"]' in written
    assert any("took the themes suggested" in d.message for d in item.diagnostics)
    _, report = validate(root)
    assert not report.has_errors


def test_themes_given_are_never_replaced(
    make_project: Callable[..., object], tmp_path: Path
) -> None:
    root = make_project().root  # type: ignore[attr-defined]
    source = tmp_path / "forum.docx"
    source.write_bytes(simple_docx(TEXT))
    options = IngestOptions(
        metadata={**META, "themes": ["crises-mobility"]}, accept_suggested_themes=True
    )
    (item,) = ingest([source], options, root).files
    assert item.status == "ingested"
    assert 'themes: ["crises-mobility"]' in (root / str(item.target)).read_text("utf-8")
    assert not [d for d in item.diagnostics if d.code == "IDM140"]


def test_suggestions_follow_the_text(make_project: Callable[..., object]) -> None:
    loaded, _ = validate(make_project().root)  # type: ignore[attr-defined]
    assert loaded is not None
    taxonomy = loaded.taxonomy
    assert suggest_themes("", taxonomy) == []
    crisis = (
        "Migrants caught in countries in crisis, conflicts and natural disasters need evacuation."
    )
    assert suggest_themes(crisis, taxonomy)[0] == "crises-mobility"
