"""Hostile sources and situations given to `idmbook build`, starting from a good build.

Every case starts from the test project with the outputs of a previous good build in dist/.
A build that fails must leave those outputs exactly as they were; a build that succeeds must
print hostile text as text (checked in the PDF and the DOCX) and read nothing outside.
"""

from __future__ import annotations

import json
import os
import zlib

from hostile.cases_validate import LAUGHS, E, X, contribution
from hostile.harness import BUILD_ARGS, Box, Case, Expect

P = f"project/{X}"


def _symlink_output(box: Box) -> None:
    target = box.project / "dist" / "publication.docx"
    target.unlink()
    os.symlink("../../outside/canary.txt", target)


def _dist_is_a_file(box: Box) -> None:
    import shutil

    shutil.rmtree(box.project / "dist")
    (box.project / "dist").write_text("not a folder\n")


def _tamper_manifest(box: Box) -> None:
    path = box.project / "dist" / "publication.manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    manifest["outputs"] = {"../../outside/canary.txt": {"sha256": "0" * 64, "bytes": 1}}
    path.write_text(json.dumps(manifest), "utf-8")


def _garbage_manifest(box: Box) -> None:
    (box.project / "dist" / "publication.manifest.json").write_bytes(b"\x00\xff[{" * 1000)


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
        )

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


SVG_HOSTILE = """\
<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY leak SYSTEM "file:///etc/passwd">
  <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="40" height="20" viewBox="0 0 40 20">
  <image href="../../../outside/canary.png" width="10" height="10"/>
  <image xlink:href="file:///etc/passwd" width="10" height="10"/>
  <image href="http://127.0.0.1:9/x.png" width="10" height="10"/>
  <text x="0" y="15">&leak;&d;</text>
</svg>
"""

TYPST_TEXT = [
    '#read("/etc/passwd")',
    '#image("/etc/passwd")',
    '#import "@preview/cetz:0.3.1": *',
    '#include "../../outside/canary.txt"',
    "#set page(fill: red)",
]

RAW_BLOCKS = (
    '```{=typst}\n#read("/etc/passwd")\n```\n\n'
    "```{=openxml}\n<w:p><w:r><w:t>OXMLPWN</w:t></w:r></w:p>\n```\n\n"
    "```{=html}\n<script>HTMLPWN()</script>\n```\n\n"
    "```{=latex}\n\\input{/etc/passwd}\n```\n\n"
    'Inline `#read("/etc/passwd")`{=typst} and `<w:t>INLINEPWN</w:t>`{=openxml}.'
)

STRUCTURE = (
    "Opening text.\n\n---\ntitle: Hijacked title\nconsent: false\n---\n\n"
    "::::\n:::: {.hidden}\n\n# Key recommendations\n\n"
    "[^1]: A footnote label that collides.\n\nText with a note[^1].\n\n"
    "```\nan unclosed code block swallowing the rest of the book"
)

FAILING = [
    Case(
        "build-stops-on-nul",
        "build",
        "a NUL byte in a contribution: no build, old outputs kept",
        E(1, ("IDM002", X, 13)),
        {P: contribution(body="Before\x00after.").encode()},
        base="built",
    ),
    Case(
        "build-stops-on-python-tag",
        "build",
        "!!python/object/apply in a contribution: no build",
        E(1, ("IDM009", X, 11)),
        {P: contribution('evil: !!python/object/apply:os.system ["touch pwned"]\n')},
        base="built",
    ),
    Case(
        "build-stops-on-billion-laughs",
        "build",
        "exponential aliases in a note's front matter: no build",
        E(1, ("IDM009", X, 11)),
        {P: contribution(LAUGHS)},
        base="built",
    ),
    Case(
        "build-stops-on-picture-outside",
        "build",
        "a picture ../../outside/canary.png: no build, canary not copied",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![A canary](../../outside/canary.png)")},
        base="built",
    ),
    Case(
        "build-stops-on-passwd-picture",
        "build",
        "a picture /etc/passwd: no build",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![Passwords](/etc/passwd)")},
        base="built",
    ),
    Case(
        "build-stops-on-linked-chapter",
        "build",
        "chapters/evil.md links outside the project: no build",
        E(1, ("IDM062", "chapters/evil.md", None)),
        setup=lambda box: os.symlink("../../outside/canary.md", box.project / "chapters/evil.md"),
        base="built",
    ),
    Case(
        "build-stops-on-50k-quotes",
        "build",
        "50,000 nested > (pandoc would need many minutes): no build",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body=">" * 50_000 + " deep")},
        base="built",
    ),
    Case(
        "build-stops-on-50k-brackets",
        "build",
        "50,000 nested [ (pandoc would need many minutes): no build",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="[" * 50_000 + "x" + "]" * 50_000)},
        base="built",
    ),
    Case(
        "build-stops-on-2000-list-levels",
        "build",
        "a list nested 2,000 levels (pandoc would need minutes): no build",
        E(1, ("IDM004", X, 37)),
        {P: contribution(body="".join("  " * i + "- x\n" for i in range(2_000)))},
        base="built",
    ),
    Case(
        "build-stops-on-long-word",
        "build",
        "a word of 1,000,000 characters (Typst would need minutes): no build",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="&amp;" * 200_000)},
        base="built",
    ),
    Case(
        "build-stops-on-book-metadata",
        "build",
        "a contribution setting the book's publisher and header-includes: no build",
        E(1, ("IDM010", X, 11)),
        {P: contribution("publisher: Evil Corp\nheader-includes: '#read(\"/etc/passwd\")'\n")},
        base="built",
    ),
    Case(
        "build-dist-is-a-file",
        "build",
        "dist is a file, not a folder",
        E(2, message="dist"),
        setup=lambda box: _dist_is_a_file(box),
        base="built",
    ),
    Case(
        "build-out-is-a-file",
        "build",
        "--out names an existing file",
        E(2, message="idmbook.yaml"),
        args=(*BUILD_ARGS, "--out", "idmbook.yaml"),
        base="built",
    ),
    Case(
        "build-unknown-format",
        "build",
        "--format exe",
        E(2, message="unknown format"),
        args=("build", "--format", "exe"),
        base="built",
    ),
    Case(
        "build-bad-pdf-standard",
        "build",
        "--pdf-standard '; rm -rf /'",
        E(2, message="unknown PDF standard"),
        args=("build", "--pdf-standard", "; rm -rf /"),
        base="built",
    ),
    Case(
        "build-bad-language",
        "build",
        "--lang '../../etc'",
        E(2, message="not a language tag"),
        args=("build", "--lang", "../../etc"),
        base="built",
    ),
]

SUCCEEDING = [
    Case(
        "build-typst-in-text",
        "build",
        "Typst code (#read, #image, #import @preview, #include) in a contribution's text",
        E(0, literal=tuple(TYPST_TEXT)),
        {P: contribution(body="\n\n".join(TYPST_TEXT))},
        base="built",
    ),
    Case(
        "build-typst-in-title",
        "build",
        "Typst code in a contribution's title and organisation",
        E(0, literal=('#read("/etc/passwd")', '#import "@preview/x:0.1.0"')),
        {
            P: contribution(organisation="'#import \"@preview/x:0.1.0\"'").replace(
                "title: Submission", 'title: \'#read("/etc/passwd") Submission', 1
            )
        },
        base="built",
    ),
    Case(
        "build-raw-blocks",
        "build",
        "raw typst, openxml, html and latex blocks and inlines: printed as code",
        E(
            0,
            ("IDM052", X, 13),
            literal=('#read("/etc/passwd")', "<w:t>OXMLPWN</w:t>", "<script>HTMLPWN()</script>"),
        ),
        {P: contribution(body=RAW_BLOCKS)},
        base="built",
    ),
    Case(
        "build-structure-escape",
        "build",
        "a second YAML block, div fences, a level-1 heading, a colliding footnote, an "
        "unclosed code block",
        E(0, literal=("Hijacked title", "Annex II")),
        {P: contribution(body=STRUCTURE)},
        base="built",
    ),
    Case(
        "build-links",
        "build",
        "links to file:///etc/passwd, a file outside, javascript: and a data: URI",
        E(
            0,
            literal=("ClickMe", "OutsideLink", "ScriptLink"),
            forbidden=('Target="file:', "/URI (file:", "javascript:", "canary.txt", "data:text"),
        ),
        {
            P: contribution(
                body="[ClickMe](file:///etc/passwd) [OutsideLink](../../outside/canary.txt) "
                "[ScriptLink](javascript:alert(1)) <file:///etc/passwd> "
                "[DataLink](data:text/html;base64,PHNjcmlwdD4=)"
            )
        },
        base="built",
    ),
    Case(
        "build-rtl-combining",
        "build",
        "right-to-left override, Arabic and stacked combining marks in a title and the text",
        E(0, literal=("مرحبا", "Z\u0301\u0302\u0303algo")),
        {
            P: contribution(body="\u202eevil\u202c مرحبا Z\u0301\u0302\u0303algo text.").replace(
                "title: Submission", "title: \u202eevil\u202c مرحبا Submission", 1
            )
        },
        base="built",
    ),
    Case(
        "build-output-is-a-link",
        "build",
        "dist/publication.docx is a link to a file outside: replaced, the file outside kept",
        E(0),
        setup=lambda box: _symlink_output(box),
        base="built",
    ),
    Case(
        "build-manifest-points-outside",
        "build",
        "the previous manifest lists ../../outside/canary.txt as an output",
        E(0),
        setup=lambda box: _tamper_manifest(box),
        base="built",
    ),
    Case(
        "build-manifest-garbage",
        "build",
        "the previous manifest is binary garbage",
        E(0),
        setup=lambda box: _garbage_manifest(box),
        base="built",
    ),
    Case(
        "build-svg-entities-and-links",
        "build",
        "an SVG picture with an external entity, entity expansion and links to files outside",
        E(1, ("IDM053", X, 13)),
        {
            "project/contributions/media/evil.svg": SVG_HOSTILE,
            P: contribution(body="![An evil drawing](media/evil.svg)"),
        },
        base="built",
    ),
    Case(
        "build-picture-is-text",
        "build",
        "a .png picture that is really text",
        E(1, ("IDM053", X, 13)),
        {
            "project/contributions/media/fake.png": "not a picture\n",
            P: contribution(body="![A fake picture](media/fake.png)"),
        },
        base="built",
    ),
    Case(
        "build-picture-bomb",
        "build",
        "a PNG claiming 100,000 x 100,000 pixels",
        E(1, ("IDM053", X, 13)),
        {
            "project/contributions/media/bomb.png": _png(100_000, 100_000),
            P: contribution(body="![A huge picture](media/bomb.png)"),
        },
        base="built",
    ),
]

STRUCTURE_CASES = [
    Case(
        "build-chapter-injection-after-footnote",
        "build",
        "a footnote definition, a fence and ':::' to close the wrapper, then '# Injected "
        "chapter' (found by test_fuzz_sanitize)",
        Expect(0, literal=("Injected chapter", "Injected text"), same_chapters=True),
        {
            P: contribution(
                body="Intro.\n\n[^1]: note\n```\n:::\n\n# Injected chapter\n\nInjected text."
            )
        },
        base="built",
    ),
    Case(
        "build-div-in-block-quote",
        "build",
        "'> ::: {.idm-src data-top=x}': a div with the book's own attributes in a quote",
        Expect(0, literal=("Quoted text",), same_chapters=True),
        {P: contribution(body="Intro.\n\n> ::: {.idm-src data-top=x}\n> Quoted text.\n> :::")},
        base="built",
    ),
    Case(
        "build-unclosed-html-div",
        "build",
        "an unclosed <div> (pandoc reads it even with raw HTML off)",
        Expect(0, (("IDM052", X, 15),), literal=("<div>", "Inside"), same_chapters=True),
        {P: contribution(body="Intro.\n\n<div>\n\nInside.")},
        base="built",
    ),
    Case(
        "build-structure-unchanged",
        "build",
        "the structure-escape case above must leave the book's chapters as they were",
        Expect(0, literal=("Hijacked title",), same_chapters=True),
        {P: contribution(body=STRUCTURE)},
        base="built",
    ),
]


def _tiny_png() -> bytes:
    """A valid PNG of one pixel, with no text in it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x10\x20\x30"))
        + chunk(b"IEND", b"")
    )


HTML_ARGS = ("build", "--diagnostics", "json", "--format", "docx,pdf,html")
"""Every format, HTML included (pandoc's HTML writer embeds what attributes name)."""
PIC = "project/contributions/media/pic.png"

EMBEDDING = """\
A picture: ![A pixel](media/pic.png){src="../../outside/canary.png" poster="/etc/passwd" \
data-src="../../outside/canary.txt" width=40%}

A [span]{src="/proc/self/environ"} and a [link](https://www.iom.int){data-src="/etc/passwd"}.

`code`{src="../../outside/canary.txt"} and a picture from the web:
![Web pixel](media/pic.png){src="http://127.0.0.1:9/x.png" data-src="http://127.0.0.1:9/y"}

## A heading {src="../../outside/canary.txt" poster="/etc/passwd"}

```{.python src="../../outside/canary.txt"}
print("code")
```
"""

XSS = """\
[Hover here]{onmouseover="alert(1)" onclick="alert(2)" style="position:fixed"}.

[A link](https://www.iom.int){onclick="alert(3)" formaction="javascript:alert(4)"}

![A pixel](media/pic.png){onload="alert(5)" onerror="alert(6)" srcdoc="<script>alert(7)</script>"}

## Loaded heading {onload="alert(8)" style="display:none"}

`inline`{onfocus="alert(9)" autofocus=""}
"""

MATH = (
    'Kept: $x^2 + \\frac{1}{2}$ and $$\\sum_{i=1}^{n} i$$ and $\\text{")#read("/etc/passwd")}$'
    " and $a#b$ and $<script>alert(1)</script>$.\n\n"
    "Refused: $\\input{/etc/passwd}$ and $\\def\\x{yy}\\x$ and "
    "$\\href{javascript:alert(1)}{x}$ and $\\url{file:///etc/passwd}$.\n\n"
    "Costly: $"
    + "x_{" * 30
    + "y"
    + "}" * 30
    + "$ and $"
    + "x+" * 1500
    + "x$ and $"
    + "\\newcommand{\\a}{xx}"
    + "".join(
        f"\\newcommand{{\\{c}}}{{\\{p}\\{p}}}"
        for p, c in zip("abcdefghij", "bcdefghijk", strict=True)
    )
    + "\\k$.\n"
)

CONTAINED_HEADINGS = """\
Intro.

- # Injected chapter in a list

> # Injected chapter in a quote

Text with a note.[^1]

[^1]: The note.

    # Injected chapter in a footnote

+------------------------------------+
| # Injected chapter in a table cell |
+------------------------------------+

Term

:   # Injected chapter in a definition
"""


def _note_with_recommendation(text: str) -> str:
    from conftest import note_text

    body = (
        "\n## Summary\n\nThe session opened the workshop.\n\n"
        "## Key messages\n\n- Cooperation matters.\n\n"
        f"## Recommendations\n\n- {text}\n"
    )
    return note_text("new-york", "opening", body=body)


def _newline_name(box: Box) -> None:
    from conftest import contribution_text

    name = 'evil"\n\n# Injected chapter from a name\n\n".md'
    (box.project / "contributions" / name).write_text(contribution_text("Named Org"), "utf-8")


NOTE = "project/chapters/notes/new-york/opening.md"

SANITISE_CASES = [
    Case(
        "build-attributes-embed-files",
        "build",
        "src, poster and data-src attributes naming files outside, /etc/passwd and web "
        "addresses on a picture, a span, a link, code and a heading (pandoc's HTML writer "
        "embedded what they named)",
        Expect(
            0,
            (("IDM070", X, 13), ("IDM070", X, 15), ("IDM070", X, 17), ("IDM070", X, 18)),
            literal=("A span", 'print("code")', "A heading"),
            forbidden=("/proc/self/environ", "canary.png", "canary.txt", "/etc/passwd"),
            html_clean=True,
        ),
        {PIC: _tiny_png(), P: contribution(body=EMBEDDING)},
        args=HTML_ARGS,
        base="built",
    ),
    Case(
        "build-attributes-stored-xss",
        "build",
        "onmouseover, onclick, onload, onerror, style, formaction and srcdoc on a span, a "
        "link, a picture, a heading and code",
        Expect(
            0,
            (
                ("IDM070", X, 13),
                ("IDM070", X, 15),
                ("IDM070", X, 17),
                ("IDM070", X, 19),
                ("IDM070", X, 21),
            ),
            literal=("Hover here", "Loaded heading", "inline"),
            forbidden=("alert(", "position:fixed", "display:none"),
            html_clean=True,
        ),
        {PIC: _tiny_png(), P: contribution(body=XSS)},
        args=HTML_ARGS,
        base="built",
    ),
    Case(
        "build-attributes-custom-style",
        "build",
        "custom-style on a span and a heading (a Word style of the author's, duplicate ids)",
        Expect(
            0,
            (("IDM070", X, 13), ("IDM070", X, 15)),
            literal=("Styled words", "Styled heading"),
            forbidden=("EvilStyleQ7", "EvilHeadingQ7"),
        ),
        {
            P: contribution(
                body='[Styled words]{custom-style="EvilStyleQ7"}\n\n'
                '## Styled heading {custom-style="EvilHeadingQ7" #key-recommendations}'
            )
        },
        base="built",
    ),
    Case(
        "build-config-title-html",
        "build",
        "a title in idmbook.yaml with <img onerror> (metadata was read as Markdown with raw "
        "HTML by pandoc's HTML writer)",
        Expect(0, forbidden=("<img src=x", "<b>bold"), html_clean=True),
        setup=lambda box: _set_title(box, "<img src=x onerror=alert(1)> <b>bold</b> title"),
        args=("build", "--diagnostics", "json", "--format", "html"),
        base="built",
    ),
    Case(
        "build-headings-in-containers",
        "build",
        "level-1 headings in a list item, a quote, a footnote, a table cell and a definition "
        "(they became chapters of the book)",
        Expect(
            0,
            (
                ("IDM071", X, 15),
                ("IDM071", X, 17),
                ("IDM071", X, 23),
                ("IDM071", X, 26),
                ("IDM071", X, 31),
            ),
            literal=("Injected chapter in a list", "Injected chapter in a table cell"),
            same_chapters=True,
            html_clean=True,
        ),
        {P: contribution(body=CONTAINED_HEADINGS)},
        args=HTML_ARGS,
        base="built",
    ),
    Case(
        "build-heading-skips-levels",
        "build",
        "headings ## then ####, then # (PDF/UA refused the skipped level)",
        Expect(
            0,
            (("IDM072", X, 15), ("IDM072", X, 19)),
            literal=("Second level", "Fourth level", "First level"),
            same_chapters=True,
        ),
        {P: contribution(body="## Second level\n\n#### Fourth level\n\nText.\n\n# First level")},
        base="built",
    ),
    Case(
        "build-file-name-injects",
        "build",
        "a contribution whose file name holds quotes, blank lines and '# Injected chapter'",
        Expect(0, same_chapters=True),
        setup=_newline_name,
        base="built",
    ),
    Case(
        "build-recommendation-closes-its-span",
        "build",
        "a recommendation whose text closes the book's span with ']' and adds attributes",
        Expect(
            0,
            literal=('Protect children]{onclick="alert(1)"} and [more.',),
            same_chapters=True,
            html_clean=True,
        ),
        {NOTE: _note_with_recommendation('Protect children]{onclick="alert(1)"} and [more.')},
        args=HTML_ARGS,
        base="built",
    ),
    Case(
        "build-math-hostile",
        "build",
        "equations with \\input, \\def, \\href, \\url, Typst code, raw HTML, 30 nested "
        "subscripts, 3,000 characters and a macro doubling ten times",
        Expect(
            0,
            (("IDM073", X, 15), ("IDM073", X, 17)),
            literal=("\\input{/etc/passwd}", "\\href{javascript:alert(1)}{x}"),
            html_clean=True,
        ),
        {P: contribution(body=MATH)},
        args=HTML_ARGS,
        base="built",
        timeout=120.0,
    ),
]


def _set_title(box: Box, title: str) -> None:
    path = box.project / "idmbook.yaml"
    lines = path.read_text("utf-8").split("\n")
    lines = [f"title: {json.dumps(title)}" if line.startswith("title:") else line for line in lines]
    path.write_text("\n".join(lines), "utf-8")


CASES = FAILING + SUCCEEDING + STRUCTURE_CASES + SANITISE_CASES
