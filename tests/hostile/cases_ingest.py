"""Hostile submitted files given to `idmbook ingest`: archives, disguised formats, XML tricks,
active content, links and pipes.

Every file is handed over with complete metadata on the command line (INGEST_META), so that a
case tests the file and not missing metadata. A refused file must leave nothing behind; a
file ingested must become exactly one contribution, with nothing from outside in it.
Diagnostics of inbox files name the file (its path outside the project).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from hostile import docs
from hostile.cases_validate import E
from hostile.harness import INGEST_META, Box, Case

OUT = "project/contributions/hostile-input-trust.md"
"""Where a contribution ingested with INGEST_META goes."""


def ingest(name: str) -> tuple[str, ...]:
    return ("ingest", f"{{box}}/inbox/{name}", *INGEST_META)


def refused(case_id: str, what: str, name: str, content: bytes, code: str, **kw: object) -> Case:
    """A file that must be refused with ``code``, nothing written."""
    return Case(
        case_id,
        "ingest",
        what,
        E(1, (code, f"inbox/{name}", None), absent=(OUT,)),
        {f"inbox/{name}": content},
        args=ingest(name),
        **kw,  # type: ignore[arg-type]
    )


def accepted(
    case_id: str,
    what: str,
    name: str,
    content: bytes,
    *codes: str,
    forbidden: tuple[str, ...] = (),
) -> Case:
    """A file that must be ingested (exit 0), with warnings ``codes`` naming it, and none of
    ``forbidden`` in what was written."""
    return Case(
        case_id,
        "ingest",
        what,
        E(
            0,
            *((c, f"inbox/{name}", None) for c in codes),
            created=(OUT,),
            forbidden=("<script", *forbidden),
        ),
        {f"inbox/{name}": content},
        args=ingest(name),
    )


def _link(name: str, target: str) -> Callable[[Box], None]:
    def setup(box: Box) -> None:
        os.symlink(target, box.inbox / name)

    return setup


def _fifo(box: Box) -> None:
    os.mkfifo(box.inbox / "pipe.txt")


MARKDOWN_HOSTILE = (
    b"---\ntitle: !!python/object/apply:os.system ['touch pwned']\n"
    b"organisation: Evil\n---\n\n"
    b'```{=typst}\n#read("/etc/passwd")\n```\n\n'
    b"Text with `<w:t>OXML</w:t>`{=openxml} and ![pw](/etc/passwd) and "
    b'#import "@preview/cetz:0.3.1"\n'
)

CASES = [
    refused(
        "ingest-zip-bomb-ratio",
        "a .docx whose document.xml inflates 1,000 times",
        "bomb.docx",
        docs.zip_bomb_ratio(),
        "IDM104",
    ),
    refused(
        "ingest-zip-bomb-members",
        "a .docx of 3,000 members",
        "many.docx",
        docs.zip_bomb_members(),
        "IDM104",
    ),
    refused(
        "ingest-lying-sizes",
        "a .docx whose headers say 100 bytes for 1 MB of XML",
        "liar.docx",
        docs.lying_sizes(),
        "IDM104",
    ),
    refused(
        "ingest-dotdot-member",
        "a .docx with a member named ../../outside/evil.xml",
        "dotdot.docx",
        docs.with_member_name("word/a.xml", "../../outside/evil.xml"),
        "IDM104",
    ),
    refused(
        "ingest-absolute-member",
        "a .docx with a member named /tmp/evil.xml",
        "absolute.docx",
        docs.with_member_name("word/a.xml", "/tmp/evil.xml"),
        "IDM104",
    ),
    refused(
        "ingest-backslash-member",
        "a .docx with a member named ..\\..\\evil.xml",
        "backslash.docx",
        docs.with_member_name("word/a.xml", "..\\..\\evil.xml"),
        "IDM104",
    ),
    refused(
        "ingest-twin-members",
        "a .docx with members word/document.xml and WORD/Document.xml",
        "twins.docx",
        docs.with_member_name("word/a.xml", "WORD/Document.xml"),
        "IDM104",
    ),
    refused(
        "ingest-encrypted-member",
        "a .docx whose document.xml is flagged as encrypted",
        "locked.docx",
        docs.encrypted_member(),
        "IDM102",
    ),
    refused(
        "ingest-encrypted-ole",
        "a password-protected Office file (OLE with EncryptedPackage)",
        "protected.docx",
        docs.ole("EncryptionInfo", "EncryptedPackage"),
        "IDM102",
    ),
    refused(
        "ingest-doc-as-docx",
        "a Word 97 .doc renamed .docx",
        "old.docx",
        docs.ole("WordDocument", "1Table"),
        "IDM101",
    ),
    refused(
        "ingest-pdf-as-docx",
        "a PDF renamed .docx",
        "paper.docx",
        docs.pdf(),
        "IDM101",
    ),
    refused(
        "ingest-html-as-docx",
        "a web page renamed .docx",
        "page.docx",
        docs.HTML_PAGE,
        "IDM101",
    ),
    refused(
        "ingest-zip-as-docx",
        "a plain zip archive renamed .docx",
        "archive.docx",
        docs.zip_of({"readme.txt": b"hello"}),
        "IDM101",
    ),
    refused(
        "ingest-truncated-docx",
        "a .docx cut in the middle",
        "cut.docx",
        docs.docx()[:400],
        "IDM104",
    ),
    refused(
        "ingest-empty-docx",
        "an empty file named .docx",
        "empty.docx",
        b"",
        "IDM101",
    ),
    refused(
        "ingest-doctype-laughs",
        "document.xml declaring exponential entities",
        "laughs.docx",
        docs.docx(docs.paragraphs("&e;"), prolog=docs.LAUGHS_PROLOG),
        "IDM105",
    ),
    Case(
        "ingest-xxe",
        "ingest",
        "document.xml with an external entity naming the canary outside",
        E(1, ("IDM105", "inbox/xxe.docx", None), absent=(OUT,)),
        setup=lambda box: (
            box.write(
                "inbox/xxe.docx",
                docs.docx(
                    docs.paragraphs("&leak;"),
                    prolog=docs.xxe_prolog(str(box.outside / "canary.txt")),
                ),
            )
            and None
        ),
        args=ingest("xxe.docx"),
    ),
    refused(
        "ingest-unknown-binary",
        "random bytes named .docx",
        "noise.docx",
        bytes(range(256)) * 16,
        "IDM101",
    ),
    accepted(
        "ingest-macros-docm",
        "a macro-enabled .docm: macros removed, text kept",
        "macro.docm",
        docs.macro_document(),
        "IDM106",
        forbidden=("vbaProject", "macroEnabled"),
    ),
    accepted(
        "ingest-linked-picture",
        "a .docx showing a picture linked from the canary outside",
        "linked.docx",
        docs.external_picture("file:///../../outside/canary.png"),
        "IDM107",
        forbidden=("canary.png", "file:///"),
    ),
    accepted(
        "ingest-html-active",
        "a web page with a script, an iframe, a stylesheet and a picture of /etc/passwd",
        "page.html",
        docs.HTML_PAGE,
        "IDM107",
        forbidden=("<iframe", "file:///", "fetch("),
    ),
    accepted(
        "ingest-markdown-hostile",
        "a Markdown file with a !!python tag, raw Typst and OpenXML, a picture of /etc/passwd",
        "evil.md",
        MARKDOWN_HOSTILE,
        "IDM107",
        forbidden=("](/etc/passwd)", "```{="),
    ),
    accepted(
        "ingest-cp1252-text",
        "a text file in Windows-1252",
        "latin.txt",
        "Réfugiés et migrants: coopération.\n".encode("cp1252"),
        "IDM123",
    ),
    Case(
        "ingest-link-in-inbox",
        "ingest",
        "an inbox file that is a link to the canary outside",
        E(1, ("IDM121", "inbox/link.md", None), absent=(OUT,)),
        setup=_link("link.md", "../outside/canary.md"),
        args=ingest("link.md"),
    ),
    Case(
        "ingest-fifo-in-inbox",
        "ingest",
        "an inbox file that is a named pipe",
        E(1, ("IDM121", "inbox/pipe.txt", None), absent=(OUT,)),
        setup=_fifo,
        args=ingest("pipe.txt"),
        timeout=20,
    ),
    Case(
        "ingest-from-inside-project",
        "ingest",
        "ingesting the project's own contributions folder",
        E(2, message="already part of the project"),
        args=("ingest", "contributions", *INGEST_META),
    ),
    Case(
        "ingest-missing-file",
        "ingest",
        "a file that does not exist",
        E(2, message="no such file"),
        args=ingest("nothing.docx"),
    ),
]


def _contributions_link_out(box: Box) -> None:
    import shutil

    shutil.rmtree(box.project / "contributions")
    (box.outside / "elsewhere").mkdir()
    (box.outside / "elsewhere" / "old.md").write_text("IDMBOOK-CANARY-7f3a9c\n")
    os.symlink("../outside/elsewhere", box.project / "contributions")


CASES += [
    Case(
        "ingest-contributions-folder-links-out",
        "ingest",
        "the project's contributions/ is a link to a folder outside the project",
        E(2, message="contributions", absent=("outside/elsewhere/hostile-input-trust.md",)),
        {"inbox/note.md": b"A plain submission.\n"},
        setup=_contributions_link_out,
        args=ingest("note.md"),
    ),
]


def _note_args(name: str) -> tuple[str, ...]:
    return ("ingest", "--as", "note", f"{{box}}/inbox/{name}")


CASES += [
    Case(
        "ingest-note-pdf-as-docx",
        "ingest",
        "a PDF renamed .docx handed over as a Word rapporteur note",
        E(1, ("IDM101", "inbox/note.docx", None)),
        {"inbox/note.docx": docs.pdf()},
        args=_note_args("note.docx"),
    ),
    Case(
        "ingest-note-zip-bomb",
        "ingest",
        "a zip bomb handed over as a Word rapporteur note",
        E(1, ("IDM104", "inbox/note.docx", None)),
        {"inbox/note.docx": docs.zip_bomb_ratio()},
        args=_note_args("note.docx"),
    ),
    Case(
        "ingest-note-xxe",
        "ingest",
        "a Word note whose XML declares an external entity reading /etc/passwd",
        E(1, ("IDM105", "inbox/note.docx", None)),
        {
            "inbox/note.docx": docs.docx(
                docs.paragraphs("&leak;"), prolog=docs.xxe_prolog("/etc/passwd")
            )
        },
        args=_note_args("note.docx"),
    ),
    Case(
        "ingest-register-zip-bomb",
        "ingest",
        "a submissions register (.xlsx) that is a zip bomb",
        E(2, message="register.xlsx"),
        {"inbox/register.xlsx": docs.zip_bomb_ratio(), "inbox/a.txt": b"A submission.\n"},
        args=(
            "ingest",
            "{box}/inbox/a.txt",
            "--register",
            "{box}/inbox/register.xlsx",
            *INGEST_META,
        ),
    ),
    Case(
        "ingest-register-utf16",
        "ingest",
        "a register CSV saved as UTF-16",
        E(2, message="register.csv"),
        {
            "inbox/register.csv": "file,organisation\na.txt,Somebody\n".encode("utf-16"),
            "inbox/a.txt": b"A submission.\n",
        },
        args=(
            "ingest",
            "{box}/inbox/a.txt",
            "--register",
            "{box}/inbox/register.csv",
            *INGEST_META,
        ),
    ),
    Case(
        "ingest-register-formula",
        "ingest",
        "a register whose organisation is a spreadsheet formula: kept as text, never run",
        E(0, created=("project/contributions/cmd-c-calc-a0.md",)),
        {
            "inbox/register.csv": b"file,organisation\na.txt,=cmd|' /C calc'!A0\n",
            "inbox/a.txt": b"A submission.\n",
        },
        args=(
            "ingest",
            "{box}/inbox/a.txt",
            "--register",
            "{box}/inbox/register.csv",
            *INGEST_META,
        ),
    ),
]
