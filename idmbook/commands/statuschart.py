"""The status dashboard's chart (`idmbook status --chart`): theme coverage by workshop and
contributions by stakeholder type, drawn with the book's chart style."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from idmbook.commands.status import Status
from idmbook.compose.charts import IOM_BLUE, chart_style, new_figure, save_figure, wrap_label
from idmbook.model.fields import STAKEHOLDER_TYPES

LIGHT_BLUE = "#9fb4e0"
GAP = "#fbe3e3"


def status_chart(status: Status, path: Path) -> None:
    """The coverage matrix (themes × workshops) and the contributions by stakeholder type."""
    import numpy as np

    themes = status.themes
    workshops = status.workshops
    with chart_style():
        figure = new_figure(10, 0.9 * max(len(themes), 3) + 1.8)
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
        left.set_yticks(range(len(themes)), [wrap_label(title, 28) for _, title in themes])
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
        save_figure(figure, path)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _gap_patch(x: int, y: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (x - 0.5, y - 0.5), 1, 1, facecolor=GAP, edgecolor="#b00020", hatch="//", linewidth=0
    )
