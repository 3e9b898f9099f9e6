"""idmbook.diagnostics: the Diagnostic record, the Report, and the four formatters."""

from __future__ import annotations

import json

import pytest

from idmbook.diagnostics import (
    Diagnostic,
    Report,
    Severity,
    format_github,
    format_human,
    format_json,
    format_sarif,
)
from idmbook.rules import RULES, diag

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def report(*diagnostics: Diagnostic, sources: dict[str, str] | None = None) -> Report:
    return Report(list(diagnostics), dict(sources or {}))


def test_every_rule_has_code_name_summary_and_explanation() -> None:
    assert list(RULES) == sorted(RULES)
    for code, rule in RULES.items():
        assert code == rule.code
        assert code.startswith("IDM") and len(code) == 6 and code[3:].isdigit()
        assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
        assert rule.summary.endswith(".")
        assert len(rule.explanation) > 30
    assert len({r.name for r in RULES.values()}) == len(RULES)


def test_diag_uses_the_rule_severity() -> None:
    assert diag("IDM050", "a.md", 1, 1, "m").severity is W
    assert diag("IDM044", "a.md", 0, 0, "m").severity is INFO
    assert diag("IDM050", "a.md", 1, 1, "m", severity=E).severity is E
    with pytest.raises(KeyError):
        diag("IDM999", "a.md", 1, 1, "m")


def test_as_dict_has_exactly_the_documented_keys() -> None:
    d = Diagnostic("IDM007", E, "a.md", 3, 1, "duplicate key 'x'", None)
    assert d.as_dict() == {
        "code": "IDM007",
        "severity": "error",
        "path": "a.md",
        "line": 3,
        "column": 1,
        "message": "duplicate key 'x'",
        "hint": None,
    }


def test_report_sorted_dedupes_and_orders() -> None:
    a = Diagnostic("IDM050", W, "b.md", 2, 5, "m")
    b = Diagnostic("IDM051", E, "b.md", 2, 5, "m")
    c = Diagnostic("IDM003", E, "a.md", 0, 0, "m")
    d = Diagnostic("IDM030", E, "b.md", 1, 9, "m")
    r = report(a, b, c, d, a)
    assert r.sorted() == [c, d, b, a]
    assert (r.count(E), r.count(W), r.count(INFO)) == (3, 2, 0)


def test_strict_promotes_warnings_only() -> None:
    r = report(
        Diagnostic("IDM050", W, "a.md", 1, 1, "w"),
        Diagnostic("IDM044", INFO, "idmbook.yaml", 0, 0, "i"),
    )
    assert not r.has_errors
    strict = r.strict()
    assert strict.has_errors
    assert [d.severity for d in strict.diagnostics] == [E, INFO]
    assert [d.severity for d in r.diagnostics] == [W, INFO]  # the original is unchanged
    assert strict.sources is r.sources


# ----------------------------------------------------------------------------- human


def test_human_location_source_caret_hint_and_summary() -> None:
    r = report(
        Diagnostic("IDM022", E, "n.md", 2, 10, "session 'closng' is unknown", "did you mean?"),
        Diagnostic("IDM044", INFO, "idmbook.yaml", 0, 0, "theme unused"),
        sources={
            "n.md": "---\nsession: closng\n---\n",
        },
    )
    assert format_human(r).split("\n") == [
        "idmbook.yaml: info[IDM044]: theme unused",
        "",
        "n.md:2:10: error[IDM022]: session 'closng' is unknown",
        "    2 | session: closng",
        "      |          ^",
        "      = hint: did you mean?",
        "",
        "1 error, 0 warnings, 1 info",
    ]


@pytest.mark.parametrize(
    ("source", "column", "under"),
    [
        ("\t![](x.png)", 2, "!"),
        ("\t\t![](x.png)", 3, "!"),
        ("a\tb ![](x.png)", 5, "!"),
        ("日本語 ![](y.png)", 5, "!"),
        ("café ![](z.png)", 6, "!"),
    ],
    ids=["tab", "two-tabs", "inner-tab", "cjk", "accent"],
)
def test_human_caret_is_under_the_column(source: str, column: int, under: str) -> None:
    from rich.cells import cell_len

    r = report(Diagnostic("IDM050", W, "n.md", 1, column, "m"), sources={"n.md": source + "\n"})
    shown, caret = format_human(r).split("\n")[1:3]
    prefix = shown[len("    1 | ") :]
    caret_cells = caret.index("^") - len("      | ")
    # the caret is as many terminal cells in as the text before the offending character
    before = prefix[: prefix.index(under)]
    assert caret_cells == cell_len(before)
    assert source.expandtabs(4) == prefix


def test_human_line_numbers_count_lf_only() -> None:
    """A form feed or U+2028 inside a line (pasted from Word) does not shift the lines."""
    text = "one\u2028still one\ntwo\x0cstill two\nthree\n"
    r = report(Diagnostic("IDM052", W, "n.md", 3, 1, "m"), sources={"n.md": text})
    assert format_human(r).split("\n")[1] == "    3 | three"


def test_human_without_source_or_past_the_end() -> None:
    r = report(
        Diagnostic("IDM001", E, "bin.md", 2, 9, "byte 0xe9 is not valid UTF-8"),
        Diagnostic("IDM030", E, "n.md", 99, 1, "missing"),
        sources={
            "n.md": "one line\n",
        },
    )
    out = format_human(r).split("\n")
    assert out[:2] == ["bin.md:2:9: error[IDM001]: byte 0xe9 is not valid UTF-8", ""]
    assert out[2:4] == ["n.md:99:1: error[IDM030]: missing", ""]


def test_human_long_lines_are_cut() -> None:
    r = report(Diagnostic("IDM052", W, "n.md", 1, 500, "m"), sources={"n.md": "x" * 1000})
    shown, caret = format_human(r).split("\n")[1:3]
    assert shown == "    1 | " + "x" * 200 + "…"
    assert caret.index("^") <= len(shown)


def test_human_summary_plurals() -> None:
    r = report(
        Diagnostic("IDM050", W, "a.md", 0, 0, "w"),
        Diagnostic("IDM050", W, "b.md", 0, 0, "w"),
        Diagnostic("IDM003", E, "c.md", 0, 0, "e"),
    )
    assert format_human(r).split("\n")[-1] == "1 error, 2 warnings, 0 info"


def test_human_colour_escapes_user_text() -> None:
    from rich.console import Console

    r = report(
        Diagnostic("IDM010", E, "[red]n.md", 1, 1, "unknown key '[bold]x[/bold]'", "[i]h[/i]"),
        sources={"[red]n.md": "[bold]x[/bold]: 1\n"},
    )
    console = Console(record=True, width=200, force_terminal=True, color_system=None)
    console.print(format_human(r, color=True), soft_wrap=True)
    text = console.export_text()
    assert "[red]n.md:1:1" in text
    assert "unknown key '[bold]x[/bold]'" in text
    assert "    1 | [bold]x[/bold]: 1" in text
    assert "hint: [i]h[/i]" in text


# ----------------------------------------------------------------------------- json


def test_json_is_a_sorted_list_with_exact_keys() -> None:
    r = report(
        Diagnostic("IDM050", W, "b.md", 1, 1, "no alt", "describe it"),
        Diagnostic("IDM003", E, "a.md", 0, 0, "empty"),
    )
    data = json.loads(format_json(r))
    assert [d["path"] for d in data] == ["a.md", "b.md"]
    for d in data:
        assert list(d) == ["code", "severity", "path", "line", "column", "message", "hint"]
    assert data[1]["hint"] == "describe it"
    assert json.loads(format_json(Report())) == []


def test_json_keeps_non_ascii() -> None:
    r = report(Diagnostic("IDM020", E, "contributions/méxico.md", 1, 1, "thème inconnu"))
    assert "méxico" in format_json(r)


# ----------------------------------------------------------------------------- github


def test_github_annotations() -> None:
    r = report(
        Diagnostic("IDM022", E, "a.md", 4, 10, "bad session", "did you mean 'opening'?"),
        Diagnostic("IDM050", W, "a.md", 9, 1, "no alt"),
        Diagnostic("IDM044", INFO, "idmbook.yaml", 0, 0, "unused"),
    )
    assert format_github(r).split("\n") == [
        "::error file=a.md,line=4,col=10,title=IDM022::bad session (hint: did you mean 'opening'?)",
        "::warning file=a.md,line=9,col=1,title=IDM050::no alt",
        "::notice file=idmbook.yaml,title=IDM044::unused",
    ]


def test_github_escapes_properties_and_data() -> None:
    r = report(Diagnostic("IDM010", E, "con,trib:x.md", 1, 1, "50% done\nnext\rline"))
    assert format_github(r) == (
        "::error file=con%2Ctrib%3Ax.md,line=1,col=1,title=IDM010::50%25 done%0Anext%0Dline"
    )


def test_github_empty_report_is_empty() -> None:
    assert format_github(Report()) == ""


# ----------------------------------------------------------------------------- sarif


def test_sarif_shape() -> None:
    r = report(
        Diagnostic("IDM051", E, "contributions/a b#1.md", 3, 7, "outside", "move it"),
        Diagnostic("IDM044", INFO, "idmbook.yaml", 0, 0, "unused"),
        Diagnostic("IDM050", W, "c.md", 2, 1, "no alt"),
    )
    doc = json.loads(format_sarif(r, list(RULES.values())))
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "idmbook"
    assert driver["version"]
    assert {r["id"] for r in driver["rules"]} == set(RULES)
    assert all(r["shortDescription"]["text"] for r in driver["rules"])
    # what code scanning shows on a rule's page: SARIF's reportingDescriptor, whose
    # multiformatMessageStrings require "text" and which allows no other keys than these
    allowed = {"id", "name", "shortDescription", "fullDescription", "help", "helpUri"}
    allowed |= {"defaultConfiguration", "messageStrings", "relationships", "properties"}
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    for code, rule in RULES.items():
        entry = by_id[code]
        assert set(entry) <= allowed
        assert entry["fullDescription"]["text"] == rule.explanation
        assert rule.explanation in entry["help"]["text"]
        assert entry["help"]["markdown"].startswith(f"**{code} {rule.name}**")
        assert entry["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert by_id["IDM043"]["defaultConfiguration"]["level"] == "warning"
    results = run["results"]
    assert [(x["ruleId"], x["level"]) for x in results] == [
        ("IDM050", "warning"),
        ("IDM051", "error"),
        ("IDM044", "note"),
    ]
    located = {x["ruleId"]: x["locations"][0]["physicalLocation"] for x in results}
    assert located["IDM051"]["artifactLocation"]["uri"] == "contributions/a%20b%231.md"
    assert located["IDM051"]["region"] == {"startLine": 3, "startColumn": 7}
    # SARIF lines and columns are 1-based: file-level diagnostics point at the start
    assert located["IDM044"]["region"] == {"startLine": 1, "startColumn": 1}
    assert results[1]["message"]["text"] == "outside Hint: move it"
