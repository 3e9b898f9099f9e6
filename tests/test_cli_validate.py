"""`idmbook validate`, `idmbook rules` and `idmbook schema` from the command line.

Exit codes are what ``idmbook.cli.main`` (the console script) returns, so these tests run
``main`` in-process (``run_main``) or as a real process (``run_subprocess``); typer's
CliRunner calls the app without ``main``'s error mapping and is used only for output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    CONFIG,
    CONFIG_SESSION_LINES,
    NOTE_PATHS,
    CliResult,
    ProjectDir,
    contribution_text,
    note_text,
    run_cli_runner,
    run_subprocess,
)

from idmbook.rules import RULES

RunMain = Callable[..., CliResult]
MakeProject = Callable[..., ProjectDir]

CASE_NOTE = "chapters/notes/new-york/closing.md"


@pytest.fixture
def broken(make_project: MakeProject) -> ProjectDir:
    """A project with one error (unknown session, line 4 column 10) and nothing else."""
    return make_project({CASE_NOTE: note_text(session="closng")})


@pytest.fixture
def warned(make_project: MakeProject) -> ProjectDir:
    """A project with one warning (a draft note) and nothing else."""
    return make_project({CASE_NOTE: note_text(session="closing", status="draft")})


# ----------------------------------------------------------------------------- exit codes


def test_clean_project_exits_0(project: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate"], cwd=project)
    assert result.exit_code == 0
    assert result.stdout.strip() == "no problems found"
    assert result.stderr == ""  # stderr is for idmbook's own failures


def test_errors_exit_1(broken: ProjectDir, run_main: RunMain) -> None:
    assert run_main(["validate"], cwd=broken).exit_code == 1


def test_warnings_alone_exit_0(warned: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate"], cwd=warned)
    assert result.exit_code == 0
    assert "warning[IDM045]" in result.stdout


def test_strict_turns_a_warning_into_exit_1(warned: ProjectDir, run_main: RunMain) -> None:
    assert run_main(["validate", "--strict"], cwd=warned).exit_code == 1


def test_strict_reports_the_warning_as_an_error(warned: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate", "--strict", "--format", "json"], cwd=warned)
    (entry,) = json.loads(result.stdout)
    assert (entry["code"], entry["severity"]) == ("IDM045", "error")


def test_no_config_exits_2(tmp_path: Path, run_main: RunMain) -> None:
    result = run_main(["validate"], cwd=tmp_path)
    assert result.exit_code == 2
    text = " ".join(result.stderr.split())  # rich wraps long messages at 80 columns
    assert "no idmbook.yaml found" in text
    assert "create one with `idmbook init DIR`" in text


def test_config_not_utf8_exits_2(make_project: MakeProject, run_main: RunMain) -> None:
    project = make_project(
        {"idmbook.yaml": CONFIG.replace("Geneva 19", "Genève 19").encode("cp1252")}
    )
    result = run_main(["validate"], cwd=project)
    assert result.exit_code == 2
    assert "idmbook.yaml cannot be read" in result.stderr  # idmbook cannot run: stderr
    assert "0xe8" in result.stderr


def test_config_not_yaml_exits_2(make_project: MakeProject, run_main: RunMain) -> None:
    project = make_project({"idmbook.yaml": CONFIG.replace("title: Strengthening", "title: [x")})
    assert run_main(["validate"], cwd=project).exit_code == 2


def test_config_not_yaml_is_reported_with_its_position(
    make_project: MakeProject, run_main: RunMain
) -> None:
    project = make_project({"idmbook.yaml": CONFIG.replace("title: Strengthening", "title: [x")})
    result = run_main(["validate", "-f", "json"], cwd=project)
    assert [(d["code"], d["path"], d["line"], d["column"]) for d in json.loads(result.stdout)] == [
        ("IDM006", "idmbook.yaml", 3, 5)
    ]


def test_missing_file_argument_exits_2(project: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate", "chapters/notes/nothere.md"], cwd=project)
    assert result.exit_code == 2
    assert "nothere.md: no such file" in result.stderr


def test_real_process_exit_codes(project: ProjectDir, tmp_path: Path) -> None:
    """The console script's behaviour, process start included."""
    assert run_subprocess(["validate"], project).exit_code == 0
    assert run_subprocess(["validate"], tmp_path).exit_code == 2


def test_real_process_exit_code_on_errors(broken: ProjectDir) -> None:
    assert run_subprocess(["validate"], broken).exit_code == 1


def test_cli_runner_sees_the_same_diagnostics(broken: ProjectDir) -> None:
    result = run_cli_runner(["validate", "--format", "json"], cwd=broken.root)
    assert [d["code"] for d in json.loads(result.stdout)] == ["IDM022"]


# ----------------------------------------------------------------------------- formats


def test_json_format(broken: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate", "--format", "json"], cwd=broken)
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert [set(d) for d in data] == [
        {"code", "severity", "path", "line", "column", "message", "hint"}
    ]
    (entry,) = data
    assert entry == {
        "code": "IDM022",
        "severity": "error",
        "path": CASE_NOTE,
        "line": 4,
        "column": 10,
        "message": "session 'closng' is not on the agenda of workshop 'new-york'",
        "hint": "did you mean 'closing'? valid values: opening, sdg-targets, closing",
    }


def test_json_paths_are_relative_to_the_project_root_from_a_subfolder(
    make_project: MakeProject, run_main: RunMain
) -> None:
    project = make_project(
        {CASE_NOTE: note_text(session="closng"), NOTE_PATHS["new-york", "sdg-targets"]: None}
    )
    result = run_main(["validate", "-f", "json"], cwd=project.path("chapters/notes/geneva"))
    data = json.loads(result.stdout)
    assert {(d["path"], d["code"]) for d in data} == {
        (CASE_NOTE, "IDM022"),
        ("idmbook.yaml", "IDM040"),
    }
    assert all(not Path(d["path"]).is_absolute() for d in data)


def test_json_hint_is_null_when_absent(make_project: MakeProject, run_main: RunMain) -> None:
    project = make_project(
        {"contributions/x.md": contribution_text("X").replace("country: CA", "country: XX")}
    )
    (entry,) = json.loads(run_main(["validate", "-f", "json"], cwd=project).stdout)
    assert entry["code"] == "IDM026"
    assert entry["hint"] is None


def test_github_format(broken: ProjectDir, warned: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate", "--format", "github"], cwd=broken)
    assert result.stdout.splitlines() == [
        f"::error file={CASE_NOTE},line=4,col=10,title=IDM022::session 'closng' is not on the "
        "agenda of workshop 'new-york' (hint: did you mean 'closing'? valid values: opening, "
        "sdg-targets, closing)"
    ]
    warning = run_main(["validate", "--format", "github"], cwd=warned).stdout
    assert warning.startswith(f"::warning file={CASE_NOTE},line=6,col=1,title=IDM045::")


def test_github_actions_env_selects_annotations(broken: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate"], cwd=broken, GITHUB_ACTIONS="true")
    assert result.stdout.startswith(f"::error file={CASE_NOTE},line=4,col=10,title=IDM022::")
    assert "^" not in result.stdout


def test_default_format_outside_github_is_human(broken: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate"], cwd=broken)
    assert result.stderr == ""
    assert f"{CASE_NOTE}:4:10: error[IDM022]:" in result.stdout


def test_sarif_format(broken: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate", "--format", "sarif"], cwd=broken)
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0"
    assert "sarif" in doc["$schema"]
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "idmbook"
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    (res,) = run["results"]
    assert res["ruleId"] == "IDM022"
    assert res["level"] == "error"
    assert "closng" in res["message"]["text"]
    location = res["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == CASE_NOTE
    assert location["region"] == {"startLine": 4, "startColumn": 10}


def test_human_format_shows_the_line_and_a_caret(broken: ProjectDir, run_main: RunMain) -> None:
    lines = run_main(["validate", "--format", "human"], cwd=broken).stdout.splitlines()
    head = lines.index(
        f"{CASE_NOTE}:4:10: error[IDM022]: session 'closng' is not on the agenda of workshop "
        "'new-york'"
    )
    source, caret, hint = lines[head + 1 : head + 4]
    assert source == "    4 | session: closng"
    assert caret.startswith("      | ") and caret.rstrip().endswith(" ^")
    assert source[caret.index("^")] == "c"  # under the value, column 10
    assert (
        hint == "      = hint: did you mean 'closing'? valid values: opening, sdg-targets, closing"
    )
    assert lines[-1] == "1 error, 0 warnings, 0 info"


def test_human_format_caret_in_the_config(make_project: MakeProject, run_main: RunMain) -> None:
    project = make_project({NOTE_PATHS["geneva", "children"]: None})
    lines = run_main(["validate"], cwd=project).stdout.splitlines()
    line = CONFIG_SESSION_LINES["geneva", "children"]
    head = lines.index(
        f"idmbook.yaml:{line}:9: warning[IDM040]: session 'children' of workshop 'geneva' "
        "has no rapporteur note"
    )
    assert lines[head + 1] == f"{line:>5} |       - id: children"
    assert lines[head + 1][lines[head + 2].index("^") :].startswith("id: children")


def test_human_format_has_no_markup_leaks(make_project: MakeProject, run_main: RunMain) -> None:
    """Rich markup in a user's text is printed literally, never interpreted or dropped."""
    project = make_project({CASE_NOTE: note_text(session="closing", extra='"[bold]x[/bold]": 1\n')})
    stdout = run_main(["validate"], cwd=project).stdout
    assert "unknown key '[bold]x[/bold]'" in stdout
    assert '    8 | "[bold]x[/bold]": 1' in stdout


# ----------------------------------------------------------------------------- one file


def test_one_file_is_checked_against_the_config(
    make_project: MakeProject, run_main: RunMain
) -> None:
    project = make_project(
        {
            CASE_NOTE: note_text(session="closng"),
            NOTE_PATHS["new-york", "sdg-targets"]: None,  # the whole project would get IDM040
        }
    )
    result = run_main(["validate", "-f", "json", CASE_NOTE], cwd=project)
    data = json.loads(result.stdout)
    assert [(d["code"], d["path"], d["line"], d["column"]) for d in data] == [
        ("IDM022", CASE_NOTE, 4, 10)
    ]
    whole = json.loads(run_main(["validate", "-f", "json"], cwd=project).stdout)
    assert {d["code"] for d in whole} == {"IDM022", "IDM040"}


def test_one_file_by_absolute_path_from_elsewhere(
    make_project: MakeProject, run_main: RunMain, tmp_path: Path
) -> None:
    project = make_project(
        {
            CASE_NOTE: note_text(session="closng"),
            NOTE_PATHS["new-york", "sdg-targets"]: None,
        }
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_main(["validate", "-f", "json", str(project.path(CASE_NOTE))], cwd=elsewhere)
    assert [(d["code"], d["path"]) for d in json.loads(result.stdout)] == [("IDM022", CASE_NOTE)]


def test_one_clean_file(project: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate", "-f", "json", "contributions/montreal.md"], cwd=project)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_a_folder_validates_the_files_in_it(make_project: MakeProject, run_main: RunMain) -> None:
    project = make_project(
        {
            CASE_NOTE: note_text(session="closng"),
            "contributions/x.md": contribution_text("X", consent="false"),
        }
    )
    result = run_main(["validate", "-f", "json", "chapters/notes"], cwd=project)
    assert [d["code"] for d in json.loads(result.stdout)] == ["IDM022"]


# ----------------------------------------------------------------------------- rules, schema


def test_rules_lists_every_code(run_main: RunMain) -> None:
    result = run_main(["rules"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("IDM")]
    assert listed == list(RULES)
    assert "missing-alt-text (warning)" in result.stdout


def test_rules_json(run_main: RunMain) -> None:
    data = json.loads(run_main(["rules", "--format", "json"]).stdout)
    assert [r["code"] for r in data] == list(RULES)
    assert all(r["explanation"] and r["summary"] for r in data)
    assert {r["severity"] for r in data} == {"error", "warning", "info"}


def test_schema_writes_schemas_with_descriptions(tmp_path: Path, run_main: RunMain) -> None:
    out = tmp_path / "schemas"
    result = run_main(["schema", "--out", str(out)])
    assert result.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "chapter.schema.json",
        "contribution.schema.json",
        "idmbook-config.schema.json",
        "note.schema.json",
        "taxonomy.schema.json",
    ]
    note = json.loads((out / "note.schema.json").read_text("utf-8"))
    assert note["additionalProperties"] is False
    assert set(note["required"]) >= {"title", "workshop", "session", "rapporteur", "status"}
    for name, prop in note["properties"].items():
        assert prop.get("description"), f"note.{name} has no description"
    assert "rapporteur" in note["properties"]["rapporteur"]["description"].lower()
    config = json.loads((out / "idmbook-config.schema.json").read_text("utf-8"))
    session = config["$defs"]["Session"]["properties"]
    assert "note" in session["id"]["description"]
    assert all(p.get("description") for p in session.values())


def test_schema_in_a_project_lists_its_own_ids(
    project: ProjectDir, tmp_path: Path, run_main: RunMain
) -> None:
    """An editor completes the project's workshop, session and theme ids, with their titles;
    outside a project the ids are only shaped, not listed."""
    result = run_main(["schema", "--out", str(tmp_path / "mine")], cwd=project.root)
    assert result.exit_code == 0, result.stderr
    note = json.loads((tmp_path / "mine" / "note.schema.json").read_text("utf-8"))
    props = note["properties"]
    assert props["workshop"]["enum"] == ["new-york", "geneva"]
    assert {"opening", "sdg-targets", "children"} <= set(props["session"]["enum"])
    opening = props["session"]["enum"].index("opening")
    assert "(new-york)" in props["session"]["enumDescriptions"][opening]
    assert "(geneva)" in props["session"]["enumDescriptions"][opening]
    themes = props["themes"]["items"]
    assert {"rights-wellbeing", "nyd-k"} <= set(themes["enum"])
    assert len(themes["enum"]) == len(themes["enumDescriptions"])
    contribution = json.loads((tmp_path / "mine" / "contribution.schema.json").read_text("utf-8"))
    assert contribution["properties"]["workshop"]["enum"] == ["new-york", "geneva"]

    result = run_main(["schema", "--out", str(tmp_path / "any")], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    generic = json.loads((tmp_path / "any" / "note.schema.json").read_text("utf-8"))
    assert "enum" not in generic["properties"]["session"]
    assert generic["properties"]["session"]["pattern"]


# ----------------------------------------------------------------------------- no tracebacks

NO_TRACEBACK_CASES = {
    "clean": ["validate"],
    "errors": ["validate", "--format", "human"],
    "json": ["validate", "--format", "json"],
    "sarif": ["validate", "--format", "sarif"],
    "missing file": ["validate", "nothere.md"],
    "outside": ["validate", "/etc/hostname"],
    "rules": ["rules"],
    "bad format": pytest.param(["validate", "--format", "xml"]),
    "unknown command": pytest.param(["frobnicate"]),
    "unknown option": pytest.param(["validate", "--nope"]),
}


@pytest.mark.parametrize("args", NO_TRACEBACK_CASES.values(), ids=NO_TRACEBACK_CASES.keys())
def test_no_traceback(args: list[str], make_project: MakeProject) -> None:
    project = make_project(
        {
            CASE_NOTE: note_text(session="closng"),
            "contributions/bad.md": b"---\ntitle: caf\xe9\n---\n",
            "contributions/tag.md": "---\ntitle: !!python/object:os.system x\n---\n",
        }
    )
    result = run_subprocess(args, project)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.exit_code in (0, 1, 2)


def test_usage_error_exits_2(project: ProjectDir, run_main: RunMain) -> None:
    result = run_main(["validate", "--format", "xml"], cwd=project)
    assert result.exit_code == 2
    assert "xml" in result.stderr
