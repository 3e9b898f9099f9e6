"""Read a zip container (a .docx, an .odt, an .xlsx register) without trusting it.

Every limit is checked while the members are being decompressed, on the bytes actually
produced, never on the sizes the archive's headers claim: a zip bomb lies in its headers.
Member names are checked before anything is read. The checksum of every member is verified
by :mod:`zipfile` when the member has been read to its end.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from idmbook.load.findings import Refused

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much idmbook accepts from one submitted file."""

    max_file_bytes: int = 50 * MiB
    """Size of the file as received."""
    max_members: int = 2000
    """Members of a zip container."""
    max_total_bytes: int = 200 * MiB
    """Decompressed size of all members together."""
    max_member_bytes: int = 100 * MiB
    """Decompressed size of one member."""
    max_ratio: int = 100
    """Decompressed size over compressed size of one member ..."""
    ratio_floor: int = 2 * MiB
    """... checked once the member has produced this many bytes (small XML parts compress
    very well and are harmless)."""
    max_xml_depth: int = 200
    """Nesting of XML elements."""
    max_picture_pixels: int = 60_000_000
    """Width times height of one picture."""
    pandoc_timeout: float = 120.0
    """Seconds pandoc may take for one file."""
    pandoc_memory: str = "2g"
    """Memory pandoc may use for one file (its +RTS -M option)."""


DEFAULT_LIMITS = Limits()
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_name(name: str) -> str | None:
    """Why a member name is unsafe, or None."""
    if not name:
        return "a member has an empty name"
    if "\\" in name:
        return f"member '{name}' has a backslash in its name"
    if name.startswith("/") or _DRIVE.match(name):
        return f"member '{name}' has an absolute path"
    if any(part == ".." for part in name.split("/")):
        return f"member '{name}' points outside the archive ('..')"
    if any(ord(c) < 32 for c in name):
        return f"member '{name!r}' has control characters in its name"
    return None


def read_zip(
    raw: bytes, limits: Limits = DEFAULT_LIMITS, what: str = "document"
) -> dict[str, bytes]:
    """Every file member of the zip ``raw``, name -> bytes, in archive order.

    Raises :class:`Refused` (IDM104) for a damaged, truncated, encrypted or oversized archive,
    or one with unsafe member names.
    """
    hint = f"ask the sender to open the {what} and save it again, then send it once more"
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise Refused(
            "IDM104", f"the {what} is damaged or truncated (its zip container: {exc})", hint
        ) from None
    if len(infos) > limits.max_members:
        raise Refused(
            "IDM104",
            f"the {what} has {len(infos)} parts; the limit is {limits.max_members}",
            hint,
        )
    seen: dict[str, str] = {}
    for info in infos:
        problem = check_member_name(info.filename)
        if problem:
            raise Refused("IDM104", f"unsafe {what}: {problem}", hint)
        key = unicodedata.normalize("NFC", info.filename).casefold()
        if key in seen:
            raise Refused(
                "IDM104",
                f"unsafe {what}: members '{seen[key]}' and '{info.filename}' have the same name",
                hint,
            )
        seen[key] = info.filename
        if info.flag_bits & 0x1:
            raise Refused(
                "IDM102",
                f"the {what} is encrypted (member '{info.filename}')",
                "ask the sender for a copy without a password",
            )
    members: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        data, total = _read_member(zf, info, total, limits, what, hint)
        members[info.filename] = data
    return members


def _read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    total: int,
    limits: Limits,
    what: str,
    hint: str,
) -> tuple[bytes, int]:
    out = bytearray()
    name = info.filename
    try:
        with zf.open(info) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                total += len(chunk)
                if len(out) > limits.max_member_bytes:
                    raise Refused(
                        "IDM104",
                        f"member '{name}' of the {what} expands to more than "
                        f"{limits.max_member_bytes // MiB} MB (a zip bomb?)",
                        hint,
                    )
                if total > limits.max_total_bytes:
                    raise Refused(
                        "IDM104",
                        f"the {what} expands to more than {limits.max_total_bytes // MiB} MB "
                        "(a zip bomb?)",
                        hint,
                    )
                if len(out) > limits.ratio_floor and len(out) > limits.max_ratio * max(
                    info.compress_size, 1
                ):
                    raise Refused(
                        "IDM104",
                        f"member '{name}' of the {what} expands more than "
                        f"{limits.max_ratio} times (a zip bomb?)",
                        hint,
                    )
    except Refused:
        raise
    except zipfile.BadZipFile as exc:
        message = str(exc)
        if "CRC" in message:
            message = f"member '{name}' fails its checksum (CRC): the {what} is damaged"
        else:
            message = f"the {what} is damaged: {message}"
        raise Refused("IDM104", message, hint) from None
    except (EOFError, zlib.error, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise Refused(
            "IDM104",
            f"member '{name}' of the {what} cannot be read ({type(exc).__name__}: {exc}); "
            "the file is damaged or truncated",
            hint,
        ) from None
    return bytes(out), total


def write_zip(members: dict[str, bytes]) -> bytes:
    """A fresh zip holding ``members`` (the cleaned document handed to pandoc)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()
