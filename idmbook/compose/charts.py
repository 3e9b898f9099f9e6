"""The book's contributors chart, drawn by Typst in the book's own fonts.

The chart is Typst source (:func:`contributors_typst`): the PDF includes it in the page, so it
is a vector drawing whose words are text set in the book's fonts; the DOCX and the HTML get a
picture of the same source, made by Typst too (:func:`contributors_chart`: PNG, for Word and
every browser). Drawing takes no library besides Typst, which the PDF needs anyway. Outputs
are reproducible: the same numbers and words give the same bytes.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from idmbook.errors import IdmbookError, ToolMissing
from idmbook.load.fonts import typst_fonts

IOM_BLUE = "#0033a0"
SUFFIXES = (".png", ".svg")
CHART_FONTS = ("Libertinus Serif", "Noto Sans", "Noto Sans CJK SC", "Noto Sans Arabic")
"""The fonts of a chart made as a picture: the book's text face first (templates/idm.typ)."""

_DRAWING = """\
#figure(kind: "idm-drawing", supplement: none, numbering: none, outlined: false, gap: 0pt,
alt: ALT, {
  let rows = ROWS
  let axis = AXIS
  let top = calc.max(1, ..rows.map(row => row.at(1)))
  let bar = 1.15em
  set par(justify: false)
  block(width: 100%, breakable: false, {
    grid(
      columns: (36%, 1fr),
      column-gutter: 0.7em,
      row-gutter: 0.5em,
      align: (right + horizon, left + horizon),
      grid.vline(x: 1, end: rows.len(), stroke: 0.6pt + luma(90)),
      ..rows.map(row => (
        text(size: 0.85em, hyphenate: false, row.at(0)),
        grid(
          columns: (86% * row.at(1) / top, auto),
          column-gutter: 0.4em,
          align: horizon,
          box(width: 100%, height: bar, fill: rgb("COLOUR")),
          text(size: 0.85em, str(row.at(1))),
        ),
      )).flatten(),
      [], align(center, text(size: 0.85em, style: "italic", axis)),
    )
  })
})
"""


_SLOT = re.compile(r"\b(?:ROWS|AXIS|ALT|COLOUR)\b")


def typst_text(value: str) -> str:
    """``value`` as a Typst string literal: quotes, backslashes and control characters
    escaped, so that no word of a label can end the string."""
    out = []
    for char in value:
        if char in '"\\' or ord(char) < 32 or ord(char) == 127:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def contributors_typst(counts: Sequence[tuple[str, int]], axis_label: str, alt: str = "") -> str:
    """The Typst source of the chart: a horizontal bar for each stakeholder type, largest
    first as ``counts`` gives them, its number at its end, ``axis_label`` under the bars.
    Set in the fonts and size of the text around it; a figure of its own, unnumbered, whose
    alternative text ``alt`` the tagged PDF gives the drawing."""
    rows = ", ".join(f"({typst_text(label)}, {int(n)})" for label, n in counts)
    values = {
        "ROWS": f"({rows},)" if counts else "()",
        "AXIS": typst_text(axis_label),
        "ALT": typst_text(alt or axis_label),
        "COLOUR": IOM_BLUE,
    }
    source = _SLOT.sub(lambda match: values[match.group(0)], _DRAWING)  # in one pass
    return "// The chart of who contributed, drawn by idmbook (compose/charts.py).\n" + source


def _picture_page(source: str, language: str) -> str:
    fonts = ", ".join(typst_text(font) for font in CHART_FONTS)
    return (
        "#set page(width: 16cm, height: auto, margin: 8pt, fill: white)\n"
        f"#set text(font: ({fonts}), size: 10.5pt, lang: {typst_text(language)})\n" + source
    )


def svg_picture(svg: str, path: Path) -> None:
    """The SVG document ``svg`` written to ``path``: as it is for .svg, drawn by Typst for
    .png (its text set in the fonts Typst carries)."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        _write(path, svg.encode("utf-8"))
        return
    page = '#set page(width: auto, height: auto, margin: 0pt)\n#image("chart.svg")\n'
    _write(path, _typst_compile(page, {"chart.svg": svg}, suffix))


def typst_picture(source: str, path: Path, language: str = "en") -> None:
    """Typst ``source`` drawn into the picture ``path`` (.png or .svg), in the book's fonts."""
    _write(path, _typst_compile(_picture_page(source, language), {}, path.suffix.lower()))


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise IdmbookError(f"cannot write {path}: {exc.strerror}") from None


def _typst_compile(main: str, files: dict[str, str], suffix: str) -> bytes:
    """The picture (``suffix`` .png or .svg) of the Typst document ``main``, compiled in a
    folder of its own holding ``files``."""
    if suffix not in SUFFIXES:
        raise IdmbookError(f"cannot draw a chart as 'chart{suffix}'", "name the file .png or .svg")
    try:
        import typst
    except ImportError as exc:
        raise ToolMissing(
            f"the typst package is not available: {exc}", "reinstall idmbook (`make install`)"
        ) from None
    with tempfile.TemporaryDirectory(prefix="idmbook-chart-") as folder:
        for name, text in {**files, "main.typ": main}.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        try:
            data = typst.compile(
                str(Path(folder) / "main.typ"),
                root=folder,
                font_paths=typst_fonts(),
                ignore_system_fonts=True,
                format="png" if suffix == ".png" else "svg",
                ppi=200.0,
            )
        except typst.TypstError as exc:
            raise IdmbookError(f"Typst could not draw the chart: {exc.message}") from None
    if isinstance(data, list):  # a picture per page; a chart has one
        data = data[0]
    if not isinstance(data, bytes):
        raise ToolMissing("the typst package returned no picture", "reinstall idmbook")
    return data


def contributors_chart(
    counts: Sequence[tuple[str, int]],
    path: Path,
    axis_label: str,
    language: str = "en",
    alt: str = "",
) -> str:
    """The chart of contributions by stakeholder type drawn into the picture ``path``; its
    Typst source is returned, for the PDF to draw it itself.

    ``counts`` are (label in the book's language, number) pairs, largest first; ``axis_label``
    names the numbers (for example "Number of contributions").
    """
    source = contributors_typst(counts, axis_label, alt)
    typst_picture(source, path, language)
    return source
