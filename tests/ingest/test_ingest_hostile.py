"""Every submitted file is hostile: archives, XML, active content, external references, raw
markup, mislabelled and unsupported files. Each is refused or neutralised with a diagnostic
naming the file, and nothing is written for a refused file."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import REL, document, marker, patch, png, simple_docx, zip_bytes

from idmbook.commands.ingest import IngestOptions, ingest
from idmbook.load.archive import Limits, read_zip
from idmbook.load.findings import Refused

META: dict[str, object] = {
    "title": "Titre",
    "organisation": "Org",
    "stakeholder_type": "civil_society",
    "workshop": "geneva",
    "themes": ["rights-wellbeing"],
    "language": "fr",
    "consent": True,
}


def _meta() -> dict[str, object]:
    import datetime as dt

    return {**META, "received": dt.date(2017, 7, 1)}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _run(root: Path, path: Path, **options: object):  # type: ignore[no-untyped-def]
    options.setdefault("metadata", _meta())
    return ingest([path], IngestOptions(**options), root)  # type: ignore[arg-type]


@pytest.fixture
def root(make_project: Callable[..., object]) -> Path:
    return make_project().root  # type: ignore[attr-defined, no-any-return]


def _refused(root: Path, tmp_path: Path, name: str, data: bytes, code: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    before = _tree(root)
    result = _run(root, path)
    (item,) = result.files
    assert item.status == "failed", item
    assert result.exit_code == 1
    assert _tree(root) == before, "a refused file must change nothing"
    errors = [d for d in item.diagnostics if d.severity.value == "error"]
    assert errors and errors[0].code == code, errors
    assert errors[0].path.endswith(name)
    return errors[0].message + " | " + (errors[0].hint or "")


# --------------------------------------------------------------------------- archives


def test_zip_bomb_refused_while_reading() -> None:
    bomb = zip_bytes({"word/document.xml": b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>"})
    assert len(bomb) < 100_000
    limits = Limits(ratio_floor=1024 * 1024, max_ratio=50)
    with pytest.raises(Refused, match="expands more than 50 times"):
        read_zip(bomb, limits)
    with pytest.raises(Refused, match="expands to more than 2 MB"):
        read_zip(bomb, Limits(max_total_bytes=2 * 1024 * 1024, max_ratio=10**6))
    # the header lies about the size: the limit still holds on the bytes produced
    lying = bytearray(bomb)
    central = lying.rfind(b"PK\x01\x02")
    lying[central + 24 : central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(Refused):
        read_zip(bytes(lying), limits)


def test_too_many_members_refused() -> None:
    many = zip_bytes({f"m{i}.xml": b"<a/>" for i in range(30)})
    with pytest.raises(Refused, match="30 parts; the limit is 20"):
        read_zip(many, Limits(max_members=20))


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.xml", "outside the archive"),
        ("/etc/evil.xml", "absolute path"),
        ("word\\evil.xml", "backslash"),
        ("C:/evil.xml", "absolute path"),
    ],
)
def test_unsafe_member_names(root: Path, tmp_path: Path, name: str, why: str) -> None:
    data = patch(simple_docx(), parts={name: b"<a/>"})
    assert why in _refused(root, tmp_path, "names.docx", data, "IDM104")


def test_truncated_archive(root: Path, tmp_path: Path) -> None:
    data = simple_docx()
    message = _refused(root, tmp_path, "cut.docx", data[: len(data) // 2], "IDM104")
    assert "damaged or truncated" in message


def test_bad_crc(root: Path, tmp_path: Path) -> None:
    good = zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<a>hello</a>"},
        zipfile.ZIP_STORED,
    )
    bad = good.replace(b"<a>hello</a>", b"<a>jello</a>")
    assert "checksum (CRC)" in _refused(root, tmp_path, "crc.docx", bad, "IDM104")


# --------------------------------------------------------------------------- XML


def test_doctype_and_entities_refused(root: Path, tmp_path: Path) -> None:
    lol = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    data = patch(
        simple_docx(),
        part_edits={"word/document.xml": lambda x: x.replace(b"?>", b"?>" + lol.encode(), 1)},
    )
    message = _refused(root, tmp_path, "lol.docx", data, "IDM105")
    assert "word/document.xml" in message and ("DOCTYPE" in message or "ENTITY" in message)


def test_extreme_nesting_refused(root: Path, tmp_path: Path) -> None:
    deep = "<w:r>" * 5000 + "</w:r>" * 5000
    data = patch(simple_docx("DEEP"), replace={"<w:t>DEEP</w:t>": deep})
    assert "levels deep" in _refused(root, tmp_path, "deep.docx", data, "IDM105")


# --------------------------------------------------------------------------- active content


def _codes(result: object) -> list[str]:
    return [d.code for d in result.files[0].diagnostics]  # type: ignore[attr-defined]


def test_macros_ole_activex_dropped_with_warning(root: Path, tmp_path: Path) -> None:
    data = patch(
        simple_docx("Texte avec macros.", "Titre"),
        parts={
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro",
            "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0ole",
            "word/activeX/activeX1.xml": b"<ax/>",
        },
        rels=[
            '<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/'
            'relationships/vbaProject" Target="vbaProject.bin"/>',
            f'<Relationship Id="rIdO" Type="{REL}/oleObject" Target="embeddings/oleObject1.bin"/>',
        ],
    )
    path = tmp_path / "macros.docm"
    path.write_bytes(data)
    result = _run(root, path)
    (item,) = result.files
    assert item.status == "ingested"
    warnings = [d.message for d in item.diagnostics if d.code == "IDM106"]
    assert any("macros removed (word/vbaProject.bin)" in m for m in warnings)
    assert any("embedded object removed" in m for m in warnings)
    assert any("ActiveX" in m for m in warnings)
    assert "Texte avec macros." in (root / item.target).read_text("utf-8")
    assert not (root / "contributions/media/org").exists()


def test_external_references_never_fetched(root: Path, tmp_path: Path) -> None:
    linked = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/'
        '2006/wordprocessingDrawing"><wp:extent cx="9525" cy="9525"/><wp:docPr id="7" name="x" '
        'descr="Logo distant"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/'
        '2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="0" name="x"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        f'<a:blip xmlns:r="{REL}" r:link="rIdExt"/></pic:blipFill><pic:spPr/></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
        ' INCLUDETEXT "/etc/passwd" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
        "</w:r><w:r><w:t>texte en cache</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    data = patch(
        simple_docx("LINKS", "Titre"),
        replace={marker("LINKS"): linked},
        rels=[
            f'<Relationship Id="rIdExt" Type="{REL}/image" Target="http://127.0.0.1:9/x.png" '
            'TargetMode="External"/>'
        ],
        parts={
            "word/_rels/settings.xml.rels": '<?xml version="1.0"?><Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" '
            f'Type="{REL}/attachedTemplate" Target="file:///C:/templates/evil.dotm" '
            'TargetMode="External"/></Relationships>',
        },
    )
    path = tmp_path / "links.docx"
    path.write_bytes(data)
    result = _run(root, path)
    (item,) = result.files
    assert item.status == "ingested", item.diagnostics
    messages = [d.message for d in item.diagnostics if d.code == "IDM107"]
    assert any("linked picture 'http://127.0.0.1:9/x.png' not fetched" in m for m in messages)
    assert any(
        "attached template 'file:///C:/templates/evil.dotm' not fetched" in m for m in messages
    )
    assert any(m.startswith("INCLUDETEXT field") for m in messages)
    body = (root / item.target).read_text("utf-8")
    assert "root:" not in body and "texte en cache" in body
    assert "127.0.0.1" not in body


def test_raw_markup_and_typst_lookalikes_stay_text(root: Path, tmp_path: Path) -> None:
    text = (
        '#image("/etc/passwd") #read("/etc/passwd") <script>alert(1)</script> '
        "\\input{/etc/passwd} ```{=typst}"
    )
    path = tmp_path / "raw.docx"
    path.write_bytes(simple_docx(text, "Titre"))
    result = _run(root, path)
    body = (root / result.files[0].target).read_text("utf-8").split("---\n", 2)[2]
    from test_ingest_word import read_back

    blocks = read_back(body)
    dumped = str(blocks)
    assert "RawInline" not in dumped and "RawBlock" not in dumped and "CodeBlock" not in dumped
    assert "#image(" in dumped and "<script>alert(1)</script>" in dumped.replace("\\", "")


def test_html_submission_scripts_links_and_remote_pictures(root: Path, tmp_path: Path) -> None:
    html = (
        '<html lang="es"><head><title>Aporte</title><script>alert(1)</script></head><body>'
        "<h1>Aporte</h1><p>Texto <b>negrita</b> <!-- oculto --></p>"
        '<img src="http://127.0.0.1:9/a.png" alt="remota"><iframe src="file:///etc/passwd"></iframe>'
        '<p><a href="javascript:alert(1)">enlace</a> <a href="https://www.iom.int">OIM</a></p></body></html>'
    )
    path = tmp_path / "aporte.html"
    path.write_text(html, encoding="utf-8")
    result = _run(root, path, metadata={**_meta(), "title": "Aporte"})
    (item,) = result.files
    body = (root / item.target).read_text("utf-8").split("---\n", 2)[2]
    assert "alert" not in body and "oculto" not in body and "root:" not in body
    assert "**negrita**" in body and "[OIM](https://www.iom.int)" in body
    assert "enlace" in body and "javascript" not in body
    assert "\\[remota\\]" in body  # the alt text of the picture that was not fetched
    codes = _codes(result)
    assert "IDM107" in codes and "IDM117" in codes


# --------------------------------------------------------------------------- wrong files


@pytest.mark.parametrize(
    ("name", "data", "code", "words"),
    [
        ("report.pdf", b"%PDF-1.7\n%...", "IDM100", "is a PDF"),
        (
            "contribution.docx",
            b"%PDF-1.4\n...",
            "IDM101",
            "named 'contribution.docx' but it is a PDF",
        ),
        (
            "secret.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + "EncryptedPackage".encode("utf-16-le")
            + b"\0" * 600,
            "IDM102",
            "password",
        ),
        ("text.txt", simple_docx(), "IDM101", "it is a Word document"),
        (
            "sheet.xlsx",
            zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
            "IDM100",
            "Excel",
        ),
        ("empty.docx", b"", "IDM101", "empty"),
        ("archive.zip", zip_bytes({"a.docx": b"x"}), "IDM100", "zip archive"),
    ],
)
def test_unsupported_and_mislabelled_files(
    root: Path, tmp_path: Path, name: str, data: bytes, code: str, words: str
) -> None:
    assert words in _refused(root, tmp_path, name, data, code)


def test_legacy_doc_without_libreoffice(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600
    message = _refused(root, tmp_path, "old.doc", data, "IDM100")
    assert "Word 97-2003" in message and "save it as .docx" in message


def test_junk_skipped_quietly_and_links_refused(root: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "~$lock.docx").write_bytes(b"junk")
    (inbox / ".DS_Store").write_bytes(b"junk")
    (inbox / "._sub.docx").write_bytes(b"junk")
    (inbox / "real.docx").write_bytes(simple_docx("Vrai texte.", "Titre"))
    os.symlink("/etc/passwd", inbox / "passwd.txt")
    result = ingest([inbox], IngestOptions(metadata=_meta()), root)
    assert [(f.source.rsplit("/", 1)[-1], f.status) for f in result.files] == [
        ("passwd.txt", "failed"),
        ("real.docx", "ingested"),
    ]
    assert result.files[0].diagnostics[0].code == "IDM121"


def test_failure_while_writing_leaves_nothing(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build(d):  # type: ignore[no-untyped-def]
        d.add_heading("Titre", 1)
        d.add_picture(io.BytesIO(png()))

    path = tmp_path / "pic.docx"
    path.write_bytes(document(build))
    before = _tree(root)
    real_replace = os.replace

    def failing(src: str, dst: str) -> None:
        if str(dst).endswith(".md"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    from idmbook.errors import OutputError

    with pytest.raises(OutputError, match="No space left"):
        _run(root, path)
    assert _tree(root) == before
    assert (
        not list((root / "contributions").glob(".*"))
        and not (root / "contributions/media").exists()
    )


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_doc_and_odt(root: Path, tmp_path: Path) -> None:
    from builders import rich_french_docx

    source = tmp_path / "src" / "riche.docx"
    source.parent.mkdir()
    source.write_bytes(rich_french_docx())
    out = tmp_path / "inbox"
    for fmt in ("doc", "odt"):
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    result = ingest([out], IngestOptions(metadata=_meta()), root)
    by_name = {f.source.rsplit("/", 1)[-1]: f for f in result.files}
    doc, odt = by_name["riche.doc"], by_name["riche.odt"]
    assert doc.status == "ingested" and odt.status == "ingested", (doc.diagnostics, odt.diagnostics)
    assert "IDM103" in [d.code for d in doc.diagnostics]  # says LibreOffice converted it
    assert (
        odt.counts["insertions"] == 1
        and odt.counts["deletions"] == 1
        and odt.counts["comments"] == 1
    )
    for item in (doc, odt):
        body = (root / item.target).read_text("utf-8")
        assert "Nous avons ouvert trois centres." in body
        assert "COMMENTAIRE" not in body and "deux centres" not in body
        assert "Rapport annuel 2016 de la ville." in body
        assert "Cellule fusionnée sur trois colonnes" in body
