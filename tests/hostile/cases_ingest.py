"""Hostile submitted files given to `idmbook ingest`: archives, disguised formats, XML tricks,
active content, links and pipes.

Every file is handed over with complete metadata on the command line (INGEST_META), so that a
case tests the file and not missing metadata. A refused file must leave nothing behind; a
file ingested must become exactly one contribution, with nothing from outside in it.
Diagnostics of inbox files name the file (its path outside the project).
"""

from __future__ import annotations

import os
import shutil
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


# --------------------------------------------------------------------------- round two


def _args_without(*dropped: str) -> list[str]:
    """INGEST_META without the options ``dropped`` (and their values)."""
    out: list[str] = []
    skip = False
    for index, item in enumerate(INGEST_META):
        if skip:
            skip = False
            continue
        if item in dropped:
            nxt = INGEST_META[index + 1] if index + 1 < len(INGEST_META) else ""
            skip = not nxt.startswith("--")
            continue
        out.append(item)
    return out


NESTED_QUOTES = ("> " * 600 + "Six hundred quotations deep.\n").encode()
"""1.2 KB of Markdown: 600 block quotes inside each other."""


def _far_register() -> bytes:
    """A 5 KB XLSX register whose sheet declares A1:XFD1048576 and holds a cell there."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["file", "organisation"])
    sheet.append(["a.txt", "Somebody"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>'
                )
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                    b"</row></sheetData>",
                )
            target.writestr(info, data)
    return out.getvalue()


def _custom_consent_docx() -> bytes:
    """A Word submission whose custom properties say consent: yes and an organisation."""
    props = (
        '<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/'
        'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/'
        'officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-'
        '08002B2CF9AE}" pid="2" name="consent"><vt:lpwstr>yes</vt:lpwstr></property>'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="organisation">'
        "<vt:lpwstr>Self Declared Org</vt:lpwstr></property></Properties>"
    )
    types = (
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.custom-properties+xml"/>'
    )
    return docs.docx(
        docs.paragraphs("We agree to everything, says the file."),
        extra={"docProps/custom.xml": props.encode()},
        types_extra=types,
    )


def _interrupted_run(box: Box) -> None:
    """What a run killed between moving the pictures into place and the contribution leaves:
    the journal, the pictures' folder and the hidden temporary text."""
    import hashlib
    import json

    from hostile.harness import canary_png

    data = docs.docx(docs.paragraphs("A submission whose first ingest was killed."))
    box.write("inbox/killed.docx", data)
    sha = hashlib.sha256(data).hexdigest()
    folder = box.project / "contributions"
    (folder / "media" / "hostile-input-trust").mkdir(parents=True)
    (folder / "media" / "hostile-input-trust" / "picture-1.png").write_bytes(canary_png())
    (folder / ".hostile-input-trust.md.partial").write_text("---\ntitle: half", "utf-8")
    journal = {
        "target": "hostile-input-trust.md",
        "temp": ".hostile-input-trust.md.partial",
        "media": "media/hostile-input-trust",
        "staging": "media/.hostile-input-trust.partial",
        "sha256": sha,
    }
    (folder / ".idmbook-ingest-hostile-input-trust.md.journal").write_text(
        json.dumps(journal), "utf-8"
    )


def _doc_linking_a_slow_server(box: Box) -> list[str]:
    """A Word 97-2003 .doc showing a picture linked from a local server that accepts
    connections and never answers. Should anything connect during the run, the server writes
    outside/network-hit.txt, which the harness reports as a change outside the project."""
    import socket
    import subprocess
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    work = box.root / "home" / "make-doc"
    work.mkdir(parents=True)
    (work / "linked.docx").write_bytes(docs.external_picture(f"http://127.0.0.1:{port}/p.png"))
    soffice = shutil.which("soffice") or "soffice"
    subprocess.run(  # made while nothing listens: LibreOffice gives up at once
        [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(box.inbox),
            str(work / "linked.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.rmtree(work)
    server.listen(8)
    server.settimeout(0.5)
    hit = box.outside / "network-hit.txt"

    def serve() -> None:
        until = time.monotonic() + 300
        while time.monotonic() < until:
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            hit.write_bytes(connection.recv(200) or b"connected")

    threading.Thread(target=serve, daemon=True).start()
    return ["ingest", str(box.inbox / "linked.doc"), *INGEST_META]


CASES += [
    Case(
        "ingest-nested-quotes",
        "ingest",
        "600 nested block quotes in a 1.2 KB Markdown file, ingested with a good file: the "
        "deep one fails with a diagnostic, the run goes on",
        E(1, ("IDM116", "inbox/deep.md", None), created=(OUT,)),
        {"inbox/deep.md": NESTED_QUOTES, "inbox/plain.txt": b"A plain submission.\n"},
        args=("ingest", "{box}/inbox", *INGEST_META),
    ),
    Case(
        "ingest-register-huge-sheet",
        "ingest",
        "a 5 KB XLSX register declaring A1:XFD1048576 with a cell there (took 7.7 GB)",
        E(2, message="register.xlsx goes on past row"),
        {"inbox/register.xlsx": _far_register(), "inbox/a.txt": b"A submission.\n"},
        args=(
            "ingest",
            "{box}/inbox/a.txt",
            "--register",
            "{box}/inbox/register.xlsx",
            *INGEST_META,
        ),
    ),
    Case(
        "ingest-consent-from-front-matter",
        "ingest",
        "the register's consent and organisation cells are empty; the submission's own front "
        "matter says consent: true: consent is not taken, the organisation is reported",
        E(
            1,
            ("IDM110", "inbox/sub.md", None),
            ("IDM126", "inbox/sub.md", None),
            absent=("project/contributions/self-declared-org.md",),
        ),
        {
            "inbox/sub.md": b"---\nconsent: true\norganisation: Self Declared Org\n---\n\n"
            b"We agree to everything, says the file.\n",
            "inbox/register.csv": b"file,organisation,consent\nsub.md,,\n",
        },
        args=(
            "ingest",
            "{box}/inbox/sub.md",
            "--register",
            "{box}/inbox/register.csv",
            *_args_without("--consent", "--organisation"),
        ),
    ),
    Case(
        "ingest-consent-from-custom-property",
        "ingest",
        "a .docx whose custom properties say consent: yes and name an organisation, with no "
        "consent given by the editor: refused for missing consent, both reported",
        E(
            1,
            ("IDM110", "inbox/sub.docx", None),
            ("IDM126", "inbox/sub.docx", None),
            absent=("project/contributions/self-declared-org.md",),
        ),
        {"inbox/sub.docx": _custom_consent_docx()},
        args=("ingest", "{box}/inbox/sub.docx", *_args_without("--consent", "--organisation")),
    ),
    Case(
        "ingest-after-a-killed-run",
        "ingest",
        "the leftovers of a run killed in the rename window (journal, pictures' folder, "
        "hidden temporary text): undone, the file ingested once under its own name",
        E(
            0,
            created=(OUT,),
            absent=(
                "project/contributions/hostile-input-trust-2.md",
                "project/contributions/.hostile-input-trust.md.partial",
                "project/contributions/.idmbook-ingest-hostile-input-trust.md.journal",
                "project/contributions/media/hostile-input-trust",
            ),
        ),
        setup=lambda box: (
            _interrupted_run(box) or ["ingest", f"{box.inbox}/killed.docx", *INGEST_META]
        ),
    ),
]

if shutil.which("soffice"):  # a .doc is read through LibreOffice, and made with it here
    CASES.append(
        Case(
            "ingest-doc-linking-slow-server",
            "ingest",
            "a .doc showing a picture linked from a server that never answers: LibreOffice is "
            "cut off from the network and the picture reported as not fetched",
            E(0, ("IDM107", "inbox/linked.doc", None), created=(OUT,)),
            setup=_doc_linking_a_slow_server,
            timeout=240,
        )
    )
