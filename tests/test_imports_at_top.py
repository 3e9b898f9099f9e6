"""Imports of idmbook's own modules and of the standard library are at the top of a module,
except where start-up time needs otherwise, and then a comment says so (issue 17): once per
module in idmbook/cli/ (tests/test_startup.py measures what `--help` loads), beside the
import anywhere else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "idmbook"
NOT_YET = {"idmbook/check/preflight.py"}
"""Modules whose function-level imports are another change's to settle."""


def _lazy_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of each import of idmbook or the standard library inside a function."""
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "idmbook" or top in sys.stdlib_module_names:
                    found.add((node.lineno, name))
    return sorted(found)


def _said_why(lines: list[str], line: int) -> bool:
    """A comment on the import's line or on one of the two lines above it."""
    return any("#" in lines[i - 1] for i in range(max(1, line - 2), line + 1))


def test_imports_are_at_the_top_or_say_why() -> None:
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if rel in NOT_YET:
            continue
        text = path.read_text("utf-8")
        lines = text.splitlines()
        lazy = _lazy_imports(ast.parse(text))
        if rel.startswith("idmbook/cli/"):
            if lazy and text.count("tests/test_startup.py") != 1:
                unexplained.append(f"{rel}: no one comment naming tests/test_startup.py")
            continue
        unexplained += [f"{rel}:{n} {m}" for n, m in lazy if not _said_why(lines, n)]
    assert unexplained == []


def test_the_check_sees_an_import_in_a_function() -> None:
    tree = ast.parse("def f():\n    import json\n    from idmbook import errors\n    import rich\n")
    assert _lazy_imports(tree) == [(2, "json"), (3, "idmbook")]
