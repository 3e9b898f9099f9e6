"""A project's build when the PDF meets what it cannot set, through the real command line.

A picture that only Typst finds broken stops the build with a message that names the
contribution and the line that places the picture, never the deleted temporary Typst file; a
character no font has is a validate warning with its file, line and code point, and the book
is still built, with the code point printed in its place.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, ProjectDir, contribution_text
from pdf_reading import flat, pdftotext

from idmbook.load import picturefiles
from idmbook.render.pdf.typst_errors import source_mark, sources_in, typst_failure


def broken_png() -> bytes:
    """A PNG whose header is sound (validate accepts it) and whose pixels are not."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"not a deflate stream")
        + chunk(b"IEND", b"")
    )


BODY = """
We welcome newcomers through one-stop shops.

The route the caravan took:

![Map of the caravan route](media/map.png)

More text after the map.
"""
PICTURE_LINE = 17
"""The picture's line in the contribution: 11 lines of front matter, then the body's sixth."""


def test_a_typst_failure_names_the_source_file_and_line(
    make_project: Callable[..., ProjectDir],
    run_main: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Validation refuses the damaged picture at its line; were a check to miss what Typst
    then cannot set, the build's message still names the source line, not a Typst file."""
    project = make_project(
        {
            "contributions/montreal.md": contribution_text(body=BODY),
            "contributions/media/map.png": broken_png(),
        }
    )
    checked = run_main(["validate"], cwd=project)
    assert checked.exit_code == 1
    assert f"contributions/montreal.md:{PICTURE_LINE}:" in checked.stdout + checked.stderr
    monkeypatch.setattr(picturefiles, "picture_problem", lambda path: None)  # a check that misses
    built = run_main(["build"], cwd=project)
    assert built.exit_code == 2
    said = built.stdout + built.stderr
    assert "Typst could not typeset the PDF: failed to decode image" in said
    assert f"in contributions/montreal.md:{PICTURE_LINE}" in said
    assert "Map of the caravan route" in said
    assert "idmbook-pdf-" not in said and "chapter-0" not in said and ".typ" not in said
    assert "Traceback" not in said
    assert list(project.root.glob("dist/*.pdf")) == [], "nothing is written"


def test_a_character_no_font_has_is_warned_of_and_printed_as_its_code_point(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    body = "\nOur offices: \uf0b7 Montreal \uf0b7 Quebec City. 我们 📖 مرحبا\n"
    project = make_project({"contributions/montreal.md": contribution_text(body=body)})
    checked = run_main(["validate", "--format", "json"], cwd=project)
    assert checked.exit_code == 0
    assert '"code": "IDM054"' in checked.stdout
    assert '"line": 13' in checked.stdout and '"column": 14' in checked.stdout
    assert "U+F0B7" in checked.stdout
    built = run_main(["build", "--format", "pdf"], cwd=project)
    assert built.exit_code == 0, built.stdout + built.stderr
    (pdf,) = project.root.glob("dist/*.pdf")
    text = flat(pdftotext(pdf.read_bytes()))
    assert "Our offices: U+F0B7 Montreal U+F0B7 Quebec City. 我们 📖 مرحبا" in text


class PanicException(BaseException):
    """What the typst package raises when Typst's Rust code panics: pyo3's PanicException, a
    BaseException (no input is known that makes the Typst of this version panic, so the
    test raises one in its place)."""


def test_a_panic_of_typst_is_an_error_naming_the_texts_not_a_traceback(
    make_project: Callable[..., ProjectDir],
    run_main: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import typst

    def panics(*args: object, **kwargs: object) -> bytes:
        raise PanicException("called `Option::unwrap()` on a `None` value")

    body = "\nWe welcome newcomers through one-stop shops.\n"
    project = make_project({"contributions/montreal.md": contribution_text(body=body)})
    monkeypatch.setattr(typst, "compile", panics)
    built = run_main(["build", "--format", "pdf"], cwd=project)
    assert built.exit_code == 2
    said = built.stdout + built.stderr
    assert "Typst stopped with an internal error (PanicException)" in said
    assert "called `Option::unwrap()` on a `None` value" in said
    assert re.search(r"the book's text comes from [0-9]+ files: chapters/foreword\.md, ", said)
    assert "idmbook build --format docx" in said
    assert "Traceback" not in said
    assert list(project.root.glob("dist/*.pdf")) == [], "nothing is written"


# ---------------------------------------------------------------- the marks and the message


class FakeTypstError(Exception):
    """What a TypstError carries: its message, hints and the rendered diagnostic."""

    def __init__(self, message: str, diagnostic: str, hints: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostic = diagnostic
        self.hints = hints


def test_the_innermost_open_source_is_named(tmp_path: Path) -> None:
    (tmp_path / "contributions").mkdir()
    (tmp_path / "contributions" / "b.md").write_text(
        "---\ntitle: B\n---\n\nFirst paragraph.\n\nThe failing words are here.\n", "utf-8"
    )
    chapters = [
        ("chapter-0000.typ", f"Book text.\n{source_mark('a.md')}\nA's text.\n"),
        (
            "chapter-0001.typ",
            f"More of A.\n/* idm-src-end */\nBook text.\n{source_mark('contributions/b.md')}\n"
            "First paragraph.\n\nThe #emph[failing] words are here.\n/* idm-src-end */\n",
        ),
    ]
    diagnostic = (
        "error: something failed\n  ┌─ /tmp/idmbook-pdf-x/chapter-0001.typ:7:5\n  │\n\n"
        "error: another\n  ┌─ /tmp/idmbook-pdf-x/chapter-0001.typ:3:1\n"
    )
    error = FakeTypstError("something failed", diagnostic, ["try this"])
    message, hint = typst_failure(error, "book.typ", "", chapters, tmp_path)
    assert message.splitlines() == [
        "Typst could not typeset the PDF: something failed",
        "  in contributions/b.md:7, near: The failing words are here",
        "  another: in the text idmbook adds to the book, or in templates/idm.typ, near: Book text",
    ]
    assert hint is not None and hint.startswith("try this; ")
    assert "/tmp/idmbook-pdf-x" not in message


def test_a_mark_cannot_be_ended_by_its_path() -> None:
    mark = source_mark("contributions/a*/ b.md")
    assert mark.count("*/") == 1 and mark.endswith(" */")
    assert sources_in(mark.encode()) == ["contributions/a*/ b.md"]
