"""Simple fields, phonetic guides (ruby) and bidirectional embeddings opened into their text."""

from __future__ import annotations

from typing import Any

from lxml import etree

from idmbook.ingest.marks import Marks
from idmbook.ingest.wordxml import XML_SPACE, W, inside, mark_run


def open_simple_fields(root: Any) -> int:
    """Simple fields other than links (a file name, a date, a page number) are replaced by
    the text Word last showed for them, which pandoc drops."""
    opened = 0
    for field_element in list(root.iter(W + "fldSimple")):
        instruction = (field_element.get(W + "instr") or "").strip().upper()
        parent = field_element.getparent()
        if instruction.startswith("HYPERLINK") or parent is None:
            continue
        position = parent.index(field_element)
        for offset, child in enumerate(list(field_element)):
            parent.insert(position + offset, child)
        tail = field_element.tail
        parent.remove(field_element)
        if tail:
            parent[position - 1 if position else 0].tail = tail
        opened += 1
    return opened


def ruby_in_parentheses(root: Any) -> int:
    """A phonetic guide (ruby, as over Japanese kanji) becomes its base text followed by the
    reading in parentheses; pandoc drops both."""
    done = 0
    for ruby in list(root.iter(W + "ruby")):
        run = ruby.getparent()
        if run is None or run.tag != W + "r" or run.getparent() is None:
            continue
        base = "".join(t.text or "" for t in ruby.iter(W + "t") if inside(t, W + "rubyBase"))
        reading = "".join(t.text or "" for t in ruby.iter(W + "t") if inside(t, W + "rt"))
        ruby_index = run.index(ruby)
        run.remove(ruby)
        text = etree.Element(W + "t")
        text.set(XML_SPACE, "preserve")
        text.text = f"{base} ({reading})" if reading else base
        run.insert(ruby_index, text)
        done += 1
    return done


def open_embeddings(root: Any, marks: Marks) -> int:
    """Runs inside a bidirectional embedding or override (``w:dir``, ``w:bdo``, which Word
    writes around a phrase of the other direction) are taken out of it, in a span with its
    direction; pandoc drops them with their text."""
    opened = 0
    for tag in (W + "bdo", W + "dir"):
        for element in list(root.iter(tag)):
            parent = element.getparent()
            if parent is None:
                continue
            children = list(element)
            direction = (element.get(W + "val") or "").lower()
            position = parent.index(element)
            if children and direction in ("rtl", "ltr"):
                start, end = marks.span([("dir", direction)])
                children = [mark_run(start), *children, mark_run(end)]
            for offset, child in enumerate(children):
                parent.insert(position + offset, child)
            parent.remove(element)
            opened += 1
    return opened
