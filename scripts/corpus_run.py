"""Run every document of the corpus through idmbook: ingest, validate, build (draft and final).

Each file gets a project of its own in a scratch folder: one workshop, one final rapporteur
note, and a submissions register giving the file valid metadata (a title unique to the file,
organisation, stakeholder type, workshop, themes, consent). The real command line then runs
in turn:

    idmbook ingest inbox/FILE --register inbox/register.csv
    idmbook validate --format json
    idmbook build --draft --out dist-draft      (DOCX and PDF)
    idmbook build --final --out dist-final      (DOCX and PDF)

and the outputs are read back: the DOCX with python-docx and the PDF with pdftotext must hold
the contribution's title. Every file ends in one outcome:

``built``        ingested, valid, and both builds wrote a DOCX and a PDF holding it
``refused``      refused at ingest (the IDM code, message and hint are kept; a refusal whose
                 words do not say what to ask the sender for is flagged)
``invalid``      ingested, but ``idmbook validate`` reports errors on what ingest wrote
``build-failed`` ingested and valid, but a build failed: a bug
``not-in-book``  a build succeeded but its DOCX or PDF lacks the contribution: a bug
``input-changed`` ingest changed the submitted file: a bug
``timeout``      a stage ran longer than the file's time budget: a bug
``crash``        a traceback, or a process killed by a signal: a bug

Usage: ``python scripts/corpus_run.py [--corpus DIR] [--jobs 2] [--timeout 300] [--only SHA]``.
It writes ``CORPUS/results.json`` and ``CORPUS/REPORT.md`` and prints a summary table. The
projects of files that hit a bug are kept under ``CORPUS/failures/`` to reproduce them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gather import corpus_dir, summary

OUTCOMES = (
    "built",
    "refused",
    "invalid",
    "build-failed",
    "not-in-book",
    "input-changed",
    "timeout",
    "crash",
)
BUGS = ("build-failed", "not-in-book", "input-changed", "timeout", "crash")
"""Outcomes that are idmbook's fault whatever the file holds."""

CONFIG = """\
title: Corpus of submitted documents
year: 2017
language: en
series:
  name: International Dialogue on Migration
  number: 27
publisher:
  name: International Organization for Migration
  address:
    - 17 route des Morillons
    - 1211 Geneva 19
output:
  basename: corpus
  formats: [docx, pdf]
workshops:
  - id: geneva
    title: Understanding migrant vulnerabilities
    city: Geneva
    start: 2017-07-18
    end: 2017-07-19
    sessions:
      - id: opening
        order: 0
        title: Opening session
"""

NOTE = """\
---
title: Opening session
workshop: geneva
session: opening
rapporteur: Ana Rapporteur
status: final
themes: [safe-orderly-regular, rights-wellbeing, forced-irregular, crises-mobility]
---

## Summary

The session opened the workshop.

## Key messages

- Cooperation matters.

## Recommendations

- Share data between States. {levels="national"}
"""

REGISTER_FIELDS = (
    "file",
    "title",
    "organisation",
    "stakeholder_type",
    "country",
    "workshop",
    "themes",
    "language",
    "received",
    "consent",
)

_PROBE = """\
import json, sys
from pathlib import Path
from idmbook.commands.ingest import IngestOptions, ingest
result = ingest(
    [Path(sys.argv[1])], IngestOptions(register=Path(sys.argv[2]), dry_run=True),
    start=Path(sys.argv[3]),
)
print(json.dumps([d.as_dict() for d in result.report.diagnostics]))
"""
"""Ingest once more as a dry run through the library, for the refusal's code and hint (the
command line's table shows the message and hint but not the code)."""

PROBE_SECONDS = 60.0
"""The dry run that finds a refusal's code gets this long; past it, the command line's words
are kept without the code."""

ASKS_SENDER = re.compile(
    r"\b(ask|request)\s+(the\s+(sender|author|submitter)|them|for)\b", re.IGNORECASE
)
"""A refusal tells the editor what to ask the sender for."""


def title_of(sha256: str) -> str:
    """The title the register gives a file: unique, and easy to find in the built book."""
    return f"Corpus document {sha256[:10]}"


@dataclass
class Stage:
    """One command of the run."""

    name: str
    returncode: int | None
    seconds: float
    load: float = 0.0
    """The machine's load average over the last minute when the command ended."""
    first_error: str = ""
    output: str = ""
    """The end of the command's output (stdout then stderr), for the report."""


@dataclass
class Result:
    """What happened to one file."""

    file: str
    repo: str
    path: str
    sha256: str
    format: str
    size: int
    features: list[str]
    outcome: str = ""
    stage: str = ""
    """The stage the outcome was decided at: ingest, validate, build-draft, build-final."""
    code: str = ""
    """The IDM code of a refusal, or of the first validation error."""
    message: str = ""
    """The refusal's message and hint, or the first error line."""
    asks_sender: bool | None = None
    """For a refusal: whether its words say what to ask the sender for."""
    seconds: float = 0.0
    stages: list[Stage] = field(default_factory=list)
    ingest_notes: list[str] = field(default_factory=list)
    """Warnings and changes ingest reported for a file it took in."""
    formats: list[str] = field(default_factory=list)
    """For a failed build: the formats that fail when built one at a time (docx, pdf)."""
    first_try: str = ""
    """When the file ran out of time with others running and was run again alone: what the
    first try gave."""

    @property
    def bug(self) -> bool:
        return self.outcome in BUGS


def idmbook_command() -> list[str]:
    """The ``idmbook`` of the Python running this script (the worktree's .venv)."""
    beside = Path(sys.executable).with_name("idmbook")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("idmbook")
    if found:
        return [found]
    return [sys.executable, "-c", "from idmbook.cli import main; main()"]


def write_project(root: Path, source: Path, name: str, sha256: str) -> Path:
    """A minimal valid project in ``root`` with ``source`` in its inbox as ``name``."""
    (root / "chapters" / "notes" / "geneva").mkdir(parents=True)
    (root / "contributions").mkdir()
    (root / "inbox").mkdir()
    (root / "idmbook.yaml").write_text(CONFIG, "utf-8")
    (root / "chapters" / "notes" / "geneva" / "opening.md").write_text(NOTE, "utf-8")
    target = root / "inbox" / name
    shutil.copyfile(source, target)
    with (root / "inbox" / "register.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REGISTER_FIELDS)
        writer.writerow(
            [
                name,
                title_of(sha256),
                "Corpus Test Organisation",
                "civil_society",
                "CH",
                "geneva",
                "rights-wellbeing",
                "en",
                "2017-07-03",
                "true",
            ]
        )
    return target


def run(cmd: list[str], cwd: Path, timeout: float) -> tuple[int | None, str, str, float]:
    """Run ``cmd``; on timeout kill its whole process group (pandoc, LibreOffice) and return
    None as the exit code."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", TERM="dumb", PYTHONIOENCODING="utf-8")
    env.pop("GITHUB_ACTIONS", None)
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=max(timeout, 1.0))
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        with_group(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    with_group(proc.pid, signal.SIGKILL)  # anything the command left running
    return (
        code,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.monotonic() - start,
    )


def with_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


_EXCEPTION = re.compile(r"^[\w.]*(Error|Exception|Interrupt|Exit)\b.*")
_ERROR_LINE = re.compile(r"(\berror\b|\bError\b|ERROR|failed|refus)", re.I)


def first_error(out: str, err: str) -> str:
    """The line that says what went wrong: the exception of a traceback, else the first line
    that reads as an error, else the first line of the error output."""
    text = err + "\n" + out
    if "Traceback (most recent call last)" in text:
        lines = [ln for ln in text.splitlines() if _EXCEPTION.match(ln.strip())]
        if lines:
            return lines[-1].strip()[:400]
    for line in (err + "\n" + out).splitlines():
        if _ERROR_LINE.search(line) and line.strip():
            return line.strip().strip("│ ")[:400]
    for line in (err + "\n" + out).splitlines():
        if line.strip():
            return line.strip()[:400]
    return ""


def tail(out: str, err: str, limit: int = 3000) -> str:
    text = (out.rstrip() + "\n" + err.rstrip()).strip()
    return text[-limit:]


def crashed(code: int | None, out: str, err: str) -> bool:
    return (code is not None and code < 0) or "Traceback (most recent call last)" in out + err


def docx_text(path: Path) -> str:
    """The text of a DOCX, read with python-docx: body, tables, footnotes, endnotes, headers
    and footers, a paragraph a line."""
    import docx as python_docx  # python-docx, a dependency of idmbook
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    document = python_docx.Document(str(path))
    lines: list[str] = []
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if not (name.startswith("/word/") and name.endswith(".xml")):
            continue
        try:
            root = etree.fromstring(part.blob)
        except etree.XMLSyntaxError:
            continue
        for para in root.iter(f"{w}p"):
            lines.append("".join(t.text or "" for t in para.iter(f"{w}t")))
    return "\n".join(lines)


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False
    )
    return done.stdout.decode("utf-8", "replace")


def book_holds(dist: Path, title: str, phrases: Iterable[str] = ()) -> str:
    """Empty when the DOCX and the PDF in ``dist`` both hold ``title`` and every one of
    ``phrases``; else what is missing."""
    docx = sorted(dist.glob("*.docx"))
    pdf = sorted(dist.glob("*.pdf"))
    if not docx or not pdf:
        return f"no {'DOCX' if not docx else 'PDF'} written in {dist.name}/"
    for kind, text in (("DOCX", docx_text(docx[0])), ("PDF", pdf_text(pdf[0]))):
        words = " ".join(text.split())
        for wanted in (title, *phrases):
            if " ".join(wanted.split()) not in words:
                return f"the {kind} in {dist.name}/ does not hold '{wanted}'"
    return ""


def diagnostics_json(out: str) -> list[dict[str, Any]]:
    start = out.find("[")
    if start < 0:
        return []
    try:
        parsed = json.loads(out[start:])
    except json.JSONDecodeError:
        return []
    return parsed if isinstance(parsed, list) else []


def ingest_lines(out: str) -> list[str]:
    """What ingest said about a file it took in (the table's last column, and warnings)."""
    lines: list[str] = []
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) >= 5 and cells[4]:
            if lines and not cells[1] and not cells[2]:
                lines[-1] += " " + cells[4]
            else:
                lines.append(cells[4])
        elif "warning[" in line or "error[" in line:
            lines.append(line.strip())
    return [ln for ln in lines if ln not in ("what happened",)][:20]


def run_one(
    record: dict[str, Any],
    files_dir: Path,
    scratch: Path,
    timeout: float = 300.0,
    keep: Path | None = None,
    phrases: Iterable[str] = (),
) -> Result:
    """Take one corpus file through ingest, validate and the two builds, and classify it.

    ``phrases`` are words of the document that both books must hold besides its title.
    """
    source = files_dir / record["file"]
    result = Result(
        file=record["file"],
        repo=record["repo"],
        path=record["path"],
        sha256=record["sha256"],
        format=record["format"],
        size=record["size"],
        features=list(record.get("features", [])),
    )
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix=record["sha256"][:12] + "-", dir=scratch))
    idmbook = idmbook_command()
    try:
        name = Path(record["path"]).name
        inbox_file = write_project(root, source, name, record["sha256"])
        before = hashlib.sha256(inbox_file.read_bytes()).hexdigest()

        def budget() -> float:
            return timeout - (time.monotonic() - started)

        def stage(name: str, args: list[str]) -> tuple[int | None, str, str]:
            code, out, err, secs = run(idmbook + args, root, budget())
            result.stages.append(
                Stage(
                    name,
                    code,
                    round(secs, 2),
                    round(os.getloadavg()[0], 1),
                    first_error(out, err),
                    tail(out, err),
                )
            )
            return code, out, err

        def decide(outcome: str, stage_name: str, message: str = "", code: str = "") -> Result:
            result.outcome, result.stage, result.message, result.code = (
                outcome,
                stage_name,
                message,
                code,
            )
            return result

        def failed(name: str, code: int | None, out: str, err: str) -> Result | None:
            if code is None:
                return decide("timeout", name, f"no answer after {timeout:.0f} s in all")
            if crashed(code, out, err):
                return decide("crash", name, first_error(out, err) or f"killed by signal {-code}")
            return None

        # ingest
        code, out, err = stage(
            "ingest", ["ingest", f"inbox/{name}", "--register", "inbox/register.csv"]
        )
        if (bad := failed("ingest", code, out, err)) is not None:
            return bad
        if hashlib.sha256(inbox_file.read_bytes()).hexdigest() != before:
            return decide("input-changed", "ingest", "the submitted file was changed by ingest")
        written = sorted((root / "contributions").glob("*.md"))
        if not written:
            return refusal(result, root, name, out, err, budget())
        # a contribution written with errors (exit 1) goes on to validate, which names them
        result.ingest_notes = ingest_lines(out)

        # validate
        code, out, err = stage("validate", ["validate", "--format", "json"])
        if (bad := failed("validate", code, out, err)) is not None:
            return bad
        errors = [d for d in diagnostics_json(out) if d.get("severity") == "error"]
        if code != 0 or errors:
            first = errors[0] if errors else {}
            where = f"{first.get('path', '')}:{first.get('line', '')}" if first else ""
            text = first.get("message") or first_error(out, err)
            return decide(
                "invalid", "validate", f"{where}: {text}".strip(": "), first.get("code", "")
            )

        # builds
        for kind in ("draft", "final"):
            name_stage = f"build-{kind}"
            code, out, err = stage(
                name_stage, ["build", f"--{kind}", "--out", f"dist-{kind}", "--force"]
            )
            if (bad := failed(name_stage, code, out, err)) is not None:
                return bad
            if code != 0:
                decide("build-failed", name_stage, first_error(out, err))
                result.formats = which_formats_fail(stage, kind)
                return result
            missing = book_holds(root / f"dist-{kind}", title_of(record["sha256"]), phrases)
            if missing:
                return decide("not-in-book", name_stage, missing)
        return decide("built", "build-final")
    finally:
        result.seconds = round(time.monotonic() - started, 2)
        if keep is not None:
            target = keep / record["sha256"][:12]
            shutil.rmtree(target, ignore_errors=True)
            if result.bug:
                shutil.copytree(root, target, symlinks=True, ignore_dangling_symlinks=True)
        shutil.rmtree(root, ignore_errors=True)


def which_formats_fail(
    stage: Callable[[str, list[str]], tuple[int | None, str, str]], kind: str
) -> list[str]:
    """Build each format alone, to tell whose failure a failed build is."""
    failing = []
    for fmt in ("docx", "pdf"):
        code, _, _ = stage(
            f"build-{kind}-{fmt}",
            ["build", f"--{kind}", "--format", fmt, "--out", f"dist-{kind}-{fmt}", "--force"],
        )
        if code != 0:
            failing.append(fmt)
    return failing


def slow(result: Result) -> bool:
    """A file that ran out of time, its own or pandoc's: the machine may have been busy."""
    return result.outcome == "timeout" or "took longer than" in result.message


def refusal(result: Result, root: Path, name: str, out: str, err: str, budget: float) -> Result:
    """Classify a file ingest did not take in: its diagnostics, through a dry run."""
    _, probe_out, _, _ = run(
        [sys.executable, "-c", _PROBE, f"inbox/{name}", "inbox/register.csv", str(root)],
        root,
        min(max(budget, 10.0), PROBE_SECONDS),
    )
    found = diagnostics_json(probe_out.strip().splitlines()[-1]) if probe_out.strip() else []
    errors = [d for d in found if d.get("severity") == "error" and d.get("code", "") >= "IDM1"]
    errors = errors or [d for d in found if d.get("severity") == "error"]
    result.outcome, result.stage = "refused", "ingest"
    if errors:
        first = errors[0]
        hint = first.get("hint") or ""
        result.code = str(first.get("code", ""))
        result.message = str(first.get("message", "")) + (f" ({hint})" if hint else "")
    else:
        said = " ".join(ingest_lines(out))
        result.message = (
            said or first_error(out, err) or "ingest wrote nothing and said why nowhere"
        )
    result.asks_sender = bool(ASKS_SENDER.search(result.message))
    return result


# ---------------------------------------------------------------------------------------------
# the report


def cause(result: Result) -> str:
    """A failure's cause, with what is particular to the file taken out, to group by."""
    text = result.message
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r'"[^"]*"', '"…"', text)
    text = re.sub(
        r"\b[\w./-]+\.(docx|docm|dotx|odt|ott|fodt|rtf|doc|md|typ|png|jpe?g)\b", "FILE", text
    )
    text = re.sub(r"\d+", "N", text)
    text = re.sub(r"\s+", " ", text).strip()
    return f"{result.code} {text}".strip()[:160]


def bug_cause(result: Result) -> str:
    """A bug's cause to group by, with the formats it fails in."""
    where = {
        ("pdf",): " (the PDF; the DOCX alone builds)",
        ("docx",): " (the DOCX; the PDF alone builds)",
        ("docx", "pdf"): " (the DOCX and the PDF)",
    }.get(tuple(result.formats), " (each format alone builds)")
    if result.outcome != "build-failed":
        where = ""
    return f"{result.outcome} at {result.stage}{where}: {cause(result)}"


def counts(results: list[Result]) -> dict[str, int]:
    c = Counter(r.outcome for r in results)
    return {o: c.get(o, 0) for o in OUTCOMES}


def figure(results: list[Result]) -> str:
    """The README's sentence."""
    c = counts(results)
    ingested = (
        len(results)
        - c["refused"]
        - sum(1 for r in results if r.outcome in BUGS and r.stage == "ingest")
    )
    broke = sum(c[o] for o in BUGS)
    return f"{len(results)} files, {ingested} ingested, {c['built']} built, {broke} broke the build"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _group(results: Iterable[Result], key: Callable[[Result], str]) -> dict[str, list[Result]]:
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[key(r)].append(r)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def report(results: list[Result], meta: dict[str, Any]) -> str:
    """REPORT.md: the figures, the composition, and every failure grouped by cause."""
    c = counts(results)
    lines = [
        "# The corpus report",
        "",
        f"Run {meta['when']} with idmbook {meta['version']} ({meta['commit']}), "
        f"{meta['jobs']} processes, {meta['timeout']:.0f} s per file, "
        f"{meta['seconds']:.0f} s in all.",
        f"Written by `scripts/corpus_run.py` (`make corpus`); the files are in `{meta['files']}`, "
        "the per-file results in `results.json` beside this report.",
        "",
        f"**{figure(results)}.**",
        "",
        "| outcome | files | what it means |",
        "|---|---|---|",
    ]
    meanings = {
        "built": "ingested, valid, DOCX and PDF built as draft and final, title found in both",
        "refused": "refused at ingest with a message",
        "invalid": "ingested, but `idmbook validate` reports errors on the result",
        "build-failed": "**bug**: ingested and valid, but a build failed",
        "not-in-book": "**bug**: built, but the contribution is missing from the DOCX or PDF",
        "input-changed": "**bug**: ingest changed the submitted file",
        "timeout": "**bug**: over the time budget",
        "crash": "**bug**: a traceback or a process killed by a signal",
    }
    for o in OUTCOMES:
        lines.append(f"| {o} | {c[o]} | {meanings[o]} |")
    silent = [r for r in results if r.outcome == "refused" and not r.asks_sender]
    again = [r for r in results if r.first_try]
    lines += [
        "",
        f"Refusals whose message does not say what to ask the sender for: **{len(silent)}** "
        f"of {c['refused']}.",
        "",
        f"Files that ran out of time with others running and were run again alone: {len(again)}"
        + "".join(f"\n- `{_md(r.file)}`: {r.first_try}, then {r.outcome}" for r in again),
        "",
        "## Outcome per format",
        "",
        "| format | files | " + " | ".join(OUTCOMES) + " |",
        "|---" * (len(OUTCOMES) + 2) + "|",
    ]
    for fmt, group in sorted(_group(results, lambda r: r.format).items()):
        cc = counts(group)
        lines.append(
            f"| {fmt} | {len(group)} | " + " | ".join(str(cc[o] or "") for o in OUTCOMES) + " |"
        )
    features = sorted({f for r in results for f in r.features})
    lines += [
        "",
        "## Outcome per feature",
        "",
        "A file counts under every feature found in it (see `corpus_gather.py`).",
        "",
        "| feature | files | built | refused | invalid | bugs |",
        "|---|---|---|---|---|---|",
    ]
    for f in features:
        group = [r for r in results if f in r.features]
        cc = counts(group)
        bugs = sum(cc[o] for o in BUGS)
        lines.append(
            f"| {f} | {len(group)} | {cc['built']} | {cc['refused']} | {cc['invalid']} | {bugs} |"
        )
    lines += ["", "## Bugs: files that ingested but broke or escaped the book", ""]
    bugs = [r for r in results if r.bug]
    if not bugs:
        lines.append("None.")
    for key, group in _group(bugs, bug_cause).items():
        lines += ["", f"### {_md(key)} ({len(group)})", "", "| file | stage | first error line |"]
        lines.append("|---|---|---|")
        for r in group:
            again = f" (run alone after {r.first_try})" if r.first_try else ""
            lines.append(f"| `{_md(r.file)}` | {r.stage} | {_md(r.message)}{again} |")
    lines += ["", "## Ingested but invalid", ""]
    invalid = [r for r in results if r.outcome == "invalid"]
    if not invalid:
        lines.append("None.")
    for key, group in _group(invalid, cause).items():
        lines += ["", f"### {_md(key)} ({len(group)})", "", "| file | first error |", "|---|---|"]
        for r in group:
            lines.append(f"| `{_md(r.file)}` | {_md(r.message)} |")
    lines += ["", "## Refused at ingest", ""]
    refused = [r for r in results if r.outcome == "refused"]
    if not refused:
        lines.append("None.")
    for key, group in _group(refused, cause).items():
        flag = "" if all(r.asks_sender for r in group) else " — does not say what to ask the sender"
        lines += ["", f"### {_md(key)} ({len(group)}){flag}", "", "| file | message |", "|---|---|"]
        for r in group:
            lines.append(f"| `{_md(r.file)}` | {_md(r.message)} |")
    lines += ["", "## The corpus", "", summary([asdict_record(r) for r in results]), ""]
    return "\n".join(lines) + "\n"


def asdict_record(r: Result) -> dict[str, object]:
    return {"repo": r.repo, "format": r.format}


def print_table(results: list[Result]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="idmbook on the corpus")
    table.add_column("format")
    table.add_column("files", justify="right")
    for o in OUTCOMES:
        table.add_column(o, justify="right")
    for fmt, group in sorted(_group(results, lambda r: r.format).items()):
        cc = counts(group)
        table.add_row(fmt, str(len(group)), *(str(cc[o] or "") for o in OUTCOMES))
    cc = counts(results)
    table.add_row("all", str(len(results)), *(str(cc[o]) for o in OUTCOMES), style="bold")
    console = Console(width=max(Console().width, 150))
    console.print(table)
    console.print(figure(results), highlight=False)


def load_manifest(corpus: Path) -> dict[str, Any]:
    manifest = corpus / "manifest.json"
    if not manifest.is_file():
        raise SystemExit(
            f"no corpus at {corpus} ({manifest} is missing): run `python scripts/corpus_gather.py`"
            " (or `make corpus`) first"
        )
    data: dict[str, Any] = json.loads(manifest.read_text("utf-8"))
    return data


def git_commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown commit"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="corpus folder (default $IDMBOOK_CORPUS or /work/corpus)")
    parser.add_argument("--jobs", type=int, default=2, help="files run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per file")
    parser.add_argument("--only", action="append", default=[], help="SHA-256 prefix or path part")
    parser.add_argument("--limit", type=int, default=0, help="run only the first N files")
    parser.add_argument("--results", help="where to write the JSON (default CORPUS/results.json)")
    parser.add_argument("--report", help="where to write the report (default CORPUS/REPORT.md)")
    parser.add_argument(
        "--keep",
        help="where to keep the projects of files that hit a bug (default CORPUS/failures)",
    )
    args = parser.parse_args(argv)

    corpus = corpus_dir(args.corpus)
    manifest = load_manifest(corpus)
    files_dir = corpus / manifest.get("files_dir", "files")
    records: list[dict[str, Any]] = manifest["files"]
    if args.only:
        records = [
            r
            for r in records
            if any(r["sha256"].startswith(o) or o in r["file"] for o in args.only)
        ]
    if args.limit:
        records = records[: args.limit]
    missing = [r["file"] for r in records if not (files_dir / r["file"]).is_file()]
    if missing:
        print(
            f"corpus_run: {len(missing)} files of the manifest are missing from {files_dir} "
            f"(first: {missing[0]}): run `python scripts/corpus_gather.py`",
            file=sys.stderr,
        )
        return 2
    keep = Path(args.keep) if args.keep else corpus / "failures"
    keep.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results: list[Result] = []
    with (
        tempfile.TemporaryDirectory(prefix="idmbook-corpus-") as scratch,
        ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool,
    ):
        futures = {
            pool.submit(run_one, r, files_dir, Path(scratch), args.timeout, keep): r
            for r in records
        }
        for done, future in enumerate(as_completed(futures), 1):
            r = future.result()
            results.append(r)
            print(
                f"[{done}/{len(records)}] {r.outcome:<13} {r.seconds:6.1f}s {r.file}"
                + (f"  -- {r.code} {r.message[:120]}" if r.outcome != "built" else ""),
                flush=True,
            )
        retry = [r for r in results if slow(r)]
        if retry:
            print(f"again, one at a time: {len(retry)} files that ran out of time", flush=True)
        for first in retry:
            record = next(r for r in records if r["sha256"] == first.sha256)
            again = run_one(record, files_dir, Path(scratch), args.timeout, keep)
            again.first_try = f"{first.outcome} at {first.stage} ({first.seconds:.0f} s)"
            results[results.index(first)] = again
            print(f"[again] {again.outcome:<13} {again.seconds:6.1f}s {again.file}", flush=True)
    results.sort(key=lambda r: r.file)
    from idmbook import __version__

    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "commit": git_commit(),
        "jobs": args.jobs,
        "timeout": args.timeout,
        "seconds": time.monotonic() - started,
        "files": str(files_dir),
        "figure": figure(results),
        "counts": counts(results),
    }
    out = Path(args.results) if args.results else corpus / "results.json"
    out.write_text(
        json.dumps({"meta": meta, "results": [asdict(r) for r in results]}, indent=1) + "\n",
        "utf-8",
    )
    rep = Path(args.report) if args.report else corpus / "REPORT.md"
    rep.write_text(report(results, meta), "utf-8")
    print_table(results)
    print(f"wrote {rep} and {out}")
    return 1 if any(r.bug for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
