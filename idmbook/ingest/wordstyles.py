"""The languages and paragraph direction that a Word document's styles give, inherited."""

from __future__ import annotations

from typing import Any

from lxml import etree

from idmbook.ingest.wordxml import W, on, parser


class Styles:
    """The languages and paragraph direction that styles give, with their inheritance."""

    def __init__(self, data: bytes | None) -> None:
        self.default_lang: dict[str, str] = {}
        self.styles: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        if data is None:
            return
        try:
            root = etree.fromstring(data, parser())
        except etree.XMLSyntaxError:
            return
        lang = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        if lang is not None:
            self.default_lang = lang_attrs(lang)
        for style in root.iter(W + "style"):
            ident = style.get(W + "styleId")
            if ident:
                self.styles[ident] = style
                if style.get(W + "type") == "paragraph" and _on_attr(style.get(W + "default")):
                    self.default_paragraph = ident

    def _chain(self, ident: str | None) -> list[Any]:
        chain: list[Any] = []
        seen: set[str] = set()
        while ident and ident in self.styles and ident not in seen and len(chain) < 20:
            seen.add(ident)
            style = self.styles[ident]
            chain.append(style)
            based = style.find(W + "basedOn")
            ident = based.get(W + "val") if based is not None else None
        return chain

    def lang(self, ident: str | None, paragraph: bool) -> dict[str, str]:
        """The languages a style gives (val, eastAsia, bidi), inherited ones included."""
        merged = dict(self.default_lang)
        if paragraph and ident is None:
            ident = self.default_paragraph
        for style in reversed(self._chain(ident)):
            lang = style.find(f"{W}rPr/{W}lang")
            if lang is not None:
                merged.update(lang_attrs(lang))
        return merged

    def bidi(self, ident: str | None) -> bool:
        for style in self._chain(ident or self.default_paragraph):
            bidi = style.find(f"{W}pPr/{W}bidi")
            if bidi is not None:
                return on(bidi)
        return False


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def lang_attrs(element: Any) -> dict[str, str]:
    return {key: value for key in ("val", "eastAsia", "bidi") if (value := element.get(W + key))}
