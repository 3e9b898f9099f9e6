"""The DOCX being finished, as every finishing step receives it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.oxml.ns import qn

from idmbook.errors import IdmbookError
from idmbook.render.meta import BookMeta

__all__ = ["Finishing", "StyleIds", "open_docx"]


class StyleIds:
    """Style names of the reference document resolved to the ids used in the XML."""

    def __init__(self, document: Any) -> None:
        self._ids: dict[str, str] = {}
        for style in document.styles.element.findall(qn("w:style")):
            name = style.find(qn("w:name"))
            if name is not None:
                self._ids[name.get(qn("w:val")).lower()] = style.get(qn("w:styleId"))

    def get(self, name: str) -> str | None:
        """The id of the style ``name``, or None when the template lacks it."""
        return self._ids.get(name.lower())

    def __getitem__(self, name: str) -> str:
        try:
            return self._ids[name.lower()]
        except KeyError:
            raise IdmbookError(
                f"the Word template has no style {name!r}",
                "regenerate it with `python scripts/make_reference_docx.py`",
            ) from None


@dataclass
class Finishing:
    """What the finishing steps work on."""

    document: Any
    """python-docx's Document of pandoc's file."""
    meta: BookMeta
    styles: StyleIds
    front: list[Any] = field(default_factory=list)
    """The front part's paragraphs (cover, imprint, contents heading), once found."""

    @property
    def body(self) -> Any:
        """The document's w:body element."""
        return self.document.element.body


def open_docx(raw: bytes, meta: BookMeta) -> Finishing:
    """The DOCX ``raw`` that pandoc wrote, read by python-docx for the finishing steps."""
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several types for a broken package
        raise IdmbookError(f"the DOCX written by pandoc could not be read: {exc}") from None
    return Finishing(document, meta, StyleIds(document))
