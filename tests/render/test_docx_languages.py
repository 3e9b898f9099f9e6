"""Every ``lang`` of the book's AST reaches the runs it covers, in the slot of its script, and
a right-to-left language sets its text right to left: read back from the real pandoc's DOCX.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from test_docx import TEMPLATES, make_meta, markdown_ast, tiny_png

from idmbook.render.docx import render_docx
from idmbook.render.docx.scripts import Special, language, special_runs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def langs(element: Any) -> set[tuple[tuple[str, str], ...]]:
    """The w:lang attributes of every run of text under ``element``."""
    found = set()
    for run in element.iter(f"{W}r"):
        if not text_of(run).strip():
            continue
        lang = run.find(f"{W}rPr/{W}lang")
        attrs = {} if lang is None else {k.split("}")[1]: v for k, v in lang.attrib.items()}
        found.add(tuple(sorted(attrs.items())))
    return found


def rendered(ast: dict[str, Any], **meta: Any) -> Any:
    return docx.Document(io.BytesIO(render_docx(ast, make_meta(**meta), TEMPLATES)))


def with_text(document: Any, text: str, tag: str = "p") -> Any:
    [found] = [e for e in document.element.body.iter(f"{W}{tag}") if text in text_of(e)]
    return found


# -- languages and scripts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "script", "rtl", "complex_script", "east_asian", "face"),
    [
        ("ar", "Arab", True, True, False, None),
        ("he", "Hebr", True, True, False, None),
        ("fa-IR", "Arab", True, True, False, None),
        ("pa-Arab", "Arab", True, True, False, None),
        ("pa", "Guru", False, True, False, None),
        ("hi", "Deva", False, True, False, None),
        ("zh-CN", "Hans", False, False, True, None),
        ("zh-TW", "Hant", False, False, True, "PMingLiU"),
        ("ja", "Jpan", False, False, True, "MS Mincho"),
        ("ko", "Kore", False, False, True, "Batang"),
        ("ru", "Cyrl", False, False, False, None),
        ("en-GB", "Latn", False, False, False, None),
        ("not a tag!", "Latn", False, False, False, None),
    ],
)
def test_a_language_tag_names_its_script_slot_and_direction(
    tag: str, script: str, rtl: bool, complex_script: bool, east_asian: bool, face: str | None
) -> None:
    info = language(tag)
    assert (info.script, info.rtl, info.complex_script, info.east_asian) == (
        script,
        rtl,
        complex_script,
        east_asian,
    )
    assert info.east_asian_font == face


def test_characters_no_style_font_has_are_set_apart() -> None:
    hindi = "नमस्ते दुनिया"
    text = f"Go \uf0b7 \U0001f44d\U0001f3fd\u2764\ufe0f ok \u2713\u2713 {hindi}! ไทย end"
    assert special_runs(text) == [
        ("Go ", None),
        ("\uf0b7", Special.SYMBOL_FONT),
        (" ", None),
        ("\U0001f44d\U0001f3fd\u2764\ufe0f", Special.EMOJI),
        (" ok ", None),
        ("\u2713\u2713", Special.SYMBOLS),
        (" ", None),
        (hindi, Special.INDIC),
        ("! ", None),
        ("ไทย", Special.SOUTHEAST_ASIAN),
        (" end", None),
    ]
    assert special_runs("Plain text, → ≤ ∑ «quoted»") == [("Plain text, → ≤ ∑ «quoted»", None)]


# -- lang where pandoc's writer does not read it -------------------------------------------------


def test_lang_of_headings_cells_figures_and_links_reaches_their_runs(tmp_path: Path) -> None:
    picture = tmp_path / "chart.png"
    picture.write_bytes(tiny_png())
    ast = markdown_ast(
        "# Titre du chapitre {lang=fr}\n\n"
        "See [le site](https://www.iom.int){lang=fr}.\n\n"
        "| Organisation | Country |\n|---|---|\n| Ville de Genève | Suisse |\n\n"
        "![Arrivées par mois](media/chart.png){#fig:arrivals}\n"
    )
    table = next(b for b in ast["blocks"] if b["t"] == "Table")
    row = table["c"][4][0][3][0]
    row[1][0][0][2].append(["lang", "fr"])  # the first cell of the body: a name in French
    figure = next(b for b in ast["blocks"] if b["t"] == "Figure")
    figure["c"][0][2].append(["lang", "fr"])
    document = rendered(ast, images={"media/chart.png": picture})
    french = {(("val", "fr"),)}
    [heading] = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert langs(heading._p) == french
    [entry] = [p for p in document.paragraphs if p.style.name == "toc 1"]
    assert entry.text == "Titre du chapitre\t" and langs(entry._p) == french
    assert langs(with_text(document, "Ville de Genève", "tc")) == french
    assert langs(with_text(document, "Suisse", "tc")) == {()}  # the other cell: the book's
    assert langs(with_text(document, "Arrivées par mois")) == french
    link = with_text(document, "le site")
    assert {text_of(r): r.find(f"{W}rPr/{W}lang") is not None for r in link.iter(f"{W}r")}[
        "le site"
    ]


def test_an_arabic_heading_and_its_contents_entry_run_right_to_left() -> None:
    ast = markdown_ast("::: {lang=ar}\n# الهجرة والتنمية\n\nنص الفصل.\n:::\n")
    document = rendered(ast)
    [heading] = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert heading._p.find(f"{W}pPr/{W}bidi") is not None
    [entry] = [p for p in document.paragraphs if p.style.name == "toc 1"]
    assert entry.text == "الهجرة والتنمية\t"  # the tab leads to the page number
    assert langs(entry._p) == {(("bidi", "ar"), ("val", "ar"))}
    runs = [r for r in entry._p.iter(f"{W}r") if text_of(r).strip()]
    assert runs and all(r.find(f"{W}rPr/{W}rtl") is not None for r in runs)
    body = with_text(document, "نص الفصل.")
    assert body.find(f"{W}pPr/{W}bidi") is not None
    assert body.find(f"{W}pPr/{W}pStyle").get(qn("w:val")) == "FirstParagraph"


def test_a_given_direction_wins_over_the_language() -> None:
    """Arabic written left to right on purpose (a transliteration table, say) stays so, and
    a passage in a left-to-right language ends a right-to-left one around it."""
    ast = markdown_ast(
        "[نص من اليسار]{lang=ar dir=ltr}\n\n"
        "::: {lang=ar}\nنص عربي [English words]{lang=en} ونص.\n\n[English alone]{lang=en}\n:::\n"
    )
    document = rendered(ast)
    ltr = with_text(document, "نص من اليسار")
    assert ltr.find(f"{W}pPr/{W}bidi") is None
    assert not list(ltr.iter(f"{W}rtl"))
    mixed = with_text(document, "English words")
    assert mixed.find(f"{W}pPr/{W}bidi") is not None  # the paragraph is Arabic
    english = [r for r in mixed.iter(f"{W}r") if text_of(r) == "English words"]
    assert english and english[0].find(f"{W}rPr/{W}rtl") is None
    alone = with_text(document, "English alone")
    assert alone.find(f"{W}pPr/{W}bidi") is None


def test_japanese_and_korean_passages_get_their_own_faces() -> None:
    ast = markdown_ast("[日本語の文章]{lang=ja} and [한국어 문장]{lang=ko} and [中文]{lang=zh}.\n")
    document = rendered(ast)
    paragraph = with_text(document, "日本語")
    faces = {}
    for run in paragraph.iter(f"{W}r"):
        fonts = run.find(f"{W}rPr/{W}rFonts")
        if text_of(run).strip() and fonts is not None:
            faces[text_of(run)] = (fonts.get(qn("w:eastAsia")), fonts.get(qn("w:hint")))
    assert faces["日本語の文章"] == ("MS Mincho", "eastAsia")
    assert faces["한국어 문장"] == ("Batang", "eastAsia")
    assert faces["中文"] == (None, "eastAsia")  # the styles' SimSun
    assert langs(paragraph) >= {
        (("eastAsia", "ja"), ("val", "ja")),
        (("eastAsia", "ko"), ("val", "ko")),
        (("eastAsia", "zh"), ("val", "zh")),
    }


def test_the_book_language_fills_the_slot_of_its_script() -> None:
    ast = markdown_ast("# الفصل\n\nنص.\n")
    document = rendered(ast, language="ar")
    lang = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert (lang.get(qn("w:val")), lang.get(qn("w:bidi"))) == ("ar", "ar")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"  # Word's default stays in the other slot
    theme = document.settings.element.find(f"{W}themeFontLang")
    assert theme.get(qn("w:bidi")) == "ar"
