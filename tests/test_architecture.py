"""The package keeps the shape docs/architecture.md describes: the stages as layers without
cycles (import-linter contracts in pyproject.toml), short modules, simple functions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "idmbook"
MAX_LINES = 500
MAX_COMPLEXITY = 20

# Debt, named so that it only shrinks: a module or function here that meets the limit must
# leave the list (the tests below fail until it does), and nothing new may join it. Both are
# empty: every module is under the line limit, every function under the complexity limit.
LONG_MODULES: frozenset[str] = frozenset()
COMPLEX_FUNCTIONS: frozenset[str] = frozenset()


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_stages_are_layers_without_cycles() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    if not lint.exists():
        pytest.skip("import-linter is not installed (make install installs it)")
    proc = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_no_module_is_longer_than_the_limit() -> None:
    long = {_name(p) for p in _modules() if len(p.read_text("utf-8").splitlines()) > MAX_LINES}
    assert long - LONG_MODULES == set(), f"split these modules (over {MAX_LINES} lines)"
    assert LONG_MODULES - long == set(), "these are short now: take them off LONG_MODULES"


def test_no_function_outside_ingest_is_too_complex() -> None:
    radon = pytest.importorskip("radon.complexity", reason="radon is installed by make install")
    found = set()
    for path in _modules():
        if path.is_relative_to(PACKAGE / "ingest"):
            continue
        for block in radon.cc_visit(path.read_text("utf-8")):
            for item in [block, *getattr(block, "methods", [])]:
                if item.complexity > MAX_COMPLEXITY:
                    found.add(f"{_name(path)}::{item.fullname}")
    assert found - COMPLEX_FUNCTIONS == set(), f"simplify (complexity over {MAX_COMPLEXITY})"
    assert COMPLEX_FUNCTIONS - found == set(), "simple now: take them off COMPLEX_FUNCTIONS"
