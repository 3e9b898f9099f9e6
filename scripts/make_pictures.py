"""Render PNG pictures of the built book for the README: the cover, a page of key
recommendations, the chart of who contributed and the bibliography. Run through
`make pictures` after `make build`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from idmbook.load.project import Project, open_project


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    opened = open_project(root)
    if not isinstance(opened, Project):
        print("idmbook.yaml is not valid: run `idmbook validate`", file=sys.stderr)
        return 1
    # the book in its own language (dist/ may also hold the French or Spanish edition)
    pdf = root / opened.config.output.directory / f"{opened.config.output.basename}.pdf"
    if not pdf.is_file():
        print(f"no {pdf.name} in dist/: run `make build` first", file=sys.stderr)
        return 1
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: apt-get install poppler-utils", file=sys.stderr)
        return 1
    reader = PdfReader(str(pdf))
    texts = [(page.extract_text() or "").lstrip() for page in reader.pages]
    starts = [
        i + 1 for i, text in enumerate(texts) if i > 3 and text.startswith("Key recommendations")
    ]
    mentions = [i + 1 for i, text in enumerate(texts) if i > 3 and "Key recommendations" in text]
    if not starts and not mentions:
        print(f"{pdf.name} has no page of key recommendations", file=sys.stderr)
        return 1
    target_page = (starts or mentions)[0]
    pages = [("cover", 1), ("key-recommendations", target_page)]
    chart = next((i + 1 for i, text in enumerate(texts) if "Number of contributions" in text), None)
    references = next(
        (i + 1 for i, text in reversed(list(enumerate(texts))) if text.startswith("References")),
        None,
    )
    pages += [(name, page) for name, page in (("chart", chart), ("references", references)) if page]
    out = root / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    for name, page in pages:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                str(out / name),
            ],
            check=True,
        )
        print(f"wrote {out / name}.png (page {page})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
