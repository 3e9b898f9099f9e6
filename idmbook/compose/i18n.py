"""The book's language: the words it generates, its dates, and the config's translated words.

Every word the book generates comes from ``templates/book/labels.yaml`` (English), overlaid by
``labels.LANG.yaml`` for the book's language (``labels.fr.yaml``, ``labels.es.yaml``; a
regional tag such as ``fr-CA`` also reads ``labels.fr-CA.yaml`` over ``labels.fr.yaml``).
Each file is read from idmbook's default templates first and then from the project's
``templates/``, so a project corrects a word by writing just that key, and a project made
before a key existed still builds. Theme titles and descriptions are translated under
``themes:`` in the same files; the imprint has one template per language
(``imprint.fr.md.j2``). Diagnostics are not translated: they stay in English.
"""

from __future__ import annotations

import copy
import datetime as dt
import gettext
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from idmbook.compose.editions import Coverage, edition_pieces
from idmbook.compose.typography import smarten, smarten_all
from idmbook.errors import IdmbookError
from idmbook.load.defaults import default_templates
from idmbook.model.config import Config, Taxonomy, Theme, Workshop
from idmbook.model.documents import Documents

BOOK_LANGUAGES = ("en", "fr", "es")
"""Languages whose words idmbook ships; others need a labels.LANG.yaml in the project."""


def language_chain(tag: str) -> list[str]:
    """The label files' language suffixes for ``tag``, most general first.

    ``"fr-CA"`` -> ``["fr", "fr-CA"]``; English is the base file and has no suffix
    (``"en-GB"`` -> ``["en-GB"]``, an optional file of British spellings).
    """
    parts = tag.split("-")
    chain = ["-".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return [suffix for suffix in chain if suffix.lower() != "en"]


def _folders(templates: Path) -> list[Path]:
    """The default templates' book folder, then the project's (when they differ)."""
    default = default_templates() / "book"
    project = templates / "book"
    if default.resolve() == project.resolve():
        return [project]
    return [default, project]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = copy.deepcopy(_parse(path.read_text("utf-8")))
    except (OSError, ValueError, YAMLError, RecursionError) as exc:
        raise IdmbookError(f"cannot read {path}: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise IdmbookError(f"{path} must be a mapping of label names to words")
    return data


@lru_cache(maxsize=16)
def _parse(text: str) -> Any:
    """A labels file's data, parsed once per text: a build reads the same files three times
    (planning, the draft note, assembling) and ``idmbook watch`` at every rebuild, and the
    YAML parser takes a hundredth of a second for each. Callers get a copy (:func:`_read`)."""
    return YAML(typ="safe", pure=True).load(text)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_labels(templates: Path, language: str = "en") -> dict[str, Any]:
    """The book's words in ``language``: every labels file that applies, merged.

    A language other than English needs at least one labels.LANG.yaml; without one the book
    would silently mix languages, so that is an error.
    """
    folders = _folders(templates)
    labels: dict[str, Any] = {}
    for folder in folders:
        path = folder / "labels.yaml"
        if path.is_file():
            labels = _merge(labels, _read(path))
    chain = language_chain(language)
    found = False
    for suffix in chain:
        for folder in folders:
            path = folder / f"labels.{suffix}.yaml"
            if path.is_file():
                labels = _merge(labels, _read(path))
                found = True
    if chain and not found and language.split("-")[0].lower() != "en":
        raise IdmbookError(
            f"idmbook has no translation of the book's words into '{language}'",
            f"add templates/book/labels.{chain[0]}.yaml (a copy of labels.yaml, translated); "
            f"idmbook ships {', '.join(BOOK_LANGUAGES)}",
        )
    if not labels:
        raise IdmbookError(f"{templates / 'book' / 'labels.yaml'} is missing")
    # the words are escaped into the book, where pandoc cannot curl their quotes
    return dict(smarten_all(labels, language))


def template_name(templates: Path, name: str, language: str) -> str:
    """``imprint.md.j2`` in ``language`` (``imprint.fr.md.j2``) when one exists, else ``name``."""
    stem, _, rest = name.partition(".")
    for suffix in reversed(language_chain(language)):
        candidate = f"{stem}.{suffix}.{rest}"
        if any((folder / candidate).is_file() for folder in _folders(templates)):
            return candidate
    return name


def template_folders(templates: Path) -> list[Path]:
    """Where templates are looked up: the project's book folder first, then the defaults'."""
    return _folders(templates)[::-1]


# --------------------------------------------------------------------------- themes and config


def localize_taxonomy(taxonomy: Taxonomy, labels: dict[str, Any], language: str = "en") -> Taxonomy:
    """The taxonomy with theme titles and descriptions from the labels' ``themes:`` section.

    A theme the labels do not translate keeps the taxonomy's words (with typographic quotes
    for ``language``).
    """
    words = labels.get("themes")
    if not isinstance(words, dict):
        words = {}
    themes: list[Theme] = []
    for theme in taxonomy.themes:
        entry = words.get(theme.id)
        update: dict[str, str] = {
            "title": smarten(theme.title, language),
            "description": smarten(theme.description, language),
        }
        if isinstance(entry, dict):
            for key in ("title", "description"):
                value = entry.get(key)
                if isinstance(value, str) and value.strip():
                    update[key] = smarten(" ".join(value.split()), language)
        themes.append(theme.model_copy(update=update))
    return taxonomy.model_copy(update={"themes": themes})


def localize_config(config: Config, language: str | None = None) -> Config:
    """The config for a book in ``language`` (default: the config's own).

    Its ``translations`` entry for that language (exact tag first, then the primary language)
    replaces the title, series, publisher and agenda words it gives.
    """
    language = language or config.language
    translation = config.translations.get(language) or config.translations.get(
        language.split("-")[0]
    )
    update: dict[str, Any] = {"language": language}
    if translation is None:
        return _smartened(config.model_copy(update=update))
    for key in ("title", "subtitle", "copyright"):
        value = getattr(translation, key)
        if value is not None:
            update[key] = value
    if translation.series is not None and config.series is not None:
        update["series"] = config.series.model_copy(update={"name": translation.series})
    publisher: dict[str, Any] = {}
    if translation.publisher is not None:
        publisher["name"] = translation.publisher
    if translation.address is not None:
        publisher["address"] = translation.address
    if translation.mission is not None:
        publisher["mission"] = translation.mission
    if publisher:
        update["publisher"] = config.publisher.model_copy(update=publisher)
    if translation.workshops:
        update["workshops"] = [
            _workshop(w, translation.workshops.get(w.id)) for w in config.workshops
        ]
    return _smartened(config.model_copy(update=update))


def _smartened(config: Config) -> Config:
    """``config`` with typographic quotes in every word the book prints from it (titles,
    series, publisher, editors, workshops and their agendas) in its language."""
    lang = config.language

    def words(value: str | None) -> str | None:
        return smarten(value, lang) if value is not None else None

    def workshop(w: Workshop) -> Workshop:
        sessions = [
            s.model_copy(
                update={
                    "title": smarten(s.title, lang),
                    "chairs": [smarten(c, lang) for c in s.chairs],
                }
            )
            for s in w.sessions
        ]
        return w.model_copy(
            update={
                "title": smarten(w.title, lang),
                "city": smarten(w.city, lang),
                "venue": words(w.venue),
                "participants": words(w.participants),
                "sessions": sessions,
            }
        )

    update: dict[str, Any] = {
        "title": smarten(config.title, lang),
        "subtitle": words(config.subtitle),
        "copyright": words(config.copyright),
        "editors": [smarten(e, lang) for e in config.editors],
        "publisher": config.publisher.model_copy(
            update={
                "name": smarten(config.publisher.name, lang),
                "mission": words(config.publisher.mission),
            }
        ),
        "workshops": [workshop(w) for w in config.workshops],
    }
    if config.series is not None:
        update["series"] = config.series.model_copy(
            update={"name": smarten(config.series.name, lang)}
        )
    return config.model_copy(update=update)


def _workshop(workshop: Workshop, words: Any) -> Workshop:
    if words is None:
        return workshop
    update: dict[str, Any] = {
        key: getattr(words, key)
        for key in ("title", "city", "venue", "participants")
        if getattr(words, key) is not None
    }
    if words.sessions or words.chairs:
        sessions = []
        for s in workshop.sessions:
            session_update: dict[str, Any] = {}
            if s.id in words.sessions:
                session_update["title"] = words.sessions[s.id]
            if s.id in words.chairs:
                session_update["chairs"] = words.chairs[s.id]
            sessions.append(s.model_copy(update=session_update) if session_update else s)
        update["sessions"] = sessions
    return workshop.model_copy(update=update)


# --------------------------------------------------------------------------- dates and places


def draft_note(labels: dict[str, Any], version: str, date: str, commit: str | None) -> str:
    """The footer note of a draft: version, build date (ISO) and commit, in the labels'
    language."""
    note = str(labels.get("draft_footer") or "Draft: version {version}, built {date}")
    text = note.format(version=version, date=date)
    if commit:
        text += str(labels.get("draft_commit") or ", commit {commit}").format(commit=commit)
    return text


def format_date(day: dt.date, labels: dict[str, Any], year: bool = True) -> str:
    """``day`` written out in the labels' language: 18 April 2017, 18 avril 2017, 18 de abril
    de 2017. The pattern is ``date_format`` (``day_month_format`` without the year)."""
    months = labels.get("months") or []
    month = months[day.month - 1] if len(months) == 12 else day.strftime("%B")
    number = str(labels.get("first_of_month") or 1) if day.day == 1 else str(day.day)
    if year:
        pattern = str(labels.get("date_format") or "{day} {month} {year}")
    else:
        pattern = str(labels.get("day_month_format") or "{day} {month}")
    return pattern.format(day=number, month=month, year=day.year)


def format_range(start: dt.date, end: dt.date, labels: dict[str, Any]) -> str:
    """A span of days: 18–19 April 2017; 30 June – 1 July 2017; across years in full."""
    if start == end:
        return format_date(start, labels)
    if (start.year, start.month) == (end.year, end.month):
        first = str(labels.get("first_of_month") or 1) if start.day == 1 else str(start.day)
        return f"{first}–{format_date(end, labels)}"
    if start.year == end.year:
        return f"{format_date(start, labels, year=False)} – {format_date(end, labels)}"
    return f"{format_date(start, labels)} – {format_date(end, labels)}"


@cache
def _countries(language: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str, language: str) -> str:
    """The common name of the country ``code`` (ISO 3166-1 alpha-2) in ``language``."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = str(getattr(country, "common_name", None) or country.name)
    primary = language.split("-")[0].lower()
    if primary == "en":
        return name
    translated = _countries(primary).gettext(name)
    if translated == name and name != country.name:
        translated = _countries(primary).gettext(str(country.name))
    return translated


# --------------------------------------------------------------------------- translated pieces


def localize_documents(
    docs: Documents, language: str, source_language: str
) -> tuple[Documents, Coverage]:
    """The pieces of the edition in ``language``, each translation in place of its original
    (see :func:`idmbook.compose.editions.edition_pieces`)."""
    return edition_pieces(docs, language, source_language)


def _folded(text: str) -> str:
    """``text`` compared loosely: case and accents ignored, runs of non-letters one space."""

    bare = "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )
    return " ".join(re.findall(r"[^\W_]+", bare))


def names_country(text: str, code: str, languages: tuple[str, ...]) -> bool:
    """Whether ``text`` (an organisation's name) already names the country ``code``, in
    English or in one of ``languages`` ("Conseil régional d'Agadez (Niger)", "Ministère de
    l'Intérieur (Sénégal)" for SN): then printing the country after it would say it twice."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return False
    english = {
        str(name)
        for name in (
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        )
        if name
    }
    names = set(english)
    for language in languages:
        primary = language.split("-")[0].lower()
        if primary != "en":
            names |= {_countries(primary).gettext(name) for name in english}
    haystack = f" {_folded(text)} "
    return any(f" {_folded(name)} " in haystack for name in names if _folded(name))
