"""The PDF's fonts and what they cover, checked against Typst itself.

What :func:`idmbook.load.fonts.coverage` says a character is (printable or not) is what Typst does
with it under PDF/UA-1: every character it calls covered is typeset, every one it calls missing
makes Typst fail, which is why the PDF prints a stand-in for those.
"""

from __future__ import annotations

import importlib.metadata
import random
from pathlib import Path

import pytest
import typst

from idmbook.cache import Cache
from idmbook.load import fonts
from idmbook.load.fonts import Coverage, coverage, font_files, font_folders, merge_ranges

SCRIPTS = {
    "Chinese": "们加强国际移民合作",
    "Japanese": "国際移住機関ひらがなカタカナ",
    "Korean": "국제이주기구",
    "Arabic": "تعزيز التعاون الدولي",
    "Persian": "مهاجرت گ پ چ ژ",
    "Urdu": "ہجرت ٹ ڈ ڑ ے",
    "Hebrew": "שיתוף פעולה",
    "Devanagari": "अंतर्राष्ट्रीय प्रवासन",
    "Bengali": "অভিবাসন",
    "Tamil": "புலம்பெயர்வு",
    "Thai": "การย้ายถิ่น",
    "Amharic": "ስደት",
    "Georgian": "მიგრაცია",
    "Armenian": "միգրացիա",
    "Russian": "Миграция",
    "Greek": "Μετανάστευση",
    "Vietnamese": "Di cư quốc tế ắ ẫ ợ",
    "emoji": "📖🌍🙂👍🚢",
    "symbols": "✓✗★☆→←↑⚠€£¥₹°±×÷≤≥≠∞§¶•…‰",
}
MISSING = ["\uf0b7", "\uf0a7", "\u0007", "\u0378", "\U0010fffd"]
"""A Symbol-font bullet and square (private use), a control character, unassigned code points."""


@pytest.fixture(scope="module")
def glyphs() -> Coverage:
    return coverage()


def typeset(text: str, tmp_path: Path) -> bytes:
    """``text`` typeset with the book's fonts in the book's fallback order, under PDF/UA-1."""
    source = tmp_path / "t.typ"
    template = (Path(__file__).parents[1] / "templates" / "idm.typ").read_text("utf-8")
    start = template.index("#let fonts = (")
    fonts_list = template[start : template.index(")\n", start) + 2]
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    source.write_text(
        f'#set document(title: "t")\n{fonts_list}#set text(font: fonts, lang: "en")\n'
        f'#"{escaped}"\n',
        encoding="utf-8",
    )
    pdf: bytes = typst.compile(
        str(source),
        root=str(tmp_path),
        font_paths=fonts.typst_fonts(),
        ignore_system_fonts=True,
        pdf_standards=["ua-1"],
    )
    return pdf


def test_the_font_packages_are_installed_under_the_open_font_license() -> None:
    for package in ("fontpkg-amiri", "manimgx-fonts", "manimgx-fonts-cjk"):
        meta = importlib.metadata.metadata(package)
        assert meta["License-Expression"] == "OFL-1.1", package
    names = {path.name for path in font_files()}
    assert {"Amiri-Regular.ttf", "NotoSansCJK-VF.otf.ttc", "NotoEmoji[wght].ttf"} <= names
    assert len(font_folders()) == 3


def test_typst_sees_the_fonts_and_no_other() -> None:
    """Its own (no file) and the packages'; none of the computer's."""
    families = set(fonts.typst_fonts().families())
    expected = {"Libertinus Serif", "Amiri", "Noto Sans", "Noto Sans CJK SC", "Noto Emoji"}
    assert expected <= families
    folders = [str(folder) for folder in font_folders()]
    for info in fonts.typst_fonts().fonts():
        where = info.path
        assert where is None or any(where.startswith(f) for f in folders), where


def test_the_fonts_typst_carries_are_found_in_its_library() -> None:
    """Their coverage is read from the library; a typst release laid out otherwise fails here
    (its fonts' characters would count as missing)."""
    embedded = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True)
    wanted = {name.replace(" ", "").lower() for name in embedded.families()}
    found = {family.replace(" ", "").lower() for family, _ in fonts.typst_library_cmaps()}
    assert wanted <= found


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_every_script_is_covered(glyphs: Coverage, script: str) -> None:
    text = SCRIPTS[script].replace(" ", "")
    assert [c for c in text if c not in glyphs] == []
    assert not glyphs.has_missing(SCRIPTS[script])


def test_missing_characters_are_found_where_they_are(glyphs: Coverage) -> None:
    for char in MISSING:
        assert char not in glyphs
    text = "ab\uf0b7c d\u0007"
    assert [(m.start(), m.group()) for m in glyphs.missing(text)] == [(2, "\uf0b7"), (6, "\u0007")]
    assert glyphs.has_missing("plain\u0007") and not glyphs.has_missing("plain ascii\tline\n")


def test_invisible_formatting_characters_count_as_printable(glyphs: Coverage) -> None:
    for char in "\u00ad\u200b\u200c\u200d\u200e\u200f\u2066\u2069\ufe0f\ufeff\n\t\u2028":
        assert char in glyphs, f"U+{ord(char):04X}"


def test_what_is_covered_is_what_typst_sets(glyphs: Coverage, tmp_path: Path) -> None:
    """Every script above, every invisible formatting character, and 300 characters drawn
    at random from the covered ranges are typeset under PDF/UA-1 without a failure."""
    rng = random.Random(2017)
    drawn = []
    for _ in range(300):
        first, last = rng.choice(glyphs.ranges)
        point = rng.randint(first, last)
        char = chr(point)
        if char.isprintable() and not 0xD800 <= point <= 0xDFFF:
            drawn.append(char)
    text = " ".join(SCRIPTS.values()) + " \u00ad\u200d\u2066x\u2069 " + " ".join(drawn)
    assert typeset(text, tmp_path)[:5] == b"%PDF-"


@pytest.mark.parametrize("char", MISSING)
def test_what_is_missing_makes_typst_fail(char: str, tmp_path: Path) -> None:
    with pytest.raises(typst.TypstError, match="could not be displayed"):
        typeset(f"a{char}b", tmp_path)


def test_coverage_is_kept_in_the_cache_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path / "cache")
    monkeypatch.setattr(fonts, "_MEMO", {})
    made = coverage(cache)
    entries = list((tmp_path / "cache" / "fonts").rglob("*"))
    assert [p for p in entries if p.is_file()], "the coverage is stored"
    monkeypatch.setattr(fonts, "_MEMO", {})

    def unread() -> Coverage:
        raise AssertionError("the fonts were read again")

    monkeypatch.setattr(fonts, "read_coverage", unread)
    assert coverage(cache) == made


def test_a_damaged_cache_entry_is_not_trusted() -> None:
    assert Coverage.from_json(b"not json") is None
    assert Coverage.from_json(b'{"format": "other", "families": [], "ranges": []}') is None
    assert Coverage.from_json(b'{"format": "idmbook-font-coverage-1", "ranges": [[5, 1]]}') is None
    good = Coverage(((32, 126), (0x4E00, 0x9FFF)), ("A",))
    assert Coverage.from_json(good.to_json()) == good


def test_merge_ranges() -> None:
    assert merge_ranges([1, 2, 3, 7, 9, 8], [(20, 30), (25, 40)]) == ((1, 3), (7, 9), (20, 40))
    assert merge_ranges([]) == ()


def test_what_is_surely_shown_is_covered(glyphs: Coverage) -> None:
    """The characters the fonts are not read for are all in their character maps."""
    for first, last in fonts.SURELY_SHOWN_RANGES:
        assert [hex(p) for p in range(first, last + 1) if p not in glyphs] == []
        assert fonts.SURELY_SHOWN.fullmatch(chr(first) + chr(last))
    assert not fonts.SURELY_SHOWN.fullmatch("\uf0b7")


def test_a_european_text_is_checked_without_reading_the_fonts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unread(_: object = None) -> Coverage:
        raise AssertionError("the fonts were read")

    monkeypatch.setattr(fonts, "coverage", unread)
    lazy = fonts.Glyphs()
    text = "Élaboration d’un pacte — «migrations sûres», año, Привет, 移民, ∑ → “x”\n"
    assert not lazy.has_missing(text)
    assert list(lazy.missing(text)) == []
