"""Objectives of the global compact: gcm= in a recommendation and gcm: in a note, checked
with their titles; suggested from the text, never assigned; the annex; status."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from idmbook.check.gcm import suggest
from idmbook.check.validate import validate
from idmbook.compose.assemble import assemble
from tests.conftest import CliResult, ProjectDir, note_text

BODY = (
    "\n## Summary\n\nS.\n\n## Key messages\n\n- K.\n\n## Recommendations\n\n"
    '- End the immigration detention of children. {levels="national" gcm="13 7"}\n'
    "- Bring down the cost of sending remittances to 3 per cent.\n"
)


def _project(
    make_project: Callable[..., ProjectDir], body: str = BODY, extra: str = ""
) -> ProjectDir:
    return make_project(
        {
            "chapters/notes/geneva/children.md": note_text(
                "geneva", "children", "[forced-irregular, nyd-k]", extra=extra, body=body
            )
        }
    )


def test_objectives_from_the_block_and_the_note(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project, extra="gcm: [23]\n")
    result = run_main(["recommendations", "-f", "json"], cwd=project)
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)["recommendations"]}
    assert rows["geneva/children#1"]["gcm"] == [13, 7]
    assert rows["geneva/children#2"]["gcm"] == [23]  # the note's default
    assert rows["new-york/opening#1"]["gcm"] == []


def test_objectives_are_suggested_never_assigned(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    rows = {
        r["id"]: r
        for r in json.loads(run_main(["recommendations", "-f", "json"], cwd=project).stdout)[
            "recommendations"
        ]
    }
    remittances = rows["geneva/children#2"]
    assert remittances["gcm"] == []
    assert remittances["gcm_suggested"][0] == 20
    assert "gcm_suggested" not in rows["geneva/children#1"]  # it names its own
    table = run_main(["recommendations"], cwd=project).stdout
    assert "suggested:" in table
    assert suggest(["Train border officials to manage borders together."])[0][0] == 11


def test_validate_checks_the_numbers_with_the_titles_in_the_hint(
    make_project: Callable[..., ProjectDir],
) -> None:
    body = BODY.replace('gcm="13 7"', 'gcm="13 24"')
    project = _project(make_project, body=body, extra="gcm: [7, 0]\n")
    _, report = validate(project.root)
    found = sorted((d.line, d.message) for d in report.diagnostics if d.code == "IDM094")
    text = project.read("chapters/notes/geneva/children.md").splitlines()
    block = next(i for i, line in enumerate(text, 1) if 'gcm="13 24"' in line)
    front = next(i for i, line in enumerate(text, 1) if line.startswith("gcm:"))
    assert found == [
        (front, "no objective 0 in the global compact"),
        (block, "no objective '24' in the global compact"),
    ]
    hint = next(d.hint for d in report.diagnostics if d.code == "IDM094")
    assert hint is not None
    assert "13 Use migration detention only as a measure of last resort" in hint
    assert "23 Strengthen international cooperation" in hint


def test_the_annex_lists_recommendations_by_objective_and_status_the_gaps(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = _project(make_project)
    loaded, report = validate(project.root)
    assert loaded is not None and not report.has_errors
    templates = Path(__file__).parent.parent / "templates"
    md_raw = assemble(loaded.config, loaded.taxonomy, loaded.documents, templates).markdown
    md = md_raw.replace("\\", "")
    annex = md[md.index("{#annex-gcm}") :]
    assert "Recommendations by objective of the global compact" in md
    seven = annex.index("## Objective 7: Address and reduce vulnerabilities in migration")
    thirteen = annex.index("## Objective 13: Use migration detention only")
    assert seven < thirteen
    assert "End the immigration detention of children." in annex[seven:thirteen]
    assert "remittances" not in annex  # only suggested: not in the annex
    # pandoc reads each item's text as a div of its source, not as text with colons
    from idmbook.pandoc.markdown import READER
    from idmbook.pandoc.run import run_pandoc

    raw = md_raw[md_raw.index("{#annex-gcm}") :]
    html = run_pandoc(["-f", READER, "-t", "html"], raw.encode()).decode()
    assert ":::" not in html
    assert '<div class="idm-src" data-src="chapters/notes/geneva/children.md"' in html
    status = json.loads(run_main(["status", "-f", "json"], cwd=project).stdout)
    gaps = [g["objective"] for g in status["recommendations"]["gcm_unaddressed"]]
    assert gaps == [n for n in range(1, 24) if n not in (7, 13)]
