"""Text boxes' paragraphs moved out of the box, to after the paragraph it is anchored in."""

from __future__ import annotations

from typing import Any

from idmbook.ingest.wordxml import MC, W, ancestor, local

_BLOCKS = {"p", "tbl", "sdt", "customXml"}
_MAX_BOXES = 5000


def move_text_boxes(root: Any) -> int:
    """Move each text box's paragraphs (in ``root``) after its anchor; returns how many boxes
    with text were moved."""
    moved = 0
    for _ in range(_MAX_BOXES):
        content = next(root.iter(W + "txbxContent"), None)
        if content is None:
            break
        holder = _holder(content)
        boxes = _box_contents(holder) if local(holder.tag) == "AlternateContent" else [content]
        anchor = ancestor(holder, W + "p")
        parent = holder.getparent()
        if parent is None:
            break
        blocks = [child for box in boxes for child in box if local(child.tag) in _BLOCKS]
        parent.remove(holder)
        if anchor is None or anchor.getparent() is None:
            continue
        if any("".join(b.itertext()).strip() for b in blocks):
            moved += 1
        position = anchor.getparent().index(anchor)
        for offset, block in enumerate(blocks, 1):
            anchor.getparent().insert(position + offset, block)
    return moved


def _holder(content: Any) -> Any:
    """The element that draws the text box: its mc:AlternateContent (Word 2010 and later
    write the box twice, as a shape and in VML), else its w:drawing or w:pict."""
    found = None
    element = content.getparent()
    while element is not None and local(element.tag) not in ("p", "body", "tc"):
        if element.tag == MC + "AlternateContent" or (
            found is None and element.tag in (W + "drawing", W + "pict")
        ):
            found = element
        element = element.getparent()
    return found if found is not None else content


def _box_contents(alternate: Any) -> list[Any]:
    """The text boxes of one mc:AlternateContent: those of its first choice that has any,
    else those of its fallback (never both: they are the same boxes)."""
    for branch in alternate:
        boxes = [b for b in branch.iter(W + "txbxContent") if _owner(b) is alternate]
        if boxes:
            return boxes
    return []


def _owner(content: Any) -> Any:
    """The mc:AlternateContent that holds the text box ``content``, or None."""
    element = content.getparent()
    while element is not None and element.tag != MC + "AlternateContent":
        element = element.getparent()
    return element
