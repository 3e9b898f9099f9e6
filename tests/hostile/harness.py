"""Run one hostile case through the real command line and check what must always hold.

A case runs in a sandbox folder::

    box/project/   the test project of conftest.py (for build cases: with the outputs of a
                   previous good build in dist/)
    box/outside/   canary files outside the project; their token must never reach any output
    box/inbox/     files handed to `idmbook ingest`
    box/home/      HOME, XDG folders: a tool that cached or fetched something would show here

``idmbook.cli.main`` runs in this process (fast, and the guards below see everything Python
does), with:

- a socket guard: ``socket.connect``, ``create_connection`` and ``getaddrinfo`` are refused
  and recorded; pandoc and Typst (which do not go through Python's sockets) get
  ``http(s)_proxy`` pointing at a tripwire listener on 127.0.0.1 that records any connection;
- an audit hook that records every file Python opens in ``box/outside/`` or ``/etc/passwd``;
- a time limit (SIGALRM), so that a hang fails the case instead of the suite.

Then, whatever the case, the harness checks: the exit status; no traceback or "internal
error"; the expected diagnostics (code, file, line); for exit 2 the expected words of the
message; the canary token and /etc/passwd's first field nowhere in stdout, stderr or any file
written (DOCX members and PDF streams decompressed); no file changed or created outside the
zone the command may write (dist/ for build, the new folder for init, contributions/ and
chapters/notes/ for ingest, nothing for validate; and nothing at all when a build fails, so
the previous outputs are unchanged); no network; and for builds that succeed, the hostile
text printed literally in the PDF and the DOCX.

Round two added:

- canary environment variables (:data:`ENV_CANARIES`): their values must appear in no output
  or message either;
- ``{tripwire}`` in a case's files or arguments is the address of the tripwire, so that a
  case can point a picture, a link or a template straight at it; every build makes HTML too;
- the HTML of a build that succeeds is opened in headless Chromium (:mod:`hostile.browser`):
  no script may run, nothing be fetched, nothing active be left in the page;
- each case runs in a process of its own: its processor time (Python and Typst, and the
  pandoc processes it waited for) and its peak memory (the largest of the process and of
  its children) are measured and held to a budget proportional to the size of its input
  (:func:`budget_for`); a case over its memory budget fails, and ``make hostile`` also fails
  one over its time budget (the test suite shows it without failing: it asserts no time).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import html
import io
import json
import os
import re
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

TOKEN = "IDMBOOK-CANARY-7f3a9c"
"""The content of every canary file outside the project."""
PASSWD_MARK = "root:x:0:0"
"""What /etc/passwd's first line starts with on any Linux."""
EPOCH = "1513209600"
BUILD_ARGS = ["build", "--diagnostics", "json", "--format", "docx,pdf,html"]
ENV_TOKEN = "IDMBOOK-ENV-CANARY-5d1e"
ENV_CANARIES = {
    "IDMBOOK_HOSTILE_SECRET": ENV_TOKEN,
    "AWS_SECRET_ACCESS_KEY": f"{ENV_TOKEN}-aws",
    "GITHUB_TOKEN": f"{ENV_TOKEN}-github",
}
"""Set in the environment of every case: no value may reach an output or a message."""
MEMORY_LIMIT = 6 * 1024**3
"""Data a case's process (and each tool it starts) may allocate: past it, allocations fail
(Typst aborts), so that a case that would eat the machine's memory fails instead."""
VALIDATE_ARGS = ["validate", "--format", "json"]
INGEST_META = [
    "--title",
    "A hostile submission",
    "--workshop",
    "new-york",
    "--organisation",
    "Hostile Input Trust",
    "--type",
    "civil_society",
    "--theme",
    "rights-wellbeing",
    "--language",
    "en",
    "--received",
    "2017-05-02",
    "--consent",
]
"""Metadata for every ingested file, so that a case tests the file and not missing metadata."""

ENTRY_POINTS = ("validate", "build", "init", "ingest")


# --------------------------------------------------------------------------- the corpus model


@dataclass(frozen=True)
class Expect:
    """What a case must produce. Written next to each case in cases_*.py."""

    exit: int
    """0 (clean, or warnings only), 1 (problems found) or 2 (idmbook could not run)."""
    diags: tuple[tuple[str, str, int | None], ...] = ()
    """(code, file, line) that must be reported; file relative to the project (or the box for
    inbox files), line None when the diagnostic has no line or any line will do."""
    message: str | None = None
    """Exit 2: words the error message must contain (usually the file or folder named)."""
    literal: tuple[str, ...] = ()
    """Build: text that must be printed as text in the PDF and the DOCX (code shown, not run)."""
    created: tuple[str, ...] = ()
    """Files (relative to the box) that must exist afterwards: a new project, a contribution."""
    absent: tuple[str, ...] = ()
    """Files (relative to the box) that must not exist afterwards."""
    forbidden: tuple[str, ...] = ()
    """Text that must appear in no file written (DOCX members and PDF streams included)."""
    stdout_lines: str | None = None
    """A regular expression every line of stdout must match (one annotation per line)."""
    zone: tuple[str, ...] = ()
    """More folders (relative to the box) the command may change: what ``--out`` names."""
    kept: tuple[str, ...] = ()
    """Files (relative to the box) that must be there afterwards, unchanged."""
    same_chapters: bool = False
    """Build: the DOCX's level-1 headings are those of the good build (no chapter injected,
    none swallowed)."""
    html_clean: bool = False
    """Build: the HTML edition has no event-handler attribute, no script, frame, object or
    form, no style but pandoc's own, no link that runs code, and embeds only files of the
    project (see :func:`html_problems`)."""

    def describe(self) -> str:
        if self.exit == 0:
            text = "exit 0"
            if self.diags:
                text += " " + ", ".join(sorted({c for c, _, _ in self.diags}))
            if self.literal:
                text += ", printed as text"
            return text
        parts = [f"{c}@{Path(p).name}{':' + str(n) if n else ''}" for c, p, n in self.diags]
        if self.message:
            parts.append(repr(self.message))
        return f"exit {self.exit} " + ", ".join(parts)


Setup = Callable[["Box"], list[str] | None]


@dataclass(frozen=True)
class Budget:
    """What a case may use: processor seconds (the process and the tools it waited for) and
    peak memory (its largest process)."""

    cpu: float
    memory_mb: float


def budget_for(input_bytes: int, entry: str) -> Budget:
    """A budget proportional to the input: a base for starting Python, pandoc and Typst on
    the test project, and so much more per megabyte of input (sources, pictures, a previous
    build's outputs)."""
    megabytes = input_bytes / 2**20
    base_cpu = {"validate": 10.0, "build": 40.0, "init": 40.0, "ingest": 30.0}.get(entry, 30.0)
    return Budget(cpu=base_cpu + 30.0 * megabytes, memory_mb=900.0 + 200.0 * megabytes)


@dataclass(frozen=True)
class Case:
    """One hostile input, the command run on it, and the expected outcome."""

    id: str
    entry: str
    """validate, build, init or ingest."""
    what: str
    expect: Expect
    files: dict[str, str | bytes] = field(default_factory=dict)
    """Files written before the run, relative to the box (project/..., inbox/..., outside/...)."""
    setup: Setup | None = None
    """Anything files cannot say (links, pipes, permissions); may return the arguments."""
    args: tuple[str, ...] | None = None
    """Arguments of idmbook; default by entry point. {box} and {project} are replaced."""
    base: str = "project"
    """project: the test project; built: the project with a previous good build in dist/;
    empty: an empty box (init)."""
    cwd: str = "project"
    timeout: float = 60.0
    budget: Budget | None = None
    """The resources the case may use; by default :func:`budget_for` its input."""


# --------------------------------------------------------------------------- the sandbox


@dataclass
class Box:
    root: Path
    tripwire: str = "http://127.0.0.1:9"
    """The address of the case's tripwire (what ``{tripwire}`` in a case's text becomes)."""

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.replace("{tripwire}", self.tripwire).encode("utf-8")
        path.write_bytes(content)
        return path


def canary_png() -> bytes:
    """A valid 1x1 PNG carrying the canary token in a tEXt chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"tEXt", b"Comment\x00" + TOKEN.encode())
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def _project_files() -> dict[str, str]:
    from conftest import DEFAULT_FILES

    return dict(DEFAULT_FILES)


def _write_canaries(box: Box) -> None:
    from conftest import contribution_text

    box.write("outside/canary.txt", TOKEN + "\n")
    box.write(
        "outside/canary.md",
        contribution_text(organisation=TOKEN, body=f"\n{TOKEN} body text.\n"),
    )
    box.write("outside/canary.png", canary_png())
    box.write("outside/canary.yaml", f"themes:\n  - id: {TOKEN.lower()}\n    title: {TOKEN}\n")
    box.write("outside/secret/notes/evil.md", TOKEN + "\n")


_GOOD: dict[str, Path] = {}


def good_build() -> Path:
    """A project built once per process (docx, pdf and html): the 'previous good build'."""
    if "root" in _GOOD and (_GOOD["root"] / "dist" / "publication.pdf").exists():
        return _GOOD["root"]
    from idmbook.commands.build import build

    root = Path(tempfile.mkdtemp(prefix="idmbook-hostile-good-")) / "project"
    atexit.register(shutil.rmtree, root.parent, True)
    for rel, content in _project_files().items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
    with _env({"SOURCE_DATE_EPOCH": EPOCH, "IDMBOOK_CACHE_DIR": str(root.parent / "cache")}):
        build(root, _build_options())
    _GOOD["root"] = root
    return root


def _build_options() -> Any:
    from idmbook.commands.build import BuildOptions

    return BuildOptions(formats=("docx", "pdf", "html"))


def make_box(case: Case, parent: Path, tripwire: str = "http://127.0.0.1:9") -> Box:
    box = Box(parent, tripwire)
    box.root.mkdir(parents=True, exist_ok=True)
    for folder in ("inbox", "home"):
        (box.root / folder).mkdir()
    _write_canaries(box)
    if case.base == "built":
        shutil.copytree(good_build(), box.project, symlinks=True)
    elif case.base == "empty":
        pass
    elif case.base == "project":
        for rel, content in _project_files().items():
            box.write(f"project/{rel}", content)
    for rel, content in case.files.items():
        box.write(rel, content)
    return box


# --------------------------------------------------------------------------- snapshots


Entry = tuple[str, str]


def snapshot(root: Path) -> dict[str, Entry]:
    """Every entry under ``root``: kind and content hash (or link target); nothing is followed
    and pipes are not opened."""
    found: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(mode):
                found[rel] = ("dir", "")
            elif stat.S_ISREG(mode):
                found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                found[rel] = ("special", oct(stat.S_IFMT(mode)))
    return found


def changed(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    keys = set(before) | set(after)
    return sorted(k for k in keys if before.get(k) != after.get(k))


# --------------------------------------------------------------------------- reading outputs


def output_texts(path: Path) -> list[str]:
    """Everything a file could carry as text: its bytes, and for a zip (DOCX) each member,
    for a PDF each decompressed stream and the text pypdf extracts."""
    data = path.read_bytes()
    texts = [data.decode("latin-1")]
    if data.startswith(b"PK"):
        with (
            contextlib.suppress(zipfile.BadZipFile, OSError, ValueError),
            zipfile.ZipFile(io.BytesIO(data)) as zf,
        ):
            texts += [zf.read(name).decode("utf-8", "replace") for name in zf.namelist()]
    if data.startswith(b"%PDF"):
        for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
            with contextlib.suppress(zlib.error):
                texts.append(zlib.decompress(match.group(1)).decode("latin-1"))
        texts.append(pdf_text(data))
    return texts


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    except Exception as exc:  # noqa: BLE001 - a PDF pypdf cannot read is reported, not raised
        return f"<pypdf could not read the PDF: {exc}>"


def docx_text(data: bytes) -> str:
    """The text of every w:t of the DOCX's document, footnotes and endnotes."""
    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8", "replace")
                out += [
                    html.unescape(t) for t in re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml)
                ]
    return "".join(out)


def chapters(docx: bytes) -> list[str]:
    """The level-1 headings of a DOCX, in order."""
    from docx import Document

    document = Document(io.BytesIO(docx))
    return [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u00ad": None})


def flat(text: str) -> str:
    """Text compared without whitespace, with typographic quotes made straight."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return re.sub(r"[\s\u200b\u2060]+", "", text)


# --------------------------------------------------------------------------- guards


class CaseTimeout(BaseException):
    """Raised by SIGALRM when a case runs too long (BaseException: not caught by main())."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise CaseTimeout(f"no answer after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Tripwire:
    """A listener on 127.0.0.1 that records every connection made to it (the proxy that
    pandoc and Typst would use to reach the network)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                with contextlib.suppress(OSError):
                    self.hits.append(conn.recv(200).decode("latin-1").split("\r\n")[0])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


class _Guards:
    """Network and file-read guards for the in-process run."""

    active: _Guards | None = None

    def __init__(self, outside: Path) -> None:
        self.outside = str(outside.resolve())
        self.connects: list[str] = []
        self.reads: list[str] = []

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        if event != "open" or not args or isinstance(args[0], int):
            return
        raw = args[0]
        name = os.fsdecode(raw) if isinstance(raw, str | bytes | os.PathLike) else str(raw)
        try:
            full = os.path.realpath(name)
        except (OSError, ValueError):
            full = name
        if full.startswith(self.outside + os.sep) or full == "/etc/passwd":
            self.reads.append(name)


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    guards = _Guards.active
    if guards is not None:
        guards.audit(event, args)


@cache
def _install_audit_hook() -> None:
    sys.addaudithook(_audit_hook)


@contextlib.contextmanager
def _no_network(guards: _Guards) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        guards.connects.append(repr(args[:3])[:200])
        raise OSError("network access refused by the hostile-input harness")

    with (
        mock.patch.object(socket.socket, "connect", refuse),
        mock.patch.object(socket.socket, "connect_ex", refuse),
        mock.patch.object(socket, "create_connection", refuse),
        mock.patch.object(socket, "getaddrinfo", refuse),
    ):
        yield


@contextlib.contextmanager
def _env(values: dict[str, str], drop: tuple[str, ...] = ()) -> Iterator[None]:
    old = dict(os.environ)
    for key in drop:
        os.environ.pop(key, None)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(old)


# --------------------------------------------------------------------------- running


@dataclass
class Observed:
    case: Case
    exit: int | None = None
    stdout: str = ""
    stderr: str = ""
    diags: list[dict[str, Any]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    cpu: float = 0.0
    """Processor seconds of the command: the process, and the tools it waited for."""
    peak_mb: float = 0.0
    """The largest resident memory of the process or of a tool it started, in MiB."""
    input_bytes: int = 0
    """Bytes of the files the command could read (the project and the inbox)."""
    budget_cpu: float = 0.0
    budget_mb: float = 0.0
    over_time: str | None = None
    """Why the command took more processor time than its budget (``make hostile`` fails it;
    the test suite only shows it)."""
    browser: str = ""
    """What the browser check of the HTML found: "", "clean", or why it was skipped."""

    @property
    def passed(self) -> bool:
        return not self.failures

    def describe(self) -> str:
        if self.exit is None:
            return "did not finish"
        codes = sorted({str(d["code"]) for d in self.diags if d.get("severity") != "info"})
        text = f"exit {self.exit}"
        if codes:
            text += " " + ", ".join(codes[:4]) + ("…" if len(codes) > 4 else "")
        errors = [line for line in self.stderr.splitlines() if line.startswith("error:")]
        if errors:
            text += f" ({errors[0][7:67]})"
        return text


def _args(case: Case, box: Box, given: list[str] | None) -> list[str]:
    if given is not None:
        args = given
    elif case.args is not None:
        args = list(case.args)
    elif case.entry == "validate":
        args = list(VALIDATE_ARGS)
    elif case.entry == "build":
        args = list(BUILD_ARGS)
    else:
        raise ValueError(f"case {case.id} needs args")
    return [
        a.replace("{box}", str(box.root))
        .replace("{project}", str(box.project))
        .replace("{tripwire}", box.tripwire)
        for a in args
    ]


_ANNOTATION = re.compile(
    r"::(?P<severity>error|warning|notice) file=(?P<path>[^,]*)(?:,line=(?P<line>\d+))?"
    r"(?:,col=\d+)?,title=(?P<code>IDM\d+)::"
)


def _unescape_annotation(text: str) -> str:
    return (
        text.replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
    )


def _parse_json_diags(stdout: str) -> list[dict[str, Any]]:
    """The diagnostics of --format json (or of GitHub annotations, --format github)."""
    text = stdout.lstrip()
    if text.startswith("::"):
        return [
            {
                "code": m["code"],
                "severity": m["severity"],
                "path": _unescape_annotation(m["path"]),
                "line": int(m["line"]) if m["line"] else 0,
            }
            for m in map(_ANNOTATION.match, text.splitlines())
            if m
        ]
    if not text.startswith("["):
        return []
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return []
    return [d for d in value if isinstance(d, dict)] if isinstance(value, list) else []


def _invoke(args: list[str], cwd: Path, timeout: float) -> tuple[int, str, str, list[Any]]:
    """idmbook.cli.main in this process; the ingest results are recorded on the way."""
    import idmbook.commands.ingest
    from idmbook.cli import main

    results: list[Any] = []
    real_ingest = idmbook.commands.ingest.ingest

    def recording_ingest(*a: Any, **k: Any) -> Any:
        result = real_ingest(*a, **k)
        results.append(result)
        return result

    out, err = io.StringIO(), io.StringIO()
    code: int = 0
    old_cwd, old_argv = os.getcwd(), sys.argv
    os.chdir(cwd)
    sys.argv = ["idmbook", *args]
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            mock.patch.object(idmbook.commands.ingest, "ingest", recording_ingest),
            _time_limit(timeout),
        ):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(old_cwd)
        sys.argv = old_argv
    return code, out.getvalue(), err.getvalue(), results


def run_case(case: Case, parent: Path) -> Observed:
    """Build the case's sandbox in ``parent`` (an empty or absent folder), run it, check it."""
    tripwire = Tripwire()
    proxy = f"http://127.0.0.1:{tripwire.port}"
    box = make_box(case, parent, proxy)
    given = case.setup(box) if case.setup else None
    args = _args(case, box, given)
    temp = box.root / "tmp"
    temp.mkdir(exist_ok=True)
    before = snapshot(box.root)
    observed = Observed(case, input_bytes=input_size(box))
    budget = case.budget or budget_for(observed.input_bytes, case.entry)
    observed.budget_cpu, observed.budget_mb = budget.cpu, budget.memory_mb
    _install_audit_hook()
    guards = _Guards(box.outside)
    home = box.root / "home"
    env = {
        "SOURCE_DATE_EPOCH": EPOCH,
        "COLUMNS": "200",
        "NO_COLOR": "1",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "MPLCONFIGDIR": str(home / ".config/matplotlib"),
        "TMPDIR": str(temp),
        **ENV_CANARIES,
        **{name: proxy for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")},
        **{name: proxy for name in ("all_proxy", "ALL_PROXY")},
    }
    drop = ("GITHUB_ACTIONS", "no_proxy", "NO_PROXY", "IDMBOOK_CACHE_DIR")
    start = time.monotonic()
    results: list[Any] = []
    usage = _usage()
    old_temp = tempfile.tempdir
    try:
        with _env(env, drop=drop), _no_network(guards):
            _Guards.active = guards
            tempfile.tempdir = str(temp)
            try:
                code, out, err, results = _invoke(args, box.root / case.cwd, case.timeout)
            finally:
                _Guards.active = None
                tempfile.tempdir = old_temp
        observed.exit, observed.stdout, observed.stderr = code, out, err
    except CaseTimeout as exc:
        observed.failures.append(f"hang: {exc}")
    finally:
        observed.seconds = time.monotonic() - start
        observed.cpu, observed.peak_mb = _used_since(usage)
    observed.diags = _parse_json_diags(observed.stdout)
    for result in results:
        observed.diags += [
            {"code": d.code, "severity": d.severity.value, "path": d.path, "line": d.line}
            for d in result.report.diagnostics
        ]
    if observed.exit == 0 and case.entry == "build":
        _open_html(observed, box)
    tripwire.close()
    after = snapshot(box.root)
    observed.changed = changed(before, after)
    _check(observed, box, guards, tripwire, after)
    _check_budget(observed)
    return observed


def input_size(box: Box) -> int:
    """Bytes of the regular files a command could read: the project and the inbox."""
    total = 0
    for top in (box.project, box.inbox):
        for folder, _, files in os.walk(top, followlinks=False):
            for name in files:
                with contextlib.suppress(OSError):
                    info = os.lstat(os.path.join(folder, name))
                    if stat.S_ISREG(info.st_mode):
                        total += info.st_size
    return total


def _usage() -> tuple[Any, Any]:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)


def _used_since(before: tuple[Any, Any]) -> tuple[float, float]:
    """Processor seconds since ``before`` (this process and the children it waited for) and
    the peak resident memory, in MiB, of this process or its largest child (Linux gives
    ``ru_maxrss`` in KiB; each case runs in a fresh process, so the peak is the case's)."""
    self_now, children_now = _usage()
    self_then, children_then = before
    cpu = (
        self_now.ru_utime
        - self_then.ru_utime
        + self_now.ru_stime
        - self_then.ru_stime
        + children_now.ru_utime
        - children_then.ru_utime
        + children_now.ru_stime
        - children_then.ru_stime
    )
    return cpu, max(self_now.ru_maxrss, children_now.ru_maxrss) / 1024


def _open_html(observed: Observed, box: Box) -> None:
    """The browser check of the build's HTML (see :mod:`hostile.browser`)."""
    from hostile.browser import open_in_browser, skip_reason

    pages = sorted((box.project / "dist").glob("*.html"))
    if not pages:
        return
    reason = skip_reason()
    if reason is not None:
        observed.browser = f"skipped: {reason}"
        return
    for page in pages:
        # the browser's own background traffic goes to a proxy of its own; what the page
        # asks for is seen on the page (and a request to the tripwire reaches it directly)
        report = open_in_browser(page)
        observed.failures += report.problems()
    observed.browser = "clean" if not observed.failures else "acted"


def _check_budget(observed: Observed) -> None:
    if observed.exit is None:
        return
    if observed.peak_mb > observed.budget_mb:
        observed.failures.append(
            f"memory: {observed.peak_mb:.0f} MB, more than the budget of "
            f"{observed.budget_mb:.0f} MB for {observed.input_bytes / 1024:.0f} KB of input"
        )
    if observed.cpu > observed.budget_cpu:
        observed.over_time = (
            f"processor time: {observed.cpu:.1f} s, more than the budget of "
            f"{observed.budget_cpu:.0f} s for {observed.input_bytes / 1024:.0f} KB of input"
        )


def _zone(case: Case, exit_code: int | None) -> tuple[str, ...]:
    """Folders (relative to the box) a case's command may change."""
    cache = "home/.cache/idmbook"  # pandoc's work and the fonts' coverage, the user's cache
    if case.entry == "build":
        lock = "project/dist/.idmbook-build.lock"
        parts = "project/dist/.idmbook-build.pending"
        return (cache, "project/dist") if exit_code == 0 else (cache, lock, parts)
    if case.entry == "init":
        made = tuple(p.split("/")[0] for p in case.expect.created) if exit_code == 0 else ()
        return (cache, *made)
    if case.entry == "ingest":
        return (cache, "project/contributions", "project/chapters/notes")
    return (cache,)  # validate keeps what the book's fonts cover there (idmbook/load/fonts.py)


_TERMINAL_CONTROLS = frozenset("\x1b\x07\x9b\x9d\x90\x08\x0d")
"""Characters that make a terminal act (escape sequences, the bell, a carriage return that
overwrites a line) rather than print: a file name must not put them in a report."""
_MADE_FOR_CACHE = ("home/.cache",)
"""The folder above the user's cache folder, which a build makes (nothing else in it)."""


def _inside(rel: str, zone: tuple[str, ...]) -> bool:
    return any(rel == z or rel.startswith(z.rstrip("/") + "/") for z in zone)


def _check(observed: Observed, box: Box, guards: _Guards, tripwire: Tripwire, after: Any) -> None:
    case, expect, fail = observed.case, observed.case.expect, observed.failures.append
    if observed.exit is None:
        return
    if observed.exit != expect.exit:
        fail(f"exit {observed.exit}, expected {expect.exit}")
    for needle in ("Traceback", "internal error", "this is a bug in idmbook"):
        if needle in observed.stderr or needle in observed.stdout:
            fail(f"{needle!r} in the output")
    for name, text in (("stdout", observed.stdout), ("stderr", observed.stderr)):
        control = sorted({repr(c) for c in text if c in _TERMINAL_CONTROLS})
        if control:  # (NO_COLOR is set: idmbook writes no colours of its own)
            fail(f"terminal control characters in {name}: {', '.join(control)}")
    for code, path, line in expect.diags:
        if not any(_matches(d, code, path, line) for d in observed.diags):
            where = f"{path}:{line}" if line else path
            seen = sorted({(d["code"], d.get("path"), d.get("line")) for d in observed.diags})
            fail(f"no {code} at {where} (got {seen[:6]})")
    if expect.message is not None:
        if "error:" not in observed.stderr:
            fail("no 'error:' message")
        if expect.message not in " ".join(observed.stderr.split()):
            fail(f"message does not say {expect.message!r}: {observed.stderr.strip()[:200]!r}")
    if guards.connects:
        fail(f"network access from Python: {guards.connects[:2]}")
    if tripwire.hits:
        fail(f"a tool reached for the network: {tripwire.hits[:2]}")
    if guards.reads:
        fail(f"read a file outside the project: {sorted(set(guards.reads))[:2]}")
    zone = _zone(case, observed.exit) + expect.zone
    stray = [
        rel
        for rel in observed.changed
        if not _inside(rel, zone) and not rel.startswith("tmp/") and rel not in _MADE_FOR_CACHE
    ]
    if stray:
        fail(f"changed outside {zone or 'nothing'}: {stray[:4]}")
    for rel in expect.created:
        if not (box.root / rel).exists():
            fail(f"{rel} was not created")
    for rel in expect.kept:
        if rel in observed.changed or not (box.root / rel).exists():
            fail(f"{rel} was changed or deleted")
    for rel in expect.absent:
        if (box.root / rel).exists() or (box.root / rel).is_symlink():
            fail(f"{rel} exists")
    leaks = _leaks(observed, box)
    if leaks:
        fail("canary or /etc/passwd content in " + ", ".join(leaks[:3]))
    left = sorted(rel for rel in observed.changed if rel.startswith("tmp/"))
    if left:
        fail(f"left in the temporary folder: {left[:3]}")
    for text in expect.forbidden:
        where = [
            rel
            for rel in _written(observed, box)
            if not rel.startswith("home/.cache/idmbook/")  # the build's cache of the sources
            and any(text in t for t in output_texts(box.root / rel))
        ]
        if where:
            fail(f"{text!r} written to {', '.join(where[:3])}")
    if expect.stdout_lines is not None:
        for line in observed.stdout.splitlines():
            if not re.fullmatch(expect.stdout_lines, line):
                fail(f"a line of stdout is not an annotation: {line[:80]!r}")
    if observed.exit == 0 and case.entry in ("build", "init"):
        for rel in _written(observed, box):
            observed.failures += _active_output(box.root / rel, rel)
    if expect.literal and observed.exit == 0:
        _check_literal(observed, box)
    if expect.html_clean and observed.exit == 0:
        page = box.project / "dist" / "publication.html"
        if not page.is_file():
            fail("the build wrote no HTML")
        else:
            observed.failures += html_problems(page.read_bytes(), box.project)
    if expect.same_chapters and observed.exit == 0:
        built = box.project / "dist" / "publication.docx"
        good = good_build() / "dist" / "publication.docx"
        got, want = chapters(built.read_bytes()), chapters(good.read_bytes())
        if got != want:
            fail(
                f"the book's chapters changed: {[c for c in got if c not in want]} added, "
                f"{[c for c in want if c not in got]} gone"
            )


_ACTIVE_TAGS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "link"}
)
_LINK_TARGET = re.compile(r"^(?:https?://|mailto:|#)", re.IGNORECASE)
_SIZE_STYLE = re.compile(r"^(?:(?:width|height): ?[0-9.]+(?:%|px|em|in|cm|mm|pt)?;? ?)+$")
"""The only style pandoc writes itself: the width of columns, tables and pictures."""


def html_problems(page: bytes, project: Path) -> list[str]:
    """What in the HTML edition ``page`` could run code or carry a file from outside
    ``project``: event-handler and other active attributes, active elements, a second style
    sheet, a style attribute other than pandoc's widths and heights, links that are not web, mail
    or in-page, and embedded (``data:``) content that is not a file of the project or that
    carries the canary token."""
    import base64
    from html.parser import HTMLParser

    files = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in project.rglob("*")
        if p.is_file() and not p.is_symlink() and "dist" not in p.relative_to(project).parts
    }
    problems: list[str] = []
    styles = 0

    class Page(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            nonlocal styles
            if tag in _ACTIVE_TAGS:
                problems.append(f"HTML: a <{tag}> element")
            if tag == "style":
                styles += 1
            if tag == "meta" and any(k == "http-equiv" for k, _ in attrs):
                problems.append("HTML: a <meta http-equiv>")
            for key, value in attrs:
                value = value or ""
                if key.startswith("on") or key in ("srcdoc", "formaction", "action", "poster"):
                    problems.append(f"HTML: <{tag} {key}=...>")
                elif key == "style" and not _SIZE_STYLE.match(value):
                    problems.append(f"HTML: <{tag} style={value[:40]!r}>")
                elif key == "href" and not _LINK_TARGET.match(value):
                    problems.append(f"HTML: <{tag} href={value[:40]!r}>")
                elif key in ("src", "data-src", "xlink:href") or value.startswith("data:"):
                    if not value.startswith("data:image/") or ";base64," not in value:
                        problems.append(f"HTML: <{tag} {key}={value[:40]!r}>")
                        continue
                    data = base64.b64decode(value.split(";base64,", 1)[1])
                    if hashlib.sha256(data).hexdigest() not in files:
                        problems.append(f"HTML: <{tag}> embeds something not in the project")
                    if TOKEN.encode() in data or PASSWD_MARK.encode() in data:
                        problems.append(f"HTML: <{tag}> embeds a file from outside the project")

    Page().feed(page.decode("utf-8", "replace"))
    if styles > 1:
        problems.append(f"HTML: {styles} <style> elements, the book writes one")
    return problems


def _matches(d: dict[str, Any], code: str, path: str, line: int | None) -> bool:
    if d.get("code") != code:
        return False
    shown = unicodedata.normalize("NFC", str(d.get("path", "")))
    path = unicodedata.normalize("NFC", path)
    if not (shown == path or shown.endswith("/" + path) or path.endswith("/" + shown)):
        return False
    return line is None or d.get("line") == line


def _written(observed: Observed, box: Box) -> list[str]:
    """Files the run created or changed (links and the canaries themselves left out)."""
    out = []
    for rel in observed.changed:
        path = box.root / rel
        if not rel.startswith("outside/") and not path.is_symlink() and path.is_file():
            out.append(rel)
    return out


_SECRETS = (TOKEN, PASSWD_MARK, *ENV_CANARIES.values())


def _leaks(observed: Observed, box: Box) -> list[str]:
    """Where a canary (a file's outside the project, /etc/passwd's, an environment
    variable's) shows: the messages, and every file written (the cache included)."""
    found: list[str] = []
    for name, text in (("stdout", observed.stdout), ("stderr", observed.stderr)):
        if any(secret in text for secret in _SECRETS):
            found.append(name)
    for rel in _written(observed, box):
        if any(secret in t for t in output_texts(box.root / rel) for secret in _SECRETS):
            found.append(rel)
    return found


_PDF_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}
_PDF_ACTIONS |= {"/RichMediaExecute", "/Rendition", "/Sound", "/Movie"}
_OUTSIDE_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*TargetMode=\"External\"[^>]*>")
_WEB_TARGET = re.compile(r'Target="(https?|mailto):', re.IGNORECASE)


def _active_output(path: Path, rel: str) -> list[str]:
    """What in a built DOCX or PDF would act or fetch when a reader opens it: in the DOCX, a
    relationship to anything outside it other than a web or mail link, a macro or an object;
    in the PDF, an action (JavaScript, launching a program, opening another file, a form
    submission, an embedded file)."""
    data = path.read_bytes()
    found: list[str] = []
    if path.suffix == ".docx" and data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    lowered = name.lower()
                    if "vbaproject" in lowered or "activex" in lowered or lowered.endswith(".bin"):
                        found.append(f"{rel} holds {name}")
                    if name.endswith(".rels"):
                        text = zf.read(name).decode("utf-8", "replace")
                        for match in _OUTSIDE_RELATIONSHIP.finditer(text):
                            element = match.group()
                            if not _WEB_TARGET.search(element) or "/hyperlink" not in element:
                                target = re.search(r'Target="([^"]*)"', element)
                                kind = re.search(r'Type="[^"]*/([^"/]*)"', element)
                                found.append(
                                    f"{rel} refers outside: {kind.group(1) if kind else '?'} "
                                    f"{target.group(1)[:80] if target else '?'}"
                                )
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            found.append(f"{rel} is not a readable DOCX: {exc}")
    if path.suffix == ".pdf" and data.startswith(b"%PDF"):
        found += [f"{rel}: {problem}" for problem in _pdf_actions(data)]
    return found


def _pdf_actions(data: bytes) -> list[str]:
    """Actions of a PDF that run or fetch something: on opening (the catalog's /OpenAction and
    /AA, document JavaScript, embedded files) and in its pages' links and annotations (an
    action other than going to a place in the book or to a web or mail address)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        catalog = reader.trailer["/Root"]
        found = [f"the catalog has {key}" for key in ("/OpenAction", "/AA") if key in catalog]
        names = catalog.get("/Names")
        names = names.get_object() if names is not None else {}
        found += [
            f"the document has {key}" for key in ("/JavaScript", "/EmbeddedFiles") if key in names
        ]
        for number, page in enumerate(reader.pages, 1):
            if "/AA" in page:
                found.append(f"page {number} has /AA")
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                action = annotation.get("/A")
                action = action.get_object() if action is not None else {}
                kind = str(action.get("/S", ""))
                uri = str(action.get("/URI", ""))
                if kind in _PDF_ACTIONS:
                    found.append(f"page {number} has a {kind} action")
                elif kind == "/URI" and not re.match(r"(https?|mailto):", uri, re.I):
                    found.append(f"page {number} links to {uri[:60]!r}")
                if "/AA" in annotation:
                    found.append(f"an annotation of page {number} has /AA")
    except Exception as exc:  # noqa: BLE001 - a PDF pypdf cannot read is reported, not raised
        return [f"pypdf could not read it: {exc}"]
    return found


def _check_literal(observed: Observed, box: Box) -> None:
    dist = box.project / "dist"
    pdf, docx = dist / "publication.pdf", dist / "publication.docx"
    if not pdf.exists() or not docx.exists():
        observed.failures.append("the build wrote no PDF or DOCX")
        return
    pdf_flat, docx_flat = flat(pdf_text(pdf.read_bytes())), flat(docx_text(docx.read_bytes()))
    for text in observed.case.expect.literal:
        for name, content in (("PDF", pdf_flat), ("DOCX", docx_flat)):
            if flat(text) not in content:
                observed.failures.append(f"{text!r} is not printed as text in the {name}")


def _worker_init(good: str, path: list[str]) -> None:
    import resource

    sys.path[:] = path
    _GOOD["root"] = Path(good)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))


def _worker_run(case_id: str) -> dict[str, Any]:
    from hostile.cases import CASES

    case = next(c for c in CASES if c.id == case_id)
    observed = run_in_temp(case)
    return {k: v for k, v in vars(observed).items() if k != "case"}


def _child(case_id: str, good: str, path: list[str], connection: Any) -> None:
    """The process of one case: run it, send back what was observed."""
    _worker_init(good, path)
    try:
        connection.send(("done", _worker_run(case_id)))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which reports it
        connection.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def run_cases(cases: list[Case], workers: int = 2) -> Iterator[Observed]:
    """Run ``cases`` each in a process of its own (spawned, so that nothing a case does, not
    even a crash of pandoc or Typst inside the process, can stop the others, and each case's
    peak memory is its own), ``workers`` at a time, and yield each result in order. A case
    whose process dies, or does not answer, is reported as such. (A process pool replacing
    its workers after each task hung now and then on this Python.)"""
    import multiprocessing

    good = str(good_build())
    context = multiprocessing.get_context("spawn")
    results: dict[int, Observed] = {}
    running: dict[int, tuple[Any, Any, float]] = {}
    started = shown = 0
    try:
        while shown < len(cases):
            while len(running) < workers and started < len(cases):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(
                    target=_child, args=(cases[started].id, good, list(sys.path), send)
                )
                process.start()
                send.close()
                running[started] = (process, receive, time.monotonic())
                started += 1
            for index, (process, receive, since) in list(running.items()):
                case = cases[index]
                observed: Observed | None = None
                if receive.poll():
                    try:
                        kind, value = receive.recv()
                    except (EOFError, OSError):
                        kind, value = "error", "the process running idmbook died"
                    if kind == "done":
                        observed = Observed(case, **value)
                    else:
                        observed = Observed(case, failures=[f"crash: {value}"])
                elif not process.is_alive():
                    code = process.exitcode
                    observed = Observed(
                        case, failures=[f"crash: the process running idmbook died ({code})"]
                    )
                elif time.monotonic() - since > case.timeout + 120:
                    process.kill()
                    observed = Observed(case, failures=["hang: the worker did not answer"])
                if observed is not None:
                    process.join(10)
                    receive.close()
                    del running[index]
                    results[index] = observed
            while shown in results:
                yield results.pop(shown)
                shown += 1
            time.sleep(0.05)
    finally:
        for process, receive, _ in running.values():
            process.kill()
            process.join(10)
            receive.close()


def run_in_temp(case: Case) -> Observed:
    """run_case in a fresh temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"idmbook-hostile-{case.id[:20]}-"))
    try:
        return run_case(case, folder / "box")
    finally:
        _make_removable(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _make_removable(folder: Path) -> None:
    for path, dirs, _ in os.walk(folder):
        for name in dirs:
            with contextlib.suppress(OSError):
                full = Path(path) / name
                if not full.is_symlink():
                    full.chmod(0o755)
