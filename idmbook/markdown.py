"""Putting untrusted Markdown and plain text safely into the assembled book."""

from __future__ import annotations

import re
import string

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DIV_FENCE = re.compile(r"^(\s*)(:{3,})")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_PUNCT = set(string.punctuation)

READER = (
    "markdown-raw_html-raw_tex-raw_attribute-citations-tex_math_dollars"
    "-tex_math_single_backslash-yaml_metadata_block-latex_macros"
)
"""The pandoc reader used for the whole book: raw formats, citations and TeX off."""


def escape(text: object) -> str:
    """Plain text as Markdown inline text: every ASCII punctuation mark escaped."""
    value = " ".join(str(text).split())
    return "".join("\\" + c if c in _PUNCT else c for c in value)


def contain(body: str, prefix: str) -> str:
    """Make a Markdown body safe to embed between other parts of the book.

    Footnote labels get ``prefix`` so two documents' ``[^1]`` do not collide; lines that
    would open or close a fenced div are escaped, so a body cannot close its wrapper; a code
    block left open at the end is closed, so it cannot swallow the rest of the book.
    """
    out: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif (
                marker.startswith(fence[0])
                and len(marker) >= len(fence)
                and (not line[match.end() :].strip())
            ):
                fence = None
            out.append(line)
            continue
        if fence is None:
            div = _DIV_FENCE.match(line)
            if div:
                line = div.group(1) + "\\" + line[len(div.group(1)) :]
            line = _FOOTNOTE.sub(lambda m: f"[^{prefix}-{m.group(1)}]", line)
        out.append(line)
    if fence is not None:
        out.append(fence)
    return "\n".join(out).strip("\n")
