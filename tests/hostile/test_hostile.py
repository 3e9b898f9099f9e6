"""Every hostile case of the corpus, through the real command line, in worker processes.

The cases selected for this session run once, two at a time, in spawned worker processes (so
that a crash inside pandoc or Typst fails its case, not the suite); each test then asserts
on its own case's result. ``make hostile`` prints the same cases as a table.
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pytest

from hostile.cases import CASES
from hostile.harness import ENTRY_POINTS, Case, Observed, run_case, run_cases

BY_ID = {case.id: case for case in CASES}


@pytest.fixture(scope="module")
def observed(request: pytest.FixtureRequest) -> dict[str, Observed]:
    """The result of every case selected in this session, run once."""
    wanted = [
        BY_ID[item.callspec.params["case_id"]]
        for item in request.session.items
        if getattr(item, "callspec", None) is not None
        and "case_id" in item.callspec.params
        and item.fspath is not None
        and Path(str(item.fspath)).name == Path(__file__).name
    ]
    return {obs.case.id: obs for obs in run_cases(wanted)}


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_case(case_id: str, observed: dict[str, Observed]) -> None:
    result = observed[case_id]
    if result.over_time:  # shown, not failed: the suite asserts no time (make hostile does)
        warnings.warn(f"{case_id}: {result.over_time}", stacklevel=1)
    assert result.passed, (
        f"{case_id} ({result.case.what}): expected {result.case.expect.describe()}, "
        f"observed {result.describe()}\n"
        + "\n".join(f"  - {f}" for f in result.failures)
        + f"\nstderr: {result.stderr[-1500:]}"
    )


def test_the_corpus_covers_every_entry_point() -> None:
    counts = Counter(case.entry for case in CASES)
    assert set(counts) == set(ENTRY_POINTS), counts
    assert len(CASES) >= 60
    assert min(counts.values()) >= 8, counts


def test_case_ids_are_unique_and_every_failure_names_a_file() -> None:
    assert len(BY_ID) == len(CASES)
    for case in CASES:
        assert case.entry in ENTRY_POINTS, case.id
        assert case.expect.exit in (0, 1, 2), case.id
        if case.expect.exit == 1:
            assert case.expect.diags, f"{case.id}: exit 1 must come with a diagnostic"
        if case.expect.exit == 2:
            assert case.expect.diags or case.expect.message, f"{case.id}: exit 2 says nothing"


def test_the_harness_checks_can_fail(tmp_path: Path) -> None:
    """A case whose expectation is wrong fails, and so does every guard given a violation."""
    from hostile.harness import (
        ENV_TOKEN,
        TOKEN,
        Expect,
        Observed,
        Tripwire,
        _check,
        _check_budget,
        _Guards,
        make_box,
    )

    wrong = Case(
        "self-check",
        "validate",
        "a valid project said to fail",
        Expect(1, (("IDM005", "contributions/montreal.md", 1),)),
    )
    result = run_case(wrong, tmp_path / "run")
    assert result.exit == 0
    assert "exit 0, expected 1" in result.failures
    assert any("no IDM005 at contributions/montreal.md:1" in f for f in result.failures)

    box = make_box(wrong, tmp_path / "box")
    (box.project / "stray.txt").write_text(TOKEN)
    (box.project / "env.txt").write_text(f"a value: {ENV_TOKEN}-aws")
    (box.root / "tmp").mkdir()
    (box.root / "tmp" / "idmbook-typst-left").mkdir()
    planted = Observed(
        wrong,
        exit=1,
        stderr="Traceback (most recent call last):\x1b]0;title\x07",
        changed=["project/stray.txt", "project/env.txt", "tmp/idmbook-typst-left"],
        peak_mb=2000.0,
        budget_mb=900.0,
        cpu=50.0,
        budget_cpu=10.0,
    )
    guards = _Guards(box.outside)
    guards.reads.append(str(box.outside / "canary.txt"))
    guards.connects.append("('example.org', 80)")
    tripwire = Tripwire()
    tripwire.hits.append("GET http://example.org/ HTTP/1.1")
    tripwire.close()
    _check(planted, box, guards, tripwire, None)
    _check_budget(planted)
    text = "\n".join(planted.failures)
    assert planted.over_time is not None and "processor time: 50.0 s" in planted.over_time
    for needle in (
        "'Traceback' in the output",
        "no IDM005",
        "network access from Python",
        "a tool reached for the network",
        "read a file outside the project",
        "changed outside",
        "canary or /etc/passwd content in project/stray.txt",
        "project/env.txt",
        "terminal control characters in stderr",
        "left in the temporary folder",
        "memory: 2000 MB",
    ):
        assert needle in text, (needle, text)


def test_the_harness_sees_network_and_reads_outside(tmp_path: Path) -> None:
    import socket

    from hostile.harness import _Guards, _install_audit_hook, _no_network

    _install_audit_hook()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    guards = _Guards(outside)
    with _no_network(guards):
        _Guards.active = guards
        try:
            (outside / "secret.txt").read_text()
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", 9))
        finally:
            _Guards.active = None
    assert guards.reads and guards.connects


def test_the_browser_check_sees_scripts_requests_and_active_content(tmp_path: Path) -> None:
    """The check the HTML of every build passes: a page with an event handler that fires, a
    picture from the network and a javascript: link is reported on all three counts; a plain
    page is clean."""
    from hostile.browser import open_in_browser, skip_reason

    reason = skip_reason()
    if reason is not None:
        pytest.skip(reason)
    clean = tmp_path / "clean.html"
    clean.write_text("<!doctype html><title>x</title><p>Plain text.</p>")
    assert open_in_browser(clean).problems() == []
    hostile = tmp_path / "hostile.html"
    hostile.write_text(
        "<!doctype html><title>x</title>"
        '<img src="missing.png" onerror="document.title=1" alt="x">'
        '<img src="http://203.0.113.9/tracker.png" alt="y">'
        '<a href="javascript:alert(1)">click</a>'
    )
    report = open_in_browser(hostile)
    assert report.error is None, report.error
    assert report.scripts, report
    assert any("203.0.113.9" in url for url in report.requests), report
    assert any("javascript:" in item for item in report.active), report


def test_the_output_checks_see_actions_and_outside_references(tmp_path: Path) -> None:
    """Every DOCX and PDF a build writes is searched for what would act when it is opened: a
    PDF with document JavaScript and a link to a file, a DOCX whose picture comes from the
    network, are reported; this repository's kind of output is not."""
    import io
    import zipfile

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    from hostile.harness import _active_output

    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    from pypdf.actions import JavaScript

    writer.add_open_action(JavaScript("app.alert('x');"))
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("file:///etc/passwd"),
                }
            ),
        }
    )
    writer.add_annotation(page, link)
    pdf = tmp_path / "a.pdf"
    with pdf.open("wb") as handle:
        writer.write(handle)
    found = _active_output(pdf, "a.pdf")
    assert any("/JavaScript" in f for f in found), found
    assert any("file:///etc/passwd" in f for f in found), found

    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/image" Target="http://203.0.113.9/x.png" '
        'TargetMode="External"/><Relationship Id="r2" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/hyperlink" Target="https://iom.int" '
        'TargetMode="External"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/_rels/document.xml.rels", rels)
    docx = tmp_path / "a.docx"
    docx.write_bytes(buffer.getvalue())
    found = _active_output(docx, "a.docx")
    assert len(found) == 1 and "203.0.113.9" in found[0], found
