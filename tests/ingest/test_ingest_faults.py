"""Ingest under faults and hostile input it must survive: a run killed while writing, the
modes of what it writes, a document nested deeper than anything a word processor writes, a
register that claims a huge sheet, LibreOffice reaching for the network or hanging, and
metadata a file gives about itself (consent above all)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from builders import document, patch, png, simple_docx

from idmbook.commands.ingest import IngestOptions, ingest
from idmbook.errors import IdmbookError
from idmbook.ingest import libreoffice as lo
from idmbook.ingest.register import load_register

META: dict[str, object] = {
    "title": "Titre",
    "organisation": "Cities Alliance",
    "stakeholder_type": "civil_society",
    "workshop": "geneva",
    "themes": ["rights-wellbeing"],
    "language": "en",
    "received": dt.date(2017, 7, 1),
    "consent": True,
}
CLI_META = [
    "--title",
    "Titre",
    "--organisation",
    "Cities Alliance",
    "--type",
    "civil_society",
    "--workshop",
    "geneva",
    "--theme",
    "rights-wellbeing",
    "--language",
    "en",
    "--received",
    "2017-07-01",
    "--consent",
]


@pytest.fixture
def root(make_project: Callable[..., object]) -> Path:
    return make_project().root  # type: ignore[attr-defined, no-any-return]


def _picture_docx() -> bytes:
    def build(d):  # type: ignore[no-untyped-def]
        d.add_paragraph("A submission with a picture.")
        d.add_picture(io.BytesIO(png()))

    return document(build)


def _hidden(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in (root / "contributions").rglob("*")
        if p.name.startswith(".")
    )


# --------------------------------------------------------------------------- killed runs

_KILLER = """
import os, signal, sys
point = sys.argv[1]
real = os.replace
def replace(src, dst):
    dst = str(dst)
    pictures = "/media/" in dst and not dst.endswith(".md")
    if point == "before-pictures" and pictures:
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
    if (point == "after-pictures" and pictures) or (point == "after-text" and dst.endswith(".md")):
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from idmbook.cli import main
sys.argv = ["idmbook", "ingest", *sys.argv[2:]]
main()
"""


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("point", ["before-pictures", "after-pictures", "after-text"])
def test_a_run_killed_while_writing_is_finished_or_undone_by_the_next(
    root: Path, tmp_path: Path, point: str, umask_022: None
) -> None:
    source = tmp_path / "inbox" / "with-picture.docx"
    source.parent.mkdir()
    source.write_bytes(_picture_docx())
    killed = subprocess.run(
        [sys.executable, "-c", _KILLER, point, str(source), *CLI_META],
        cwd=root,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert any(".idmbook-ingest-" in h for h in _hidden(root))  # the journal is there
    again = ingest([source], IngestOptions(metadata=META), root)
    (item,) = again.files
    recovered = [d for d in again.report.diagnostics if d.code == "IDM127"]
    assert len(recovered) == 1 and recovered[0].path == "contributions"
    if point == "after-text":
        assert item.status == "skipped"  # complete before the kill: never ingested twice
        assert "had finished" in recovered[0].message
    else:
        assert item.status == "ingested"
        assert "was undone" in recovered[0].message
    assert item.target == "contributions/cities-alliance.md"
    assert sorted(p.name for p in (root / "contributions").glob("cities-alliance*")) == [
        "cities-alliance.md"
    ]
    assert [p.name for p in (root / "contributions/media/cities-alliance").iterdir()] == [
        "picture-1.png"
    ]
    assert _hidden(root) == []
    third = ingest([source], IngestOptions(metadata=META), root)
    assert third.files[0].status == "skipped"


def test_written_with_the_modes_the_umask_gives(
    root: Path, tmp_path: Path, umask_022: None
) -> None:
    source = tmp_path / "with-picture.docx"
    source.write_bytes(_picture_docx())
    (item,) = ingest([source], IngestOptions(metadata=META), root).files
    media = root / "contributions/media/cities-alliance"
    modes = {
        "text": stat.S_IMODE((root / item.target).stat().st_mode),
        "folder": stat.S_IMODE(media.stat().st_mode),
        "picture": stat.S_IMODE((media / "picture-1.png").stat().st_mode),
    }
    assert modes == {"text": 0o644, "folder": 0o755, "picture": 0o644}


def test_dry_run_reports_an_interrupted_ingest_and_leaves_it(root: Path, tmp_path: Path) -> None:
    source = tmp_path / "inbox" / "with-picture.docx"
    source.parent.mkdir()
    source.write_bytes(_picture_docx())
    subprocess.run(
        [sys.executable, "-c", _KILLER, "after-pictures", str(source), *CLI_META],
        cwd=root,
        capture_output=True,
        timeout=120,
    )
    left = _hidden(root)
    result = ingest([source], IngestOptions(metadata=META, dry_run=True), root)
    assert result.files[0].target == "contributions/cities-alliance.md"  # not -2
    assert [d.code for d in result.report.diagnostics if d.code == "IDM127"] == ["IDM127"]
    assert _hidden(root) == left


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.md", ("> " * 600 + "deep\n").encode()),
        ("deep.html", ("<blockquote>" * 600 + "deep" + "</blockquote>" * 600).encode()),
    ],
)
def test_deep_nesting_fails_its_file_and_the_run_goes_on(
    root: Path, tmp_path: Path, name: str, content: bytes
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / name).write_bytes(content)
    (inbox / "plain.docx").write_bytes(simple_docx("A plain submission."))
    result = ingest([inbox], IngestOptions(metadata=META), root)
    by_name = {Path(f.source).name: f for f in result.files}
    deep, plain = by_name[name], by_name["plain.docx"]
    assert deep.status == "failed" and plain.status == "ingested"
    (error,) = [d for d in deep.diagnostics if d.severity.value == "error"]
    assert error.code == "IDM116" and error.path.endswith(name)
    assert "nests quotations, lists or tables about" in error.message


# --------------------------------------------------------------------------- register


def _register_claiming(cell: str | None, dimension: str) -> bytes:
    """A small XLSX register whose sheet declares ``dimension`` and may hold a far ``cell``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["file", "organisation"])
    sheet.append(["a.docx", "Somebody"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b'<dimension ref="A1:B2"/>', f'<dimension ref="{dimension}"/>'.encode()
                )
                if cell:
                    row = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                    far = f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
                    data = data.replace(b"</sheetData>", far.encode() + b"</sheetData>")
            target.writestr(info, data)
    return out.getvalue()


def test_register_declaring_a_huge_sheet_is_read_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(_register_claiming(None, "A1:XFD1048576"))
    register = load_register(path, "inbox/register.xlsx")
    assert [(r.file, r.values) for r in register.rows] == [("a.docx", {"organisation": "Somebody"})]


def test_register_with_a_cell_far_away_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    data = _register_claiming("XFD1048576", "A1:XFD1048576")
    assert len(data) < 6000
    path.write_bytes(data)
    with pytest.raises(IdmbookError) as caught:
        load_register(path, "inbox/register.xlsx")
    assert "the register inbox/register.xlsx goes on past row" in str(caught.value)
    assert "far more than its" in str(caught.value)
    assert "delete the empty rows" in (caught.value.hint or "")


# --------------------------------------------------------------------------- LibreOffice


def test_a_libreoffice_that_hangs_is_killed_with_everything_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The launcher starts a child that would outlive it (as soffice starts soffice.bin);
    at the time limit both are gone."""
    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(lo, "program", lambda: str(fake))
    ran = lo.run(["--version"], tmp_path, timeout=3)
    assert ran.returncode is None
    child = int(pid_file.read_text())
    deadline = 0
    while deadline < 100 and _alive(child):
        threading.Event().wait(0.05)
        deadline += 1
    assert not _alive(child), "the launcher's child outlived the time limit"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_doc_with_a_linked_picture_makes_no_connection(root: Path, tmp_path: Path) -> None:
    """A .doc links a picture on a server that accepts and never answers; converting it
    must not reach the server (LibreOffice as such sends it a request and waits)."""
    from hostile import docs

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    work = tmp_path / "make"
    work.mkdir()
    (work / "linked.docx").write_bytes(docs.external_picture(f"http://127.0.0.1:{port}/pic.png"))
    subprocess.run(  # the .doc is made while nothing listens on the port
        [
            "soffice",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(work),
            str(work / "linked.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    server.listen(8)
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            hits.append(connection.recv(200))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        (item,) = ingest([work / "linked.doc"], IngestOptions(metadata=META), root).files
    finally:
        stop.set()
        thread.join(5)
        server.close()
    assert hits == []
    assert item.status == "ingested", item.diagnostics
    converted = next(d for d in item.diagnostics if d.code == "IDM103")
    assert "converted from Word 97-2003 (.doc) to .docx with LibreOffice, run " in (
        converted.message
    )
    assert any(
        d.code == "IDM107" and f"127.0.0.1:{port}/pic.png" in d.message for d in item.diagnostics
    )


# --------------------------------------------------------------------------- metadata


def _custom_properties(data: bytes, props: dict[str, str]) -> bytes:
    body = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{k}">'
        f"<vt:lpwstr>{v}</vt:lpwstr></property>"
        for i, (k, v) in enumerate(props.items(), 2)
    )
    return patch(
        data,
        parts={
            "docProps/custom.xml": '<?xml version="1.0"?><Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
            'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{body}</Properties>"
        },
    )


@pytest.mark.parametrize("kind", ["front matter", "custom property"])
def test_consent_comes_only_from_the_editor(root: Path, tmp_path: Path, kind: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    if kind == "front matter":
        name = "sub.md"
        (inbox / name).write_text(
            "---\nconsent: true\norganisation: Evil Corp\n---\n\nOur submission.\n", "utf-8"
        )
        origin = "the file's front matter"
    else:
        name = "sub.docx"
        (inbox / name).write_bytes(
            _custom_properties(
                simple_docx("Our submission."), {"consent": "yes", "organisation": "Evil Corp"}
            )
        )
        origin = "custom document property 'organisation'"
    register = inbox / "register.csv"
    register.write_text(f"file,organisation,consent\n{name},,\n", "utf-8")
    meta = {k: v for k, v in META.items() if k not in ("organisation", "consent")}
    result = ingest([inbox / name], IngestOptions(register=register, metadata=meta), root)
    (item,) = result.files
    assert item.status == "failed"
    messages = {d.code: d for d in item.diagnostics if d.code in ("IDM110", "IDM126")}
    assert messages["IDM110"].message == "missing metadata: consent"
    ignored = [d for d in item.diagnostics if "ignored: consent comes only from" in d.message]
    assert len(ignored) == 1 and ignored[0].severity.value == "warning"
    identity = [d for d in item.diagnostics if d.message.startswith("organisation 'Evil Corp'")]
    assert len(identity) == 1 and origin in identity[0].message
    assert identity[0].severity.value == "warning"
    assert not list((root / "contributions").glob("evil*"))


def test_every_field_says_where_it_came_from(root: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "sub.docx").write_bytes(simple_docx("Our submission.", heading="Our heading"))
    register = inbox / "register.csv"
    register.write_text("file,organisation,consent\nsub.docx,City of Milan,yes\n", "utf-8")
    meta = {k: v for k, v in META.items() if k not in ("organisation", "consent", "title")}
    (item,) = ingest(
        [inbox / "sub.docx"], IngestOptions(register=register, metadata=meta), root
    ).files
    assert item.status == "ingested", item.diagnostics
    (fields,) = [d.message for d in item.diagnostics if d.message.startswith("fields: ")]
    assert fields == (
        "fields: title from the document's first heading; "
        f"organisation from {register.as_posix()} row 2, column B; "
        "stakeholder_type from option --type; workshop from option --workshop; "
        "themes from option --theme; language from option --language; "
        "received from option --received; "
        f"consent from {register.as_posix()} row 2, column C"
    )
