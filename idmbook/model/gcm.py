"""The objectives of the Global Compact for Safe, Orderly and Regular Migration (1 to 23).

A recommendation names the objectives it addresses with ``gcm="2 7"`` in its attribute block,
a note with ``gcm: [2, 7]`` in its front matter (the default for its recommendations). The
titles come from ``idmbook/data/gcm.yaml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from ruamel.yaml import YAML


@dataclass(frozen=True)
class Objective:
    number: int
    title: str
    about: str
    """A short description of what recommendations under it ask for (for suggestions)."""


@functools.cache
def objectives() -> tuple[Objective, ...]:
    """The 23 objectives, in order."""

    text = resources.files("idmbook").joinpath("data/gcm.yaml").read_text("utf-8")
    data = YAML(typ="safe", pure=True).load(text)
    return tuple(Objective(int(n), str(v["title"]), str(v["about"])) for n, v in data.items())


def parse_gcm(value: str) -> tuple[tuple[int, ...], list[str]]:
    """The objective numbers in ``value`` (separated by spaces or commas), and the words that
    are not a number from 1 to 23."""
    good: list[int] = []
    bad: list[str] = []
    for word in (w for w in re.split(r"[\s,]+", value) if w):
        if word.isdigit() and 1 <= int(word) <= len(objectives()):
            if int(word) not in good:
                good.append(int(word))
        else:
            bad.append(word)
    return tuple(good), bad


def titles_hint(limit: int = 23) -> str:
    """The objectives' numbers and titles, for a diagnostic's hint."""
    return "objectives: " + "; ".join(f"{o.number} {o.title}" for o in objectives()[:limit])
