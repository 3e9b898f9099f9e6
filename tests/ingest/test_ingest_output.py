"""What `idmbook ingest` prints: a line per file with its outcome, the changes and the
diagnostics under it with their codes, the refusal last; lines whole at 80 columns; and the
same run as JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from builders import patch, simple_docx
from conftest import CliResult, ProjectDir

METADATA = [
    "--workshop",
    "geneva",
    "--type",
    "civil_society",
    "--country",
    "MX",
    "--theme",
    "rights-wellbeing",
    "--consent",
    "--language",
    "en",
]


def _inbox(project: ProjectDir) -> Path:
    inbox = project.root / "inbox"
    inbox.mkdir()
    (inbox / "a-broken.docx").write_bytes(b"\x00\x01 not a zip at all " * 40)
    (inbox / "b-good.docx").write_bytes(simple_docx("Cities welcome newcomers.", "Our view"))
    return inbox


def test_each_file_on_its_line_with_codes_and_the_refusal_last(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    _inbox(project)
    result = run_main(
        ["ingest", "inbox", *METADATA, "--received", "2017-05-02", "--organisation", "Lund"],
        cwd=project,
        COLUMNS="80",
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    broken = lines.index("inbox/a-broken.docx: failed")
    assert lines[broken + 1].startswith("  error[IDM101]: the file is named 'a-broken.docx'")
    assert lines[broken + 2].startswith("    hint: ask the sender for")
    good = next(i for i, line in enumerate(lines) if line.startswith("inbox/b-good.docx -> "))
    assert lines[good].endswith(": ingested")
    target = lines[good].split(" -> ")[1].removesuffix(": ingested")
    assert (project.root / target).is_file()
    assert lines[-1] == "1 ingested, 0 skipped, 1 failed"
    assert not any(ch in result.stdout for ch in "│┃━")  # no table cut into columns


def test_warnings_that_explain_a_refusal_come_before_it(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    def company(app_xml: bytes) -> bytes:  # the organisation from the file itself: a warning
        return app_xml.replace(b"<DocSecurity>", b"<Company>City of Lund</Company><DocSecurity>")

    submitted = patch(
        simple_docx("Cities welcome newcomers."), part_edits={"docProps/app.xml": company}
    )
    (project.root / "lund.docx").write_bytes(submitted)
    # no --received: the file is refused for it, after the warning about its organisation
    result = run_main(["ingest", "lund.docx", *METADATA, "--title", "Lund"], cwd=project)
    assert result.exit_code == 1
    block = result.stdout.split("lund.docx: failed\n", 1)[1].splitlines()
    diagnostics = [line for line in block if line.startswith(("  warning[", "  error["))]
    assert diagnostics[0].startswith("  warning[IDM126]: organisation 'City of Lund'"), block
    assert diagnostics[-1] == "  error[IDM110]: missing metadata: received", block


def test_json_lists_every_file_with_its_outcome_and_diagnostics(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    _inbox(project)
    args = ["ingest", "inbox", *METADATA, "--received", "2017-05-02", "--organisation", "Lund"]
    result = run_main([*args, "--dry-run", "--format", "json"], cwd=project)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["dry_run"] is True
    by_file = {f["file"]: f for f in doc["files"]}
    assert by_file["inbox/a-broken.docx"]["status"] == "failed"
    assert [d["code"] for d in by_file["inbox/a-broken.docx"]["diagnostics"]] == ["IDM101"]
    good = by_file["inbox/b-good.docx"]
    assert good["status"] == "would ingest"
    assert good["target"].startswith("contributions/")
    assert not (project.root / good["target"]).exists()  # a dry run writes nothing
    assert doc["totals"] == {"ingested": 0, "would ingest": 1, "skipped": 0, "failed": 1}
