"""What decoding a picture costs, why it is refused, and the size limit every format shares."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PICTURE_PIXELS = 40_000_000
"""Pixels of one picture (a 40-megapixel photograph; a printed page needs 9 at most)."""
MAX_PICTURE_BYTES = 50 * 1024 * 1024
"""Size of one picture file."""


@dataclass(frozen=True)
class Cost:
    """What decoding a picture takes."""

    kind: str
    """png, jpeg, gif or svg."""
    pixels: int
    """Pixels decoded (for an SVG: those of the pictures it embeds)."""


class Refused(ValueError):
    """The picture cannot go into the book; the message says why, in the user's words."""


def check_size(width: int, height: int, what: str) -> int:
    """The pixels of a ``width`` x ``height`` picture (or frame, its ``what``); refuses an
    empty one or one past :data:`MAX_PICTURE_PIXELS`."""
    if width <= 0 or height <= 0:
        raise Refused(f"its {what} has no size ({width}x{height} pixels)")
    pixels = width * height
    if pixels > MAX_PICTURE_PIXELS:
        raise Refused(
            f"its {what} is {width}x{height} pixels, more than the "
            f"{MAX_PICTURE_PIXELS // 1_000_000} million idmbook places"
        )
    return pixels
