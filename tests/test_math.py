"""Equations written $...$ in a submitted text are math in every edition, and an equation past
the limits is its TeX source, printed as code."""

from __future__ import annotations

import io
import subprocess
import zipfile
from collections.abc import Callable

from conftest import ProjectDir, contribution_text

from idmbook.commands.build import BuildOptions, build


def test_equations_are_math_in_every_format_and_refused_ones_are_code(
    make_project: Callable[..., ProjectDir],
) -> None:
    body = (
        "\nThe share is $\\frac{a}{b} + 17$ and\n\n$$\\sum_{i=1}^{n} x_i = 42$$\n\n"
        "A refused one: $\\newcommand{\\q}{zz}\\q$.\n"
    )
    project = make_project({"contributions/math.md": contribution_text("Math Org", body=body)})
    result = build(project.root, BuildOptions(formats=("docx", "pdf", "html")))
    assert [d.code for d in result.report.diagnostics] == ["IDM073"]

    with zipfile.ZipFile(io.BytesIO(result.outputs["docx"].read_bytes())) as docx:
        document = docx.read("word/document.xml").decode()
    assert document.count("<m:oMath>") == 2 and "<m:f>" in document, "a fraction, in OMML"
    assert "\\newcommand{\\q}{zz}\\q" in document and "<m:t>zz" not in document

    page = result.outputs["html"].read_text("utf-8")
    assert page.count("<math") == 2 and "<mfrac>" in page
    assert "<code>\\newcommand{\\q}{zz}\\q</code>" in page

    pdf = subprocess.run(
        ["pdftotext", str(result.outputs["pdf"]), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = "".join(pdf.split())
    assert "17" in text and "42" in text
    assert "\\newcommand{\\q}{zz}\\q" in text and "zzzz" not in text
