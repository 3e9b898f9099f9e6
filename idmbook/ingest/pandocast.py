"""pandoc run in a sandbox with limits; a submission (or a plain text) read into its JSON AST."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from itertools import accumulate
from pathlib import Path

from idmbook.ingest.nodetext import Node
from idmbook.load.archive import Limits
from idmbook.load.findings import Refused
from idmbook.pandoc.run import pandoc_path


def run_pandoc(
    args: list[str], workdir: Path, limits: Limits, stdin: bytes = b"", what: str = "file"
) -> bytes:
    """pandoc in a sandbox, in ``workdir``, with ``limits``; a failure refuses the file."""
    command = [
        pandoc_path(),
        "+RTS",
        f"-M{limits.pandoc_memory}",
        "-RTS",
        "--sandbox",
        f"--resource-path={workdir}",
        *args,
    ]
    try:
        proc = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            cwd=workdir,
            check=False,
            timeout=limits.pandoc_timeout,
        )
    except subprocess.TimeoutExpired:
        raise Refused(
            "IDM116",
            f"converting the {what} took longer than {limits.pandoc_timeout:.0f} s",
            "ask the sender to open the file and save it again as .docx",
        ) from None
    if proc.returncode != 0:
        message = [
            line
            for line in proc.stderr.decode("utf-8", "replace").strip().splitlines()
            if line.strip() and not line.startswith("[WARNING]")
        ]
        first = " ".join(message[:2]) if message else f"exit status {proc.returncode}"
        raise Refused(
            "IDM116",
            f"pandoc could not read the {what}: {first[:300]}",
            "ask the sender to open the file and save it again as .docx",
        )
    return proc.stdout


@cache
def api_version() -> list[int]:
    """The AST version of the bundled pandoc, for ASTs built here."""
    proc = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "json"],
        input=b"",
        capture_output=True,
        check=False,
        timeout=60,
    )
    try:
        version = json.loads(proc.stdout)["pandoc-api-version"]
    except (ValueError, KeyError, TypeError):
        return [1, 23]
    return [int(v) for v in version]


def to_ast(args: list[str], workdir: Path, limits: Limits, stdin: bytes = b"") -> Node:
    """pandoc's JSON AST of the input named in ``args`` (or given on ``stdin``)."""
    out = run_pandoc([*args, "-t", "json"], workdir, limits, stdin)
    deepest = json_depth(out)
    if deepest > MAX_DEPTH:
        raise Refused(
            "IDM116",
            f"the document nests quotations, lists or tables about {deepest // 2} levels deep; "
            f"idmbook reads up to {MAX_DEPTH // 2}",
            "ask the sender to open the file and save it again as .docx; a document written "
            "in a word processor never nests that deep",
        )
    try:
        ast = json.loads(out)
    except (ValueError, RecursionError) as exc:
        raise Refused("IDM116", f"pandoc's output could not be read: {exc}") from None
    if not isinstance(ast, dict) or not isinstance(ast.get("blocks"), list):
        raise Refused("IDM116", "pandoc's output has no document in it")
    return ast


MAX_DEPTH = 300
"""How deep pandoc's JSON of a submission may nest (a quotation in a quotation is two levels):
deeper would exhaust the walks over the document, and no word processor writes it."""


def json_depth(data: bytes) -> int:
    """How deep the arrays and objects of the JSON ``data`` nest (strings skipped)."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate((1 if b in b"[{" else -1 for b in brackets), initial=0))


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def text_ast(text: str) -> Node:
    """A plain text file as an AST: paragraphs at blank lines, lines kept as line breaks."""
    blocks: list[Node] = []
    for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
        inlines: list[Node] = []
        for i, line in enumerate(paragraph.split("\n")):
            if i:
                inlines.append({"t": "LineBreak"})
            words = line.split()
            for j, word in enumerate(words):
                if j:
                    inlines.append({"t": "Space"})
                inlines.append({"t": "Str", "c": word})
        if inlines:
            blocks.append({"t": "Para", "c": inlines})
    return {"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks}
