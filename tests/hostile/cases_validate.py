"""Hostile sources given to `idmbook validate`: front matter, text, injection, project layout.

Each case writes one file (or link) into the test project and states the outcome next to it.
Line numbers: ``contribution()`` has 10 front-matter lines, then ``extra`` from line 11, the
closing ``---``, a blank line, and the body from line 13 + the number of extra lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from conftest import CHAPTER, contribution_text, note_text

from hostile.harness import Box, Case, Expect

X = "contributions/x.md"
P = f"project/{X}"


def contribution(extra: str = "", body: str = "We welcome newcomers.", **kw: str) -> str:
    return contribution_text(extra=extra, body=f"\n{body}\n", **kw)


def E(exit: int, *diags: tuple[str, str, int | None], **kw: object) -> Expect:
    return Expect(exit, tuple(diags), **kw)


LAUGHS = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
)


def _link(rel: str, target: str) -> Callable[[Box], None]:
    def setup(box: Box) -> None:
        path = box.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)

    return setup


def _fifo(box: Box) -> None:
    os.mkfifo(box.project / X)


def _folder_named_md(box: Box) -> None:
    (box.project / "contributions" / "folder.md").mkdir()
    (box.project / "contributions" / "folder.md" / "inner.txt").write_text("x")


FRONT_MATTER = [
    Case(
        "fm-unterminated",
        "validate",
        "front matter opened with --- and never closed",
        E(1, ("IDM005", X, 1)),
        {P: "---\ntitle: Open\norganisation: Somebody\n\nThe body, never separated.\n"},
    ),
    Case(
        "fm-duplicate-key",
        "validate",
        "title given twice (YAML would silently keep the second)",
        E(1, ("IDM007", X, 11)),
        {P: contribution("title: A second title\n")},
    ),
    Case(
        "fm-wrong-type-consent",
        "validate",
        "consent given as a list",
        E(1, ("IDM012", X, 10)),
        {P: contribution(consent="[yes]")},
    ),
    Case(
        "fm-wrong-type-themes",
        "validate",
        "themes given as a number",
        E(1, ("IDM012", X, 7)),
        {P: contribution(themes="42")},
    ),
    Case(
        "fm-python-object-tag",
        "validate",
        "!!python/object/apply:os.system in the front matter",
        E(1, ("IDM009", X, 11), absent=("project/pwned",)),
        {P: contribution('evil: !!python/object/apply:os.system ["touch pwned"]\n')},
    ),
    Case(
        "fm-python-name-tag",
        "validate",
        "!!python/name:os.system as the title",
        E(1, ("IDM009", X, 2)),
        {P: contribution().replace("title: Submission", "title: !!python/name:os.system #", 1)},
    ),
    Case(
        "fm-include-tag",
        "validate",
        "a custom !include tag naming /etc/passwd",
        E(1, ("IDM009", X, 11)),
        {P: contribution("source: !include /etc/passwd\n")},
    ),
    Case(
        "fm-billion-laughs",
        "validate",
        "anchors and aliases expanding 9^4 times",
        E(1, ("IDM009", X, 11)),
        {P: contribution(LAUGHS)},
    ),
    Case(
        "fm-10mb",
        "validate",
        "10 MB of front matter",
        E(1, ("IDM004", X, None)),
        {P: contribution("".join(f"k{i}: {'v' * 90}\n" for i in range(110_000)))},
    ),
    Case(
        "fm-3mb-many-lines",
        "validate",
        "3 MB of front matter in 30,000 lines (under the file limit)",
        E(1, ("IDM004", X, 1)),
        {P: contribution("".join(f"k{i}: {'v' * 90}\n" for i in range(30_000)))},
    ),
    Case(
        "fm-deep-flow",
        "validate",
        "10,000 nested [ in a front-matter value",
        E(1, ("IDM006", X, None)),
        {P: "---\ntitle: " + "[" * 10_000 + "]" * 10_000 + "\n---\nBody\n"},
    ),
    Case(
        "fm-not-a-mapping",
        "validate",
        "front matter that is a list",
        E(1, ("IDM008", X, 2)),
        {P: "---\n- title\n- organisation\n---\nBody\n"},
    ),
    Case(
        "fm-complex-key",
        "validate",
        "a key that is itself a list (? [a, b])",
        E(1, ("IDM006", X, 11)),
        {P: contribution("? [a, b]\n: c\n")},
    ),
    Case(
        "fm-tab-indent",
        "validate",
        "a tab where YAML wants spaces",
        E(1, ("IDM006", X, 11)),
        {P: contribution("\tsource: x\n")},
    ),
    Case(
        "fm-sets-book-metadata",
        "validate",
        "a contribution setting the publisher, the series and pandoc's header-includes",
        E(1, ("IDM010", X, 11), ("IDM010", X, 12), ("IDM010", X, 13)),
        {
            P: contribution(
                "publisher: Evil Corp\nseries: {name: Evil, number: 666}\n"
                "header-includes: '#read(\"/etc/passwd\")'\n"
            )
        },
    ),
    Case(
        "fm-huge-integer",
        "validate",
        "a chapter order of 5,000 digits",
        E(1, ("IDM064", "chapters/x.md", 4)),
        {"project/chapters/x.md": CHAPTER.replace("order: 1", "order: " + "9" * 5000)},
    ),
    Case(
        "fm-impossible-date",
        "validate",
        "received on 30 February",
        E(1, ("IDM012", X, 9)),
        {P: contribution().replace("2017-05-02", "2017-02-30")},
    ),
    Case(
        "fm-second-yaml-block",
        "validate",
        "a second YAML block in the body (legitimate text: a rule and a heading)",
        E(0),
        {P: contribution(body="Text.\n\n---\ntitle: Hijacked\nconsent: false\n---\n\nMore.")},
    ),
]

TEXT = [
    Case(
        "text-latin1",
        "validate",
        "Windows-1252 accents on line 13",
        E(1, ("IDM001", X, 13)),
        {P: contribution(body="R\xe9fugi\xe9s welcome.").encode("latin-1")},
    ),
    Case(
        "text-utf16-bom",
        "validate",
        "UTF-16 with a byte order mark",
        E(1, ("IDM001", X, 1)),
        {P: contribution().encode("utf-16")},
    ),
    Case(
        "text-utf16-no-bom",
        "validate",
        "UTF-16 LE without a byte order mark",
        E(1, ("IDM001", X, 1)),
        {P: contribution().encode("utf-16-le")},
    ),
    Case(
        "text-utf8-bom",
        "validate",
        "UTF-8 with a BOM (legitimate)",
        E(0),
        {P: b"\xef\xbb\xbf" + contribution().encode()},
    ),
    Case(
        "text-crlf",
        "validate",
        "CRLF line ends; an unknown theme keeps its line number 7",
        E(1, ("IDM020", X, 7)),
        {P: contribution(themes="[no-such-theme]").replace("\n", "\r\n").encode()},
    ),
    Case(
        "text-lone-cr",
        "validate",
        "old Mac CR line ends; an unknown theme keeps its line number 7",
        E(1, ("IDM020", X, 7)),
        {P: contribution(themes="[no-such-theme]").replace("\n", "\r").encode()},
    ),
    Case(
        "text-nul",
        "validate",
        "a NUL byte on line 13",
        E(1, ("IDM002", X, 13)),
        {P: contribution(body="Before\x00after.").encode()},
    ),
    Case("text-empty", "validate", "an empty file", E(1, ("IDM003", X, None)), {P: b""}),
    Case(
        "text-whitespace-only",
        "validate",
        "a file of spaces, tabs and newlines",
        E(1, ("IDM003", X, None)),
        {P: b" \n\t\r\n  \n"},
    ),
    Case(
        "text-bom-only",
        "validate",
        "a file holding only a UTF-8 BOM",
        E(1, ("IDM003", X, None)),
        {P: b"\xef\xbb\xbf"},
    ),
    Case(
        "text-surrogate-bytes",
        "validate",
        "an encoded UTF-16 surrogate (invalid UTF-8) on line 13",
        E(1, ("IDM001", X, 13)),
        {P: contribution(body="Bad \udcff here.").encode("utf-8", "surrogateescape")},
    ),
    Case(
        "text-6mb",
        "validate",
        "a 6 MB body",
        E(1, ("IDM004", X, None)),
        {P: contribution(body=("Word " * 20 + "\n") * 60_000)},
    ),
    Case(
        "text-1mb-line",
        "validate",
        "one line of 1 MB (legitimate, if odd)",
        E(0),
        {P: contribution(body="word " * 200_000)},
    ),
    Case(
        "text-50k-quotes",
        "validate",
        "50,000 nested > on line 13 (pandoc needs minutes for it)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body=">" * 50_000 + " deep")},
    ),
    Case(
        "text-50k-brackets",
        "validate",
        "50,000 nested [ on line 13 (pandoc needs minutes for it)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="[" * 50_000 + "x" + "]" * 50_000)},
    ),
    Case(
        "text-brackets-over-lines",
        "validate",
        "nested [ spread one per line over a paragraph from line 13",
        E(1, ("IDM004", X, None)),
        {P: contribution(body="[\n" * 40 + "x" + "]" * 40)},
    ),
    Case(
        "text-open-links",
        "validate",
        "'[x](' 5,000 times: links never closed (pandoc needs minutes)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="[x](" * 5_000 + "y")},
    ),
    Case(
        "text-autolink-openers",
        "validate",
        "'<http://a ' 20,000 times: autolinks never closed (pandoc needs minutes)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="<http://a " * 20_000)},
    ),
    Case(
        "text-2000-list-levels",
        "validate",
        "a list nested 2,000 levels by indentation; line 37 is the first nested past what the PDF "
        "can typeset (24 levels)",
        E(1, ("IDM004", X, 37)),
        {P: contribution(body="".join("  " * i + "- x\n" for i in range(2_000)))},
    ),
    Case(
        "text-200k-word",
        "validate",
        "a word of 1,000,000 characters (Typst needs minutes to break it into lines)",
        E(1, ("IDM004", X, 13)),
        {P: contribution(body="&amp;" * 200_000)},
    ),
    Case(
        "text-rtl-combining-title",
        "validate",
        "right-to-left override, Arabic and combining marks in a title (legitimate)",
        E(0),
        {
            P: contribution().replace(
                "title: Submission", "title: \u202eevil\u202c مرحبا e\u0301\u0301"
            )
        },
    ),
    Case(
        "text-rtl-workshop-id",
        "validate",
        "a workshop id with a hidden right-to-left override",
        E(1, ("IDM012", X, 6)),
        {P: contribution().replace("workshop: new-york", "workshop: new-york\u202e")},
    ),
    Case(
        "text-combining-session-id",
        "validate",
        "a session id with a combining accent (looks like 'opening')",
        E(1, ("IDM012", "chapters/notes/new-york/opening.md", 4)),
        {
            "project/chapters/notes/new-york/opening.md": note_text(
                "new-york", "ope\u0301ning"
            ).replace("title: Session ope\u0301ning", "title: Session opening")
        },
    ),
]

INJECTION = [
    Case(
        "inject-raw-typst-block",
        "validate",
        "a ```{=typst} block reading /etc/passwd",
        E(0, ("IDM052", X, 13)),
        {P: contribution(body='```{=typst}\n#read("/etc/passwd")\n```')},
    ),
    Case(
        "inject-raw-openxml-inline",
        "validate",
        "an inline `...`{=openxml} run",
        E(0, ("IDM052", X, 13)),
        {P: contribution(body="Text `<w:r><w:t>OXMLPWN</w:t></w:r>`{=openxml} here.")},
    ),
    Case(
        "inject-raw-html-block",
        "validate",
        "a ```{=html} block with a script",
        E(0, ("IDM052", X, 13)),
        {P: contribution(body="```{=html}\n<script>alert(1)</script>\n```")},
    ),
    Case(
        "inject-raw-latex-block",
        "validate",
        "a ```{=latex} block with \\input{/etc/passwd}",
        E(0, ("IDM052", X, 13)),
        {P: contribution(body="```{=latex}\n\\input{/etc/passwd}\n```")},
    ),
    Case(
        "inject-html-img",
        "validate",
        "an HTML <img> of /etc/passwd",
        E(0, ("IDM052", X, 13)),
        {P: contribution(body='See <img src="/etc/passwd"> here.')},
    ),
    Case(
        "image-etc-passwd",
        "validate",
        "a picture ![](/etc/passwd)",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![The password file](/etc/passwd)")},
    ),
    Case(
        "image-dotdot",
        "validate",
        "a picture ../../outside/canary.png",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![A canary](../../outside/canary.png)")},
    ),
    Case(
        "image-file-url",
        "validate",
        "a picture file:///etc/passwd",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![A file](file:///etc/passwd)")},
    ),
    Case(
        "image-http",
        "validate",
        "a picture http://127.0.0.1:9/x.png",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![Remote](http://127.0.0.1:9/x.png)")},
    ),
    Case(
        "image-reference-definition",
        "validate",
        "a reference-style picture whose definition (line 15) is /etc/passwd",
        E(1, ("IDM051", X, 15)),
        {P: contribution(body="![The password file][pw]\n\n[pw]: /etc/passwd")},
    ),
    Case(
        "image-percent-encoded",
        "validate",
        "a picture %2e%2e/%2e%2e/outside/canary.png",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![A canary](%2e%2e/%2e%2e/outside/canary.png)")},
    ),
    Case(
        "image-backslashes",
        "validate",
        "a picture ..\\..\\outside\\canary.png",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![A canary](..\\..\\outside\\canary.png)")},
    ),
    Case(
        "image-symlink-out",
        "validate",
        "a picture inside the project that is a link to the canary outside",
        E(1, ("IDM051", X, 13)),
        {P: contribution(body="![A canary](media/pic.png)")},
        setup=_link("project/contributions/media/pic.png", "../../../outside/canary.png"),
    ),
]

PROJECT = [
    Case(
        "project-symlink-chapter",
        "validate",
        "chapters/evil.md is a link to a contribution outside the project",
        E(1, ("IDM062", "chapters/evil.md", None)),
        setup=_link("project/chapters/evil.md", "../../outside/canary.md"),
    ),
    Case(
        "project-symlink-folder",
        "validate",
        "contributions/linked is a link to a folder outside the project",
        E(1, ("IDM062", "contributions/linked", None)),
        setup=_link("project/contributions/linked", "../../outside/secret"),
    ),
    Case(
        "project-symlink-dev-zero",
        "validate",
        "contributions/zero.md is a link to /dev/zero",
        E(1, ("IDM062", "contributions/zero.md", None)),
        setup=_link("project/contributions/zero.md", "/dev/zero"),
    ),
    Case(
        "project-validate-folder-with-link",
        "validate",
        "`idmbook validate chapters` where chapters/evil.md links outside (human format)",
        E(1, ("IDM062", "chapters/evil.md", None)),
        setup=_link("project/chapters/evil.md", "../../outside/canary.md"),
        args=("validate", "--format", "json", "chapters"),
    ),
    Case(
        "project-fifo",
        "validate",
        "contributions/x.md is a named pipe nobody writes to",
        E(1, ("IDM001", X, None)),
        setup=_fifo,
        timeout=20,
    ),
    Case(
        "project-folder-named-md",
        "validate",
        "contributions/folder.md is a folder (its files are reported, not read)",
        E(0, ("IDM065", "contributions/folder.md/inner.txt", None)),
        setup=_folder_named_md,
    ),
    Case(
        "project-windows-invalid-name",
        "validate",
        "contributions/a:b.md (':' is not allowed on Windows)",
        E(0, ("IDM063", "contributions/a:b.md", None)),
        {"project/contributions/a:b.md": contribution(organisation="Colon Org")},
    ),
    Case(
        "project-windows-reserved-name",
        "validate",
        "contributions/CON.md (a reserved device name on Windows)",
        E(0, ("IDM063", "contributions/CON.md", None)),
        {"project/contributions/CON.md": contribution(organisation="Con Org")},
    ),
    Case(
        "project-case-twins",
        "validate",
        "contributions/Mexico.md next to contributions/mexico.md",
        E(1, ("IDM047", "contributions/mexico.md", None)),
        {"project/contributions/Mexico.md": contribution(organisation="Mexico City")},
    ),
    Case(
        "project-unicode-twins",
        "validate",
        "café.md in NFC next to café.md in NFD",
        E(1, ("IDM047", "contributions/cafe\u0301.md", None)),
        {
            "project/contributions/caf\u00e9.md": contribution(organisation="Cafe One"),
            "project/contributions/cafe\u0301.md": contribution(organisation="Cafe Two"),
        },
    ),
    Case(
        "project-workflow-command-in-name",
        "validate",
        "a file name with a newline and '::warning::', shown as GitHub annotations",
        E(
            0,
            ("IDM063", "contributions/evil\n::warning::name.md", None),
            stdout_lines=r"::(error|warning|notice) file=[^\n]*",
        ),
        {"project/contributions/evil\n::warning::name.md": contribution(organisation="Evil")},
        args=("validate", "--format", "github"),
    ),
    Case(
        "config-python-tag",
        "validate",
        "idmbook.yaml with !!python/object/apply",
        E(2, ("IDM009", "idmbook.yaml", 2)),
        setup=lambda box: _prepend_config(box, 'title: !!python/object/apply:os.system ["id"]\n'),
    ),
    Case(
        "config-taxonomy-outside",
        "validate",
        "idmbook.yaml's taxonomy is ../outside/canary.yaml",
        E(1, ("IDM061", "idmbook.yaml", None)),
        setup=lambda box: _append_config(box, "taxonomy: ../outside/canary.yaml\n"),
    ),
    Case(
        "config-taxonomy-passwd",
        "validate",
        "idmbook.yaml's taxonomy is /etc/passwd",
        E(1, ("IDM061", "idmbook.yaml", None)),
        setup=lambda box: _append_config(box, "taxonomy: /etc/passwd\n"),
    ),
    Case(
        "config-empty",
        "validate",
        "an empty idmbook.yaml",
        E(2, message="idmbook.yaml"),
        {"project/idmbook.yaml": b""},
    ),
    Case(
        "config-utf16",
        "validate",
        "idmbook.yaml saved as UTF-16",
        E(2, message="idmbook.yaml"),
        setup=lambda box: _recode_config(box, "utf-16"),
    ),
    Case(
        "config-is-a-folder",
        "validate",
        "idmbook.yaml is a folder",
        E(2, message="no idmbook.yaml"),
        setup=lambda box: _config_folder(box),
    ),
]


def _prepend_config(box: Box, text: str) -> None:
    path = box.project / "idmbook.yaml"
    lines = path.read_text("utf-8").split("\n")
    lines = [line for line in lines if not line.startswith("title:")]
    path.write_text(lines[0] + "\n" + text + "\n".join(lines[1:]), "utf-8")


def _append_config(box: Box, text: str) -> None:
    path = box.project / "idmbook.yaml"
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def _recode_config(box: Box, encoding: str) -> None:
    path = box.project / "idmbook.yaml"
    path.write_bytes(path.read_text("utf-8").encode(encoding))


def _config_folder(box: Box) -> None:
    path = box.project / "idmbook.yaml"
    path.unlink()
    path.mkdir()


SANITISED = [
    Case(
        "text-attributes-warned",
        "validate",
        "src, onclick, style and custom-style attributes: each a warning at its line and column "
        "(the build drops them)",
        E(0, ("IDM070", X, 13), ("IDM070", X, 15), ("IDM070", X, 17)),
        {
            P: contribution(
                body='A [span]{src="/proc/self/environ" onclick="alert(1)"}.\n\n'
                '[A link](https://www.iom.int){style="x"}\n\n'
                '## Heading {custom-style="Heading 1"}'
            )
        },
    ),
    Case(
        "text-headings-in-containers-warned",
        "validate",
        "headings in a list item, a quote and a grid table cell, and a skipped level",
        E(0, ("IDM071", X, 13), ("IDM071", X, 15), ("IDM071", X, 18), ("IDM072", X, 23)),
        {
            P: contribution(
                body="- # In a list\n\n> # In a quote\n\n+----------+\n| # In a cell |\n"
                "+----------+\n\n## Two\n\n#### Four"
            )
        },
    ),
    Case(
        "text-math-macros-warned",
        "validate",
        "an equation defining a macro that doubles twenty times, and one reading /etc/passwd",
        E(0, ("IDM073", X, 13), ("IDM073", X, 15)),
        {
            P: contribution(
                body="$\\newcommand{\\a}{xx}"
                + "".join(
                    f"\\newcommand{{\\{c}}}{{\\{p}\\{p}}}"
                    for p, c in zip("abcdefghijklmnopqrst", "bcdefghijklmnopqrstu", strict=True)
                )
                + "\\u$\n\n$\\input{/etc/passwd}$"
            )
        },
    ),
    Case(
        "text-deep-math-warned",
        "validate",
        "an equation of 40 nested subscripts (reading it would take pandoc hours)",
        E(0, ("IDM073", X, 13)),
        {P: contribution(body="$" + "x_{" * 40 + "y" + "}" * 40 + "$")},
    ),
]

CASES = FRONT_MATTER + TEXT + INJECTION + PROJECT + SANITISED
