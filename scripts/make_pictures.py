"""Render PNG pictures of the built book for the README: the cover, a page of key
recommendations, the chart of who contributed and the bibliography. Run through
`make pictures` after `make build`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    pdfs = sorted((root / "dist").glob("*.pdf"))
    if not pdfs:
        print("no PDF in dist/: run `make build` first", file=sys.stderr)
        return 1
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: apt-get install poppler-utils", file=sys.stderr)
        return 1
    pdf = pdfs[0]
    reader = PdfReader(str(pdf))
    target_page = next(
        (
            i + 1
            for i, page in enumerate(reader.pages)
            if i > 3 and (page.extract_text() or "").lstrip().startswith("Key recommendations")
        ),
        None,
    )
    if target_page is None:
        target_page = next(
            i + 1
            for i, page in enumerate(reader.pages)
            if i > 3 and "Key recommendations" in (page.extract_text() or "")
        )
    pages = [("cover", 1), ("key-recommendations", target_page)]
    texts = [(page.extract_text() or "") for page in reader.pages]
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
