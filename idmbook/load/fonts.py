"""The PDF edition's fonts, and which characters they can show.

Typst sets the book in the fonts it carries inside its library (Libertinus Serif, which has
Latin, Greek, Cyrillic and Hebrew; New Computer Modern and its math face; DejaVu Sans Mono) and
in the fonts that three Python packages install beside idmbook, all under the SIL Open Font
License: ``fontpkg-amiri`` (Amiri, a Naskh book face for Arabic, whose text reads back from
the PDF letter for letter), ``manimgx-fonts`` (Noto Sans with Arabic, Hebrew, Devanagari and
the other scripts Libertinus Serif lacks, Noto Sans Symbols, the monochrome Noto Emoji) and
``manimgx-fonts-cjk`` (Noto Sans CJK for Chinese, Japanese and Korean). No other font is used:
Typst is told to ignore the computer's own, so that a book is set alike everywhere.

``templates/idm.typ`` lists the fonts in the order Typst tries them; for a character none of the
listed fonts has, Typst looks through every other font it was given. A character is therefore
printable when any of these fonts maps it (or when it is one Typst sets without a glyph: line
breaks and the invisible formatting characters). :func:`coverage` answers which those are, read
with fontTools and kept in the project's cache, so that ``validate`` can say which characters of a
file the PDF cannot show (IDM054) and the PDF can print a visible stand-in instead of failing.
"""

from __future__ import annotations

import bisect
import importlib.util
import io
import json
import re
import struct
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

from idmbook.cache import Cache
from idmbook.errors import BUILD_MODULES, ExtraMissing

FONT_PACKAGES = (("fontpkg_amiri", "files"), ("manimgx_fonts", ""), ("manimgx_fonts_cjk", ""))
"""The Python packages that hold the book's font files, with the folder they are in."""
FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc"})
COVERAGE_FORMAT = "idmbook-font-coverage-1"
"""Changes when the way coverage is worked out changes: older cache entries are then unused."""

SET_WITHOUT_GLYPH: tuple[tuple[int, int], ...] = (
    (0x09, 0x0D),  # tab, line feed, vertical tab, form feed, carriage return
    (0x85, 0x85),  # next line
    (0x2028, 0x2029),  # line and paragraph separators
    # Unicode's default ignorable code points (DerivedCoreProperties.txt): invisible formatting
    # characters such as the soft hyphen, joiners, direction marks and variation selectors,
    # which Typst's shaping leaves out when a font has no glyph for them
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
"""Characters Typst sets without looking for a glyph: breaks and invisible formatting."""


# ---------------------------------------------------------------- where the fonts are


@cache
def font_folders() -> tuple[Path, ...]:
    """The folders of the font packages, in the order of :data:`FONT_PACKAGES`.

    Raises ExtraMissing when a package is not installed (the build extra installs each)."""
    folders = []
    for name, inside in FONT_PACKAGES:
        spec = _find_spec(name)
        locations = list(spec.submodule_search_locations or []) if spec else []
        if not locations or not (Path(locations[0]) / inside).is_dir():
            raise ExtraMissing("the PDF's fonts", BUILD_MODULES.get(name, name))
        folders.append(Path(locations[0]) / inside)
    return tuple(folders)


def font_files() -> list[Path]:
    """Every font file of the font packages, sorted."""
    files = []
    for folder in font_folders():
        files += [p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES and p.is_file()]
    return sorted(files)


_TYPST_FONTS_LOCK = threading.Lock()


@cache
def typst_fonts() -> Any:
    """The fonts Typst compiles with: its own and the packages' (never the computer's).

    Made once per process: Typst reads every font file's tables when it is made."""
    with _TYPST_FONTS_LOCK:
        try:
            import typst
        except ImportError:
            raise ExtraMissing("the PDF's fonts", "typst") from None

        folders = [str(folder) for folder in font_folders()]
        return typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=True, font_paths=folders
        )


def _find_spec(name: str) -> ModuleSpec | None:
    """Where the package ``name`` is installed, without importing it (None: it is not)."""
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None


def _typst_library() -> Path | None:
    """The typst package's compiled library, which carries Typst's own fonts."""
    spec = _find_spec("typst")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for entry in sorted(Path(folder).iterdir()):
            if entry.name.startswith("_typst") and entry.suffix in (".so", ".pyd", ".dylib"):
                return entry
    return None


# ---------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Coverage:
    """The characters the book's fonts can show, as sorted, disjoint ranges of code points."""

    ranges: tuple[tuple[int, int], ...]
    """``(first, last)`` code points, both included."""
    families: tuple[str, ...] = ()
    """The font families read (for messages and tests)."""
    _starts: list[int] = field(default_factory=list, init=False, repr=False, compare=False)
    _missing: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [first for first, _ in self.ranges])
        negated = "".join(_class_range(first, last) for first, last in self.ranges)
        object.__setattr__(self, "_missing", re.compile(f"[^{negated}]" if negated else "[\\s\\S]"))

    def __contains__(self, char: object) -> bool:
        """Whether a character (or a code point) can be shown."""
        point = ord(char) if isinstance(char, str) and len(char) == 1 else char
        if not isinstance(point, int):
            return False
        index = bisect.bisect_right(self._starts, point) - 1
        return index >= 0 and self.ranges[index][1] >= point

    def missing(self, text: str) -> Iterator[re.Match[str]]:
        """Each character of ``text`` no font can show, as a match (its position and text)."""
        assert self._missing is not None
        return self._missing.finditer(text)

    def has_missing(self, text: str) -> bool:
        """Whether ``text`` has a character no font can show (fast on printable ASCII)."""
        assert self._missing is not None
        if text.isascii() and text.isprintable():
            return False  # every font has the printable ASCII characters
        return self._missing.search(text) is not None

    def to_json(self) -> bytes:
        data = {"format": COVERAGE_FORMAT, "families": self.families, "ranges": self.ranges}
        return json.dumps(data, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Coverage | None:
        """The coverage stored by :meth:`to_json`, or None when it is not one."""
        try:
            value = json.loads(data)
            if value.get("format") != COVERAGE_FORMAT:
                return None
            ranges = tuple((int(a), int(b)) for a, b in value["ranges"])
            families = tuple(str(name) for name in value["families"])
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if any(a > b for a, b in ranges) or list(ranges) != sorted(ranges):
            return None
        return cls(ranges, families)


def _class_range(first: int, last: int) -> str:
    return f"\\U{first:08x}" if first == last else f"\\U{first:08x}-\\U{last:08x}"


def merge_ranges(
    points: Iterable[int], ranges: Iterable[tuple[int, int]] = ()
) -> tuple[tuple[int, int], ...]:
    """Code points and ranges as sorted, disjoint, merged ranges."""
    spans = sorted([(p, p) for p in set(points)] + list(ranges))
    merged: list[tuple[int, int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return tuple(merged)


SURELY_SHOWN_RANGES = (
    (0x09, 0x0A),
    (0x0D, 0x0D),
    (0x20, 0x7E),
    (0xA0, 0x36F),  # Latin-1, Latin Extended, IPA, combining diacritics
    (0x400, 0x52F),  # Cyrillic
    (0x600, 0x6FF),  # Arabic
    (0x900, 0x97F),  # Devanagari
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x214F),  # letterlike symbols
    (0x2190, 0x22FF),  # arrows, mathematical operators
    (0x3000, 0x303F),  # CJK punctuation
    (0x4E00, 0x9FEF),  # CJK ideographs
)
SURELY_SHOWN = re.compile(
    "[" + "".join(_class_range(first, last) for first, last in SURELY_SHOWN_RANGES) + "]*"
)
"""Text made only of these characters needs no look at the fonts' character maps: Latin,
Cyrillic, Arabic, Devanagari and Chinese letters, punctuation, arrows and mathematical
operators, all of which the book's fonts have (a test holds this to :func:`coverage`). A book
in English, French or Spanish never reads the character maps."""


class Glyphs:
    """What the fonts can show, read only when a text has a character outside
    :data:`SURELY_SHOWN` (reading the fonts the first time takes about a second)."""

    def __init__(self, cache: Cache | None = None) -> None:
        self._cache = cache
        self._coverage: Coverage | None = None

    def coverage(self) -> Coverage:
        if self._coverage is None:
            self._coverage = coverage(self._cache)
        return self._coverage

    def has_missing(self, text: str) -> bool:
        """Whether ``text`` has a character no font can show."""
        if SURELY_SHOWN.fullmatch(text):
            return False
        return self.coverage().has_missing(text)

    def missing(self, text: str) -> Iterator[re.Match[str]]:
        """Each character of ``text`` no font can show (see :meth:`Coverage.missing`)."""
        if SURELY_SHOWN.fullmatch(text):
            return iter(())
        return self.coverage().missing(text)


_MEMO: dict[str, Coverage] = {}
_MEMO_LOCK = threading.Lock()


def coverage(cache: Cache | None = None) -> Coverage:
    """What the book's fonts can show: read once per process, kept in ``cache`` under the
    identity of the font files and of Typst's library, so that the next run reads it back."""
    key = _coverage_key()
    with _MEMO_LOCK:
        found = _MEMO.get(key)
        if found is not None:
            return found
        if cache is not None:
            data = cache.get("fonts", key)
            found = Coverage.from_json(data) if data is not None else None
        if found is None:
            found = read_coverage()
            if cache is not None:
                cache.put("fonts", key, found.to_json())
                cache.flush()
        _MEMO[key] = found
        return found


def _coverage_key() -> str:

    parts = [COVERAGE_FORMAT]
    library = _typst_library()
    for path in [*font_files(), *([library] if library else [])]:
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return Cache.key(*parts)


def read_coverage() -> Coverage:
    """Read the character maps of every font Typst is given (see the module's docstring).

    Raises ExtraMissing when fontTools, Typst or a font package is not installed."""
    if _find_spec("fontTools") is None:
        raise ExtraMissing("reading the PDF's fonts", "fonttools")
    points: set[int] = set()
    for cmap in _package_cmaps():
        points.update(cmap)
    for _, cmap in typst_library_cmaps():
        points.update(cmap)
    families = tuple(sorted(set(typst_fonts().families())))
    return Coverage(merge_ranges(points, SET_WITHOUT_GLYPH), families)


def _package_cmaps() -> Iterator[Iterable[int]]:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    for path in font_files():
        try:
            if path.suffix.lower() in (".ttc", ".otc"):
                collection = TTCollection(str(path), lazy=True)
                faces = list(collection.fonts)
            else:
                faces = [TTFont(str(path), lazy=True)]
            seen: set[int] = set()
            for face in faces:
                # the faces of a collection often share one character map: read it once
                offset = face.reader.tables["cmap"].offset if "cmap" in face.reader.tables else -1
                if offset not in seen:
                    seen.add(offset)
                    yield (face.getBestCmap() or {}).keys()
        except (TTLibError, OSError, KeyError, struct.error, AssertionError):
            continue  # a damaged file: its characters count as missing


_SFNT_MAGICS = (b"OTTO", b"\x00\x01\x00\x00")
_REQUIRED_TABLES = frozenset({b"cmap", b"head", b"name"})


def typst_library_cmaps() -> Iterator[tuple[str, Iterable[int]]]:
    """The family names and character maps of the fonts Typst carries in its library.

    The typst package names those fonts but gives no file for them; they are stored whole in
    its library, where each starts with an OpenType table directory. Nothing found (a library
    laid out otherwise) means their characters count as missing: the PDF then shows a
    stand-in where it could have shown the character, and never fails.
    """
    library = _typst_library()
    if library is None:
        return
    try:
        data = library.read_bytes()
    except OSError:
        return
    from fontTools.ttLib import TTFont, TTLibError

    seen: set[bytes] = set()
    for start, end in _sfnt_spans(data):
        try:
            face = TTFont(io.BytesIO(data[start:end]), lazy=True)
            names = face["name"]
            family = str(names.getDebugName(16) or names.getDebugName(1) or "")
            full = str(names.getDebugName(4) or family).encode()
            if full in seen:
                continue
            seen.add(full)
            yield family, (face.getBestCmap() or {}).keys()
        except (TTLibError, KeyError, struct.error, AssertionError, ValueError):
            continue


def _sfnt_spans(data: bytes) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every plausible OpenType font inside ``data``."""
    for magic in _SFNT_MAGICS:
        start = data.find(magic)
        while start != -1:
            end = _sfnt_end(data, start)
            if end is not None:
                yield start, end
            start = data.find(magic, start + 1)


def _sfnt_end(data: bytes, start: int) -> int | None:
    """Where the font whose table directory starts at ``start`` ends, or None if it is none."""
    if start + 12 > len(data):
        return None
    count = struct.unpack_from(">H", data, start + 4)[0]
    if not 4 <= count <= 64 or start + 12 + 16 * count > len(data):
        return None
    tags, end = set(), 0
    for index in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, start + 12 + 16 * index)
        if not all(0x20 <= byte < 0x7F for byte in tag):
            return None
        tags.add(tag)
        end = max(end, offset + length)
    if not tags >= _REQUIRED_TABLES or start + end > len(data):
        return None
    return start + end


def describe(char: str) -> str:
    """``U+F0F0`` and the character's Unicode name when it has one."""

    name = unicodedata.name(char, "")
    point = f"U+{ord(char):04X}"
    return f"{point} {name}" if name else point
