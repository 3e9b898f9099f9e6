"""The Word edition of a book in many scripts and both directions, read back.

A project in ``tmp_path`` whose contributions mix the six United Nations languages, Hebrew,
Hindi, emoji and a character typed in Word's Symbol font (one in English with passages in
each, one in Arabic with a table and notes) is built with the real pipeline. The DOCX is read
back with python-docx/lxml (each script's text, its language slot, its font, its direction)
and converted by LibreOffice, whose PDF must show each script's text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import DEFAULT_FILES, contribution_text
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from idmbook.commands.build import BuildOptions, build

pytestmark = pytest.mark.slow

FRENCH = 'Les migrants contribuent au "développement durable".'
SPANISH = 'Los migrantes contribuyen al "desarrollo sostenible".'
RUSSIAN = 'Мигранты вносят вклад в "устойчивое развитие".'
QUOTED = {
    FRENCH: "Les migrants contribuent au «\u00a0développement durable\u00a0».",
    SPANISH: "Los migrantes contribuyen al «desarrollo sostenible».",
    RUSSIAN: "Мигранты вносят вклад в «устойчивое развитие».",
}
"""The passages with their quotation marks as the DOCX sets them."""
CHINESE = "移民为可持续发展作出贡献。"
ARABIC = "يساهم المهاجرون في التنمية المستدامة."
HEBREW = "המהגרים תורמים לפיתוח בר קיימא."
HINDI = "प्रवासी सतत विकास में योगदान देते हैं।"
EMOJI = "🌍🤝"
SYMBOL = "\uf0b7"  # a bullet typed in Word's Symbol font
ARABIC_NOTE = "حاشية في خلية الجدول."
ENGLISH_IN_ARABIC = "The Global Compact for Migration"

MIXED = f"""
The International Dialogue on Migration met in six languages.

[{FRENCH}]{{lang=fr}}[^fr]

[^fr]: [Note en français.]{{lang=fr}}

[{SPANISH}]{{lang=es}}

[{RUSSIAN}]{{lang=ru}}

[{CHINESE}]{{lang=zh-CN}}

[{ARABIC}]{{lang=ar}}

[{HEBREW}]{{lang=he dir=rtl}}

Hindi: [{HINDI}]{{lang=hi}} Emoji: {EMOJI} and a symbol: {SYMBOL} bullet.
"""

IN_ARABIC = f"""
مقدمة المساهمة باللغة العربية.[^1]

| البلد | عدد المشاركين |
|-------|---------------|
| مصر[^2] | ثلاثمائة |

[{ENGLISH_IN_ARABIC}]{{lang=en}}

[^1]: حاشية باللغة العربية.
[^2]: {ARABIC_NOTE}
"""

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scripts")
    files = {
        **DEFAULT_FILES,
        "contributions/montreal.md": contribution_text(body=MIXED),
        "contributions/cairo.md": contribution_text("City of Cairo", body=IN_ARABIC)
        .replace("language: en", "language: ar")
        .replace("country: CA", "country: EG"),
    }
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(content), "utf-8")
    result = build(root, BuildOptions(formats=("docx",), cache=False))
    assert not result.report.has_errors
    return result.outputs["docx"]


@pytest.fixture(scope="module")
def document(built: Path) -> Any:
    return docx.Document(str(built))


@pytest.fixture(scope="module")
def footnotes(built: Path) -> Any:
    with zipfile.ZipFile(built) as package:
        return parse_xml(package.read("word/footnotes.xml"))


def paragraph_with(document: Any, text: str) -> Any:
    """The one body paragraph (tables included) whose text contains ``text``."""
    found = [p for p in document.element.body.iter(f"{W}p") if text in _text(p)]
    assert len(found) == 1, f"{len(found)} paragraphs contain {text!r}"
    return found[0]


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def runs_with(paragraph: Any, text: str) -> list[Any]:
    """The runs of ``paragraph`` whose text is part of ``text`` (and not blank)."""
    return [
        r
        for r in paragraph.iter(f"{W}r")
        if _text(r).strip() and _text(r).strip() in text and r.find(f"{W}t") is not None
    ]


def lang_of(run: Any) -> dict[str, str]:
    lang = run.find(f"{W}rPr/{W}lang")
    return {} if lang is None else {k.split("}")[1]: v for k, v in lang.attrib.items()}


def fonts_of(run: Any) -> dict[str, str]:
    fonts = run.find(f"{W}rPr/{W}rFonts")
    return {} if fonts is None else {k.split("}")[1]: v for k, v in fonts.attrib.items()}


def effective_font(document: Any, paragraph: Any, run: Any, slot: str) -> str | None:
    """The font of ``slot`` for ``run``: its own, its paragraph style's (and their bases'), or
    the document default."""
    own = fonts_of(run).get(slot)
    if own:
        return own
    styles = document.styles.element
    style_id = paragraph.find(f"{W}pPr/{W}pStyle")
    style = None if style_id is None else styles.get_by_id(style_id.get(qn("w:val")))
    while style is not None:
        fonts = style.find(f"{W}rPr/{W}rFonts")
        if fonts is not None and fonts.get(qn(f"w:{slot}")):
            return str(fonts.get(qn(f"w:{slot}")))
        base = style.find(f"{W}basedOn")
        style = None if base is None else styles.get_by_id(base.get(qn("w:val")))
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    return None if default is None else default.get(qn(f"w:{slot}"))


def is_rtl(paragraph: Any) -> bool:
    return paragraph.find(f"{W}pPr/{W}bidi") is not None


# -- python-docx --------------------------------------------------------------------------------


def printed(passage: str) -> str:
    return QUOTED.get(passage, passage)


@pytest.mark.parametrize(
    ("passage", "lang"),
    [
        (FRENCH, {"val": "fr"}),
        (SPANISH, {"val": "es"}),
        (RUSSIAN, {"val": "ru"}),
        (CHINESE, {"val": "zh-CN", "eastAsia": "zh-CN"}),
        (ARABIC, {"val": "ar", "bidi": "ar"}),
        (HEBREW, {"val": "he", "bidi": "he"}),
        (HINDI, {"val": "hi", "bidi": "hi"}),
    ],
)
def test_each_passage_is_in_the_docx_tagged_in_the_slot_of_its_script(
    document: Any, passage: str, lang: dict[str, str]
) -> None:
    """Its text (with the quotation marks of its language), and its language in the slot
    Word reads for its script: w:val for Latin and Cyrillic, w:eastAsia for Chinese, w:bidi
    for Arabic, Hebrew and Devanagari."""
    text = printed(passage)
    paragraph = paragraph_with(document, text)
    runs = runs_with(paragraph, text)
    assert text in _text(paragraph)
    assert runs and "".join(_text(r) for r in runs).replace(" ", "") == text.replace(" ", "")
    for run in runs:
        assert lang_of(run) == lang


@pytest.mark.parametrize("passage", [ARABIC, HEBREW])
def test_right_to_left_paragraphs_and_runs(document: Any, passage: str) -> None:
    """A Span holding a whole paragraph, with dir (Hebrew) or only lang (Arabic), makes it
    right to left; the English paragraphs around stay left to right."""
    paragraph = paragraph_with(document, passage)
    assert is_rtl(paragraph)
    assert all(r.find(f"{W}rPr/{W}rtl") is not None for r in runs_with(paragraph, passage))
    assert not is_rtl(paragraph_with(document, "met in six languages"))
    assert not is_rtl(paragraph_with(document, printed(FRENCH)))
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    assert style is not None and style.get(qn("w:val")) == "BodyText"


def test_east_asian_text_has_an_east_asian_font(document: Any) -> None:
    paragraph = paragraph_with(document, CHINESE)
    [run] = runs_with(paragraph, CHINESE)
    assert fonts_of(run).get("hint") == "eastAsia"
    assert effective_font(document, paragraph, run, "eastAsia") == "SimSun"
    assert effective_font(document, paragraph, run, "ascii") == "Cambria"
    assert effective_font(document, paragraph, run, "cs") == "Times New Roman"


def test_hindi_emoji_and_symbol_font_characters_get_fonts_that_have_them(document: Any) -> None:
    paragraph = paragraph_with(document, HINDI)
    [hindi] = runs_with(paragraph, HINDI)
    assert fonts_of(hindi)["cs"] == "Nirmala UI"
    assert hindi.find(f"{W}rPr/{W}cs") is not None
    [emoji] = [r for r in paragraph.iter(f"{W}r") if _text(r) == EMOJI]
    assert {fonts_of(emoji)[slot] for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Segoe UI Emoji"
    }
    [symbol] = [r for r in paragraph.iter(f"{W}r") if _text(r) == SYMBOL]
    assert fonts_of(symbol)["ascii"] == fonts_of(symbol)["hAnsi"] == "Symbol"
    assert _text(paragraph).endswith(f"Emoji: {EMOJI} and a symbol: {SYMBOL} bullet.")


def test_an_arabic_text_runs_right_to_left_with_its_table_and_notes(
    document: Any, footnotes: Any
) -> None:
    opening = paragraph_with(document, "مقدمة المساهمة")
    assert is_rtl(opening)
    assert {lang_of(r).get("bidi") for r in runs_with(opening, _text(opening))} == {"ar"}
    [table] = [t for t in document.element.body.iter(f"{W}tbl") if "البلد" in _text(t)]
    assert table.find(f"{W}tblPr/{W}bidiVisual") is not None
    cell = next(c for c in table.iter(f"{W}tc") if "مصر" in _text(c))
    [reference] = list(cell.iter(f"{W}footnoteReference"))
    [note] = [
        n for n in footnotes.iter(f"{W}footnote") if n.get(qn("w:id")) == reference.get(qn("w:id"))
    ]
    assert _text(note).strip() == ARABIC_NOTE
    note_paragraph = note.find(f"{W}p")
    assert is_rtl(note_paragraph)
    assert {lang_of(r).get("bidi") for r in runs_with(note_paragraph, ARABIC_NOTE)} == {"ar"}
    english = paragraph_with(document, ENGLISH_IN_ARABIC)
    assert not is_rtl(english)  # an English paragraph in the Arabic text runs left to right
    assert {lang_of(r).get("val") for r in runs_with(english, ENGLISH_IN_ARABIC)} == {"en"}
    [french] = [n for n in footnotes.iter(f"{W}footnote") if "Note en français" in _text(n)]
    assert {lang_of(r).get("val") for r in runs_with(french, "Note en français.")} == {"fr"}
    assert not is_rtl(french.find(f"{W}p"))


# -- LibreOffice ------------------------------------------------------------------------------

_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def libreoffice_pdf(docx_file: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and pdftotext are not installed (.ci/run installs them)")
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(docx_file)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(folder)},
    )  # fmt: skip
    return folder / (docx_file.stem + ".pdf")


def pdf_lines(pdf: Path) -> list[tuple[float, float, list[str]]]:
    """(left, right, words) of every line pdftotext finds, words in the order drawn."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout
    root = etree.fromstring(out, etree.XMLParser(resolve_entities=False, no_network=True))
    lines = []
    for line in root.iter("{http://www.w3.org/1999/xhtml}line"):
        words = [w.text or "" for w in line.iter("{http://www.w3.org/1999/xhtml}word")]
        lines.append((float(line.get("xMin")), float(line.get("xMax")), words))
    return lines


def line_with(lines: list[tuple[float, float, list[str]]], passage: str) -> tuple[float, float]:
    """Where the line holding the first two words of ``passage`` starts and ends (a
    right-to-left word is drawn, and read back, from its last letter)."""
    wanted = passage.split()[:2]
    for left, right, words in lines:
        if all(word in words or word[::-1] in words for word in wanted):
            return left, right
    raise AssertionError(f"no line holds {wanted!r}")


def test_libreoffice_shows_every_script_and_sets_right_to_left_paragraphs_on_the_right(
    built: Path, tmp_path: Path
) -> None:
    pdf = libreoffice_pdf(built, tmp_path)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode()
    words = set(_CONTROLS.sub("", text).split())
    for passage in (FRENCH, SPANISH, RUSSIAN, ARABIC, HEBREW, HINDI, ARABIC_NOTE):
        for word in printed(passage).rstrip(".।").split():
            assert word in words or any(word in w for w in words), (passage, word)
    for piece in (CHINESE.rstrip("。"), EMOJI, SYMBOL):
        assert piece in text
    margin_left, margin_right = 70.9, 524.4  # A4 with 25 mm margins, in points
    lines = pdf_lines(pdf)
    for passage in (ARABIC, HEBREW, ARABIC_NOTE):
        left, right = line_with(lines, passage)
        assert right > margin_right - 2 and left > margin_left + 50, passage  # flush right
    for passage in (printed(FRENCH), ENGLISH_IN_ARABIC):
        left, right = line_with(lines, passage)
        assert abs(left - margin_left) < 2 and right < margin_right - 50, passage  # flush left
