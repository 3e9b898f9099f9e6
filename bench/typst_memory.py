"""How much of Typst's memory the book's template decides: the baseline's Typst file typeset
as it is and with the template's costly parts taken out.

``python bench/typst_memory.py WORKDIR/baseline-out/book.typ`` (a file ``make bench`` leaves in
its work folder; ``--workdir`` keeps it) typesets the file in a fresh process per variant and
prints the seconds and the peak memory (resident set) of each:

- as built: tagged PDF/UA-1, running heads that look up the chapter of each page, an outline;
- without a PDF standard;
- running heads without the look-up;
- without the outline;
- plain: none of these (no standard, no running heads, no outline).

Where even the plain variant needs more than the benchmark's memory target, the target is
beyond what Typst allows for that book, whatever the template does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

_QUERY = """  let chapters = query(heading.where(level: 1))
  let opening = chapters.any(h => h.location().page() == page-no)
  if not opening and not (book.print and blank-page(page-no)) {"""
_OUTLINE = "#outline(title: book.contents)"
_HEADER = '#set page(numbering: "1", header: running-header)'


def variants(text: str) -> dict[str, tuple[str, list[str]] | None]:
    """Variant name -> (Typst text, PDF standards), or None where the template has changed
    and the part to take out is not found."""
    no_query = text.replace(_QUERY, "  if true {") if _QUERY in text else None
    no_outline = text.replace(_OUTLINE, "") if _OUTLINE in text else None
    plain = None
    if _OUTLINE in text and _HEADER in text:
        plain = text.replace(_OUTLINE, "").replace(_HEADER, '#set page(numbering: "1")')
    return {
        "as built (PDF/UA-1)": (text, ["ua-1"]),
        "no PDF standard": (text, []),
        "running heads without look-up": None if no_query is None else (no_query, ["ua-1"]),
        "no outline": None if no_outline is None else (no_outline, ["ua-1"]),
        "plain (none of them)": None if plain is None else (plain, []),
    }


_CHILD = """
import json, resource, sys, time, typst
path, standards = sys.argv[1], json.loads(sys.argv[2])
clock = time.monotonic()
typst.compile(path, output=path + ".pdf", root=sys.argv[3], ignore_system_fonts=True,
              pdf_standards=standards, timestamp=0)
print(json.dumps({"seconds": time.monotonic() - clock,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(text: str, standards: list[str], root: Path) -> dict[str, float]:
    """Typeset ``text`` (placed in ``root``, next to the pictures it names) in a new process."""
    with tempfile.NamedTemporaryFile("w", suffix=".typ", dir=root, delete=False) as handle:
        handle.write(text)
    path = Path(handle.name)
    try:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), json.dumps(standards), str(root)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return dict(json.loads(out))
    finally:
        path.unlink(missing_ok=True)
        Path(f"{path}.pdf").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("typ", type=Path, help="the baseline's book.typ")
    args = parser.parse_args()
    text = args.typ.read_text("utf-8")
    print(f"{'variant':<32} {'seconds':>8} {'peak memory':>12}")
    for name, variant in variants(text).items():
        if variant is None:
            print(f"{name:<32} {'(template changed: not found)':>22}")
            continue
        result = measure(*variant, args.typ.parent)
        print(f"{name:<32} {result['seconds']:>8.1f} {result['peak_mb']:>9,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
