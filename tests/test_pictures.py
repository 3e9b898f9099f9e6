"""Pictures the build can place: each one's structure and size (idmbook.load.pictures), and the
book's pictures together (idmbook.check.picturebudget). Validation refuses, with the file and the
line of the reference, what would stop or exhaust the build; real pictures pass, and the
largest accepted ones are typeset."""

from __future__ import annotations

import base64
import zlib
from pathlib import Path

import pytest
from conftest import DOT_PNG, ProjectDir, contribution_text

from idmbook.check.picturebudget import MAX_SAME_PICTURE
from idmbook.load.pictures import MAX_PICTURE_PIXELS, Refused, inspect


def chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def png(width: int, height: int, raw: bytes | None = None) -> bytes:
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    raw = bytes(height * (1 + 3 * width)) if raw is None else raw
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def svg(inner: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="20" height="20">{inner}</svg>'
    ).encode()


def data_uri(picture: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(picture).decode()}"


def lzw_zeros(pixels: int) -> bytes:
    """GIF picture data (minimum code size 2) for ``pixels`` pixels of colour 0: a clear
    code before every two, so that every code stays three bits wide."""
    codes: list[int] = []
    for start in range(0, pixels, 2):
        codes += [4] + [0] * min(2, pixels - start)
    codes.append(5)
    value = sum(code << (3 * n) for n, code in enumerate(codes))
    packed = value.to_bytes((3 * len(codes) + 7) // 8, "little")
    blocks = b"".join(
        bytes([len(packed[i : i + 255])]) + packed[i : i + 255] for i in range(0, len(packed), 255)
    )
    return b"\x02" + blocks + b"\x00"


def gif(screen: tuple[int, int], frame: tuple[int, int], at: tuple[int, int] = (0, 0)) -> bytes:
    head = b"GIF89a" + b"".join(n.to_bytes(2, "little") for n in screen) + b"\x80\x00\x00"
    head += b"\x00\x00\x00\xff\xff\xff"  # a global colour table of two colours
    place = b"".join(n.to_bytes(2, "little") for n in (*at, *frame))
    data = lzw_zeros(frame[0] * frame[1]) if frame[0] * frame[1] < 100_000 else b"\x02\x00"
    return head + b"\x2c" + place + b"\x00" + data + b"\x3b"


def gif_without_colours() -> bytes:
    """A GIF with neither a global colour table nor one for its frame (Typst cannot decode
    it: found by test_the_largest_accepted_pictures_are_typeset)."""
    data = bytearray(gif((4, 4), (4, 4)))
    del data[13:19]
    data[10] = 0
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "kind", "pixels"),
    [
        (DOT_PNG, "png", 1),
        (png(300, 200), "png", 60_000),
        (gif((10, 10), (4, 4), (6, 6)), "gif", 100),
        (svg('<rect width="5" height="5"/>'), "svg", 0),
        (svg(f'<image href="{data_uri(png(30, 20))}" width="9" height="9"/>'), "svg", 600),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
            + svg('<use xlink:href="#r"/><rect id="r" width="1" height="1"/>'),
            "svg",
            0,
        ),
    ],
)
def test_sound_pictures_are_measured(data: bytes, kind: str, pixels: int) -> None:
    cost = inspect(data)
    assert (cost.kind, cost.pixels) == (kind, pixels)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (png(100_000, 100_000, raw=b"\x00" * 64), "100000x100000 pixels"),
        (png(4, 4)[:40], "truncated"),
        (png(4, 4, raw=bytes(13)), "incomplete"),
        (png(4, 4, raw=bytes(10_000)), "more picture data"),
        (gif((1, 1), (30_000, 30_000)), "30000x30000"),
        (gif((10, 10), (8, 8), (5, 5)), "larger than its logical screen"),
        (svg(f'<image href="{data_uri(png(100_000, 100_000, b"x"))}"/>'), "embedded"),
        (svg('<image href="file:///etc/passwd"/>'), "another file"),
        (svg('<rect style="fill:url(http://127.0.0.1:9/p)"/>'), "in a style"),
        (svg('<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>'), "refers to itself"),
        (b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>', "entities"),
        (b"GIF89a", "truncated"),
        (gif((4, 4), (4, 4)).replace(lzw_zeros(16), lzw_zeros(15)), "truncated"),
        (gif_without_colours(), "no colour table"),
        (png(4, 4, raw=b"\x09" + bytes(12) * 4), "filter"),
        (b"not a picture", "not a PNG"),
    ],
)
def test_pictures_the_build_cannot_place_are_refused(data: bytes, why: str) -> None:
    with pytest.raises(Refused, match=why):
        inspect(data)


def test_a_damaged_checksum_is_found() -> None:
    broken = bytearray(png(4, 4))
    broken[-20] ^= 0xFF  # a byte of the IDAT chunk's checksum
    with pytest.raises(Refused, match="checksum"):
        inspect(bytes(broken))


def test_use_elements_are_counted_as_expanded() -> None:
    groups = ['<g id="g0"><rect width="1" height="1"/></g>']
    for level in range(1, 6):
        groups.append(f'<g id="g{level}">' + f'<use href="#g{level - 1}"/>' * 10 + "</g>")
    inspect(svg("".join(groups[:4])))  # a thousand rectangles: fine
    with pytest.raises(Refused, match="repeat it into more than"):
        inspect(svg("".join(groups)))  # a hundred thousand


def test_pictures_within_one_limit_but_not_together(
    make_project: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each picture passes on its own; the reference that takes the book past its budget is
    the one reported, with its file and line (the budget made small here, so that small
    pictures show it: the corpus's res-pictures-together uses the real one)."""
    import idmbook.check.picturebudget as budget

    monkeypatch.setattr(budget, "MAX_BOOK_PIXELS", 1000)
    body = "\n\n".join(f"![Map {n}](media/m{n}.png)" for n in range(4))
    project = make_project(  # type: ignore[operator]
        {
            **{f"contributions/media/m{n}.png": png(20, 20) for n in range(4)},
            "contributions/maps.md": contribution_text("Maps Org", body=f"\n{body}\n"),
        }
    )
    report = project.validate()
    found = [(d.code, d.path, d.line) for d in report.diagnostics if d.severity.value == "error"]
    assert found == [("IDM067", "contributions/maps.md", 17)], report.diagnostics
    assert "1 million pixels" not in found and "limit is 0 million" in str(report.diagnostics)


def test_one_picture_shown_too_often(project: ProjectDir) -> None:
    project.write("contributions/media/dot.png", DOT_PNG)
    body = "\n\n".join("![A dot](media/dot.png)" for _ in range(MAX_SAME_PICTURE + 1))
    project.write("contributions/dots.md", contribution_text("Dots Org", body=f"\n{body}\n"))
    found = [d for d in project.validate().diagnostics if d.code == "IDM067"]
    assert [(d.path, d.line) for d in found] == [
        ("contributions/dots.md", 13 + 2 * MAX_SAME_PICTURE)
    ]
    assert "shown more than" in found[0].message


def test_a_withheld_contribution_s_pictures_do_not_count(project: ProjectDir) -> None:
    project.write("contributions/media/dot.png", DOT_PNG)
    body = "\n\n".join("![A dot](media/dot.png)" for _ in range(MAX_SAME_PICTURE + 1))
    project.write(
        "contributions/dots.md", contribution_text("Dots Org", consent="false", body=f"\n{body}\n")
    )
    assert not [d for d in project.validate().diagnostics if d.code == "IDM067"]


@pytest.mark.slow
def test_the_largest_accepted_pictures_are_typeset(project: ProjectDir, tmp_path: Path) -> None:
    """A picture at the per-picture limit, a GIF whose frame fills its screen and an SVG
    embedding a PNG: validation accepts them and Typst typesets them (the limits are not
    tighter than they need be for the book to be built)."""
    from idmbook.commands.build import BuildOptions, build

    side = int(MAX_PICTURE_PIXELS**0.5) - 1
    project.write("contributions/media/big.png", png(side, side))
    project.write("contributions/media/anim.gif", gif((16, 16), (16, 16)))
    project.write(
        "contributions/media/drawing.svg",
        svg(f'<image href="{data_uri(png(40, 30))}" width="20" height="15"/>'),
    )
    body = "![Big](media/big.png)\n\n![Anim](media/anim.gif)\n\n![Drawing](media/drawing.svg)"
    project.write("contributions/pics.md", contribution_text("Pics Org", body=f"\n{body}\n"))
    assert not project.validate().has_errors
    result = build(project.root, BuildOptions(formats=("pdf",), out=tmp_path / "out"))
    assert result.outputs["pdf"].stat().st_size > 0
