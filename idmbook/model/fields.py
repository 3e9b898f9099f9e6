"""Field types shared by the models: language tags, country codes, ISBN and ISSN, ids."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

Level = Literal["local", "national", "regional", "global"]
LEVELS: tuple[str, ...] = ("local", "national", "regional", "global")

StakeholderType = Literal[
    "government",
    "local_authority",
    "international_organisation",
    "civil_society",
    "migrant_diaspora",
    "private_sector",
    "academia",
    "other",
]
STAKEHOLDER_TYPES: tuple[str, ...] = get_args(StakeholderType)

Id = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", min_length=1, max_length=64)
]
"""An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit."""

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


COMMON_LANGUAGES = frozenset({"ar", "en", "es", "fr", "ru", "zh"})
"""The six official languages of the United Nations: valid tags that need no look-up (the
language database takes a fiftieth of a second to load, on every command)."""


def _language(value: str) -> str:
    if value in COMMON_LANGUAGES:
        return value
    import langcodes

    if not langcodes.tag_is_valid(value):
        raise PydanticCustomError(
            "bad_language",
            "'{value}' is not a BCP 47 language tag (for example en, fr, es)",
            {"value": value},
        )
    return value


def _country(value: str) -> str:
    import pycountry

    code = value.upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise PydanticCustomError(
            "bad_country",
            "'{value}' is not an ISO 3166-1 alpha-2 country code (for example MX)",
            {"value": value},
        )
    return code


def _isbn(value: str) -> str:
    from stdnum import isbn
    from stdnum.exceptions import ValidationError

    try:
        number = isbn.validate(value)
    except ValidationError as exc:
        raise PydanticCustomError(
            "bad_identifier",
            "'{value}' is not a valid ISBN: {why}",
            {"value": value, "why": str(exc).rstrip(".")},
        ) from None
    if isbn.isbn_type(number) != "ISBN13":  # books since 2007 carry the 13-digit form
        raise PydanticCustomError(
            "bad_identifier",
            "'{value}' is a 10-digit ISBN: give its 13-digit form, {isbn13}",
            {"value": value, "isbn13": str(isbn.format(isbn.to_isbn13(number)))},
        )
    return str(isbn.format(number))


def _issn(value: str) -> str:
    from stdnum import issn
    from stdnum.exceptions import ValidationError

    try:
        return str(issn.format(issn.validate(value)))
    except ValidationError as exc:
        raise PydanticCustomError(
            "bad_identifier",
            "'{value}' is not a valid ISSN: {why}",
            {"value": value, "why": str(exc).rstrip(".")},
        ) from None


Language = Annotated[str, AfterValidator(_language)]
Country = Annotated[str, AfterValidator(_country)]
ISBN = Annotated[str, AfterValidator(_isbn)]
ISSN = Annotated[str, AfterValidator(_issn)]
