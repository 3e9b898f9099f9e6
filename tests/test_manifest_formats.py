"""A build of some formats and the manifest: `idmbook build -f html` after a build of the DOCX
and the PDF lists all three while the DOCX and the PDF are still current, and leaves out of
the manifest (saying why) those made from other inputs, with other options, or changed since."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, ProjectDir, note_text

from idmbook.commands.build import BuildOptions, BuildResult, build

pytestmark = pytest.mark.slow

NOTE = "chapters/notes/new-york/opening.md"


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")


def _build(project: ProjectDir, *formats: str, **options: object) -> BuildResult:
    return build(project.root, BuildOptions(formats=formats, **options))  # type: ignore[arg-type]


def _manifest(result: BuildResult) -> dict[str, object]:
    assert result.manifest is not None
    return json.loads(result.manifest.read_text("utf-8"))  # type: ignore[no-any-return]


def _on_disk(result: BuildResult) -> dict[str, str]:
    """sha256 of every file the manifest lists, read from the folder now."""
    assert result.manifest is not None
    outputs = _manifest(result)["outputs"]
    assert isinstance(outputs, dict)
    folder = result.manifest.parent
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in outputs}


def _listed(result: BuildResult) -> dict[str, str]:
    outputs = _manifest(result)["outputs"]
    assert isinstance(outputs, dict)
    return {name: info["sha256"] for name, info in outputs.items()}


def test_html_after_docx_and_pdf_lists_all_three(project: ProjectDir) -> None:
    first = _build(project, "docx", "pdf")
    docx, pdf = first.outputs["docx"], first.outputs["pdf"]
    before = {docx: docx.read_bytes(), pdf: pdf.read_bytes()}
    pages = _manifest(first)["stats"]["pages"]  # type: ignore[index]
    assert isinstance(pages, int) and pages > 0

    html = _build(project, "html")
    assert not html.up_to_date
    assert set(html.outputs) == {"html"}  # only the HTML was made
    assert html.kept == {"docx": docx, "pdf": pdf} and html.dropped == {}
    assert {path: path.read_bytes() for path in before} == before  # the others untouched
    listed = _listed(html)
    assert sorted(listed) == sorted([docx.name, pdf.name, html.outputs["html"].name])
    assert listed == _on_disk(html)
    manifest = _manifest(html)
    assert manifest["options"]["formats"] == ["html", "docx", "pdf"]  # type: ignore[index]
    assert manifest["stats"]["pages"] == pages  # type: ignore[index]  # (the PDF kept)
    assert html.stats["pages"] == pages

    # every combination of the three is now up to date, and changes nothing
    manifest_bytes = html.manifest.read_bytes()  # type: ignore[union-attr]
    for formats in (("html",), ("docx", "pdf"), ("pdf",), ("docx", "pdf", "html")):
        assert _build(project, *formats).up_to_date, formats
    assert html.manifest.read_bytes() == manifest_bytes  # type: ignore[union-attr]


def test_an_edit_leaves_the_outputs_of_the_old_text_out(project: ProjectDir) -> None:
    first = _build(project, "docx", "pdf")
    docx, pdf = first.outputs["docx"], first.outputs["pdf"]
    old_docx = docx.read_bytes()
    project.write(NOTE, note_text().replace("The session opened", "The session began"))

    html = _build(project, "html")
    assert not html.up_to_date and html.kept == {}
    assert html.dropped == {
        docx.name: "built from other inputs",
        pdf.name: "built from other inputs",
    }
    assert _listed(html) == _on_disk(html)
    assert sorted(_listed(html)) == [html.outputs["html"].name]
    assert "pages" not in _manifest(html)["stats"]  # type: ignore[operator]  # (no PDF listed)
    assert docx.read_bytes() == old_docx and pdf.exists()  # left where they were

    # the default formats are not up to date; built again, the HTML of this text is kept
    again = _build(project, "docx", "pdf")
    assert not again.up_to_date
    assert again.kept == {"html": html.outputs["html"]} and again.dropped == {}
    assert sorted(_listed(again)) == sorted([docx.name, pdf.name, html.outputs["html"].name])
    assert _listed(again) == _on_disk(again)


def test_a_deleted_or_changed_output_is_left_out(project: ProjectDir) -> None:
    first = _build(project, "docx", "html")
    docx, html = first.outputs["docx"], first.outputs["html"]
    docx.unlink()
    pdf = _build(project, "pdf")
    assert pdf.kept == {"html": html}
    assert pdf.dropped == {docx.name: "its file is gone"}
    assert sorted(_listed(pdf)) == sorted([html.name, pdf.outputs["pdf"].name])

    html.write_text("<p>edited by hand</p>", "utf-8")
    pdf_again = _build(project, "pdf")
    assert not pdf_again.up_to_date  # an output it lists changed: the PDF is made again
    assert pdf_again.dropped == {html.name: "its file changed since it was built"}
    assert pdf_again.kept == {}
    assert html.read_text("utf-8") == "<p>edited by hand</p>"  # never overwritten or deleted
    assert sorted(_listed(pdf_again)) == [pdf.outputs["pdf"].name]
    assert _listed(pdf_again) == _on_disk(pdf_again)


def test_a_draft_is_not_kept_by_a_build_that_is_not(project: ProjectDir) -> None:
    draft = _build(project, "html", draft=True)
    docx = _build(project, "docx")
    assert docx.dropped == {draft.outputs["html"].name: "built with other options (draft)"}
    assert sorted(_listed(docx)) == [docx.outputs["docx"].name]


def test_the_french_edition_has_a_manifest_of_its_own(project: ProjectDir) -> None:
    english = _build(project, "docx")
    english_manifest = english.manifest.read_bytes()  # type: ignore[union-attr]
    french = _build(project, "html", language="fr")
    assert french.manifest != english.manifest
    assert french.kept == {} and french.dropped == {}
    assert sorted(_listed(french)) == [french.outputs["html"].name]
    assert english.manifest.read_bytes() == english_manifest  # type: ignore[union-attr]
    french_docx = _build(project, "docx", language="fr")
    assert french_docx.kept == {"html": french.outputs["html"]}
    assert _build(project, "docx").up_to_date  # the English edition's manifest untouched


def test_a_forged_entry_is_never_read(project: ProjectDir, tmp_path: Path) -> None:
    first = _build(project, "html")
    assert first.manifest is not None
    outside = tmp_path / "outside.docx"
    outside.write_bytes(b"not the book's")
    doc = _manifest(first)
    name = first.outputs["html"].name
    doc["outputs"] = {  # type: ignore[index]
        **doc["outputs"],  # type: ignore[dict-item]
        f"../../{outside.name}": {"sha256": hashlib.sha256(b"not the book's").hexdigest()},
        "evil\x1b[2J.pdf": {"sha256": "0" * 64},
    }
    first.manifest.write_text(json.dumps(doc), "utf-8")
    again = _build(project, "docx")
    assert again.dropped == {
        f"../../{outside.name}": "not an output of this book",
        ascii("evil\x1b[2J.pdf"): "not an output of this book",
    }
    assert again.kept == {"html": first.outputs["html"]}
    assert sorted(_listed(again)) == sorted([name, again.outputs["docx"].name])


def test_the_command_line_says_what_it_kept_and_left_out(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    """The README's `idmbook build -f docx,pdf,html` and the editors' guide's `--format pdf`:
    a build of some formats keeps the others of the same text and names those it leaves out."""
    first = run_main(["build", "-f", "docx,html"], cwd=project)
    assert first.exit_code == 0, first.stdout + first.stderr
    dist = project.root / "dist"
    names = sorted(p.name for p in dist.iterdir() if p.suffix in (".docx", ".html"))
    docx_name, html_name = sorted(names)
    pdf = run_main(["build", "--format", "pdf"], cwd=project)
    assert pdf.exit_code == 0
    assert f"kept dist/{docx_name} in the manifest: built before from the same inputs" in pdf.stdout
    assert f"kept dist/{html_name} in the manifest" in pdf.stdout
    project.write(NOTE, note_text().replace("The session opened", "The session began"))
    html = run_main(["build", "-f", "html"], cwd=project)
    assert html.exit_code == 0
    assert (
        f"left {docx_name} out of the manifest: built from other inputs (build it again with "
        "-f docx)" in html.stdout
    )
    assert "-f pdf)" in html.stdout
    manifest = next(dist.glob("*.manifest.json"))
    assert sorted(json.loads(manifest.read_text("utf-8"))["outputs"]) == [html_name]
