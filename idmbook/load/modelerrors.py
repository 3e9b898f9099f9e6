"""Turn pydantic validation errors into diagnostics that point at the offending line."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from idmbook.diagnostics import Diagnostic
from idmbook.load.frontmatter import FrontMatterFile, Loc
from idmbook.rules import diag

M = TypeVar("M", bound=BaseModel)

_CUSTOM = {"bad_language": "IDM025", "bad_country": "IDM026", "bad_identifier": "IDM027"}
_LITERAL_CODES = {"levels": "IDM023", "stakeholder_type": "IDM024"}


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice closest to ``word``, if any is close enough to be a likely typo."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not found:
        lowered = {c.lower(): c for c in choices}
        found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        if found:
            return lowered[found[0]]
        # an abbreviation: 'rights' for 'rights-wellbeing'
        starting = [c for c in choices if len(word) >= 3 and c.lower().startswith(word.lower())]
        return starting[0] if len(starting) == 1 else None
    return found[0]


def did_you_mean(word: str, choices: Sequence[str], what: str = "valid values") -> str:
    """A hint naming the closest valid choice and listing the others."""
    best = closest(word, choices)
    listed = ", ".join(choices[:12]) + (", …" if len(choices) > 12 else "")
    if best:
        return f"did you mean '{best}'? {what}: {listed}"
    return f"{what}: {listed}"


def _unknown_key_hint(key: str, allowed: list[str]) -> str | None:
    """What to do about an unknown key: the key meant, or for a date given to a note (which
    has none), where its date comes from."""
    if key.lower() in ("date", "session_date") and "session" in allowed:
        return (
            "a note has no date of its own: it is its session's date in idmbook.yaml; "
            "remove this line"
        )
    if key.lower() == "date" and "received" in allowed:
        return "did you mean 'received'? the date the submission was received, 2017-05-02"
    return did_you_mean(key, allowed, "known keys") if allowed else None


def validate_model(
    model: type[M], fm: FrontMatterFile, fallback_code: str = "IDM012"
) -> tuple[M | None, list[Diagnostic]]:
    """Validate front-matter data against ``model``; errors point at their keys."""
    found, problems, _ = validate_keys(model, fm, fallback_code)
    return found, problems


def validate_keys(
    model: type[M], fm: FrontMatterFile, fallback_code: str = "IDM012"
) -> tuple[M | None, list[Diagnostic], set[str]]:
    """:func:`validate_model`, and the top-level keys that have a problem (missing, unknown
    or wrong), so that the others can still be checked when the model does not validate."""
    try:
        return model.model_validate(fm.data), [], set()
    except ValidationError as exc:
        keys = {str(err["loc"][0]) for err in exc.errors(include_url=False) if err["loc"]}
        return None, errors_to_diagnostics(exc, model, fm, fallback_code), keys


def errors_to_diagnostics(
    exc: ValidationError, model: type[BaseModel], fm: FrontMatterFile, fallback_code: str
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err, loc in _union_errors_merged(model, exc.errors(include_url=False)):
        kind = err["type"]
        field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        dotted = _dotted(loc)
        if kind == "extra_forbidden":
            line, col = fm.position(loc)
            allowed = _fields_at(model, loc[:-1])
            key = str(loc[-1])
            hint = _unknown_key_hint(key, allowed)
            out.append(diag("IDM010", fm.rel, line, col, f"unknown key '{dotted}'", hint))
        elif kind == "missing":
            line, col = fm.position(loc[:-1]) if loc[:-1] else (fm.front_line, 1)
            out.append(
                diag(
                    "IDM011",
                    fm.rel,
                    line,
                    col,
                    f"missing required key '{dotted}'",
                    _field_help(model, loc),
                )
            )
        elif kind in _CUSTOM:
            line, col = fm.position(loc, value=True)
            out.append(diag(_CUSTOM[kind], fm.rel, line, col, f"{dotted}: {err['msg']}"))
        elif kind == "literal_error":
            line, col = fm.position(loc, value=True)
            expected = _literal_values(model, loc)
            given = str(err.get("input"))
            code = _LITERAL_CODES.get(field_name, fallback_code)
            problem = "no value given" if err.get("input") is None else f"'{given}' is not allowed"
            out.append(
                diag(
                    code,
                    fm.rel,
                    line,
                    col,
                    f"{dotted}: {problem}",
                    did_you_mean(given, expected) if expected else err["msg"],
                )
            )
        else:
            line, col = fm.position(loc, value=True)
            message = _plain_message(err, bool(loc))
            where = f"{dotted}: " if dotted else ""
            out.append(
                diag(fallback_code, fm.rel, line, col, f"{where}{message}", _field_help(model, loc))
            )
    return out


def _plain_message(err: Any, has_loc: bool) -> str:
    """What is wrong with a value, in the user's words rather than pydantic's."""
    kind, message = err["type"], str(err["msg"])
    given = err.get("input", ...)
    if given is None and has_loc:
        return "no value given"
    if kind == "string_type" and isinstance(given, int | float) and not isinstance(given, bool):
        return (
            f"{given} was read as a number; write it in quotes to keep it as text, "
            f'for example "{given}"'
        )
    if kind == "list_type" and isinstance(given, str | int | float):
        return f"a list is expected: write [{given}]"
    if kind.startswith(("date_parsing", "date_from_datetime", "date_type")):
        return f"'{given}' is not a date ({_after_comma(message)})"
    return message.removeprefix("Value error, ")


def _after_comma(message: str) -> str:
    """Pydantic's reason after its "Input should be ...," (``month value is outside expected
    range``), or what a date looks like."""
    reason = message.partition(", ")[2]
    return reason or "write it as 2017-04-18"


_EXPECTED = {
    "string_type": "a text",
    "list_type": "a list",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date such as 2017-04-18",
    "date_parsing": "a date such as 2017-04-18",
    "dict_type": "a group of 'key: value' lines",
    "model_type": "a group of 'key: value' lines",
}


def _clean_loc(model: type[BaseModel], loc: Loc, kind: str) -> tuple[Loc, Loc | None]:
    """``loc`` without pydantic's union-member tags (such as ``constrained-str`` or
    ``list[constrained-str]``), and the loc of the union field when a tag was removed.

    A string part is kept when it names a field of the model reached so far (or is the
    unknown key of an ``extra_forbidden`` error); list indexes are always kept.
    """
    kept: list[str | int] = []
    union: Loc | None = None
    current: type[BaseModel] | None = model
    for i, part in enumerate(loc):
        if isinstance(part, int):
            kept.append(part)
        elif current is not None and part in current.model_fields:
            kept.append(part)
            current = _model_at(current, (part,))
        elif kind == "extra_forbidden" and i == len(loc) - 1:
            kept.append(part)
        elif union is None:
            union = tuple(kept)
    return tuple(kept), union


def _union_errors_merged(model: type[BaseModel], errors: list[Any]) -> list[tuple[Any, Loc]]:
    """Errors with clean locs. When a value fits no member of a union (``rapporteur: 5``
    against "a name or a list of names"), pydantic reports one error per member; they become
    one error saying what was expected. When one member got further than a type mismatch
    (``rapporteur: ["", x]``: it is a list, one item is wrong), only the errors of the members
    that got further are kept."""
    cleaned = [(err, *_clean_loc(model, tuple(err["loc"]), err["type"])) for err in errors]
    groups: dict[Loc, list[tuple[Any, Loc]]] = {}
    for err, loc, union in cleaned:
        if union is not None:
            groups.setdefault(union, []).append((err, loc))
    out: list[tuple[Any, Loc]] = []
    done: set[Loc] = set()
    for err, loc, union in cleaned:
        if union is None:
            out.append((err, loc))
            continue
        if union in done:
            continue
        done.add(union)
        members = groups[union]
        closer = [
            (e, lc) for e, lc in members if e["type"] not in _EXPECTED or len(lc) > len(union)
        ]
        if closer or len(members) == 1:
            out.extend(closer or members)
            continue
        wanted = list(dict.fromkeys(_EXPECTED[e["type"]] for e, _ in members))
        merged = {
            **members[0][0],
            "type": "union_mismatch",
            "msg": "expected " + " or ".join(wanted),
        }
        out.append((merged, union))
    return out


def _dotted(loc: Loc) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + p)
    return "".join(parts)


def _unwrap(annotation: Any) -> list[Any]:
    """The member types of an annotation (Optional, unions, Annotated, list items)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for a in get_args(annotation) for m in _unwrap(a)]
    if origin is list:
        return _unwrap(get_args(annotation)[0])
    return [annotation]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        members = [
            m for m in _unwrap(info.annotation) if isinstance(m, type) and issubclass(m, BaseModel)
        ]
        current = members[0] if members else None
    return current


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    target = _model_at(model, loc)
    return list(target.model_fields) if target else []


def _field_info(model: type[BaseModel], loc: Loc) -> Any:
    found = _field_at(model, loc)
    return found[0].model_fields.get(found[1]) if found is not None else None


def _field_at(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel], str] | None:
    """The model that has the field at ``loc``, and the field's name."""
    path = [p for p in loc if isinstance(p, str)]
    if not path:
        return None
    parent = _model_at(model, tuple(path[:-1]))
    if parent is None or path[-1] not in parent.model_fields:
        return None
    return parent, path[-1]


def _literal_values(model: type[BaseModel], loc: Loc) -> list[str]:
    info = _field_info(model, loc)
    if info is None:
        return []
    for member in _unwrap(info.annotation):
        if get_origin(member) is Literal:
            return [str(a) for a in get_args(member)]
    return []


def _field_help(model: type[BaseModel], loc: Loc) -> str | None:
    # imported here: a clean validate never loads the field docs (tests/test_startup.py)
    from idmbook.model.fielddocs import field_doc

    found = _field_at(model, loc)
    doc = field_doc(*found) if found is not None else None
    if not doc:
        return None
    return " ".join(doc.split())
