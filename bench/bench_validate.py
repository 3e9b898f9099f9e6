"""Benchmark `idmbook validate` on a generated project (a script, not a test).

    python bench/bench_validate.py              # 2000 notes and 2000 contributions
    python bench/bench_validate.py -n 500 -r 3  # smaller, fewer runs

Times, as medians of a few runs: validating the whole project in-process (the library call),
the same as a subprocess (`python -m idmbook.cli validate`, process start included), and one
note as a subprocess (what a rapporteur runs). The generated project is valid, so the numbers
measure reading and checking, not formatting thousands of diagnostics.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

THEMES = ["safe-orderly-regular", "rights-wellbeing", "forced-irregular", "crises-mobility"]
SESSIONS_PER_WORKSHOP = 100

NOTE = """\
---
title: Session {i} of workshop {w}
workshop: w{w}
session: s{s}
rapporteur: Rapporteur {i}
status: final
themes: [{theme}, nyd-a]
levels: [national, global]
sdg_targets: ["10.7"]
---

## Summary

The session discussed item {i}. Participants shared practices on data, labour mobility and the
protection of migrants in vulnerable situations, and on cooperation between States.

## Key messages

- Cooperation between countries of origin, transit and destination matters.
- Local authorities are first responders.

## Recommendations

- Share disaggregated data across borders. {{themes="nyd-v" levels="national regional"}}
- Involve cities in national migration policy. {{levels="local" actors="cities; States"}}
- Fund services for children on the move.
"""

CONTRIBUTION = """\
---
title: Submission {i}
organisation: Organisation {i}
stakeholder_type: civil_society
country: MX
workshop: w{w}
themes: [{theme}]
language: es
received: 2017-05-02
consent: true
---

La organización {i} presenta sus recomendaciones sobre la migración segura, ordenada y regular.

- Garantizar el acceso a servicios básicos.
- Reconocer las competencias de las personas migrantes.
"""


def write_project(root: Path, count: int) -> Path:
    """A valid project with ``count`` notes and ``count`` contributions; returns one note."""
    workshops = (count + SESSIONS_PER_WORKSHOP - 1) // SESSIONS_PER_WORKSHOP
    config = [
        "title: Benchmark publication",
        "year: 2017",
        "publisher:",
        "  name: International Organization for Migration",
        "workshops:",
    ]
    for w in range(workshops):
        config += [
            f"  - id: w{w}",
            f"    title: Workshop {w}",
            "    city: Geneva",
            "    start: 2017-07-18",
            "    end: 2017-07-19",
            "    sessions:",
        ]
        for s in range(SESSIONS_PER_WORKSHOP):
            config += [f"      - id: s{s}", f"        order: {s}", f"        title: Session {s}"]
            if w * SESSIONS_PER_WORKSHOP + s >= count:
                config.append("        note_required: false")
    (root / "idmbook.yaml").write_text("\n".join(config) + "\n", "utf-8")
    first = None
    for i in range(count):
        w, s = divmod(i, SESSIONS_PER_WORKSHOP)
        theme = THEMES[i % len(THEMES)]
        folder = root / "chapters" / "notes" / f"w{w}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"s{s}.md"
        path.write_text(NOTE.format(i=i, w=w, s=s, theme=theme), "utf-8")
        first = first or path
        contributions = root / "contributions"
        contributions.mkdir(exist_ok=True)
        (contributions / f"c{i:05d}.md").write_text(
            CONTRIBUTION.format(i=i, w=w, theme=theme), "utf-8"
        )
    assert first is not None
    return first


def median_time(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n",
        "--count",
        type=int,
        default=2000,
        help="notes, and as many contributions (default 2000)",
    )
    parser.add_argument("-r", "--runs", type=int, default=5, help="runs per measure (default 5)")
    args = parser.parse_args()

    from idmbook.check.validate import validate

    with tempfile.TemporaryDirectory(prefix="idmbook-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        note = write_project(root, args.count)
        print(
            f"generated {args.count} notes and {args.count} contributions in "
            f"{time.perf_counter() - start:.1f} s ({root})"
        )

        _, report = validate(root)  # warm-up, and a check that the project is valid
        problems = [d for d in report.diagnostics if d.severity.value != "info"]
        if problems:
            sys.exit(f"the generated project is not valid: {problems[:3]}")

        def in_process() -> None:
            validate(root)

        def command(*args: str) -> Callable[[], None]:
            def run() -> None:
                done = subprocess.run(
                    [sys.executable, "-m", "idmbook.cli", "validate", "-f", "json", *args],
                    cwd=root,
                    capture_output=True,
                    check=False,
                )
                if done.returncode not in (0, 1):
                    sys.exit(f"validate failed: {done.stderr.decode()[-500:]}")

            return run

        files = 2 * args.count + 1
        whole = median_time(in_process, args.runs)
        print(
            f"validate, whole project, in-process:  {whole:7.3f} s  ({files / whole:,.0f} files/s)"
        )
        whole_cli = median_time(command(), args.runs)
        print(f"validate, whole project, subprocess:  {whole_cli:7.3f} s")
        one = median_time(command(str(note.relative_to(root))), args.runs)
        print(f"validate, one note, subprocess:       {one:7.3f} s  (process start included)")
        print(f"medians of {args.runs} runs; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
