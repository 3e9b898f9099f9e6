"""The status dashboard's chart (`idmbook status --chart`): theme coverage by workshop and
contributions by stakeholder type.

The chart is SVG written here, its words as text (searchable, read by screen readers); a PNG
is that SVG drawn by Typst (:func:`idmbook.compose.charts.svg_picture`). The same status gives
the same bytes.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from idmbook.commands.status import Status
from idmbook.compose.charts import IOM_BLUE, svg_picture
from idmbook.model.fields import STAKEHOLDER_TYPES

LIGHT_BLUE = "#9fb4e0"
GAP = "#fbe3e3"
GAP_INK = "#b00020"
_PALE, _DARK = (0xDE, 0xEB, 0xF7), (0x08, 0x30, 0x6B)
_FONT = "DejaVu Sans"
_LINE = 15  # px between the lines of a wrapped label


def _text(x: float, y: float, words: str, anchor: str = "start", **style: str) -> str:
    attrs = "".join(f" {key.replace('_', '-')}={quoteattr(v)}" for key, v in style.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{attrs}>{escape(words)}</text>'


def _lines(x: float, y: float, lines: list[str], anchor: str, **style: str) -> list[str]:
    """Lines of text centred on ``y``."""
    top = y - (len(lines) - 1) * _LINE / 2
    return [_text(x, top + i * _LINE + 4, line, anchor, **style) for i, line in enumerate(lines)]


def _shade(value: float, top: float) -> tuple[str, bool]:
    """The fill of a cell holding ``value`` of at most ``top``, and whether it is dark."""
    share = value / top if top else 0.0
    rgb = [round(p + (d - p) * share) for p, d in zip(_PALE, _DARK, strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb), share > 0.5


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _coverage(status: Status, x0: float, y0: float) -> tuple[list[str], float]:
    """The themes × workshops matrix, its top left at (x0, y0); its parts and its bottom."""
    themes, workshops = status.themes, status.workshops
    label_width, cell_w, cell_h = 210.0, 300.0 / max(len(workshops), 1), 56.0
    totals = {(t, w): sum(status.by_workshop[t][w]) for t, _ in themes for w, _ in workshops}
    top = max(totals.values(), default=0) or 1
    parts = [_text(x0, y0, "Theme coverage by workshop", font_weight="bold")]
    y = y0 + 28
    for j, (_, city) in enumerate(workshops):
        parts.append(_text(x0 + label_width + (j + 0.5) * cell_w, y, city, "middle"))
    y += 10
    for i, (theme_id, title) in enumerate(themes):
        row_y = y + i * cell_h
        label = textwrap.wrap(title, 30) or [title]
        parts += _lines(x0 + label_width - 8, row_y + cell_h / 2, label, "end")
        for j, (workshop_id, _) in enumerate(workshops):
            notes, contributions = status.by_workshop[theme_id][workshop_id]
            x = x0 + label_width + j * cell_w
            box = f'x="{x:.1f}" y="{row_y:.1f}" width="{cell_w:.1f}" height="{cell_h:.1f}"'
            middle = (x + cell_w / 2, row_y + cell_h / 2)
            if notes + contributions == 0:
                parts.append(f'<rect {box} fill="{GAP}" stroke="{GAP_INK}" stroke-width="1"/>')
                parts += _lines(*middle, ["gap"], "middle", fill=GAP_INK, font_weight="bold")
                continue
            fill, dark = _shade(totals[theme_id, workshop_id], top)
            words = [_plural(notes, "note"), _plural(contributions, "contribution")]
            parts.append(f'<rect {box} fill="{fill}" stroke="white" stroke-width="1"/>')
            parts += _lines(*middle, words, "middle", fill="white" if dark else "black")
    return parts, y + len(themes) * cell_h


def _stakeholders(status: Status, x0: float, y0: float) -> tuple[list[str], float]:
    """Contributions by stakeholder type, with and without consent; its parts and bottom."""
    received = status.received.get("stakeholder_type", Counter[str]())
    published = status.published.get("stakeholder_type", Counter[str]())
    label_width, bar_width, row_h = 170.0, 240.0, 30.0
    top = max((received.get(k, 0) for k in STAKEHOLDER_TYPES), default=0) or 1
    parts = [_text(x0, y0, "Contributions by stakeholder type", font_weight="bold")]
    y = y0 + 20
    axis_x = x0 + label_width
    for i, kind in enumerate(STAKEHOLDER_TYPES):
        row_y = y + i * row_h
        got = published.get(kind, 0)
        withheld = max(received.get(kind, 0) - got, 0)
        parts += _lines(axis_x - 8, row_y + row_h / 2, [kind.replace("_", " ")], "end")
        x = axis_x
        for count, colour in ((got, IOM_BLUE), (withheld, LIGHT_BLUE)):
            width = bar_width * count / top
            if width:
                parts.append(
                    f'<rect x="{x:.1f}" y="{row_y + 6:.1f}" width="{width:.1f}" '
                    f'height="{row_h - 12:.1f}" fill="{colour}"/>'
                )
            x += width
        if got + withheld:
            parts.append(_text(x + 5, row_y + row_h / 2 + 4, str(got + withheld)))
    bottom = y + len(STAKEHOLDER_TYPES) * row_h
    parts.append(
        f'<line x1="{axis_x:.1f}" y1="{y:.1f}" x2="{axis_x:.1f}" y2="{bottom:.1f}" '
        'stroke="#555" stroke-width="1"/>'
    )
    legend_y = bottom + 22
    for offset, (colour, words) in enumerate(
        ((IOM_BLUE, "with consent"), (LIGHT_BLUE, "without consent"))
    ):
        x = axis_x + offset * 130
        parts.append(
            f'<rect x="{x:.1f}" y="{legend_y - 10:.1f}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(_text(x + 18, legend_y, words))
    return parts, legend_y


def status_svg(status: Status) -> str:
    """The chart as an SVG document."""
    left, left_bottom = _coverage(status, 12.0, 28.0)
    right, right_bottom = _stakeholders(status, 560.0, 28.0)
    width, height = 1000, int(max(left_bottom, right_bottom) + 20)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{_FONT}" font-size="12">'
    )
    title = "<title>Theme coverage by workshop; contributions by stakeholder type</title>"
    background = f'<rect width="{width}" height="{height}" fill="white"/>'
    return "\n".join([head, title, background, *left, *right, "</svg>"]) + "\n"


def status_chart(status: Status, path: Path) -> None:
    """The coverage matrix (themes × workshops) and the contributions by stakeholder type,
    written to ``path`` (.svg, or .png drawn from the SVG)."""
    svg_picture(status_svg(status), path)
