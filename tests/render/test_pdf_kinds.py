"""Every kind of block and inline pandoc can give the PDF, in every script, read back.

One document holds each construct of pandoc's AST that a Markdown source or an ingested file can
produce, text in the six UN languages and in Hebrew and Devanagari, emoji and symbols, a table
and a list and a definition long enough to cross pages. It is typeset once as a final edition
and once as a draft; each test checks one thing in what poppler's pdftotext and pypdf read from
the PDF (the text, where it is on the page, the tagged structure and its languages).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pdf_reading import Element, Tagged, flat, language_of, page_size, pdftotext, tagged, words

from idmbook.pandoc.run import run_pandoc
from idmbook.render.meta import BookMeta
from idmbook.render.pdf import render_pdf, render_typst_source, text_direction

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

ROWS = 70
ITEMS = 90
SENTENCES = 300
ARABIC = "تعزيز التعاون الدولي في مجال الهجرة"
HEBREW = "שיתוף פעולה בינלאומי"
CHINESE = "加强国际移民合作与治理"
RUSSIAN = "Укрепление международного сотрудничества"
HINDI = "अंतर्राष्ट्रीय प्रवासन"
GREEK = "Διεθνής συνεργασία"
FRENCH_NOTE = "Une note écrite en français."
SPANISH_NOTE = "Una nota escrita en español."

KINDS_MD = (
    f"""
# Inlines

Plain *emphasis*, **strong**, [small capitals]{{.smallcaps}}, "double quotes" and 'single
quotes', [underlined]{{.underline}}, ~~struck out~~, H~2~O and E = mc^2^, inline `code(x)`,
a link <https://www.iom.int>, and [un passage en français]{{lang=fr}}.

Inline math $E = mc^2$ and a display equation:

$$\\int_0^1 x^2 \\, dx = \\frac{{1}}{{3}}$$

# Blocks

Above the rule.

* * *

Below the rule.

Term alpha
:   Definition alpha.

Term beta
:   Definition beta, first paragraph.

    Definition beta, second paragraph.

| First line of the verse
|     indented second line
| third line

> Outer quotation.
>
> > Inner quotation.

```python
print("code block")
```

iv. roman four
v.  roman five

(c) letter c
(d) letter d

7) seven
8) eight

IX. nine
X.  ten

::: {{#anchored-div}}
Text of an anchored div.
:::

# Tables

| Head with note[^h] | Second |
|---|---|
| Cell with note[^c] | two |

: A caption with a note[^t]

+--------------------------+-------------------------+
| Grid left                | Grid right              |
+==========================+=========================+
| - first in cell          | First paragraph.        |
| - second in cell[^l]     |                         |
|                          | Second paragraph.       |
+--------------------------+-------------------------+

[^h]: Note of a header cell.
[^c]: Note of a body cell.
[^t]: Note of a caption.
[^l]: Note of a list item in a cell.

# Scripts

::: {{lang=ar}}
{ARABIC} (2017).
:::

::: {{lang=he}}
{HEBREW}.
:::

::: {{dir=rtl}}
{ARABIC} بدون لغة.
:::

::: {{lang=zh}}
{CHINESE}。
:::

Russian: {RUSSIAN}. Hindi: [{HINDI}]{{lang=hi}}. Greek: {GREEK}.
Emoji 📖 🌍 and symbols ✓ ★ → ⚠ € ₹.

A private-use character \uf0f0 left by a Symbol font; in code `\uf0a7` and in raw
markup `<i>\uf0a7</i>`{{=html}}.

::: {{lang=fr}}
Un paragraphe français.[^fr]
:::

::: {{lang=es}}
Un párrafo español.[^es]
:::

[^fr]: {FRENCH_NOTE}
[^es]: {SPANISH_NOTE}

# Long table

| Row | Value | Comment |
|-----|-------|---------|
"""
    + "".join(
        f"| Row {n} | value {n} | a comment long enough to take a line {n} |\n" for n in range(ROWS)
    )
    + """
: A table longer than a page

# Long list

"""
    + "".join(f"{n}. List item number {n} of the long list.\n" for n in range(1, ITEMS + 1))
    + """

# Long definition

Long term
:   """
    + " ".join(f"Sentence {n} of the definition." for n in range(SENTENCES))
    + "\n"
)


def ast_of(markdown: str) -> dict[str, Any]:
    args = ["-f", "markdown-citations+tex_math_dollars", "-t", "json"]
    result: dict[str, Any] = json.loads(run_pandoc(args, markdown.encode()))
    return result


@pytest.fixture(scope="module")
def meta() -> BookMeta:
    return BookMeta(
        title="Every kind 📖",
        subtitle=None,
        series_line="International Dialogue on Migration No. 27",
        publisher="International Organization for Migration",
        year=2017,
        language="en",
        author="IOM",
        subject="A test of every construct",
        keywords=("test",),
        imprint=("An imprint.",),
        running_header="Every kind",
        timestamp=1512086400,
    )


@pytest.fixture(scope="module")
def kinds_ast() -> dict[str, Any]:
    return ast_of(KINDS_MD)


@pytest.fixture(scope="module")
def final(kinds_ast: dict[str, Any], meta: BookMeta) -> bytes:
    return render_pdf(kinds_ast, meta, TEMPLATES)


@pytest.fixture(scope="module")
def draft(kinds_ast: dict[str, Any], meta: BookMeta) -> bytes:
    draft_meta = dataclasses.replace(meta, draft=True, watermark="DRAFT", footer_note="v0.3")
    return render_pdf(kinds_ast, draft_meta, TEMPLATES)


@pytest.fixture(scope="module")
def text(final: bytes) -> str:
    return pdftotext(final)


@pytest.fixture(scope="module")
def structure(final: bytes) -> Tagged:
    return tagged(final)


def pages_of(pdf: bytes) -> list[str]:
    return pdftotext(pdf).split("\f")


def body_text(pdf: bytes) -> str:
    """The text of the body's pages without their running header and page number."""
    kept = []
    for page in pages_of(pdf)[3:]:
        lines = [line for line in page.splitlines() if line.strip()]
        if lines and lines[0] == "Every kind":
            lines = lines[1:]
        if lines and lines[-1].isdigit():
            lines = lines[:-1]
        kept.append("\n".join(lines))
    return "\n".join(kept)


# ---------------------------------------------------------------- inlines


def test_inline_kinds_are_printed(text: str) -> None:
    body = flat(text)
    for shown in (
        "Plain emphasis, strong, small capitals, “double quotes” and ‘single quotes’",
        "underlined, struck out, H2O and E = mc2, inline code(x)",
        "a link https://www.iom.int, and un passage en français.",
    ):
        assert shown in body


def test_equations_are_set_as_math_with_their_tex_as_alt_text(text: str, structure: Tagged) -> None:
    formulas = structure.elements("Formula")
    assert [str(f.attributes.get("/Alt")) for f in formulas] == [
        "E = mc^2",
        "\\int_0^1 x^2 \\, dx = \\frac{1}{3}",
    ]
    assert "\\frac" not in text and "$" not in text, "no equation is printed as TeX"
    assert "∫" in text


def test_a_span_in_another_language_is_tagged_with_it(structure: Tagged) -> None:
    paragraph = next(p for p in structure.elements("P") if "un passage en français" in p.text)
    assert language_of(paragraph, "un passage en français") == "fr"
    assert language_of(paragraph, "Plain") == "en"


# ---------------------------------------------------------------- blocks


def test_block_kinds_are_printed_in_order(text: str) -> None:
    body = flat(text)
    order = [
        "Above the rule. Below the rule.",
        "Term alpha Definition alpha.",
        "Term beta Definition beta, first paragraph. Definition beta, second paragraph.",
        "First line of the verse indented second line third line",
        "Outer quotation. Inner quotation.",
        'print("code block")',
        "iv. roman four v. roman five",
        "(c) letter c (d) letter d",
        "7) seven 8) eight",
        "IX. nine X. ten",
        "Text of an anchored div.",
    ]
    positions = [body.find(shown) for shown in order]
    assert -1 not in positions, [s for s, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_a_line_block_keeps_its_lines_and_indent(final: bytes) -> None:
    found = words(final)
    start = next(i for i, w in enumerate(found) if w.text == "verse")
    lines = {w.text: w for w in found[start - 4 : start + 5]}
    assert lines["First"].y_max < lines["indented"].y_max < lines["third"].y_max
    assert lines["indented"].x_min > lines["First"].x_min + 5, "the second line is indented"
    assert abs(lines["third"].x_min - lines["First"].x_min) < 1


def test_horizontal_rule_is_drawn_by_the_template(
    kinds_ast: dict[str, Any], meta: BookMeta
) -> None:
    source = render_typst_source(kinds_ast, meta, TEMPLATES)
    assert "<idm-rule>" in source
    assert "#horizontalrule" not in source


def test_nested_quotations_are_nested_in_the_structure(structure: Tagged) -> None:
    inner = [q for q in structure.elements("BlockQuote") if "BlockQuote" in q.parents]
    assert [q.text for q in inner] == ["Inner quotation."]


def test_definition_lists_and_lists_are_tagged_as_lists(structure: Tagged) -> None:
    lists = [e.text for e in structure.elements("L")]
    assert any(t.startswith("Term alpha Definition alpha.") for t in lists)
    assert any(t.startswith("iv. roman four") for t in lists)


# ---------------------------------------------------------------- tables


def test_notes_in_cells_and_captions_are_notes(text: str, structure: Tagged) -> None:
    body = flat(text)
    for note in (
        "Note of a header cell.",
        "Note of a body cell.",
        "Note of a caption.",
        "Note of a list item in a cell.",
    ):
        assert note in body
        assert any(note in n.text for n in structure.elements("Note")), note
    assert "[^" not in body
    assert "Cell with note" in body and "second in cell" in body


def test_a_cell_keeps_its_list_and_paragraphs(structure: Tagged) -> None:
    cells = [c for c in structure.elements("TD") if "first in cell" in c.text]
    assert len(cells) == 1
    assert any(child.kind == "L" for child in cells[0].walk())
    right = next(c for c in structure.elements("TD") if "First paragraph." in c.text)
    assert [p.text for p in right.walk() if p.kind == "P"] == [
        "First paragraph.",
        "Second paragraph.",
    ]


def test_a_long_table_breaks_across_pages_with_its_header_repeated(final: bytes) -> None:
    pages = pages_of(final)
    holding = [i for i, page in enumerate(pages) if re.search(r"^Row \d+$", page, re.M)]
    assert len(holding) >= 2, "the table crosses a page"
    rows = {int(m) for page in pages for m in re.findall(r"^Row (\d+)$", page, re.M)}
    assert rows == set(range(ROWS)), "every row is printed"
    for index in holding:
        assert re.search(r"^Row\nValue\nComment$", pages[index], re.M) or (
            "Row Value Comment" in flat(pages[index])
        ), f"page {index} repeats the header"


def test_nothing_is_drawn_over_the_footer(final: bytes) -> None:
    """Below the bottom margin (30 mm) of the body's pages only the page number starts (the
    descenders of the last line of notes may reach into the margin)."""
    _, height = page_size(final)
    bottom = height - 30 / 25.4 * 72
    every = words(final)
    back_cover = max(w.page for w in every)  # the last page, drawn to its edges
    body = [w for w in every if 3 <= w.page < back_cover]
    assert max(w.page for w in body) >= 8
    for word in body:
        if word.y_min > bottom:
            assert re.fullmatch(r"\d+|[ivx]+", word.text), (word.page, word.text)


# ---------------------------------------------------------------- lists across pages


def test_a_list_crossing_pages_keeps_every_item(final: bytes, draft: bytes) -> None:
    for pdf_text in (body_text(final), body_text(draft)):
        numbers = re.findall(r"List item number (\d+) of the long list", flat(pdf_text))
        assert [int(n) for n in numbers] == list(range(1, ITEMS + 1))


def test_a_definition_longer_than_a_page_is_printed_whole(final: bytes) -> None:
    numbers = re.findall(r"Sentence (\d+) of", flat(body_text(final)))
    assert [int(n) for n in numbers] == list(range(SENTENCES))


def test_lists_hold_only_list_items(structure: Tagged) -> None:
    """PDF/UA: an L element holds LI elements (and a caption), never text directly."""
    for element in structure.elements("L"):
        assert set(element.kids) <= {"LI", "Caption"}, (element.kids, element.text[:60])


# ---------------------------------------------------------------- the draft watermark


def test_the_watermark_is_an_artifact_outside_the_structure(draft: bytes, final: bytes) -> None:
    marked = tagged(draft)
    assert marked.artifacts.count("DRAFT") == len(pages_of(draft)) - 1
    assert all("DRAFT" not in e.text for e in marked.elements())
    assert marked.untagged == []
    plain = tagged(final)
    assert "DRAFT" not in plain.artifacts
    draft_paragraphs = [e.text for e in marked.elements("P") if e.text != "v0.3"]
    assert draft_paragraphs == [e.text for e in plain.elements("P")], "the cover's note aside"


# ---------------------------------------------------------------- scripts and fonts


def test_every_script_is_printed(text: str) -> None:
    body = flat(text)
    for shown in (CHINESE, RUSSIAN, GREEK, HEBREW.split()[0], "📖", "🌍", "✓", "★", "→", "€"):
        assert shown in body, shown
    assert ARABIC in body, "Arabic reads back letter for letter (set in Amiri)"
    assert HINDI in body


def test_script_fonts_are_embedded(final: bytes) -> None:
    fonts = pdftotext_fonts(final)
    for family in ("LibertinusSerif", "Amiri", "NotoSansCJK", "NotoSansDevanagari"):
        assert any(family in name for name in fonts), (family, fonts)
    assert any("NotoEmoji" in name or "NotoSansSymbols" in name for name in fonts)


def pdftotext_fonts(pdf: bytes) -> list[str]:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        listing = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, check=True, text=True
        ).stdout
    return [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]


def test_right_to_left_paragraphs_are_set_right_to_left(final: bytes) -> None:
    """The Arabic, Hebrew and direction-only paragraphs (each shorter than a line) end at the
    right margin; the next paragraph, in Russian, starts at the left one."""
    width, _ = page_size(final)
    left, right = 24 / 25.4 * 72, width - 24 / 25.4 * 72
    found = words(final)
    russian = next(w for w in found if w.text == "Russian:")
    assert abs(russian.x_min - left) < 1
    rtl = sorted(
        (w for w in found if re.search("[\u0590-\u06ff]", w.text)), key=lambda w: (w.page, w.y_max)
    )
    lines: list[list[Any]] = []
    for word in rtl:
        if lines and word.page == lines[-1][0].page and word.y_max - lines[-1][-1].y_max < 6:
            lines[-1].append(word)
        else:
            lines.append([word])
    assert len(lines) == 3, [[w.text for w in line] for line in lines]
    for line in lines:
        assert abs(max(w.x_max for w in line) - right) < 1, "it starts at the right margin"
        assert min(w.x_min for w in line) > left + 100, "and stops short of the left one"


def test_a_character_no_font_has_is_printed_as_its_code_point(text: str) -> None:
    assert (
        "A private-use character U+F0F0 left by a Symbol font; in code \ufffd and in raw "
        "markup <i>\ufffd</i>." in flat(text)
    )


def test_the_title_with_an_emoji_reaches_the_cover_and_metadata(final: bytes) -> None:
    assert "Every kind 📖" in flat(pages_of(final)[0])


# ---------------------------------------------------------------- languages


def test_notes_carry_the_language_of_their_passage(structure: Tagged) -> None:
    def note(text: str) -> Element:
        return next(n for n in structure.elements("Note") if text in n.text)

    assert language_of(note(FRENCH_NOTE), FRENCH_NOTE) == "fr"
    assert language_of(note(SPANISH_NOTE), SPANISH_NOTE) == "es"
    assert language_of(note("Note of a body cell."), "Note of a body cell.") == "en"


def test_passages_carry_their_language(structure: Tagged) -> None:
    expected = {
        "Un paragraphe français.": "fr",
        "Un párrafo español.": "es",
        CHINESE: "zh",
        HEBREW.split()[0]: "he",
    }
    for shown, lang in expected.items():
        paragraph = next(p for p in structure.elements("P") if shown in p.text)
        assert language_of(paragraph, shown) == lang, shown


@pytest.mark.parametrize(
    ("tag", "direction"),
    [
        ("ar", "rtl"),
        ("he-IL", "rtl"),
        ("fa", "rtl"),
        ("ur", "rtl"),
        ("ckb", "rtl"),
        ("ku-Arab", "rtl"),
        ("pa", "ltr"),
        ("pa-Arab", "rtl"),
        ("az-Latn", "ltr"),
        ("en", "ltr"),
        ("zh-Hans", "ltr"),
        ("not a tag", "ltr"),
    ],
)
def test_text_direction(tag: str, direction: str) -> None:
    assert text_direction(tag) == direction


# ---------------------------------------------------------------- reproducibility


def test_the_same_input_gives_the_same_bytes(
    final: bytes, kinds_ast: dict[str, Any], meta: BookMeta
) -> None:
    assert render_pdf(kinds_ast, meta, TEMPLATES) == final


# ---------------------------------------------------------------- what ingested files bring


NESTED_HTML = """<h1>Nested</h1>
<table><tr><th>Outer A</th><th>Outer B</th></tr>
<tr><td><table><tr><th>Inner head</th></tr><tr><td>Inner cell</td></tr></table></td>
<td>Right <ol start="3" type="i"><li>three</li><li>four</li></ol></td></tr>
<tr><td colspan="2">Spanning both</td></tr>
<tr><td rowspan="2">Tall</td><td>first</td></tr><tr><td>second</td></tr></table>"""


def test_a_table_in_a_cell_and_spanning_cells(meta: BookMeta) -> None:
    """An HTML submission's table: a table in a cell, a list in a cell, cells spanning columns
    and rows."""
    ast = json.loads(run_pandoc(["-f", "html", "-t", "json"], NESTED_HTML.encode()))
    pdf = render_pdf(ast, meta, TEMPLATES)
    cells = tagged(pdf).elements("TD")
    inner = next(c for c in cells if c.text == "Inner head Inner cell")
    assert [e.kind for e in inner.walk()].count("Table") == 1
    assert any(c.text == "Right iii. three iv. four" for c in cells)
    spanning = next(c for c in cells if c.text == "Spanning both")
    given = spanning.attributes.get("/A")
    owners = [a.get_object() for a in given] if isinstance(given, list) else [given]
    assert [int(a["/ColSpan"]) for a in owners if a and "/ColSpan" in a] == [2]
    assert "Tall first second" in flat(pdftotext(pdf))
