"""idmbook's benchmark: idmbook against pandoc and Typst run by hand, on synthetic projects.

    python bench/bench.py                      # IDM scale (what `make bench` runs)
    python bench/bench.py --scale compendium   # ten years of IDM: 1,500 pages, long
    python bench/bench.py --scale both --readme

For each scale a project is generated from a seed (bench/synth.py) and every measurement runs
in a fresh process, once to warm up and then ``--repeat`` times; the median and the range are
reported. Measured: validate (the whole project; one file, process start included), a cold
build (no outputs, no cache) and the baseline in turn (bench/baseline.py: the same assembled
Markdown and the same templates through pandoc to DOCX, pandoc to Typst and the typst package
to PDF, one after another), a rebuild with nothing changed, a rebuild after editing one note
(fresh process, and in ``idmbook watch``), validate on a 2,000-file project, processor time,
and peak memory: the largest process (``wait4`` resource usage, children included) and the
sum over the process tree (sampled from /proc every 0.1 s). Timings are ratios to the
baseline and the cold build of the same run; they are never asserted in tests.

The table is printed and written to bench/results.json (each scale keeps its latest run);
``--readme`` puts it into README.md's Performance section, between the bench markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import queue
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from synth import SCALES, Scale, edit_note, generate  # noqa: E402

EPOCH = "1513209600"
"""SOURCE_DATE_EPOCH of every build: the same bytes each time."""
PYTHON = sys.executable
IDMBOOK = [PYTHON, str(BENCH / "run_idmbook.py")]
STARTUP_IMPORTS = (
    "import idmbook.cli, idmbook.commands.build, idmbook.check.validate, "
    "idmbook.compose.assemble, idmbook.parse.sanitize, "
    "idmbook.render.pdf, idmbook.render.docx, typst, docx, typer.main"
)
"""What a build imports before it does anything: with Python's own start, the least time any
idmbook command takes."""
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------- running a child process


@dataclass
class Run:
    """One measured process."""

    seconds: float
    max_rss_mb: float
    """The largest process of the tree (wait4's ru_maxrss, waited-for children included)."""
    tree_mb: float
    """The most the whole process tree held at once (sampled)."""
    tool_seconds: float | None = None
    """Wall time during which pandoc or Typst was working (union of their runs)."""
    cpu_seconds: float | None = None
    """Processor time of the whole tree (user + system): what a busy machine shares out."""
    returncode: int = 0
    extra: dict[str, float] = field(default_factory=dict)


class TreeSampler(threading.Thread):
    """Samples the resident memory of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.peak = max(self.peak, tree_rss(self.pid))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and its descendants now.

    A child between its fork and the start of its program (pandoc's, when Python starts it)
    shows its parent's resident memory as its own: it is not counted, or a sample taken in
    that instant would count the parent twice (a watch session's tree once measured at 6.3 GB
    where its processes never held more than 4.4 GB).
    """
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        if pid != root and _program(pid) == _program(parents.get(pid, -1)):
            continue  # forked and not yet running its own program: its parent's memory
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def _program(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def child_env() -> dict[str, str]:
    """The environment of every measured process: a fixed date, no colours, and Python
    allowed to keep compiled modules as an installed idmbook would (so a sandbox that forbids
    them does not charge every process start for compiling idmbook)."""
    dropped = ("GITHUB_ACTIONS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SOURCE_DATE_EPOCH=EPOCH, NO_COLOR="1", COLUMNS="120", PYTHONUNBUFFERED="1", TERM="dumb"
    )
    env["IDMBOOK_CACHE_DIR"] = str(CACHE)
    return env


def run(args: list[str], cwd: Path, spans: bool = False, check: bool = True) -> Run:
    """Run ``args`` to the end and measure it."""
    env = child_env()
    span_file = None
    if spans:
        handle, name = tempfile.mkstemp(prefix="idmbook-spans-", suffix=".json")
        os.close(handle)
        span_file = Path(name)
        env["IDMBOOK_BENCH_SPANS"] = name
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if check and proc.returncode != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}:\n{message}")
    tool = None
    if span_file is not None:
        tool = tool_time(json.loads(span_file.read_text("utf-8") or "{}"))
        span_file.unlink()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, sampler.peak / 2**20, tool, cpu, proc.returncode)


def tool_time(record: dict[str, Any]) -> float | None:
    """Length of the union of the tools' working intervals."""
    if not record:
        return None
    intervals = sorted((start, end) for _, start, end in record["spans"])
    total, current_start, current_end = 0.0, None, None
    for start, end in intervals:
        if current_end is None or start > current_end:
            if current_end is not None and current_start is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        total += current_end - current_start
    return total


# ---------------------------------------------------------------- statistics


@dataclass
class Series:
    """Repeated measurements of one thing."""

    name: str
    runs: list[Run]

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def low(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def high(self) -> float:
        return max(r.seconds for r in self.runs)

    @property
    def max_rss_mb(self) -> float:
        return max(r.max_rss_mb for r in self.runs)

    @property
    def tree_mb(self) -> float:
        return max(r.tree_mb for r in self.runs)

    def median_of(self, key: str) -> float | None:
        values = [r.extra[key] for r in self.runs if key in r.extra]
        return statistics.median(values) if values else None

    def as_dict(self) -> dict[str, Any]:
        outside = [r.seconds - r.tool_seconds for r in self.runs if r.tool_seconds is not None]
        cpu = [r.cpu_seconds for r in self.runs if r.cpu_seconds is not None]
        return {
            "median_s": round(self.median, 4),
            "min_s": round(self.low, 4),
            "max_s": round(self.high, 4),
            "runs_s": [round(r.seconds, 4) for r in self.runs],
            "max_rss_mb": round(self.max_rss_mb, 1),
            "tree_peak_mb": round(self.tree_mb, 1),
            "outside_tools_median_s": round(statistics.median(outside), 4) if outside else None,
            "cpu_median_s": round(statistics.median(cpu), 4) if cpu else None,
            "steps_median_s": {
                key: round(statistics.median(r.extra[key] for r in self.runs), 4)
                for key in (self.runs[0].extra if self.runs else {})
            },
        }


def measure(name: str, once: Callable[[], Run], repeat: int, warmup: int = 1) -> Series:
    for _ in range(warmup):
        once()
    runs = []
    for number in range(repeat):
        runs.append(once())
        print(f"  {name} {number + 1}/{repeat}: {runs[-1].seconds:.2f} s", flush=True)
    return Series(name, runs)


def measure_alternately(
    first: tuple[str, Callable[[], Run]], second: tuple[str, Callable[[], Run]], repeat: int
) -> tuple[Series, Series]:
    """Two measurements taken in turn (a warm-up of each first), so that a machine that
    speeds up or slows down during the run (a shared one does) favours neither."""
    (name_a, once_a), (name_b, once_b) = first, second
    once_a()
    once_b()
    runs_a: list[Run] = []
    runs_b: list[Run] = []
    for number in range(repeat):
        for name, once, runs in ((name_a, once_a, runs_a), (name_b, once_b, runs_b)):
            runs.append(once())
            print(f"  {name} {number + 1}/{repeat}: {runs[-1].seconds:.2f} s", flush=True)
    return Series(name_a, runs_a), Series(name_b, runs_b)


# ---------------------------------------------------------------- the measurements


def baseline_meta(project: Path) -> dict[str, Any]:
    """The metadata someone would give pandoc by hand for the synthetic book's template."""
    return {
        "timestamp": int(EPOCH),
        "metadata": {
            "title": "Synthetic International Dialogue on Migration",
            "subtitle": "Generated by bench/synth.py for the benchmark",
            "series-line": "International Dialogue on Migration No. 99",
            "publisher": "International Organization for Migration",
            "year": "2017",
            "author": "Benchmark Editors",
            "subject": "International Dialogue on Migration No. 99",
            "keywords": ["migration", "governance"],
            "imprint": [
                "International Organization for Migration, 17 route des Morillons, Geneva",
                "The opinions expressed are those of the authors.",
            ],
            "contents-label": "Contents",
            "running-header": "International Dialogue on Migration No. 99",
            "watermark": "DRAFT",
            "lang-code": "en",
        },
    }


CACHE = Path(tempfile.gettempdir()) / "idmbook-bench-cache"
"""idmbook's cache for the measured builds (IDMBOOK_CACHE_DIR): emptied for a cold build."""


def clear(project: Path) -> None:
    shutil.rmtree(project / "dist", ignore_errors=True)
    shutil.rmtree(CACHE, ignore_errors=True)


def assembled_markdown(project: Path, target: Path) -> None:
    """The Markdown the build parses, written by idmbook itself (BuildOptions.markdown_out)."""
    code = (
        "import sys; from pathlib import Path; "
        "from idmbook.commands.build import BuildOptions, build; "
        "build(Path(sys.argv[1]), BuildOptions(formats=('docx',), out=Path(sys.argv[2]), "
        "markdown_out=Path(sys.argv[3])))"
    )
    scratch = target.parent / "markdown-dist"
    subprocess.run(
        [PYTHON, "-c", code, str(project), str(scratch), str(target)],
        check=True,
        env=child_env(),
        cwd=project,
    )
    shutil.rmtree(scratch, ignore_errors=True)


def baseline_run(project: Path, work: Path) -> Run:
    from idmbook.load.defaults import project_templates

    out = work / "baseline-out"
    shutil.rmtree(out, ignore_errors=True)
    result_file = work / "baseline-steps.json"
    args = [PYTHON, "-c", _BASELINE_CALL, str(work / "book.md")]
    args += [str(project_templates(project)), str(out), str(work / "meta.json"), str(result_file)]
    measured = run(args, work)
    measured.extra = json.loads(result_file.read_text("utf-8"))
    return measured


_BASELINE_CALL = (
    f"import json, sys; sys.path.insert(0, {str(BENCH)!r}); from pathlib import Path; "
    "import baseline; steps = baseline.main(*map(Path, sys.argv[1:5])); "
    "Path(sys.argv[5]).write_text(json.dumps(steps))"
)


def docx_writer_series(project: Path, work: Path, repeat: int) -> Series:
    """pandoc writing the whole book's DOCX from its JSON (the reading done beforehand): what
    any rebuild that makes Word's file must wait for, however little changed."""
    from idmbook.load.defaults import project_templates
    from idmbook.pandoc.run import pandoc_path

    pandoc = pandoc_path()
    book_json = work / "book.json"
    subprocess.run(
        [pandoc, str(work / "book.md"), "-f", "markdown", "-t", "json", "-o", str(book_json)],
        check=True,
    )
    reference = project_templates(project) / "reference.docx"
    args = [pandoc, str(book_json), "-f", "json", "-t", "docx", f"--reference-doc={reference}"]
    args += ["-o", str(work / "writer.docx")]
    return measure("pandoc JSON to DOCX, whole book", lambda: run(args, work), repeat)


def _interruptible() -> None:
    """In the child: let Ctrl-C (SIGINT) through even when the benchmark was started in the
    background, where the shell makes its children ignore it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class WatchProcess:
    """``idmbook watch`` as a child process, with its messages as they come."""

    def __init__(self, project: Path, formats: list[str]) -> None:
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.proc = subprocess.Popen(
            [*IDMBOOK, "watch", *formats],
            cwd=project,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_interruptible,
        )
        self.sampler = TreeSampler(self.proc.pid)
        self.sampler.start()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put((time.perf_counter(), line))

    def wait_for(self, *starts: str, timeout: float = 1800) -> tuple[float, str]:
        deadline = time.perf_counter() + timeout
        while True:
            at, line = self.lines.get(timeout=max(deadline - time.perf_counter(), 0.1))
            if line.startswith(starts):
                return at, line

    def stop(self) -> tuple[int, float, float]:
        """Ctrl-C; returns the exit status, the largest process and the tree's peak (MB)."""
        self.proc.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.sampler.stop()
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.proc.returncode, usage.ru_maxrss / 1024, self.sampler.peak / 2**20


def bench_scale(scale: Scale, work: Path, repeat: int, seed: int) -> dict[str, Any]:
    print(f"== {scale.name} scale: generating the project (seed {seed})", flush=True)
    project = work / scale.name
    shutil.rmtree(project, ignore_errors=True)
    paths = generate(project, scale, seed)
    note, one_file = paths["note"], paths["contribution"].relative_to(project).as_posix()
    series: dict[str, Series] = {}

    series["validate"] = measure(
        "validate (project)", lambda: run([*IDMBOOK, "validate", "-f", "json"], project), repeat
    )
    series["validate_one"] = measure(
        "validate (one file)", lambda: run([*IDMBOOK, "validate", one_file], project), repeat
    )

    series["startup"] = measure(
        "start-up (Python and a build's imports)",
        lambda: run([PYTHON, "-c", STARTUP_IMPORTS], project),
        repeat,
    )

    series["cli_startup"] = measure(
        "idmbook --help", lambda: run([*IDMBOOK, "--help"], project), repeat
    )

    def cold() -> Run:
        clear(project)
        return run([*IDMBOOK, "build"], project, spans=True)

    assembled_markdown(project, work / "book.md")
    (work / "meta.json").write_text(json.dumps(baseline_meta(project)), encoding="utf-8")
    series["cold"], series["baseline"] = measure_alternately(
        ("cold build", cold), ("baseline", lambda: baseline_run(project, work)), repeat
    )

    series["docx_writer"] = docx_writer_series(project, work, repeat)

    clear(project)
    run([*IDMBOOK, "build"], project)
    series["nochange"] = measure(
        "rebuild, nothing changed", lambda: run([*IDMBOOK, "build"], project, spans=True), repeat
    )

    def one_note() -> Run:
        edit_note(note, f"fresh-{secrets.token_hex(4)}")
        return run([*IDMBOOK, "build"], project, spans=True)

    series["one_note"] = measure("rebuild, one note edited", one_note, repeat)

    codes = []
    for key, formats in (("watch", []), ("watch_pdf", ["-f", "pdf"])):
        series[key], code = watch_series(project, note, formats, repeat)
        codes.append(code)

    stats = json.loads((project / "dist" / "book.manifest.json").read_text("utf-8"))["stats"]
    return {
        "scale": asdict(scale),
        "files": sum(1 for _ in project.rglob("*.md")),
        "pages": stats.get("pages"),
        "words": stats.get("words"),
        "watch_exit_status": max(codes),
        "series": {key: value.as_dict() for key, value in series.items()},
    }


def watch_series(project: Path, note: Path, formats: list[str], repeat: int) -> tuple[Series, int]:
    """Edit the note under ``idmbook watch``: time from the edit to the outputs written."""
    name = "rebuild in watch mode" + (" (pdf only)" if formats else "")
    watcher = WatchProcess(project, formats)
    watcher.wait_for("watching")
    runs: list[Run] = []
    for number in range(repeat + 1):
        edit_note(note, f"watch-{secrets.token_hex(4)}")
        edited = time.perf_counter()
        at, line = watcher.wait_for("wrote", "build failed")
        if line.startswith("build failed"):
            raise RuntimeError(f"the watched build failed: {line}")
        if number:  # the first is the warm-up
            runs.append(Run(at - edited, 0.0, 0.0))
            print(f"  {name} {number}/{repeat}: {at - edited:.2f} s", flush=True)
    code, rss, tree = watcher.stop()
    for item in runs:
        item.max_rss_mb, item.tree_mb, item.returncode = rss, tree, code
    return Series(name, runs), code


def bench_validate_2000(work: Path, repeat: int, seed: int) -> dict[str, Any]:
    print("== validate on 2,000 files", flush=True)
    project = work / "validate-2000"
    shutil.rmtree(project, ignore_errors=True)
    generate(project, Scale("validate-2000", workshops=20, contributions=1837), seed)
    files = sum(1 for _ in project.rglob("*.md"))
    series = measure(
        "validate (2,000 files)", lambda: run([*IDMBOOK, "validate", "-f", "json"], project), repeat
    )
    return {"files": files, "series": series.as_dict()}


def help_imports() -> dict[str, Any]:
    """What ``idmbook --help`` imports, and how long it takes."""
    proc = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "idmbook.cli", "--help"],
        capture_output=True,
        text=True,
        env=child_env(),
        check=True,
    )
    modules = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    heavy = sorted(m for m in modules if m.split(".")[0] in ("typst", "pypandoc", "docx"))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([*IDMBOOK, "--help"], capture_output=True, env=child_env(), check=True)
        times.append(time.perf_counter() - start)
    return {"heavy_imports": heavy, "median_s": round(statistics.median(times), 4)}


# ---------------------------------------------------------------- reporting


def _commit() -> str | None:
    """The commit of idmbook being measured (the one imported, wherever it is)."""
    import idmbook

    folder = Path(idmbook.__file__).resolve().parent.parent
    proc = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def machine() -> dict[str, Any]:
    from idmbook.pandoc.run import pandoc_version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import importlib.metadata as md

    memory = os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandoc": pandoc_version(),
        "typst": md.version("typst"),
        "idmbook": md.version("idmbook"),
        "commit": _commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


FLOOR_SERIES = ("startup", "docx_writer", "cli_startup")
"""Measurements of the tools and of Python alone, not of idmbook's work."""


def floors(result: dict[str, Any]) -> dict[str, float | None]:
    """For each target, the least the tools themselves allow, from this run's measurements:
    what no arrangement of idmbook's own work can go below.

    - time outside the tools: starting Python and importing what a build needs (``startup``),
      with no work at all;
    - a rebuild with nothing changed: the command line's own start (``idmbook --help``);
    - a rebuild after an edit in a fresh process: Typst typesetting the whole book, as it must
      without a warm compiler;
    - a rebuild in watch mode: pandoc writing the whole book's DOCX from its JSON, as it must
      for any edit (``docx_writer``; ``watch -f pdf`` is not bound by it);
    - peak memory: Typst's own largest process in the baseline.
    """
    s = result["series"]
    cold = s["cold"]["median_s"]
    steps = s["baseline"].get("steps_median_s") or {}
    startup = s.get("startup", {}).get("median_s")
    writer = s.get("docx_writer", {}).get("median_s")
    typst_pdf = steps.get("typst_pdf")
    cli = s.get("cli_startup", {}).get("median_s")
    return {
        "outside": startup / cold if startup is not None else None,
        "nochange": cli / cold if cli is not None else None,
        "one_note": typst_pdf / cold if typst_pdf is not None else None,
        "watch": writer / cold if writer is not None else None,
        "memory": s["baseline"]["max_rss_mb"],
    }


def verdicts(result: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(measure, value, target, floor set by the tools, met) lines of one scale."""
    s = result["series"]
    cold, base = s["cold"]["median_s"], s["baseline"]["median_s"]
    outside = s["cold"]["outside_tools_median_s"]
    floor = floors(result)
    rows = []

    def add(name: str, value: float, limit: float, key: str | None, unit: str = "%") -> None:
        shown = f"{value * 100:.0f} %" if unit == "%" else f"{value:.2f} s"
        wanted = f"< {limit * 100:.0f} %" if unit == "%" else f"< {limit:g} s"
        if name.startswith("cold"):
            wanted = f"≤ {limit * 100:.0f} %"
        least = floor.get(key) if key else None
        bound = "–" if least is None else f"{least * 100:.0f} %"
        rows.append((name, shown, wanted, bound, "yes" if value <= limit else "no"))

    add("cold build / baseline", cold / base, 0.85, "cold")
    if outside is not None:
        add("time outside pandoc and Typst / cold build", outside / cold, 0.05, "outside")
    add("rebuild, nothing changed / cold build", s["nochange"]["median_s"] / cold, 0.05, "nochange")
    add("rebuild, one note edited / cold build", s["one_note"]["median_s"] / cold, 0.70, "one_note")
    add("watch rebuild, one note edited / cold build", s["watch"]["median_s"] / cold, 0.30, "watch")
    add("validate one file (process start included)", s["validate_one"]["median_s"], 0.5, None, "s")
    peak = max(v["tree_peak_mb"] for k, v in s.items() if k not in FLOOR_SERIES)
    memory = floor["memory"]
    rows.append(
        (
            "peak memory (process tree)",
            f"{peak:,.0f} MB",
            "< 2,048 MB",
            "–" if memory is None else f"{memory:,.0f} MB",
            _yes(peak < 2048),
        )
    )
    return rows


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _yes(ok: bool) -> str:
    return "yes" if ok else "no"


LABELS = {
    "validate": "validate, whole project",
    "validate_one": "validate, one file (process start included)",
    "cold": "idmbook build, cold (docx + pdf)",
    "baseline": "baseline: pandoc docx, pandoc typst, typst pdf",
    "nochange": "idmbook build, nothing changed",
    "one_note": "idmbook build, one note edited",
    "watch": "idmbook watch, one note edited",
    "watch_pdf": "idmbook watch -f pdf, one note edited",
    "startup": "start-up only: Python and the imports of a build",
    "docx_writer": "pandoc alone: the whole book's DOCX from its JSON",
    "cli_startup": "idmbook --help (the command line's own start)",
}


def table(result: dict[str, Any]) -> str:
    s = result["series"]
    cold = s["cold"]["median_s"]
    base = s["baseline"]["median_s"]
    lines = [
        "| measurement | median | range | vs baseline | vs cold build | processor time "
        "| largest process | process tree |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label in LABELS.items():
        v = s[key]
        lines.append(
            f"| {label} | {v['median_s']:.2f} s | {v['min_s']:.2f}–{v['max_s']:.2f} s "
            f"| {v['median_s'] / base:.2f} | {v['median_s'] / cold:.2f} "
            f"| {_seconds(v.get('cpu_median_s'))} "
            f"| {v['max_rss_mb']:,.0f} MB | {v['tree_peak_mb']:,.0f} MB |"
        )
    steps = s["baseline"]["steps_median_s"]
    if steps:
        lines.append("")
        lines.append(
            "Baseline steps (median): "
            + ", ".join(f"{k.replace('_', ' ')} {v:.2f} s" for k, v in steps.items())
            + f"; time outside pandoc and Typst in the cold build: "
            f"{s['cold']['outside_tools_median_s']:.2f} s."
        )
    lines.append("")
    lines.append("| target | measured | wanted | floor: the tools, or start-up, alone | met |")
    lines.append("|---|---:|---:|---:|:---:|")
    for name, value, wanted, least, met in verdicts(result):
        lines.append(f"| {name} | {value} | {wanted} | {least} | {met} |")
    return "\n".join(lines)


def scale_section(name: str, result: dict[str, Any], info: dict[str, Any]) -> str:
    scale = result["scale"]
    head = (
        f"**{name} scale** ({scale['workshops']} workshops, {scale['workshops'] * 8} notes, "
        f"{scale['contributions']:,} contributions: {result['files']:,} files, "
        f"{result['pages']:,} pages, {result['words']:,} words), "
        f"{len(result['series']['cold']['runs_s'])} runs after a warm-up, {info['date']}"
        + (f", idmbook at {info['commit']}" if info.get("commit") else "")
        + ":"
    )
    return head + "\n\n" + table(result)


def machine_line(info: dict[str, Any]) -> str:
    return (
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']:g} GB, "
        f"{info['os']}; Python {info['python']}, pandoc {info['pandoc']}, typst {info['typst']}, "
        f"idmbook at {info.get('commit') or 'an unknown commit'} "
        f"(load average before the run: {', '.join(map(str, info['load_before']))})."
    )


def update_readme(results: dict[str, Any]) -> None:
    readme = REPO / "README.md"
    text = readme.read_text("utf-8")
    for key in ("machine", "idm", "compendium", "validate"):
        start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
        if start not in text or end not in text:
            continue
        body = _readme_part(key, results)
        if body is None:
            continue
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = f"{before}{start}\n{body}\n{end}{after}"
    readme.write_text(text, encoding="utf-8")


def _readme_part(key: str, results: dict[str, Any]) -> str | None:
    scales = results.get("scales", {})
    if key == "machine":
        info = next((s["machine"] for s in scales.values() if "machine" in s), None)
        return machine_line(info) if info else None
    if key == "validate":
        v = results.get("validate_2000")
        if not v:
            return None
        series = v["series"]
        help_info = results.get("help", {})
        heavy = help_info.get("heavy_imports")
        return (
            f"`idmbook validate` on {v['files']:,} files: {series['median_s']:.2f} s median "
            f"({series['min_s']:.2f}–{series['max_s']:.2f} s; target < 2 s: "
            f"{_yes(series['median_s'] < 2)}). "
            f"`idmbook --help`: {help_info.get('median_s', 0):.2f} s, "
            f"imports of typst, pandoc or python-docx: {', '.join(heavy) if heavy else 'none'}."
        )
    if key in scales:
        return scale_section(
            "IDM" if key == "idm" else "Compendium", scales[key], scales[key]["machine"]
        )
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("idm", "compendium", "both"), default="idm")
    parser.add_argument("--repeat", type=int, default=None, help="runs after the warm-up")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--workdir", type=Path, default=None, help="kept after the run")
    parser.add_argument("--readme", action="store_true", help="update README.md's table")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="idmbook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    if args.json.is_file():
        results = json.loads(args.json.read_text("utf-8"))
    results.setdefault("scales", {})
    names = ["idm", "compendium"] if args.scale == "both" else [args.scale]
    try:
        results["help"] = help_imports()
        results["validate_2000"] = bench_validate_2000(work, args.repeat or 5, args.seed)
        results["validate_2000"]["machine"] = machine()
        for name in names:
            repeat = args.repeat or (5 if name == "idm" else 3)
            info = machine()
            result = bench_scale(SCALES[name], work, repeat, args.seed)
            info["load_after"] = [round(x, 2) for x in os.getloadavg()]
            result["machine"] = info
            results["scales"][name] = result
            print()
            print(scale_section(name, result, info))
            print()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(machine_line(results["validate_2000"]["machine"]))
    print(_readme_part("validate", results))
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    if args.readme:
        update_readme(results)
        print("updated README.md")


if __name__ == "__main__":
    main()
