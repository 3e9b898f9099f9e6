"""Run the hostile-input corpus (tests/hostile/) and print what happened to each case.

    python scripts/hostile_report.py            # every case: a table and the counts
    python scripts/hostile_report.py fm- text-  # only the cases whose id starts so
    python scripts/hostile_report.py --failures # show only the cases that fail

The table has one row per case: its id, the entry point (validate, build, init, ingest), the
outcome written next to the case, what was observed, the resources it used against its budget
(processor seconds and peak memory, for the size of its input), and whether every check
passed. A case fails here when it takes more processor time than its budget too (the test
suite shows that without failing). The exit status is 1 when any case fails. The browser
check of the HTML is skipped, and the table says why, when Chromium is not installed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from hostile.cases import CASES  # noqa: E402
from hostile.harness import ENTRY_POINTS, Observed, run_cases  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefixes", nargs="*", help="run only cases whose id starts so")
    parser.add_argument("--failures", action="store_true", help="show only failing cases")
    parser.add_argument("--workers", type=int, default=2, help="processes running cases")
    options = parser.parse_args()
    cases = [c for c in CASES if not options.prefixes or c.id.startswith(tuple(options.prefixes))]

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=max(Console().width, 160))
    started = time.monotonic()
    results: list[Observed] = []
    with console.status("running hostile cases…") as status:
        for number, observed in enumerate(run_cases(cases, options.workers), 1):
            status.update(f"[{number}/{len(cases)}] {observed.case.id}")
            results.append(observed)
    elapsed = time.monotonic() - started

    table = Table(title=f"Hostile inputs: {len(results)} cases", show_lines=False)
    for column in ("case", "entry point", "expected", "observed", "input", "cpu / budget"):
        table.add_column(column, overflow="fold")
    table.add_column("memory / budget", overflow="fold")
    table.add_column("pass", overflow="fold")

    def passed(obs: Observed) -> bool:
        return obs.passed and obs.over_time is None

    for obs in results:
        if options.failures and passed(obs):
            continue
        verdict = "[green]pass[/]" if passed(obs) else "[bold red]FAIL[/]"
        observed = escape(obs.describe())
        problems = obs.failures + ([obs.over_time] if obs.over_time else [])
        if problems:
            observed += "\n" + "\n".join(f"[red]- {escape(f)}[/]" for f in problems)
        if obs.browser.startswith("skipped"):
            observed += f"\n[yellow]browser check {escape(obs.browser)}[/]"
        table.add_row(
            obs.case.id,
            obs.case.entry,
            escape(obs.case.expect.describe()),
            observed,
            f"{obs.input_bytes / 1024:,.0f} KB",
            f"{obs.cpu:.1f} / {obs.budget_cpu:.0f} s",
            f"{obs.peak_mb:,.0f} / {obs.budget_mb:,.0f} MB",
            verdict,
        )
    console.print(table, markup=True)

    tried: Counter[str] = Counter(r.case.entry for r in results)
    passing: Counter[str] = Counter(r.case.entry for r in results if passed(r))
    per_entry = ", ".join(f"{e} {passing[e]}/{tried[e]}" for e in ENTRY_POINTS if tried[e])
    total_pass = sum(passing.values())
    console.print(
        f"{len(results)} cases tried, {total_pass} passing, {len(results) - total_pass} failing "
        f"({per_entry}) in {elapsed:.1f} s",
        highlight=False,
    )
    skipped = {r.browser for r in results if r.browser.startswith("skipped")}
    if skipped:
        console.print(f"browser check {', '.join(sorted(skipped))}", highlight=False)
    heaviest = max(results, key=lambda r: r.peak_mb, default=None)
    if heaviest is not None:
        console.print(
            f"largest peak memory: {heaviest.case.id} {heaviest.peak_mb:,.0f} MB; most processor "
            f"time: {max(results, key=lambda r: r.cpu).case.id} "
            f"{max(r.cpu for r in results):.1f} s",
            highlight=False,
        )
    return 0 if total_pass == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
