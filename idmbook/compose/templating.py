"""The book's Jinja templates: a sandbox whose values are written as escaped Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from idmbook.compose.typography import smarten
from idmbook.pandoc.markdown import escape

__all__ = ["Md", "anchor", "environment", "finalize"]


class Md(str):
    """A string that is already Markdown and must not be escaped by the templates."""


_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def finalize(value: object, language: str = "en") -> str:
    """A template value as Markdown: Markdown (:class:`Md`) as it is, any other value as
    escaped text with typographic quotes for ``language``."""
    if isinstance(value, Md):
        return str(value)
    if value is None:
        return ""
    text = str(value)
    if _PLAIN_WORD.match(text):
        return text
    text = smarten(text, language)
    # escape() folds all white space; keep the no-break spaces of French typography
    return "\u00a0".join(escape(part) for part in text.split("\u00a0"))


def anchor(value: object) -> Md:
    """A heading identifier made only of letters, digits, '-' and '_'."""
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", str(value)).strip("-")
    return Md(text if text[:1].isalpha() else f"id-{text}")


def environment(folder: Path, finalize: Callable[[object], str] | None) -> jinja2.Environment:
    """A sandboxed Jinja environment for the templates in ``folder``, every value written
    through ``finalize``, with the filter ``anchor``."""
    kwargs: dict[str, Any] = {}
    if finalize is not None:
        kwargs["finalize"] = finalize
    # sandboxed: a received project's templates are as untrusted as its notes, and a plain
    # Environment lets a template reach Python's modules and run commands
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        comment_start_string="{##",
        comment_end_string="##}",
        **kwargs,
    )
    env.filters["anchor"] = anchor
    return env
