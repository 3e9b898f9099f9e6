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
BUILD_ARGS = ["build", "--diagnostics", "json", "--format", "docx,pdf"]
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


# --------------------------------------------------------------------------- the sandbox


@dataclass
class Box:
    root: Path

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
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
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
    """A project built once per process (docx and pdf): the 'previous good build'."""
    if "root" in _GOOD and (_GOOD["root"] / "dist" / "publication.pdf").exists():
        return _GOOD["root"]
    from idmbook.build import build

    root = Path(tempfile.mkdtemp(prefix="idmbook-hostile-good-")) / "project"
    atexit.register(shutil.rmtree, root.parent, True)
    for rel, content in _project_files().items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
    with _env({"SOURCE_DATE_EPOCH": EPOCH}):
        build(root, _build_options())
    _GOOD["root"] = root
    return root


def _build_options() -> Any:
    from idmbook.build import BuildOptions

    return BuildOptions(formats=("docx", "pdf"))


def make_box(case: Case, parent: Path) -> Box:
    box = Box(parent)
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
    return [a.replace("{box}", str(box.root)).replace("{project}", str(box.project)) for a in args]


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
    import idmbook.ingest
    from idmbook.cli import main

    results: list[Any] = []
    real_ingest = idmbook.ingest.ingest

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
            mock.patch.object(idmbook.ingest, "ingest", recording_ingest),
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
    box = make_box(case, parent)
    given = case.setup(box) if case.setup else None
    args = _args(case, box, given)
    before = snapshot(box.root)
    observed = Observed(case)
    _install_audit_hook()
    guards = _Guards(box.outside)
    tripwire = Tripwire()
    proxy = f"http://127.0.0.1:{tripwire.port}"
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
        **{name: proxy for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")},
        **{name: proxy for name in ("all_proxy", "ALL_PROXY")},
    }
    start = time.monotonic()
    results: list[Any] = []
    try:
        with _env(env, drop=("GITHUB_ACTIONS", "no_proxy", "NO_PROXY")), _no_network(guards):
            _Guards.active = guards
            try:
                code, out, err, results = _invoke(args, box.root / case.cwd, case.timeout)
            finally:
                _Guards.active = None
        observed.exit, observed.stdout, observed.stderr = code, out, err
    except CaseTimeout as exc:
        observed.failures.append(f"hang: {exc}")
    finally:
        observed.seconds = time.monotonic() - start
        tripwire.close()
    observed.diags = _parse_json_diags(observed.stdout)
    for result in results:
        observed.diags += [
            {"code": d.code, "severity": d.severity.value, "path": d.path, "line": d.line}
            for d in result.report.diagnostics
        ]
    after = snapshot(box.root)
    observed.changed = changed(before, after)
    _check(observed, box, guards, tripwire, after)
    return observed


def _zone(case: Case, exit_code: int | None) -> tuple[str, ...]:
    """Folders (relative to the box) a case's command may change."""
    if case.entry == "build":
        cache = "project/.idmbook-cache"  # pandoc's work, cached by content
        lock = "project/dist/.idmbook-build.lock"
        return (cache, "project/dist") if exit_code == 0 else (cache, lock)
    if case.entry == "init":
        return tuple(p.split("/")[0] for p in case.expect.created) if exit_code == 0 else ()
    if case.entry == "ingest":
        return ("project/contributions", "project/chapters/notes")
    return ()


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
    zone = _zone(case, observed.exit)
    stray = [rel for rel in observed.changed if not _inside(rel, zone)]
    if stray:
        fail(f"changed outside {zone or 'nothing'}: {stray[:4]}")
    for rel in expect.created:
        if not (box.root / rel).exists():
            fail(f"{rel} was not created")
    for rel in expect.absent:
        if (box.root / rel).exists() or (box.root / rel).is_symlink():
            fail(f"{rel} exists")
    leaks = _leaks(observed, box)
    if leaks:
        fail("canary or /etc/passwd content in " + ", ".join(leaks[:3]))
    for text in expect.forbidden:
        where = [
            rel
            for rel in _written(observed, box)
            if "/.idmbook-cache/" not in rel  # the build's own cache of the sources
            and any(text in t for t in output_texts(box.root / rel))
        ]
        if where:
            fail(f"{text!r} written to {', '.join(where[:3])}")
    if expect.stdout_lines is not None:
        for line in observed.stdout.splitlines():
            if not re.fullmatch(expect.stdout_lines, line):
                fail(f"a line of stdout is not an annotation: {line[:80]!r}")
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


def _leaks(observed: Observed, box: Box) -> list[str]:
    found: list[str] = []
    for name, text in (("stdout", observed.stdout), ("stderr", observed.stderr)):
        if TOKEN in text or PASSWD_MARK in text:
            found.append(name)
    for rel in _written(observed, box):
        if any(TOKEN in t or PASSWD_MARK in t for t in output_texts(box.root / rel)):
            found.append(rel)
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
    sys.path[:] = path
    _GOOD["root"] = Path(good)


def _worker_run(case_id: str) -> dict[str, Any]:
    from hostile.cases import CASES

    case = next(c for c in CASES if c.id == case_id)
    observed = run_in_temp(case)
    return {k: v for k, v in vars(observed).items() if k != "case"}


def run_cases(cases: list[Case], workers: int = 2) -> Iterator[Observed]:
    """Run ``cases`` in worker processes (spawned, so that nothing a case does, not even a
    crash of pandoc or Typst inside the process, can stop the others) and yield each result
    in order. A case whose process dies is reported as such."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    good = str(good_build())
    context = multiprocessing.get_context("spawn")

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_init, initargs=(good, sys.path)
        )

    pool = new_pool()
    pending: list[tuple[Case, Future[dict[str, Any]]]] = [
        (case, pool.submit(_worker_run, case.id)) for case in cases
    ]
    try:
        for index, (case, future) in enumerate(pending):
            try:
                values = future.result(timeout=case.timeout + 120)
                yield Observed(case, **values)
            except BrokenProcessPool:
                yield Observed(case, failures=["crash: the process running idmbook died"])
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                rest = pending[index + 1 :]
                pending[index + 1 :] = [(c, pool.submit(_worker_run, c.id)) for c, _ in rest]
            except TimeoutError:
                yield Observed(case, failures=["hang: the worker did not answer"])
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                rest = pending[index + 1 :]
                pending[index + 1 :] = [(c, pool.submit(_worker_run, c.id)) for c, _ in rest]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
