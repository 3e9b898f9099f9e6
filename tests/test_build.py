"""`idmbook build` end to end: real pandoc, real Typst, outputs read back."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, ProjectDir, contribution_text, note_text
from pypdf import PdfReader

from idmbook.commands.build import BuildOptions, build
from idmbook.errors import BuildLocked, OutputError, ProblemsFound
from idmbook.publish.output import LOCK_NAME, build_lock

pytestmark = pytest.mark.slow

CHAPTERS = [
    "Foreword",
    "Facilitating safe, orderly and regular migration",
    "Protecting the rights and well-being of migrants",
    "Reducing the incidence and impact of forced and irregular migration",
    "Addressing the mobility dimensions of crises",
    "Key recommendations",
    "Supplementary materials: New York workshop",
    "Supplementary materials: Geneva workshop",
    "Annex I: List of stakeholder contributions",
    "Annex II: Texts of stakeholder contributions",
]


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")  # 14 December 2017
    return 1513209600


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One full build (docx, pdf, html) of the test project, shared by the read-back tests."""
    import os

    from conftest import DEFAULT_FILES

    root = tmp_path_factory.mktemp("built")
    for rel, content in DEFAULT_FILES.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(content), "utf-8")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1513209600"
    try:
        result = build(root, BuildOptions(formats=("docx", "pdf", "html"), draft=True))
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    assert result.manifest is not None
    return {**result.outputs, "manifest": result.manifest, "root": root}


def _docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    from docx import Document

    return [
        (p.style.name if p.style is not None else "", p.text)
        for p in Document(str(path)).paragraphs
    ]


def test_docx_has_every_chapter_as_heading_1(built: dict[str, Path]) -> None:
    headings = [text for style, text in _docx_paragraphs(built["docx"]) if style == "Heading 1"]
    assert headings == CHAPTERS


def test_docx_properties_and_draft_marks(built: dict[str, Path]) -> None:
    from docx import Document

    doc = Document(str(built["docx"]))
    props = doc.core_properties
    assert props.title == "Strengthening international cooperation on and governance of migration"
    assert props.language == "en"
    with zipfile.ZipFile(built["docx"]) as z:
        headers = "".join(z.read(n).decode() for n in z.namelist() if "header" in n)
        footers = "".join(z.read(n).decode() for n in z.namelist() if "footer" in n)
    assert "DRAFT" in headers
    assert "Draft: version" in footers


def test_pdf_text_metadata_and_tags(built: dict[str, Path]) -> None:
    reader = PdfReader(str(built["pdf"]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for heading in CHAPTERS:
        assert heading in flat, heading
    assert "International Dialogue on Migration No. 27" in flat
    assert reader.metadata is not None
    assert reader.metadata.title == (
        "Strengthening international cooperation on and governance of migration"
    )
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert all("DRAFT" in (page.extract_text() or "") for page in reader.pages)


def test_libreoffice_opens_the_docx_and_shows_the_contents(
    built: dict[str, Path], tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(built["docx"]),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / (built["docx"].stem + ".pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    for heading in CHAPTERS:
        assert heading in text, heading
    contents_at = text.index("Contents")
    # the table of contents is filled in: the first chapters are listed right after it
    assert text.index("Foreword", contents_at) < text.index("Key recommendations", contents_at)


def test_manifest_lists_inputs_tools_and_outputs(built: dict[str, Path]) -> None:
    from hashlib import sha256

    manifest = json.loads(built["manifest"].read_text())
    assert (
        manifest["inputs"]["idmbook.yaml"]
        == sha256((built["root"] / "idmbook.yaml").read_bytes()).hexdigest()
    )
    assert "chapters/notes/geneva/children.md" in manifest["inputs"]
    assert "templates/idm.typ" in manifest["inputs"]
    assert set(manifest["tools"]) == {"idmbook", "pandoc", "typst"}
    for fmt in ("docx", "pdf", "html"):
        name = built[fmt].name
        assert manifest["outputs"][name]["sha256"] == sha256(built[fmt].read_bytes()).hexdigest()
    assert manifest["options"]["draft"] is True


def test_reproducible_across_folders(
    make_project: Callable[..., ProjectDir], epoch: int, tmp_path: Path
) -> None:
    first = make_project()
    second = make_project()
    a = build(first.root, BuildOptions(formats=("docx", "pdf")))
    b = build(second.root, BuildOptions(formats=("docx", "pdf"), out=tmp_path / "elsewhere"))
    for fmt in ("docx", "pdf"):
        assert a.outputs[fmt].read_bytes() == b.outputs[fmt].read_bytes(), fmt


def test_unchanged_project_is_up_to_date(project: ProjectDir, epoch: int) -> None:
    first = build(project.root, BuildOptions(formats=("docx",)))
    assert not first.up_to_date
    again = build(project.root, BuildOptions(formats=("docx",)))
    assert again.up_to_date
    project.write(
        "chapters/notes/geneva/children.md",
        note_text("geneva", "children", "[forced-irregular, nyd-k]").replace(
            "Cooperation matters", "Cooperation matters a lot"
        ),
    )
    changed = build(project.root, BuildOptions(formats=("docx",)))
    assert not changed.up_to_date


def test_errors_stop_the_build_and_keep_old_outputs(project: ProjectDir, epoch: int) -> None:
    good = build(project.root, BuildOptions(formats=("docx",)))
    before = good.outputs["docx"].read_bytes()
    project.write("contributions/bad.md", contribution_text(themes="[no-such-theme]"))
    with pytest.raises(ProblemsFound) as caught:
        build(project.root, BuildOptions(formats=("docx",), force=True))
    report = caught.value.report
    assert any(d.code == "IDM020" and d.path == "contributions/bad.md" for d in report.diagnostics)  # type: ignore[attr-defined]
    assert good.outputs["docx"].read_bytes() == before


def test_final_refuses_drafts_and_names_them(project: ProjectDir, epoch: int) -> None:
    project.write(
        "chapters/notes/geneva/children.md",
        note_text("geneva", "children", "[forced-irregular]", status="draft"),
    )
    with pytest.raises(ProblemsFound) as caught:
        build(project.root, BuildOptions(formats=("docx",), final=True))
    drafts = [
        d
        for d in caught.value.report.diagnostics  # type: ignore[attr-defined]
        if d.code == "IDM045"
    ]
    assert [(d.path, d.line, d.severity.value) for d in drafts] == [
        ("chapters/notes/geneva/children.md", 6, "error")
    ]
    assert not (project.root / "dist" / "publication.docx").exists()
    # without --final the same project builds, the draft being a warning
    assert build(project.root, BuildOptions(formats=("docx",))).outputs["docx"].exists()


def test_failed_write_leaves_previous_outputs(
    project: ProjectDir, epoch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = build(project.root, BuildOptions(formats=("docx", "html")))
    before = {f: p.read_bytes() for f, p in good.outputs.items()}
    manifest_before = good.manifest.read_bytes() if good.manifest else b""
    calls = {"n": 0}
    real_fsync = __import__("os").fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second file: the first is already staged
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr("idmbook.publish.output.os.fsync", failing_fsync)
    with pytest.raises(OutputError, match="No space left on device"):
        build(project.root, BuildOptions(formats=("docx", "html"), draft=True))
    assert {f: p.read_bytes() for f, p in good.outputs.items()} == before
    assert good.manifest is not None and good.manifest.read_bytes() == manifest_before
    assert not [p.name for p in (project.root / "dist").iterdir() if p.name.endswith(".part")]


def test_second_build_waits_then_fails_clearly(project: ProjectDir, epoch: int) -> None:
    with (
        build_lock(project.root / "dist"),
        pytest.raises(BuildLocked, match="another idmbook build"),
    ):
        build(project.root, BuildOptions(formats=("html",), lock_timeout=0.2))
    assert (project.root / "dist" / LOCK_NAME).exists()


def test_cli_build_exit_codes(
    project: ProjectDir, run_main: Callable[..., CliResult], epoch: int
) -> None:
    ok = run_main(["build", "--format", "html"], cwd=project.root)
    assert ok.exit_code == 0, ok.stderr
    assert "publication.html" in ok.stdout
    project.write("contributions/bad.md", contribution_text(themes="[no-such-theme]"))
    bad = run_main(["build", "--format", "html", "--diagnostics", "json"], cwd=project.root)
    assert bad.exit_code == 1
    codes = {d["code"] for d in json.loads(bad.stdout)}
    assert "IDM020" in codes
    assert "nothing was written" in bad.stderr
    assert "Traceback" not in bad.stderr
    both = run_main(["build", "--draft", "--final"], cwd=project.root)
    assert both.exit_code == 2


def test_docx_opens_as_zip_with_stable_entries(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(io.BytesIO(built["docx"].read_bytes())) as z:
        assert z.testzip() is None
        assert "word/document.xml" in z.namelist()
