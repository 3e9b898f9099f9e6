"""Form controls as the sender left them: check boxes as ☒ or ☐, unfilled placeholders emptied."""

from __future__ import annotations

from typing import Any

from lxml import etree

from idmbook.ingest.wordxml import W, ancestor, on


def check_boxes(root: Any) -> int:
    """Legacy check-box form fields become ☒ or ☐ after the field."""
    found = 0
    for data in list(root.iter(W + "ffData")):
        box = data.find(W + "checkBox")
        if box is None:
            continue
        checked = box.find(W + "checked")
        default = box.find(W + "default")
        state = on(checked) if checked is not None else on(default) and default is not None
        begin_run = ancestor(data, W + "r")
        if begin_run is None or begin_run.getparent() is None:
            continue
        parent = begin_run.getparent()
        run = etree.SubElement(parent, W + "r")
        parent.remove(run)
        text = etree.SubElement(run, W + "t")
        text.text = "☒" if state else "☐"
        end = _field_end(begin_run)
        anchor = end if end is not None and end.getparent() is parent else begin_run
        parent.insert(parent.index(anchor) + 1, run)
        found += 1
    return found


def _field_end(begin_run: Any) -> Any:
    """The run that ends the field ``begin_run`` begins (fields may nest), or None."""
    depth = 0
    for run in begin_run.itersiblings():
        for char in run.iter(W + "fldChar"):
            kind = char.get(W + "fldCharType")
            if kind == "begin":
                depth += 1
            elif kind == "end":
                if depth == 0:
                    return run
                depth -= 1
    return None


def empty_placeholders(root: Any) -> int:
    """Content controls still showing their placeholder are emptied; returns how many."""
    emptied = 0
    for sdt in list(root.iter(W + "sdt")):
        props = sdt.find(W + "sdtPr")
        content = sdt.find(W + "sdtContent")
        if props is None or content is None or props.find(W + "showingPlcHdr") is None:
            continue
        if not "".join(content.itertext()).strip():
            continue
        for text in content.iter(W + "t"):
            text.text = ""
        emptied += 1
    return emptied
