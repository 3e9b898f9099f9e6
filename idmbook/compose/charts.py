"""Figures drawn with matplotlib: the status dashboard's chart and the book's contributors chart.

matplotlib is imported only here, inside the functions, and always with the Agg canvas (no
display, no global pyplot state). SVG text stays text (searchable, read by screen readers).
Outputs are reproducible: the same numbers give the same bytes (fixed SVG hash salt and ids,
no dates or version strings in the file metadata).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idmbook.errors import IdmbookError

if TYPE_CHECKING:
    from idmbook.commands.status import Status

IOM_BLUE = "#0033a0"
LIGHT_BLUE = "#9fb4e0"
GAP = "#fbe3e3"
SUFFIXES = (".png", ".svg")


def _style() -> AbstractContextManager[Any]:
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


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Any, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IdmbookError(f"cannot draw a chart as '{path.name}'", "name the file .png or .svg")
    no_dates: dict[str, str | None] = {"Date": None, "Creator": None}
    metadata = no_dates if suffix == ".svg" else {"Software": None}
    try:
        figure.savefig(path, format=suffix[1:], dpi=200, metadata=metadata)
    except OSError as exc:
        raise IdmbookError(f"cannot write {path}: {exc.strerror}") from None


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def status_chart(status: Status, path: Path) -> None:
    """The coverage matrix (themes × workshops) and the contributions by stakeholder type."""
    import numpy as np

    from idmbook.model.fields import STAKEHOLDER_TYPES

    themes = status.themes
    workshops = status.workshops
    with _style():
        figure = _figure(10, 0.9 * max(len(themes), 3) + 1.8)
        left, right = figure.subplots(1, 2, width_ratios=[1.2, 1])
        values = np.array(
            [[sum(status.by_workshop[t][w]) for w, _ in workshops] for t, _ in themes], dtype=float
        )
        shown = np.where(values == 0, np.nan, values)
        left.imshow(shown, cmap="Blues", vmin=0, vmax=max(values.max(), 1), aspect="auto")
        for i, (theme_id, _) in enumerate(themes):
            for j, (workshop_id, _) in enumerate(workshops):
                notes, contributions = status.by_workshop[theme_id][workshop_id]
                if notes + contributions == 0:
                    left.add_patch(_gap_patch(j, i))
                    left.text(j, i, "gap", ha="center", va="center", color="#b00020", weight="bold")
                else:
                    dark = notes + contributions > values.max() / 2
                    left.text(
                        j,
                        i,
                        f"{_plural(notes, 'note')}\n{_plural(contributions, 'contribution')}",
                        ha="center",
                        va="center",
                        color="white" if dark else "black",
                    )
        left.set_xticks(range(len(workshops)), [city for _, city in workshops])
        left.set_yticks(range(len(themes)), [_wrap(title, 28) for _, title in themes])
        left.tick_params(length=0)
        for spine in left.spines.values():
            spine.set_visible(False)
        left.set_title("Theme coverage by workshop", loc="left", weight="bold")

        received = status.received.get("stakeholder_type", Counter[str]())
        published = status.published.get("stakeholder_type", Counter[str]())
        kinds = list(STAKEHOLDER_TYPES)[::-1]
        got = [published.get(k, 0) for k in kinds]
        withheld = [received.get(k, 0) - published.get(k, 0) for k in kinds]
        y = range(len(kinds))
        right.barh(y, got, color=IOM_BLUE, label="with consent")
        right.barh(y, withheld, left=got, color=LIGHT_BLUE, label="without consent")
        right.set_yticks(list(y), [k.replace("_", " ") for k in kinds])
        right.xaxis.get_major_locator().set_params(integer=True)
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncols=2, frameon=False)
        right.set_title("Contributions by stakeholder type", loc="left", weight="bold")
        _save(figure, path)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _gap_patch(x: int, y: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (x - 0.5, y - 0.5), 1, 1, facecolor=GAP, edgecolor="#b00020", hatch="//", linewidth=0
    )


def contributors_chart(counts: Sequence[tuple[str, int]], path: Path, axis_label: str) -> None:
    """A horizontal bar chart of contributions by stakeholder type, largest first.

    ``counts`` are (label in the book's language, number) pairs; ``axis_label`` names the
    numbers (for example "Number of contributions").
    """
    with _style():
        figure = _figure(6.3, 0.42 * max(len(counts), 2) + 0.9)
        axes = figure.subplots()
        labels = [_wrap(label, 34) for label, _ in counts][::-1]
        numbers = [n for _, n in counts][::-1]
        bars = axes.barh(range(len(numbers)), numbers, color=IOM_BLUE)
        axes.bar_label(bars, padding=3)
        axes.set_yticks(range(len(labels)), labels)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel(axis_label)
        axes.tick_params(axis="y", length=0)
        _save(figure, path)
