"""Three languages: the book's own words from labels.LANG.yaml, dates, translated config words,
and contributions tagged with their own language in the DOCX and the PDF."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFIG, DEFAULT_FILES, CliResult, ProjectDir, contribution_text
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from idmbook.commands.build import BuildOptions, build
from idmbook.compose.i18n import (
    country_name,
    format_date,
    format_range,
    language_chain,
    load_labels,
    localize_config,
)
from idmbook.errors import IdmbookError
from idmbook.load.defaults import default_templates

NBSP = "\u00a0"
TEMPLATES = default_templates()
FRENCH_THEMES = [
    "Faciliter des migrations sûres, ordonnées et régulières",
    "Protéger les droits et le bien-être des migrants",
    "Réduire l’incidence et les effets des migrations forcées et irrégulières",
    "Prendre en compte les aspects des crises liés à la mobilité",
]
FRENCH_CONFIG = CONFIG.replace("language: en", "language: fr") + (
    "translations:\n"
    "  fr:\n"
    "    series: Dialogue international sur la migration\n"
    "    publisher: Organisation internationale pour les migrations\n"
    "    workshops:\n"
    "      geneva:\n"
    "        city: Genève\n"
    "        sessions: {children: Répondre aux besoins des enfants en déplacement}\n"
    "output:\n"
    "  contributors_chart: true\n"
)
LYON = (
    contribution_text(
        "Ville de Lyon",
        body="\nNous accueillons les nouveaux arrivants grâce à des guichets uniques.\n",
    )
    .replace("language: en", "language: fr")
    .replace("country: CA", "country: FR")
)


# --------------------------------------------------------------------------- labels and dates


def test_language_chain() -> None:
    assert language_chain("en") == []
    assert language_chain("en-GB") == ["en-GB"]
    assert language_chain("fr") == ["fr"]
    assert language_chain("fr-CA") == ["fr", "fr-CA"]


@pytest.mark.parametrize(
    ("language", "contents", "key_recommendations", "government"),
    [
        ("en", "Contents", "Key recommendations", "Governments"),
        ("fr", "Table des matières", "Principales recommandations", "Gouvernements"),
        ("es", "Índice", "Recomendaciones clave", "Gobiernos"),
        ("fr-CA", "Table des matières", "Principales recommandations", "Gouvernements"),
    ],
)
def test_every_language_has_every_label(
    language: str, contents: str, key_recommendations: str, government: str
) -> None:
    english = load_labels(TEMPLATES, "en")
    labels = load_labels(TEMPLATES, language)
    assert (labels["contents"], labels["key_recommendations"]) == (contents, key_recommendations)
    assert labels["stakeholder_types"]["government"] == government
    # the translations give every key the English file has (none falls back silently)
    assert set(labels) >= set(english)
    for key in ("stakeholder_types", "level_names"):
        assert set(labels[key]) == set(english[key])
    assert len(labels["months"]) == 12


def test_translation_files_translate_every_key_and_every_theme() -> None:
    from ruamel.yaml import YAML

    english = YAML(typ="safe").load((TEMPLATES / "book" / "labels.yaml").read_text("utf-8"))
    themes = ("safe-orderly-regular", "rights-wellbeing", "forced-irregular", "crises-mobility")
    for language in ("fr", "es"):
        path = TEMPLATES / "book" / f"labels.{language}.yaml"
        words = YAML(typ="safe").load(path.read_text("utf-8"))
        assert set(words) - {"themes", "first_of_month"} == set(english), language
        assert set(words["themes"]) == set(themes)
        assert (TEMPLATES / "book" / f"imprint.{language}.md.j2").is_file()


def test_a_project_corrects_one_word_and_keeps_the_rest(tmp_path: Path) -> None:
    book = tmp_path / "templates" / "book"
    book.mkdir(parents=True)
    (book / "labels.fr.yaml").write_text("key_recommendations: Recommandations clés\n", "utf-8")
    labels = load_labels(tmp_path / "templates", "fr")
    assert labels["key_recommendations"] == "Recommandations clés"
    assert labels["contents"] == "Table des matières"
    assert labels["contents"] == load_labels(tmp_path / "templates", "fr-CA")["contents"]


def test_labels_read_again_follow_the_file_and_are_the_callers_own(tmp_path: Path) -> None:
    """Parsed labels are kept per text: a changed file is read anew, and a caller that
    changes what it got does not change what the next caller gets."""
    book = tmp_path / "templates" / "book"
    book.mkdir(parents=True)
    words = book / "labels.fr.yaml"
    words.write_text("key_recommendations: Recommandations clés\n", "utf-8")
    first = load_labels(tmp_path / "templates", "fr")
    first["key_recommendations"] = "changed by a caller"
    first["themes"].clear()
    again = load_labels(tmp_path / "templates", "fr")
    assert again["key_recommendations"] == "Recommandations clés"
    assert again["themes"], "nested values are copies too"
    words.write_text("key_recommendations: Principales recommandations\n", "utf-8")
    assert load_labels(tmp_path / "templates", "fr")["key_recommendations"] == (
        "Principales recommandations"
    )


def test_a_language_without_labels_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IdmbookError, match="no translation of the book's words into 'de'") as exc:
        load_labels(TEMPLATES, "de")
    assert exc.value.hint is not None and "labels.de.yaml" in exc.value.hint


@pytest.mark.parametrize(
    ("language", "day", "span", "across_months"),
    [
        ("en", "1 April 2017", "18–19 April 2017", "30 June – 1 July 2017"),
        ("fr", "1er avril 2017", "18–19 avril 2017", "30 juin – 1er juillet 2017"),
        ("es", "1 de abril de 2017", "18–19 de abril de 2017", "30 de junio – 1 de julio de 2017"),
    ],
)
def test_dates(language: str, day: str, span: str, across_months: str) -> None:
    labels = load_labels(TEMPLATES, language)
    assert format_date(dt.date(2017, 4, 1), labels) == day
    assert format_range(dt.date(2017, 4, 18), dt.date(2017, 4, 19), labels) == span
    assert format_range(dt.date(2017, 6, 30), dt.date(2017, 7, 1), labels) == across_months


def test_country_names() -> None:
    assert country_name("CH", "en") == "Switzerland"
    assert country_name("CH", "fr") == "Suisse"
    assert country_name("MX", "es") == "México"
    assert country_name("BO", "fr-CA").startswith("Bolivie")


def test_config_translations(make_project: Callable[..., ProjectDir]) -> None:
    from idmbook.load.project import open_project

    project = make_project({"idmbook.yaml": FRENCH_CONFIG})
    opened = open_project(project.root)
    assert not isinstance(opened, Exception) and hasattr(opened, "config")
    config = opened.config  # type: ignore[union-attr]
    french = localize_config(config)
    assert french.publisher.name == "Organisation internationale pour les migrations"
    assert french.series is not None
    assert french.series.name == "Dialogue international sur la migration"
    assert french.series.number == 27
    geneva = french.workshop("geneva")
    assert geneva is not None and geneva.city == "Genève"
    assert [s.title for s in geneva.sessions] == [
        "Opening session",
        "Répondre aux besoins des enfants en déplacement",
    ]
    # another language keeps the config's words; only the language changes
    spanish = localize_config(config, "es")
    assert spanish.language == "es"
    assert spanish.publisher.name == "International Organization for Migration"


def test_translations_of_unknown_workshops_are_reported(
    make_project: Callable[..., ProjectDir],
) -> None:
    project = make_project(
        {
            "idmbook.yaml": CONFIG
            + "translations:\n  fr:\n    workshops:\n      genf: {city: Genève}\n"
            + "  es:\n    workshops:\n      geneva: {sessions: {kids: Niños}}\n"
        }
    )
    messages = [d.message for d in project.validate().diagnostics if d.code == "IDM060"]
    assert any("no workshop 'genf'" in m for m in messages), messages


# --------------------------------------------------------------------------- whole books


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")


def _build(root: Path, **options: Any) -> dict[str, Path]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1513209600"
    try:
        result = build(root, BuildOptions(formats=("docx", "pdf"), **options))
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return dict(result.outputs)


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A French book (language: fr, translated config words, chart of who contributed), draft."""
    root = tmp_path_factory.mktemp("french")
    _write(root, {**DEFAULT_FILES, "idmbook.yaml": FRENCH_CONFIG})
    return _build(root, draft=True)


@pytest.fixture(scope="module")
def english_with_french(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An English book with a French contribution."""
    root = tmp_path_factory.mktemp("english")
    _write(root, {**DEFAULT_FILES, "contributions/lyon.md": LYON})
    return _build(root)


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    from docx import Document

    return [(p.style.name if p.style else "", p.text) for p in Document(str(path)).paragraphs]


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


FRENCH_CHAPTERS = [
    "Foreword",
    *FRENCH_THEMES,
    "Principales recommandations",
    f"Documents complémentaires{NBSP}: atelier de New York",
    f"Documents complémentaires{NBSP}: atelier de Genève",
    f"Annexe I{NBSP}: Liste des contributions des parties prenantes",
    f"Annexe II{NBSP}: Textes des contributions des parties prenantes",
]


@pytest.mark.slow
def test_french_docx_headings_contents_and_language(french: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    paragraphs = _paragraphs(french["docx"])
    assert [t for s, t in paragraphs if s == "Heading 1"] == FRENCH_CHAPTERS
    assert ("TOC Heading", "Table des matières") in paragraphs
    assert ("Cover Series", f"Dialogue international sur la migration n°{NBSP}27") in paragraphs
    text = "\n".join(t for _, t in paragraphs)
    assert "Organisation internationale pour les migrations" in text
    assert "Tous droits réservés" in text
    assert "18–19 juillet 2017" in text  # the Geneva workshop's dates
    assert f"Atelier de Genève{NBSP}: Répondre aux besoins des enfants en déplacement." in text
    assert "Gouvernements" in text and "Autorités locales et régionales" in text
    assert "Canada" in text  # country names in French
    # the Government of Mexico's country goes without saying (it would print "Mexique" again)
    assert "Mexique" not in text and "Government of Mexico" in text
    document = Document(str(french["docx"]))
    default = document.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    assert default.get(qn("w:val")) == "fr"
    # the English notes keep their language inside the French book
    note = next(p for p in document.paragraphs if p.text == "Cooperation matters.")
    assert {lang.get(qn("w:val")) for lang in note._p.iter(qn("w:lang"))} == {"en"}
    with zipfile.ZipFile(french["docx"]) as z:
        headers = "".join(z.read(n).decode() for n in z.namelist() if "header" in n)
        footers = "".join(z.read(n).decode() for n in z.namelist() if "footer" in n)
    assert "PROJET" in headers and "DRAFT" not in headers
    assert f"Projet{NBSP}: version" in footers


@pytest.mark.slow
def test_french_pdf_text_and_language(french: dict[str, Path]) -> None:
    reader = PdfReader(str(french["pdf"]))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    text = _pdf_text(french["pdf"])
    assert "Table des matières" in text
    for title in FRENCH_THEMES:
        assert title in text, title
    assert "Principales recommandations" in text
    assert "Dialogue international sur la migration n° 27" in text.replace(NBSP, " ")
    assert "PROJET" in reader.pages[5].extract_text()
    assert reader.metadata is not None
    assert "Protéger les droits et le bien-être des migrants" in str(reader.metadata["/Keywords"])


@pytest.mark.slow
def test_the_chart_of_who_contributed_has_alt_text_from_the_numbers(
    french: dict[str, Path],
) -> None:
    from docx import Document

    alt = (
        "Diagramme en barres des 2 contributions des parties prenantes publiées dans cet "
        f"ouvrage, par type de partie prenante{NBSP}: Gouvernements{NBSP}: 1; "
        f"Autorités locales et régionales{NBSP}: 1."
    )
    paragraphs = _paragraphs(french["docx"])
    assert ("Heading 2", "Origine des contributions") in paragraphs
    document = Document(str(french["docx"]))
    descriptions = [
        el.get("descr") for el in document.element.body.iter() if el.tag.endswith("}docPr")
    ]
    # (no-break spaces may become plain spaces in alt text: screen readers read them alike)
    assert [_spaces(d) for d in descriptions] == [_spaces(alt)]
    figures = [e for e in _structure(french["pdf"]) if e.get("/S") == "/Figure"]
    assert [_spaces(str(f.get("/Alt"))) for f in figures] == [_spaces(alt)]
    caption = "Contributions des parties prenantes publiées dans cet ouvrage, par type de partie"
    assert caption in _pdf_text(french["pdf"])


def _spaces(text: str | None) -> str:
    return " ".join(str(text).replace(NBSP, " ").split())


def _structure(path: Path) -> Iterator[DictionaryObject]:
    seen: set[int] = set()

    def walk(node: Any) -> Iterator[DictionaryObject]:
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for item in node:
                yield from walk(item)
        elif isinstance(node, DictionaryObject):
            yield node
            if "/K" in node:
                yield from walk(node["/K"])

    reader = PdfReader(str(path))
    yield from walk(reader.trailer["/Root"]["/StructTreeRoot"])


def _marked_texts(reader: PdfReader, page_index: int) -> dict[int, str]:
    """The text of each marked-content sequence (MCID) of a page."""
    stack: list[int | None] = []
    out: dict[int, str] = {}

    def before(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op == b"BDC":
            props = args[1] if len(args) > 1 else None
            stack.append(props.get("/MCID") if isinstance(props, DictionaryObject) else None)
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(value: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        current = next((m for m in reversed(stack) if m is not None), None)
        if current is not None:
            out[current] = out.get(current, "") + value

    reader.pages[page_index].extract_text(visitor_operand_before=before, visitor_text=text)
    return out


@pytest.mark.slow
def test_a_french_contribution_in_an_english_book_is_tagged_fr(
    english_with_french: dict[str, Path],
) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    sentence = "Nous accueillons les nouveaux arrivants grâce à des guichets uniques."
    document = Document(str(english_with_french["docx"]))
    default = document.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    assert default.get(qn("w:val")) == "en"
    [paragraph] = [p for p in document.paragraphs if p.text == sentence]
    assert {lang.get(qn("w:val")) for lang in paragraph._p.iter(qn("w:lang"))} == {"fr"}

    reader = PdfReader(str(english_with_french["pdf"]))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    pages = [p.indirect_reference.idnum for p in reader.pages if p.indirect_reference]

    def text_of(element: DictionaryObject) -> str:
        """The text of the marked content under a structure element, at any depth."""
        kids = element["/K"] if isinstance(element["/K"], ArrayObject) else [element["/K"]]
        out = []
        for kid in kids:
            if isinstance(kid, int) and "/Pg" in element:
                index = pages.index(element.raw_get("/Pg").idnum)
                out.append(_marked_texts(reader, index).get(int(kid), ""))
            elif isinstance(kid, IndirectObject | DictionaryObject):
                child = kid.get_object()
                if isinstance(child, DictionaryObject) and "/K" in child:
                    out.append(text_of(child))
        return " ".join(" ".join(out).split())

    tagged = [
        text_of(element)
        for element in _structure(english_with_french["pdf"])
        if element.get("/Lang") == "fr"
    ]
    # the text, and the title and the organisation wherever the book names them (the
    # contribution's heading, its entry in the contents, its theme's list, the annex table)
    # (Typst sets the language on the structure element around the text: the contents'
    # entry, with its page number, or the table's row)
    assert sentence in tagged
    assert sum("Submission of Ville de Lyon" in text for text in tagged) >= 3, tagged
    assert all(text == sentence or "Ville de Lyon" in text for text in tagged), tagged


@pytest.mark.slow
def test_build_lang_names_the_outputs_and_translates(
    make_project: Callable[..., ProjectDir], run_main: Callable[..., CliResult]
) -> None:
    project = make_project()
    result = run_main(["build", "--lang", "es", "--format", "pdf"], cwd=project)
    assert result.exit_code == 0, result.stderr
    pdf = project.path("dist/publication-es.pdf")
    assert pdf.is_file() and not project.path("dist/publication.pdf").exists()
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert reader.trailer["/Root"]["/Lang"] == "es"
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Índice" in text and "Recomendaciones clave" in text
    assert "Facilitar la migración segura, ordenada y regular" in text
    assert "International Dialogue on Migration n.º 27" in text
    manifest = project.read("dist/publication-es.manifest.json")
    assert '"language": "es"' in manifest


def test_build_lang_refuses_a_language_without_words(
    project: ProjectDir, run_main: Callable[..., CliResult]
) -> None:
    result = run_main(["build", "--lang", "de"], cwd=project)
    assert result.exit_code == 2
    assert "no translation of the book's words into 'de'" in result.stderr
    assert not project.path("dist").exists()
    result = run_main(["build", "--lang", "français"], cwd=project)
    assert result.exit_code == 2
    assert "not a language tag" in result.stderr


def test_contributors_figure_gives_every_number_in_its_alt_text() -> None:
    from idmbook.compose.assemble import FIGURE_SLOT, contributors_figure, figure_placed

    labels = load_labels(TEMPLATES, "es")
    counts = (("Gobiernos", 3), ("Sector privado", 1))
    markdown = contributors_figure(counts, labels, "media/chart.png")
    assert markdown.startswith("## Procedencia de las contribuciones {#contributors-chart}")
    assert "(media/chart.png){#fig-contributors" in markdown
    assert (
        'alt="Gráfico de barras de las 4 contribuciones de las partes interesadas publicadas en '
        'esta obra, por tipo de parte interesada: Gobiernos: 3; Sector privado: 1."'
    ) in markdown
    slot = {"t": "Div", "c": [[FIGURE_SLOT, [], []], []]}
    body = [{"t": "Div", "c": [["intro", [], []], [slot]]}]
    figure = {"t": "Para", "c": []}
    assert figure_placed(body, [figure]) == (
        [{"t": "Div", "c": [["intro", [], []], [figure]]}],
        [slot],
    )


def test_contributors_chart_is_reproducible(tmp_path: Path) -> None:
    from idmbook.compose.charts import contributors_chart

    counts = (("Gouvernements", 2), ("Milieux universitaires", 1))
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    contributors_chart(counts, first, "Nombre de contributions")
    contributors_chart(counts, second, "Nombre de contributions")
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"\x89PNG")
