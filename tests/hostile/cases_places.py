"""Links and special files at every place idmbook reads or writes.

A received project can hold whatever a file system can: a link to a file or a folder outside
it, a named pipe, a socket, a device, a hard link (another name of a file elsewhere). Each
case puts one of them at one place the tool touches (the config, the source folders, a note,
a picture, the templates, the cache folder of earlier versions, the output folder, the files
the build keeps there) and states the outcome: the place refused with a diagnostic naming it
(exit 1), or idmbook unable to run with a message naming it (exit 2), or, where the tool
replaces the entry with its own output or never looks at it, a clean build. Whatever the
outcome, nothing outside the project is read or changed (the harness's snapshot covers
``outside/``, where every link points), and nothing blocks (a pipe read would hang).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from hostile.cases_validate import E, contribution
from hostile.harness import BUILD_ARGS, Box, Case, Expect

KINDS = ("link-file", "link-folder", "fifo", "socket", "device", "hardlink")
WHAT = {
    "link-file": "a link to a file outside",
    "link-folder": "a link to a folder outside",
    "fifo": "a named pipe",
    "socket": "a socket",
    "device": "a character device (like /dev/null)",
    "hardlink": "a hard link to a file outside",
}


def _devices_possible() -> bool:
    """Whether this process may make device files (root with CAP_MKNOD)."""
    folder = tempfile.mkdtemp(prefix="idmbook-mknod-")
    try:
        os.mknod(os.path.join(folder, "null"), 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except (OSError, AttributeError):
        return False
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return True


DEVICES = _devices_possible()
"""Device cases are left out where devices cannot be made (not root): the report's count
says so."""


def place(rel: str, kind: str, target: str = "outside/canary.txt") -> Callable[[Box], None]:
    """Put ``kind`` at ``project/rel`` (replacing what is there); links point at ``target``
    (a file) or ``outside/secret`` (a folder)."""

    def setup(box: Box) -> None:
        path = box.project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        if kind == "link-file":
            os.symlink(os.path.relpath(box.root / target, path.parent), path)
        elif kind == "link-folder":
            os.symlink(os.path.relpath(box.outside / "secret", path.parent), path)
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            _socket_at(path)
        elif kind == "device":
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        elif kind == "hardlink":
            os.link(box.root / target, path)
        else:
            raise ValueError(kind)

    return setup


def _socket_at(path: Path) -> None:
    """A Unix socket file at ``path`` (bound from its folder: the name must be short)."""
    here = os.getcwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(here)


def with_templates(then: Callable[[Box], None]) -> Callable[[Box], None]:
    """The project gets a copy of idmbook's templates first."""

    def setup(box: Box) -> None:
        from idmbook.load.defaults import default_templates

        shutil.copytree(default_templates(), box.project / "templates")
        then(box)

    return setup


def with_taxonomy(then: Callable[[Box], None]) -> Callable[[Box], None]:
    def setup(box: Box) -> None:
        config = box.project / "idmbook.yaml"
        config.write_text(config.read_text("utf-8") + "taxonomy: themes.yaml\n", "utf-8")
        then(box)

    return setup


def _kinds(*wanted: str) -> list[str]:
    return [k for k in (wanted or KINDS) if k != "device" or DEVICES]


def _cases(
    prefix: str,
    entry: str,
    rel: str,
    outcomes: dict[str, Expect],
    target: str = "outside/canary.txt",
    base: str = "project",
    wrap: Callable[[Callable[[Box], None]], Callable[[Box], None]] | None = None,
    files: dict[str, str | bytes] | None = None,
    args: tuple[str, ...] | None = None,
) -> list[Case]:
    made = []
    for kind in _kinds(*outcomes):
        setup = place(rel, kind, target)
        made.append(
            Case(
                f"{prefix}-{kind}",
                entry,
                f"{rel} is {WHAT[kind]}",
                outcomes[kind],
                files or {},
                setup=wrap(setup) if wrap else setup,
                base=base,
                args=args,
                timeout=30,
            )
        )
    return made


def _same(expect: Expect, *kinds: str) -> dict[str, Expect]:
    return dict.fromkeys(kinds or KINDS, expect)


CONFIG = "idmbook.yaml"
NOTE = "chapters/notes/new-york/opening.md"
PICTURE_BODY = {"project/contributions/x.md": contribution(body="![A map](media/pic.png)")}
X = "contributions/x.md"

VALIDATE = [
    *_cases(
        "place-config",
        "validate",
        CONFIG,
        _same(E(2, message="idmbook.yaml"), "link-file", "fifo", "socket", "device", "hardlink"),
        target="outside/canary.yaml",
    ),
    *_cases(
        "place-chapters",
        "validate",
        "chapters",
        {
            "link-folder": E(1, ("IDM062", "chapters", None)),
            "link-file": E(1, ("IDM062", "chapters", None)),
            **_same(E(1, ("IDM001", "chapters", None)), "fifo", "socket", "device"),
        },
    ),
    *_cases(
        "place-contributions",
        "validate",
        "contributions",
        {
            "link-folder": E(1, ("IDM062", "contributions", None)),
            "link-file": E(1, ("IDM062", "contributions", None)),
            **_same(E(1, ("IDM001", "contributions", None)), "fifo", "socket", "device"),
        },
    ),
    *_cases(
        "place-notes-folder",
        "validate",
        "chapters/notes",
        {
            "link-folder": E(1, ("IDM062", "chapters/notes", None)),
            **_same(E(0, ("IDM065", "chapters/notes", None)), "fifo", "socket", "device"),
        },
    ),
    *_cases(
        "place-note",
        "validate",
        NOTE,
        {
            "link-file": E(1, ("IDM062", NOTE, None)),
            "hardlink": E(1, ("IDM062", NOTE, None)),
            **_same(E(1, ("IDM001", NOTE, None)), "fifo", "socket", "device"),
        },
        target="outside/canary.md",
    ),
    *_cases(
        "place-picture",
        "validate",
        "contributions/media/pic.png",
        {
            "link-file": E(1, ("IDM051", X, 13)),
            **_same(E(1, ("IDM053", X, 13)), "fifo", "socket", "device", "hardlink"),
        },
        target="outside/canary.png",
        files=PICTURE_BODY,
    ),
    *_cases(
        "place-taxonomy",
        "validate",
        "themes.yaml",
        _same(E(1, ("IDM061", CONFIG, None)), "link-file", "fifo", "socket", "device", "hardlink"),
        target="outside/canary.yaml",
        wrap=with_taxonomy,
    ),
    *_cases(
        "place-templates",
        "validate",
        "templates",
        {
            "link-folder": E(1, ("IDM062", "templates", None)),
            "link-file": E(1, ("IDM062", "templates", None)),
            **_same(E(1, ("IDM066", "templates", None)), "fifo", "socket", "device"),
        },
        wrap=with_templates,
    ),
    *_cases(
        "place-templates-book",
        "validate",
        "templates/book",
        {
            "link-folder": E(1, ("IDM062", "templates/book", None)),
            "link-file": E(1, ("IDM062", "templates/book", None)),
            **_same(E(1, ("IDM066", "templates/book", None)), "fifo", "socket", "device"),
        },
        wrap=with_templates,
    ),
    *_cases(
        "place-labels",
        "validate",
        "templates/book/labels.yaml",
        {
            "link-file": E(1, ("IDM062", "templates/book/labels.yaml", None)),
            "hardlink": E(1, ("IDM062", "templates/book/labels.yaml", None)),
            **_same(
                E(1, ("IDM066", "templates/book/labels.yaml", None)), "fifo", "socket", "device"
            ),
        },
        target="outside/canary.yaml",
        wrap=with_templates,
    ),
    *_cases(
        "place-reference-docx",
        "validate",
        "templates/reference.docx",
        {
            "link-file": E(1, ("IDM062", "templates/reference.docx", None)),
            "hardlink": E(1, ("IDM062", "templates/reference.docx", None)),
            "fifo": E(1, ("IDM066", "templates/reference.docx", None)),
        },
        wrap=with_templates,
    ),
    *_cases(
        "place-typst-template",
        "validate",
        "templates/idm.typ",
        {
            "link-file": E(1, ("IDM062", "templates/idm.typ", None)),
            "fifo": E(1, ("IDM066", "templates/idm.typ", None)),
        },
        wrap=with_templates,
    ),
]

LOCK = "dist/.idmbook-build.lock"
PARTS = "dist/.idmbook-build.pending"

BUILD = [
    *_cases(
        "place-build-config",
        "build",
        CONFIG,
        _same(E(2, message="idmbook.yaml"), "link-file", "fifo", "hardlink"),
        target="outside/canary.yaml",
        base="built",
    ),
    *_cases(
        "place-build-note",
        "build",
        NOTE,
        {
            "link-file": E(1, ("IDM062", NOTE, None)),
            "hardlink": E(1, ("IDM062", NOTE, None)),
            **_same(E(1, ("IDM001", NOTE, None)), "fifo", "device"),
        },
        target="outside/canary.md",
        base="built",
    ),
    *_cases(
        "place-build-labels",
        "build",
        "templates/book/labels.yaml",
        {
            "link-file": E(1, ("IDM062", "templates/book/labels.yaml", None)),
            "fifo": E(1, ("IDM066", "templates/book/labels.yaml", None)),
        },
        target="outside/canary.yaml",
        base="built",
        wrap=with_templates,
    ),
    *_cases(
        "place-old-cache",
        "build",
        ".idmbook-cache",
        _same(E(0), "link-folder", "link-file", "fifo", "socket", "device"),
        base="built",
    ),
    *_cases(
        "place-dist",
        "build",
        "dist",
        _same(E(2, message="dist"), "link-folder", "link-file", "fifo", "socket", "device"),
        base="built",
    ),
    *_cases(
        "place-output",
        "build",
        "dist/publication.pdf",
        _same(E(0), "link-file", "fifo", "socket", "device", "hardlink"),
        base="built",
    ),
    *_cases(
        "place-manifest",
        "build",
        "dist/publication.manifest.json",
        _same(E(0), "link-file", "fifo", "hardlink"),
        base="built",
    ),
    *_cases(
        "place-lock",
        "build",
        LOCK,
        _same(
            E(2, message=".idmbook-build.lock"), "link-file", "fifo", "socket", "device", "hardlink"
        ),
        base="built",
        args=(*BUILD_ARGS, "--force"),
    ),
    *_cases(
        "place-parts-list",
        "build",
        PARTS,
        _same(E(2, message=".idmbook-build.pending"), "link-file", "fifo", "hardlink"),
        base="built",
        args=(*BUILD_ARGS, "--force"),
    ),
]


def _forged_old_cache(box: Box) -> list[str]:
    """What an earlier idmbook kept in the project and trusted: its .idmbook-cache, filled by
    a real build of this project (so the keys are the ones a build looks up: a sender knows
    the sources and pandoc's version), then every Typst entry replaced by Typst code that
    reads /etc/passwd, with a valid checksum."""
    import hashlib

    from idmbook.commands.build import BuildOptions, build

    folder = box.project / ".idmbook-cache"
    old = os.environ.get("IDMBOOK_CACHE_DIR")
    os.environ["IDMBOOK_CACHE_DIR"] = str(folder)  # (this idmbook's cache, put there)
    try:
        build(box.project, BuildOptions(formats=("pdf",), force=True, out=box.root / "scratch"))
    finally:
        if old is None:
            del os.environ["IDMBOOK_CACHE_DIR"]
        else:
            os.environ["IDMBOOK_CACHE_DIR"] = old
    shutil.rmtree(box.root / "scratch")
    evil = b'#read("/etc/passwd")\n#image("/etc/passwd")\n'
    entry = b"idmbook-cache-1\n" + hashlib.sha256(evil).hexdigest().encode() + b"\n" + evil
    forged = 0
    for path in (folder / "typst").rglob("*"):
        if path.is_file():
            path.write_bytes(entry)
            forged += 1
    assert forged, "the build left no Typst entries to forge"
    return [*BUILD_ARGS, "--force"]


def _foreign_part(box: Box) -> list[str]:
    """A folder of the user's (named with --out) holding a file named like a killed build's
    temporary output, and a file of its own: the build may replace its outputs there and
    must delete nothing it did not make."""
    user = box.root / "user-folder"
    user.mkdir()
    (user / ".publication.pdf.0123456789abcdef.part").write_text("the user's own file\n")
    (user / ".publication.pdf.anything.part").write_text("the user's own file too\n")
    (user / "notes.txt").write_text("keep me\n")
    return [*BUILD_ARGS, "--out", str(user)]


OTHER = [
    Case(
        "place-forged-old-cache",
        "build",
        "a project's .idmbook-cache holds the Typst of this very project's pieces, under their "
        "real keys, replaced by #read and #image of /etc/passwd with valid checksums (an "
        "earlier idmbook typeset them)",
        E(0),
        setup=_forged_old_cache,
        base="built",
    ),
    Case(
        "place-out-keeps-foreign-files",
        "build",
        "--out names a folder of the user's with files named like a killed build's temporary "
        "outputs: none is deleted",
        Expect(
            0,
            created=("user-folder/publication.pdf",),
            zone=("user-folder",),
            kept=(
                "user-folder/.publication.pdf.0123456789abcdef.part",
                "user-folder/.publication.pdf.anything.part",
                "user-folder/notes.txt",
            ),
        ),
        setup=_foreign_part,
        base="built",
    ),
    Case(
        "place-output-directory-up",
        "validate",
        "output.directory is ../x: the build would write outside the project",
        E(1, ("IDM060", CONFIG, None)),
        setup=lambda box: _append(box, "output:\n  directory: ../x\n"),
    ),
    Case(
        "place-output-directory-absolute",
        "build",
        "output.directory is an absolute path outside the project",
        E(1, ("IDM060", CONFIG, None), absent=("outside/abs",)),
        setup=lambda box: _append(box, f"output:\n  directory: {box.outside / 'abs'}\n"),
        base="built",
    ),
    Case(
        "place-output-directory-templates",
        "validate",
        "output.directory is templates (outputs named reference.docx would replace the Word "
        "template)",
        E(1, ("IDM060", CONFIG, None)),
        setup=lambda box: _append(box, "output:\n  directory: templates\n  basename: reference\n"),
    ),
    Case(
        "place-output-directory-link-inside",
        "build",
        "output.directory is out/book where out is a link to a folder outside",
        E(2, message="out"),
        setup=lambda box: _out_link(box),
        base="built",
    ),
]


def _append(box: Box, text: str) -> None:
    config = box.project / CONFIG
    config.write_text(config.read_text("utf-8") + text, "utf-8")


def _out_link(box: Box) -> None:
    _append(box, "output:\n  directory: out/book\n")
    os.symlink(os.path.relpath(box.outside / "secret", box.project), box.project / "out")


CASES = VALIDATE + BUILD + OTHER
