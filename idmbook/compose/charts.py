"""Figures drawn with matplotlib: the status dashboard's chart and the book's contributors chart.

matplotlib is imported only here, inside the functions, and always with the Agg canvas (no
display, no global pyplot state). SVG text stays text (searchable, read by screen readers).
Outputs are reproducible: the same numbers give the same bytes (fixed SVG hash salt and ids,
no dates or version strings in the file metadata).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from idmbook.errors import IdmbookError

IOM_BLUE = "#0033a0"
SUFFIXES = (".png", ".svg")


def chart_style() -> AbstractContextManager[Any]:
    import matplotlib

    return matplotlib.rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "svg.hashsalt": "idmbook",
            "svg.id": "idmbook",
            "svg.fonttype": "none",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def new_figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def save_figure(figure: Any, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IdmbookError(f"cannot draw a chart as '{path.name}'", "name the file .png or .svg")
    no_dates: dict[str, str | None] = {"Date": None, "Creator": None}
    metadata = no_dates if suffix == ".svg" else {"Software": None}
    try:
        figure.savefig(path, format=suffix[1:], dpi=200, metadata=metadata)
    except OSError as exc:
        raise IdmbookError(f"cannot write {path}: {exc.strerror}") from None


def wrap_label(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def contributors_chart(counts: Sequence[tuple[str, int]], path: Path, axis_label: str) -> None:
    """A horizontal bar chart of contributions by stakeholder type, largest first.

    ``counts`` are (label in the book's language, number) pairs; ``axis_label`` names the
    numbers (for example "Number of contributions").
    """
    with chart_style():
        figure = new_figure(6.3, 0.42 * max(len(counts), 2) + 0.9)
        axes = figure.subplots()
        labels = [wrap_label(label, 34) for label, _ in counts][::-1]
        numbers = [n for _, n in counts][::-1]
        bars = axes.barh(range(len(numbers)), numbers, color=IOM_BLUE)
        axes.bar_label(bars, padding=3)
        axes.set_yticks(range(len(labels)), labels)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel(axis_label)
        axes.tick_params(axis="y", length=0)
        save_figure(figure, path)
