"""The commands the README and the guides show, run as a reader would run them.

Each page is read with Sybil. Its fenced blocks are run in order, in a scratch copy of this
repository's project (a git repository with one commit), so that what one block does, the next
one sees:

- a ``console`` block is a session: each ``$ command`` is run, and what it prints (standard
  output and standard error together) must match the lines under it;
- a ``sh`` block is a list of commands, one per line (``#`` starts a comment): each must exit 0;
  what they print is not compared;
- ``<!-- invisible-code-block: console ... -->`` and ``<!-- invisible-code-block: sh ... -->``
  are the same, hidden from the reader: they set the scene (a typo to find, a returned proof);
- ``<!-- skip: next "why" -->`` skips the next block, with its reason in the test report.

In the shown output, a line ``...`` stands for any number of lines, and ``...`` inside a line
for any text on that line (times, sizes, dates). Trailing spaces do not count. The stage lines
a piped build prints (``[ 1.2 s] stage``) are left out: on a terminal they are a progress
display that disappears.

A few commands are never run; :data:`NOT_RUN` says which and why.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from unittest import SkipTest

from sybil import Document, Example, Sybil
from sybil.parsers.markdown import CodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

PAGES = (
    "README.md",
    "docs/rapporteurs.md",
    "docs/editors.md",
    "docs/proofs.md",
    "docs/ci.md",
)
"""The pages whose commands run (docs/rules.md and docs/architecture.md show none)."""

PROJECT_FILES = (
    "idmbook.yaml",
    "chapters",
    "contributions",
    "templates",
    "inbox",
    "references.bib",
    "Makefile",
    ".gitignore",
)
"""What the scratch copy takes from this repository: the publication and its Makefile."""

NOT_RUN = {
    "make test": "it runs the test suite this test is part of",
    "make install": "it creates the virtual environment these tests run in",
    "git tag v1.0 && git push origin v1.0": "it publishes a release on a remote",
    ".venv/bin/python bench/bench.py --scale compendium --workdir /tmp/idmbook-bench "
    "--json /tmp/idmbook-bench/results.json": "the benchmark takes many minutes (make bench)",
    ".venv/bin/python bench/typst_memory.py /tmp/idmbook-bench/baseline-out/book.typ": (
        "it reads what the benchmark above leaves"
    ),
}
"""Commands shown but not run, each with the reason."""

TIMEOUT = 600
STAGE_LINE = re.compile(r"^\[\s*\d+(?:\.\d+)? s\] ")
WATCHING = "watching "


@dataclass
class Scene:
    """One page's scratch project and what its run has seen."""

    project: Path
    home: Path
    cache: Path
    not_run: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("GITHUB_", "IDMBOOK_", "PYTEST_")) and key not in {"CI"}
        }
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            HOME=str(self.home),
            COLUMNS="100",
            LINES="50",
            TERM="dumb",
            NO_COLOR="1",
            PYTHONUNBUFFERED="1",
            IDMBOOK_REPOSITORY=str(ROOT),
            IDMBOOK_CACHE_DIR=str(self.cache),
            # the Makefile's targets with the idmbook of these tests, without installing one
            MAKEFLAGS=f"BIN={BIN} STAMP=",
            GIT_AUTHOR_NAME="Doc Test",
            GIT_AUTHOR_EMAIL="doc@example.org",
            GIT_COMMITTER_NAME="Doc Test",
            GIT_COMMITTER_EMAIL="doc@example.org",
        )
        return env

    def run(self, command: str) -> tuple[int, str]:
        """Run one command as a reader would, in the scratch project: its exit status and what
        it printed (standard output and error together), stage lines left out."""
        watching = command.startswith("idmbook watch")
        process = subprocess.Popen(
            ["bash", "-c", f"exec {command}" if watching else command],
            cwd=self.project,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        if watching:
            return _stop_watching(process)
        try:
            printed, _ = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        return process.returncode, _printed(printed)


def _stop_watching(process: subprocess.Popen[str]) -> tuple[int, str]:
    """`idmbook watch` runs until Ctrl-C: press it once the first build is done."""
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith(WATCHING):
            process.send_signal(signal.SIGINT)
            break
    else:
        process.kill()
    lines.extend(process.stdout)
    return process.wait(timeout=TIMEOUT), _printed("".join(lines))


def _printed(text: str) -> str:
    return "\n".join(
        line.rstrip() for line in text.splitlines() if not STAGE_LINE.match(line)
    ).strip("\n")


def make_scene(folder: Path, cache: Path) -> Scene:
    """A scratch copy of this repository's project under ``folder``, committed in a new git
    repository (the guides show `idmbook diff` and a build's commit). ``cache`` is idmbook's
    cache folder, shared by the pages: what one page parsed, the next need not parse again."""
    project = folder / "project"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        elif source.exists():
            shutil.copy2(source, project / name)
    home = folder / "home"
    (home / "Downloads").mkdir(parents=True)
    scene = Scene(project, home, cache)
    for command in (
        "git init -q -b main",
        "git add -A",
        "git commit -q -m 'The IDM 2017 publication'",
    ):
        status, printed = scene.run(command)
        assert status == 0, printed
    return scene


# --- the blocks ---------------------------------------------------------------------------


def uncommented(line: str) -> str:
    """``line`` without its shell comment (a ``#`` after a space, outside quotes)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


HEREDOC = re.compile(r"<<-?\s*'?(\w+)'?")


def commands(source: str) -> list[str]:
    """The commands of a ``sh`` block: one per line, ``\\`` joining lines, comments dropped; a
    here-document (``<<'END'`` up to ``END``) belongs to its command."""
    lines = source.replace("\\\n", " ").splitlines()
    found = []
    while lines:
        command = uncommented(lines.pop(0)).strip()
        heredoc = HEREDOC.search(command)
        if heredoc:
            end = lines.index(heredoc.group(1))
            command = "\n".join([command, *lines[: end + 1]])
            del lines[: end + 1]
        if command:
            found.append(command)
    return found


def session(source: str) -> list[tuple[str, str]]:
    """The ``$ command`` lines of a ``console`` block, each with the output shown under it."""
    steps: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        if line.startswith("$ "):
            steps.append((uncommented(line[2:]).strip(), []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise ValueError(f"output before the first $ command: {line!r}")
    return [(command, "\n".join(lines).strip("\n")) for command, lines in steps]


def pattern(shown: str) -> re.Pattern[str]:
    """The shown output as a pattern: ``...`` alone on a line is any number of lines; inside
    a line, any text on that line."""
    parts = []
    for line in shown.splitlines():
        line = line.rstrip()
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(map(re.escape, line.split("..."))) + r"\n")
    return re.compile("".join(parts))


def matches(shown: str, printed: str) -> bool:
    return pattern(shown).fullmatch(printed + "\n" if printed else "") is not None


def _where(example: Example) -> str:
    return f"{Path(example.path).relative_to(ROOT)}:{example.line}"


def _scene(example: Example) -> Scene:
    scene = example.namespace.get("scene")
    if not isinstance(scene, Scene):
        raise RuntimeError("the page's scene was not set up (see tests/test_docs_run.py)")
    return scene


def _skipped(example: Example, command: str) -> bool:
    scene = _scene(example)
    if command in NOT_RUN:
        scene.not_run.append(command)
        return True
    return False


def run_sh(example: Example) -> None:
    scene = _scene(example)
    for command in commands(str(example.parsed)):
        if _skipped(example, command):
            continue
        status, printed = scene.run(command)
        if status != 0:
            raise AssertionError(f"{_where(example)}: `{command}` exited {status}:\n{printed}")


def run_console(example: Example) -> None:
    scene = _scene(example)
    for command, shown in session(str(example.parsed)):
        if _skipped(example, command):
            continue
        _status, printed = scene.run(command)
        if not matches(shown, printed):
            diff = "\n".join(
                difflib.unified_diff(
                    shown.splitlines(), printed.splitlines(), "shown", "printed", lineterm=""
                )
            )
            raise AssertionError(
                f"{_where(example)}: `{command}` printed something else than the "
                f"page shows:\n{diff}"
            )


PAGE_READER = Sybil(
    parsers=[
        CodeBlockParser("console", run_console),
        CodeBlockParser("sh", run_sh),
        SkipParser(),
    ],
    path=str(ROOT),
    patterns=list(PAGES),
)


def run_page(name: str, folder: Path, cache: Path) -> Scene:
    """Run every block of one page in order; the first that does not run as shown fails."""
    document: Document = PAGE_READER.parse(ROOT / name)
    scene = make_scene(folder, cache)
    document.namespace["scene"] = scene
    for example in document.examples():
        try:
            example.evaluate()
        except SkipTest:
            continue
    return scene
