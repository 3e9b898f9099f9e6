"""The benchmark's own parts: its synthetic projects are the same for the same seed and valid,
and its verdicts read the measurements the right way round (no timing is asserted here)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from synth import SCALES, generate

import bench
from idmbook.check.validate import validate
from idmbook.diagnostics import Severity


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_idm_scale_project_is_the_same_for_a_seed_and_valid(tmp_path: Path) -> None:
    generate(tmp_path / "a", SCALES["idm"], seed=2017)
    generate(tmp_path / "b", SCALES["idm"], seed=2017)
    generate(tmp_path / "c", SCALES["idm"], seed=2018)
    first = tree(tmp_path / "a")
    assert first == tree(tmp_path / "b")
    assert first != tree(tmp_path / "c")
    assert sum(1 for rel in first if rel.startswith("contributions/")) == 150
    assert sum(1 for rel in first if rel.startswith("chapters/notes/")) == 16
    project, report = validate(tmp_path / "a")
    assert project is not None
    assert [d for d in report.diagnostics if d.severity == Severity.ERROR] == []


def series(median: float, **extra: Any) -> dict[str, Any]:
    return {"median_s": median, "min_s": median, "max_s": median, "max_rss_mb": 100.0,
            "tree_peak_mb": 100.0, "outside_tools_median_s": None, **extra}  # fmt: skip


def test_verdicts_and_floors() -> None:
    result = {
        "series": {
            "cold": series(10.0, outside_tools_median_s=0.4),
            "baseline": series(20.0, steps_median_s={"typst_pdf": 6.0}, max_rss_mb=2500.0),
            "nochange": series(0.6),
            "one_note": series(6.5),
            "watch": series(3.5),
            "validate_one": series(0.3),
            "startup": series(0.3),
            "cli_startup": series(0.1),
            "docx_writer": series(1.5),
        }
    }
    rows = {name: (value, floor, met) for name, value, _, floor, met in bench.verdicts(result)}
    assert rows["cold build / baseline"] == ("50 %", "–", "yes")
    assert rows["time outside pandoc and Typst / cold build"] == ("4 %", "3 %", "yes")
    assert rows["rebuild, nothing changed / cold build"] == ("6 %", "1 %", "no")
    assert rows["rebuild, one note edited / cold build"] == ("65 %", "60 %", "yes")
    assert rows["watch rebuild, one note edited / cold build"] == ("35 %", "15 %", "no")
    assert rows["peak memory (process tree)"] == ("100 MB", "2,500 MB", "yes")


def test_the_typst_memory_variants_find_what_they_take_out() -> None:
    """bench/typst_memory.py edits the template's text as pandoc copies it into the book: a
    change of templates/idm.typ that moves those parts must show here, not as 'not found'."""
    import typst_memory

    text = (Path(__file__).resolve().parent.parent / "templates" / "idm.typ").read_text("utf-8")
    found = typst_memory.variants(text)
    assert all(variant is not None for variant in found.values()), found.keys()
    plain = found["plain (none of them)"]
    assert (
        plain is not None
        and "#outline(" not in plain[0]
        and "header: running-header" not in plain[0]
    )
    assert plain[1] == []
