"""`idmbook build --final` refuses the placeholders and sample text of idmbook's templates;
`idmbook validate` reports them as warnings at their lines (IDM049)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

RunMain = Callable[..., CliResult]

INIT_PLACEHOLDERS = [
    "chapters/foreword.md:7:1",
    "chapters/notes/workshop-1/opening.md:5:13",
    "chapters/notes/workshop-1/opening.md:14:15",
    "chapters/notes/workshop-1/opening.md:19:3",
    "chapters/notes/workshop-1/opening.md:23:3",
    "contributions/example.md:13:23",
    "idmbook.yaml:3:8",
    "idmbook.yaml:4:11",
    "idmbook.yaml:19:5",
    "idmbook.yaml:26:12",
    "idmbook.yaml:28:12",
    "idmbook.yaml:38:16",
]
"""Where `idmbook init` leaves something to replace: the config's TODO values, the foreword,
the example note's rapporteur and sentences, the example contribution."""


def _places(output: str, severity: str) -> list[str]:
    return re.findall(rf"^(\S+): {severity}\[IDM049\]", output, re.MULTILINE)


def _fill_in(target: Path) -> None:
    """What an editor does before the final build: every placeholder replaced."""
    config = target / "idmbook.yaml"
    text = config.read_text("utf-8")
    text = re.sub(r'"TODO: ([^"]*)"', lambda m: '"The ' + m.group(1).replace("'", "") + '"', text)
    config.write_text(text, "utf-8")
    (target / "chapters/foreword.md").write_text(
        "---\ntitle: Foreword\npart: front\norder: 1\n---\n\nThis book gathers the workshop.\n",
        "utf-8",
    )
    note = target / "chapters/notes/workshop-1/opening.md"
    note.write_text(
        "---\ntitle: Opening session\nworkshop: workshop-1\nsession: opening\n"
        "rapporteur: Ana Rapporteur\nstatus: final\nthemes: [safe-orderly-regular]\n---\n\n"
        "## Summary\n\nThe chair opened the workshop.\n\n"
        "## Key messages\n\n- Cooperation matters.\n\n"
        '## Recommendations\n\n- Share data between States. {levels="national"}\n',
        "utf-8",
    )
    (target / "contributions/example.md").unlink()


def test_an_init_project_refuses_final_until_its_placeholders_are_replaced(
    tmp_path: Path, run_main: RunMain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1513209600")
    target = tmp_path / "idm-2018"
    assert run_main(["init", str(target), "--no-build"], cwd=tmp_path).exit_code == 0
    note = target / "chapters/notes/workshop-1/opening.md"
    note.write_text(note.read_text("utf-8").replace("status: draft", "status: final"))

    checked = run_main(["-v", "validate"], cwd=target)  # -v: each of the 12 warnings in full
    assert checked.exit_code == 0  # warnings: a draft build may still show them
    assert _places(checked.stdout, "warning") == INIT_PLACEHOLDERS
    assert (
        "idmbook.yaml:3:8: warning[IDM049]: placeholder left from the template: "
        "'TODO: title of the publication'"
    ) in checked.stdout

    refused = run_main(["build", "--final", "--format", "html"], cwd=target)
    assert refused.exit_code == 1
    assert _places(refused.stdout, "error") == INIT_PLACEHOLDERS
    assert not (target / "dist").exists()

    _fill_in(target)
    clean = run_main(["validate"], cwd=target)
    assert "IDM049" not in clean.stdout
    built = run_main(["build", "--final", "--format", "html"], cwd=target)
    assert built.exit_code == 0, built.stdout + built.stderr
    html = (target / "dist" / "publication.html").read_text("utf-8")
    assert "TODO" not in html
    assert "The title of the publication" in html
