"""Run LibreOffice on a submitted file, cut off from the network and from the user's own
settings, and stop all of it when it takes too long.

A Word 97-2003 document can link pictures and other files by address; LibreOffice would fetch
them while converting. So LibreOffice runs:

- in a network namespace of its own with no interface but a loopback that is down
  (``unshare --net``, as an unprivileged user through a user namespace, ``unshare -rn``),
  when the system allows it; otherwise with a proxy setting that leads nowhere;
- with a fresh profile in the work folder that blocks links from untrusted documents
  (``BlockUntrustedRefererLinks``), never updates links or fields when loading, runs no
  macros and checks for no updates, and with its home, caches and temporary files in the
  work folder too (nothing of the user's desktop session);
- in a session of its own, so that a timeout kills every process it started (the
  ``soffice`` launcher, ``oosplash`` and ``soffice.bin``), not only the launcher.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}
</oor:items>
"""
_SETTINGS = (
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),
    ("/org.openoffice.Office.Writer/Content/Update", "Field", "false"),
    ("/org.openoffice.Office.Writer/Content/Update", "Chart", "false"),
    ("/org.openoffice.Office.Common/Misc", "UseLocking", "false"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "0.0.0.0"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "0.0.0.0"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetFTPProxyName", "0.0.0.0"),
    ("/org.openoffice.Inet/Settings", "ooInetFTPProxyPort", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", ""),
    (
        "/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
        "AutoCheckEnabled",
        "false",
    ),
)
_ENV_DROPPED = (
    "http_proxy",
    "https_proxy",
    "ftp_proxy",
    "all_proxy",
    "no_proxy",
    "dbus_session_bus_address",
    "xdg_runtime_dir",
    "display",
    "wayland_display",
)
"""Environment variables LibreOffice does not get: proxies, and the ways to the desktop
session (its settings store, its display)."""


@dataclass(frozen=True)
class Ran:
    """How a LibreOffice run went."""

    returncode: int | None
    """None when it was stopped at the time limit."""
    isolation: str
    """How it was kept off the network, in words for the report."""


def program() -> str | None:
    """The LibreOffice program, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@cache
def _namespace_prefix() -> tuple[str, ...]:
    """The command that gives a process a network namespace of its own, if any works here."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "--map-root-user", "--net"), (unshare, "--net")):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            probe = subprocess.run(
                [*prefix, "true"],
                capture_output=True,
                timeout=20,
                check=False,
                stdin=subprocess.DEVNULL,
            )
            if probe.returncode == 0:
                return prefix
    return ()


def write_profile(folder: Path) -> Path:
    """A LibreOffice user profile in ``folder`` with the settings above; its URL's folder."""
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, value in _SETTINGS
    )
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE.format(items=items), "utf-8")
    return folder


def run(arguments: list[str], workdir: Path, timeout: float) -> Ran:
    """LibreOffice (``soffice`` then ``arguments``) in ``workdir``, isolated as the module
    says; every process it started is killed when it ends or runs out of time."""
    soffice = program()
    if soffice is None:
        raise FileNotFoundError("soffice")
    profile = write_profile(workdir / "lo-profile")
    prefix = _namespace_prefix()
    isolation = (
        "in a network namespace of its own (no network)"
        if prefix
        else "with a proxy setting that leads nowhere (no network namespace is available)"
    )
    env = {k: v for k, v in os.environ.items() if k.lower() not in _ENV_DROPPED}
    home = workdir / "lo-home"
    for name in ("cache", "config", "data", "tmp"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "TMPDIR": str(home / "tmp"),
            "SAL_USE_VCLPLUGIN": "svp",
        }
    )
    command = [
        *prefix,
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        *arguments,
    ]
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        code: int | None = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        _kill_group(process)
    return Ran(code, isolation)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill every process of ``process``'s session (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
