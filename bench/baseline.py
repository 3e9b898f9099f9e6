"""The baseline: the book built by hand from the same Markdown and the same templates.

``python bench/baseline.py BOOK.md TEMPLATES OUT META.json`` runs, one after another, what
someone without idmbook would run: pandoc Markdown to DOCX with the reference document, pandoc
Markdown to Typst with the Typst template (the book's metadata given with ``-M``), then the
``typst`` package to PDF (tagged PDF/UA-1, the embedded fonts, as idmbook does). It prints the
seconds of each step as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path


def main(markdown: Path, templates: Path, out: Path, meta_file: Path) -> dict[str, float]:
    from idmbook.pandoc.run import pandoc_path

    pandoc = pandoc_path()
    meta = json.loads(meta_file.read_text("utf-8"))
    metadata: dict[str, str | list[str]] = meta["metadata"]
    out.mkdir(parents=True, exist_ok=True)
    steps: dict[str, float] = {}

    clock = time.monotonic()
    reference = f"--reference-doc={templates / 'reference.docx'}"
    docx = [pandoc, str(markdown), "-f", "markdown", "-t", "docx", reference]
    subprocess.run([*docx, "-o", str(out / "book.docx")], check=True)
    steps["pandoc_docx"] = time.monotonic() - clock

    clock = time.monotonic()
    args = [pandoc, str(markdown), "-f", "markdown", "-t", "typst", "--wrap=none"]
    args += [f"--template={templates / 'idm.typ'}", "-o", str(out / "book.typ")]
    for key, value in metadata.items():
        for item in value if isinstance(value, list) else [value]:
            args.append(f"--metadata={key}:{item}")
    subprocess.run(args, check=True)
    steps["pandoc_typst"] = time.monotonic() - clock

    clock = time.monotonic()
    import typst

    typst.compile(
        str(out / "book.typ"),
        output=str(out / "book.pdf"),
        root=str(out),
        ignore_system_fonts=True,
        pdf_standards=["ua-1"],
        timestamp=int(meta["timestamp"]),
    )
    steps["typst_pdf"] = time.monotonic() - clock
    return steps


if __name__ == "__main__":
    result = main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    print(json.dumps(result))
