"""What each field of the models means: the docstring written under it in the source.

The config and front matter models document every field with a string under its annotation.
Those words are the help of a diagnostic about the field and the descriptions of the JSON
Schemas. They are read from the source when first asked for, not when the models are made:
pydantic's ``use_attribute_docstrings`` reads them for every model at import, a twentieth of
the time ``idmbook validate`` takes on one file, to show them only when a field is wrong.
"""

from __future__ import annotations

import ast
import inspect
import sys
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel


def field_doc(model: type, name: str) -> str | None:
    """The docstring of field ``name`` of ``model`` (or of the base class that declares it),
    cleaned as pydantic cleans it; None when it has none or the source cannot be read."""
    for klass in model.__mro__:
        if name in getattr(klass, "__annotations__", {}):
            return _class_docs(klass.__module__).get(klass.__qualname__, {}).get(name)
    return None


def describe_schema(schema: dict[str, Any], model: type) -> dict[str, Any]:
    """``schema`` (``model.model_json_schema()``) with each property's description where the
    field has a docstring; the models it refers to are found under ``$defs`` by name."""
    models = {klass.__name__: klass for klass in _models_in(model)}
    for name, definition in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        klass = models.get(name)
        if klass is None:
            continue
        properties = definition.get("properties", {})
        for field, prop in properties.items():
            doc = field_doc(klass, field)
            if doc and "description" not in prop:
                # keys in order, as pydantic writes them
                properties[field] = dict(sorted({**prop, "description": doc}.items()))
    return schema


def _models_in(model: type, seen: set[type] | None = None) -> set[type]:
    """``model`` and every model class its fields' annotations name, at any depth."""
    seen = set() if seen is None else seen
    if model in seen:
        return seen
    seen.add(model)
    for info in getattr(model, "model_fields", {}).values():
        for klass in _classes(info.annotation):
            if issubclass(klass, BaseModel):
                _models_in(klass, seen)
    return seen


def _classes(annotation: Any) -> list[type]:

    found = [annotation] if isinstance(annotation, type) else []
    for arg in get_args(annotation):
        found += _classes(arg)
    return found


@cache
def _class_docs(module_name: str) -> dict[str, dict[str, str]]:
    """For each class of the module (by qualified name), its fields' docstrings."""
    module = sys.modules.get(module_name)
    try:
        tree = ast.parse(inspect.getsource(module)) if module is not None else None
    except (OSError, TypeError, SyntaxError):
        tree = None
    found: dict[str, dict[str, str]] = {}
    if tree is not None:
        _collect(tree.body, "", found)
    return found


def _collect(body: list[ast.stmt], prefix: str, found: dict[str, dict[str, str]]) -> None:
    for node in body:
        if not isinstance(node, ast.ClassDef):
            continue
        name = f"{prefix}{node.name}"
        docs = found.setdefault(name, {})
        for first, second in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(first, ast.AnnAssign)
                and isinstance(first.target, ast.Name)
                and isinstance(second, ast.Expr)
                and isinstance(second.value, ast.Constant)
                and isinstance(second.value.value, str)
            ):
                docs[first.target.id] = inspect.cleandoc(second.value.value)
        _collect(node.body, f"{name}.", found)
