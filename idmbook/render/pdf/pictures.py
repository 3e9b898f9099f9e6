"""The book's pictures in the PDF: safe names in the compile folder, ``image()`` with alt text."""

from __future__ import annotations

import re
import shutil
from collections.abc import Set as AbstractSet
from pathlib import Path, PurePosixPath

from idmbook.errors import IdmbookError
from idmbook.pandoc.ast import Node
from idmbook.render.pdf.context import Context
from idmbook.render.pdf.markup import raw_inline, stringify, typst_length, typst_string

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
"""Picture formats Typst can place."""
FALLBACK_ALT = "Image"
"""Alt text of a picture that has neither a description, a title nor a caption."""

_IMAGE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def image_name(name: str) -> PurePosixPath:
    """A picture name as a safe path inside the build folder; anything else raises."""
    path = PurePosixPath(name)
    safe = (
        not path.is_absolute()
        and bool(path.parts)
        and all(_IMAGE_PART.fullmatch(part) for part in path.parts)
        and ".." not in path.parts
        and path.suffix.lower() in IMAGE_SUFFIXES
    )
    if not safe:
        raise IdmbookError(
            f"the picture name {name!r} cannot be used in the PDF",
            "picture names look like 'media/<hash>.png' (png, jpg, gif, svg or webp)",
        )
    return path


def image(node: Node, context: Context, images: dict[str, Path]) -> Node:
    """A picture (an Image node) as Typst ``image()`` with its alt text and size; its name
    must be one of ``images``."""
    attr, description, (target, title) = node["c"]
    drawn = images.get(target.rsplit(".", 1)[0] + ".typ")
    if drawn is not None:  # a figure the build draws: Typst draws it, in the book's fonts
        return raw_inline(drawn.read_text("utf-8"))
    if target not in images:
        raise IdmbookError(
            f"the picture {target!r} is not among the book's pictures",
            "the assemble stage must list every picture of the body in BookMeta.images",
        )
    image_name(target)
    alt = stringify(description) or title.strip() or context.caption or FALLBACK_ALT
    args = [typst_string(target), f"alt: {typst_string(alt)}"]
    for key, value in attr[2]:
        length = typst_length(value) if key in ("width", "height") else None
        if length:
            args.append(f"{key}: {length}")
    code = f"image({', '.join(args)})"
    boxed = context.caption is None or context.link
    return raw_inline(f"#box({code})" if boxed else f"#{code}")


def copy_images(names: AbstractSet[str], images: dict[str, Path], root: Path) -> None:
    """Copy the pictures the body uses into the build folder, under their picture names."""
    for name in sorted(names):
        destination = root.joinpath(*image_name(name).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(images[name], destination)
        except OSError as exc:
            raise IdmbookError(
                f"the picture {name!r} could not be read from {images[name]}: {exc.strerror}",
                "check that the file exists and is readable",
            ) from None
