"""Where idmbook reads and writes: real folders and regular files inside the project (and
the user's cache folder, and a folder the user names with --out, where it deletes only what
it made)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ProjectDir, contribution_text

from idmbook.cache import Cache
from idmbook.commands.build import BuildOptions, build
from idmbook.errors import IdmbookError, OutputError
from idmbook.load.confine import Unconfined, folder_problem, make_folders, read_file
from idmbook.load.defaults import default_templates, project_templates
from idmbook.load.templatefiles import template_problems
from idmbook.publish.output import PARTS_NAME, write_all


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")


# ---------------------------------------------------------------- reading files


def _socket(path: Path) -> None:
    here = os.getcwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(here)


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p, o: os.symlink(o, p), "a link"),
        (lambda p, o: os.mkfifo(p), "a named pipe"),
        (lambda p, o: _socket(p), "a socket"),
        (lambda p, o: os.link(o, p), "2 names (hard links)"),
        (lambda p, o: p.mkdir(), "a folder"),
    ],
)
def test_only_regular_files_with_one_name_are_read(
    tmp_path: Path, make: Callable[[Path, Path], None], why: str
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    path = tmp_path / "x.md"
    make(path, outside)
    with pytest.raises(Unconfined) as caught:
        read_file(path)  # (a pipe would block a plain read forever)
    assert why in caught.value.why
    assert outside.read_text() == "secret"


def test_a_regular_file_is_read_and_a_large_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"x" * 100)
    assert read_file(path) == b"x" * 100
    with pytest.raises(Unconfined, match="larger than"):
        read_file(path, limit=99)


def test_folders_must_be_real_folders_inside_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "dist").mkdir(parents=True)
    assert folder_problem(root / "dist", root) is None
    assert folder_problem(root / "new" / "folder", root, may_be_missing=True) is None
    assert "does not exist" in str(folder_problem(root / "new", root))
    assert "outside the project" in str(folder_problem(tmp_path / "elsewhere", root))
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", root / "out")
    assert "out is a link" in str(folder_problem(root / "out" / "book", root, True))
    with pytest.raises(Unconfined):
        make_folders(root / "out" / "book", root)
    assert not (tmp_path / "elsewhere" / "book").exists()
    make_folders(root / "a" / "b", root)
    assert (root / "a" / "b").is_dir()


# ---------------------------------------------------------------- the output folder


@pytest.mark.parametrize(
    "make",
    [
        lambda dist, outside: os.symlink(outside, dist),
        lambda dist, outside: dist.write_text("a file"),
        lambda dist, outside: os.mkfifo(dist),
    ],
)
def test_an_output_folder_that_is_not_a_real_folder_is_refused(
    project: ProjectDir, tmp_path: Path, epoch: None, make: Callable[[Path, Path], None]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".publication.pdf.0123456789abcdef.part").write_text("mine")
    make(project.root / "dist", outside)
    with pytest.raises(OutputError, match="dist"):
        build(project.root, BuildOptions(formats=("html",)))
    assert sorted(p.name for p in outside.iterdir()) == [".publication.pdf.0123456789abcdef.part"]


@pytest.mark.parametrize("directory", ["../x", "/tmp/x", "templates", "chapters/out", ".git"])
def test_the_config_output_folder_stays_inside_the_project(
    project: ProjectDir, directory: str
) -> None:
    project.write(
        "idmbook.yaml", project.read("idmbook.yaml") + f"output:\n  directory: {directory}\n"
    )
    report = project.validate()
    found = [d for d in report.diagnostics if d.code == "IDM060"]
    assert found and found[0].path == "idmbook.yaml", report.diagnostics
    assert found[0].line == len(project.read("idmbook.yaml").splitlines())


def test_only_the_temporary_files_a_build_listed_are_deleted(tmp_path: Path) -> None:
    """write_all lists its temporary files before it makes them; the next write deletes those
    a killed write left (here: listed by hand), and never a file named like them that was
    not listed."""
    folder = tmp_path / "out"
    folder.mkdir()
    left = ".publication.pdf.00000000000000aa.part"
    foreign = ".publication.pdf.00000000000000bb.part"
    (folder / left).write_text("left by a killed build")
    (folder / foreign).write_text("the user's")
    (folder / "other.part").write_text("the user's too")
    (folder / PARTS_NAME).write_text(f"{left}\n../outside.txt\n/etc/passwd\n")
    (tmp_path / "outside.txt").write_text("keep")
    write_all({folder / "publication.pdf": b"new"})
    names = sorted(p.name for p in folder.iterdir())
    assert names == [PARTS_NAME, foreign, "other.part", "publication.pdf"]
    assert (folder / PARTS_NAME).read_text() == ""
    assert (tmp_path / "outside.txt").read_text() == "keep"


def test_a_link_at_the_list_of_temporary_files_stops_the_write(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    os.symlink(target, folder / PARTS_NAME)
    with pytest.raises(OutputError):
        write_all({folder / "publication.pdf": b"new"})
    assert target.read_text() == "keep"
    assert not (folder / "publication.pdf").exists()
    assert sorted(p.name for p in folder.iterdir()) == [PARTS_NAME]


# ---------------------------------------------------------------- the cache


def test_the_cache_is_never_in_the_project(
    project: ProjectDir, epoch: None, own_cache_folder: Path
) -> None:
    old = project.root / ".idmbook-cache"
    os.symlink(own_cache_folder.parent, old)  # what a received project can commit
    build(project.root, BuildOptions(formats=("docx",)))
    assert any(own_cache_folder.rglob("*"))
    assert os.readlink(old) == str(own_cache_folder.parent)


def test_pruning_deletes_only_what_the_cache_writes(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", max_bytes=0)
    cache.put("parse", "a" * 64, b"x" * 100)
    cache.flush()
    mine = tmp_path / "cache" / "parse" / "aa" / ("a" * 62)
    assert mine.is_file()
    strangers = [
        tmp_path / "cache" / "parse" / "aa" / "notes.txt",
        tmp_path / "cache" / "parse" / "keep.txt",
        tmp_path / "cache" / "Photos" / "aa" / ("b" * 62),
    ]
    for path in strangers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not the cache's")
    outside = tmp_path / "outside"
    (outside / "zz").mkdir(parents=True)
    (outside / "zz" / ("c" * 62)).write_text("elsewhere")
    os.symlink(outside, tmp_path / "cache" / "linked")
    assert cache.prune() == 1
    assert not mine.exists()
    assert all(path.exists() for path in strangers)
    assert (outside / "zz" / ("c" * 62)).exists()


def test_the_cache_folder_is_the_users(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from idmbook.cache import default_folder

    monkeypatch.delenv("IDMBOOK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "idmbook"
    monkeypatch.setenv("IDMBOOK_CACHE_DIR", str(tmp_path / "mine"))
    assert default_folder() == tmp_path / "mine"


# ---------------------------------------------------------------- templates


def _templates(root: Path) -> Path:
    folder = root / "templates"
    shutil.copytree(default_templates(), folder)
    return folder


def test_default_templates_have_no_problems(tmp_path: Path) -> None:
    _templates(tmp_path)
    assert template_problems(tmp_path) == []


@pytest.mark.parametrize(
    ("rel", "make", "code"),
    [
        ("templates", lambda p, o: (shutil.rmtree(p), os.symlink(o.parent, p)), "IDM062"),
        ("templates/book/labels.yaml", lambda p, o: (p.unlink(), os.symlink(o, p)), "IDM062"),
        ("templates/book/labels.yaml", lambda p, o: (p.unlink(), os.link(o, p)), "IDM062"),
        ("templates/book/labels.yaml", lambda p, o: (p.unlink(), os.mkfifo(p)), "IDM066"),
        ("templates/idm.typ", lambda p, o: (p.unlink(), _socket(p)), "IDM066"),
    ],
)
def test_templates_that_are_links_or_special_files_are_refused(
    project: ProjectDir, tmp_path: Path, rel: str, make: Callable[[Path, Path], object], code: str
) -> None:
    _templates(project.root)
    outside = tmp_path / "outside" / "labels.yaml"
    outside.parent.mkdir()
    outside.write_text("contents: SECRET-OUTSIDE\n")
    make(project.root / rel, outside)
    report = project.validate()
    assert (code, rel) in {(d.code, d.path) for d in report.diagnostics}, report.diagnostics
    with pytest.raises(IdmbookError, match=re.escape(rel)):
        project_templates(project.root)


def _docx_with(source: Path, part: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(buffer, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == part:
                data = data.replace(b"</Relationships>", text.encode() + b"</Relationships>")
            new.writestr(name, data)
    return buffer.getvalue()


def test_a_reference_docx_that_fetches_something_is_refused(project: ProjectDir) -> None:
    folder = _templates(project.root)
    reference = folder / "reference.docx"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    reference.write_bytes(
        _docx_with(
            reference,
            "word/_rels/document.xml.rels",
            f'<Relationship Id="rX" Type="{rel}/image" Target="http://127.0.0.1:9/x.png" '
            'TargetMode="External"/>',
        )
    )
    found = [d for d in project.validate().diagnostics if d.code == "IDM066"]
    assert [d.path for d in found] == ["templates/reference.docx"]
    assert "127.0.0.1:9/x.png" in found[0].message


def test_a_typst_template_naming_a_package_is_refused(project: ProjectDir) -> None:
    folder = _templates(project.root)
    typ = folder / "idm.typ"
    typ.write_text('// "@preview/x" in a comment is fine\n' + typ.read_text())
    assert template_problems(project.root) == []
    typ.write_text('#import "@preview/cetz:0.3.1": canvas\n' + typ.read_text())
    found = template_problems(project.root)
    assert [(p.code, p.rel) for p in found] == [("IDM066", "templates/idm.typ")]
    assert "line 1" in found[0].message


def test_a_book_template_cannot_reach_python(
    project: ProjectDir, tmp_path: Path, epoch: None
) -> None:
    folder = _templates(project.root)
    imprint = folder / "book" / "imprint.md.j2"
    pwned = tmp_path / "pwned"
    imprint.write_text(
        imprint.read_text()
        + "\n{{ cycler.__init__.__globals__.os.popen('touch "
        + str(pwned)
        + "').read() }}\n"
    )
    with pytest.raises(IdmbookError, match=r"imprint\.md\.j2"):
        build(project.root, BuildOptions(formats=("html",)))
    assert not pwned.exists()


# ---------------------------------------------------------------- the manifest


def test_withheld_contributions_are_not_in_the_published_manifest(
    project: ProjectDir, epoch: None
) -> None:
    name = "contributions/confidential-donor.md"
    project.write(name, contribution_text("Confidential Donor", consent="false"))
    first = build(project.root, BuildOptions(formats=("html",)))
    assert first.manifest is not None
    text = first.manifest.read_text("utf-8")
    assert "confidential-donor" not in text and "Confidential Donor" not in text
    assert "contributions/montreal.md" in json.loads(text)["inputs"]
    assert build(project.root, BuildOptions(formats=("html",))).up_to_date
    project.write(name, contribution_text("Confidential Donor", consent="false") + "More.\n")
    assert not build(project.root, BuildOptions(formats=("html",))).up_to_date


def test_new_files_are_made_only_in_real_folders_of_the_project(
    project: ProjectDir, tmp_path: Path
) -> None:
    """`idmbook new contribution` into a contributions/ that is a link to a folder outside:
    refused, nothing made there."""
    from idmbook.commands.scaffold import new_contribution
    from idmbook.load.project import open_project

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(project.root / "contributions")
    os.symlink(elsewhere, project.root / "contributions")
    opened = open_project(project.root)
    assert not isinstance(opened, type(project.validate()))
    with pytest.raises(IdmbookError, match="contributions is a link"):
        new_contribution(
            project.root,
            opened.config,
            opened.taxonomy,
            "new-york",
            "City of Oslo",
            "local_authority",
        )
    assert list(elsewhere.iterdir()) == []
