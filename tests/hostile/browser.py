"""Open a built HTML book in headless Chromium and report whatever in it would act.

Chromium runs with a fresh profile, no sandbox (the harness may run as root), no GPU and no
background networking, and is driven over the DevTools protocol on a pipe (file descriptors
3 and 4: nothing to install besides the browser). With the debugger enabled, every script the
page compiles is reported (``Debugger.scriptParsed``), inline event handlers included once
they fire; every request for something other than the file itself, a ``data:`` URI or
``about:`` is reported too, and the browser's proxy is the harness's tripwire. After the page
has loaded, its document is searched for what would run or fetch on a click (``javascript:``
links, event handler attributes, forms, frames, objects, ``<base>``, refresh).

Debian's package: ``apt-get install -y chromium`` (``.ci/run`` installs it). Without it the
check is skipped and the report says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SETTLE = 1.0
"""Seconds the page is left to act after its load event."""

_ACTIVE = """
(() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName.toLowerCase()} ${name}`);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(name)
          && (value.startsWith('javascript:') || value.startsWith('vbscript:')))
        found.push(`${el.tagName.toLowerCase()} ${name}=${value.slice(0, 40)}`);
    }
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'frame', 'object', 'embed', 'form', 'base', 'applet',
         'portal'].includes(tag)) found.push(`<${tag}>`);
    if (tag === 'meta' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh')
      found.push('<meta http-equiv=refresh>');
  }
  return found;
})()
"""


def chromium() -> str | None:
    """The browser's program, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def skip_reason() -> str | None:
    """Why the browser check cannot run here, or None."""
    if chromium() is None:
        return "Chromium is not installed (apt-get install -y chromium)"
    return None


@dataclass
class PageReport:
    """What the page did in the browser."""

    scripts: list[str] = field(default_factory=list)
    """Scripts compiled by the page (its URL, and the start of the source when known)."""
    requests: list[str] = field(default_factory=list)
    """URLs the page asked for other than itself, data: and about: URIs."""
    active: list[str] = field(default_factory=list)
    """Elements and attributes of the loaded document that would act on a click."""
    error: str | None = None
    """Why the page could not be looked at (then nothing else is known)."""

    def problems(self) -> list[str]:
        out = []
        if self.error:
            out.append(f"the browser could not open the HTML: {self.error}")
        if self.scripts:
            out.append(f"a script ran in the HTML: {self.scripts[:2]}")
        if self.requests:
            out.append(f"the HTML reached for {self.requests[:2]}")
        if self.active:
            out.append(f"the HTML holds active content: {self.active[:3]}")
        return out


class _Pipe:
    """The DevTools protocol over Chromium's --remote-debugging-pipe."""

    def __init__(self, program: str, args: list[str]) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def descriptors() -> None:  # runs in the child: the pipe ends as fds 3 and 4
            a, b = os.dup(to_browser), os.dup(from_browser)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [program, *args],
            preexec_fn=descriptors,  # (the child needs the pipe as fds 3 and 4)
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self.patience = 60.0
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> int:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._next

    def receive(self, until: float) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while not messages:
            left = until - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([self._read], [], [], left)
            if not ready:
                break
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise OSError("the browser closed the pipe")
            self._buffer += chunk
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                messages.append(json.loads(raw))
        return messages

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str = ""
    ) -> dict[str, Any]:
        wanted = self.send(method, params, session)
        until = time.monotonic() + self.patience
        while time.monotonic() < until:
            for message in self.receive(until):
                if message.get("id") == wanted:
                    if "error" in message:
                        raise OSError(f"{method}: {message['error']}")
                    return dict(message.get("result", {}))
                self.events.append(message)
        raise TimeoutError(f"no answer to {method}")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, 9)
        with contextlib.suppress(Exception):
            self.process.wait(10)
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


def open_in_browser(html: Path, proxy: str | None = None, timeout: float = 45.0) -> PageReport:
    """Load ``html`` in headless Chromium and report what it did (see the module); a
    browser that does not get the page loaded (a machine too busy) or that dies on the way
    (single-process Chromium now and then closes its pipe at load 15 on 2 processors) is
    given two more tries."""
    report = _open_once(html, proxy, timeout)
    for _ in range(2):
        if report.error is None or chromium() is None:
            break
        report = _open_once(html, proxy, timeout)
    return report


def _open_once(html: Path, proxy: str | None, timeout: float) -> PageReport:
    program = chromium()
    if program is None:
        return PageReport(error=skip_reason())
    profile = tempfile.mkdtemp(prefix="idmbook-chromium-")
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        # one process: on a busy machine a page's renderer process now and then never got
        # going (two loads in fifteen stalled with three processors' worth of load added; none
        # in forty-five with this)
        "--single-process",
        "--no-zygote",
        "--disable-background-networking",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-component-update",
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--remote-debugging-pipe",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]
    sink = _Sink()  # the browser's own traffic (time, updates) ends here, unseen
    args.append(f"--proxy-server={proxy or sink.address}")
    args += ["--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate"]
    args.append("about:blank")
    report = PageReport()
    pipe = _Pipe(program, args)
    pipe.patience = timeout
    try:
        pages = pipe.call("Target.getTargets")["targetInfos"]
        target = next((t["targetId"] for t in pages if t.get("type") == "page"), None)
        if target is None:
            target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for method in ("Debugger.enable", "Runtime.enable", "Network.enable", "Page.enable"):
            pipe.call(method, {}, session)
        page = html.resolve().as_uri()
        pipe.call("Page.navigate", {"url": page}, session)
        until = time.monotonic() + timeout
        loaded: float | None = None
        while time.monotonic() < until:
            if loaded is None and any(
                e.get("method") == "Page.loadEventFired" for e in pipe.events
            ):
                loaded = time.monotonic()
            if loaded is not None and time.monotonic() > loaded + SETTLE:
                break
            pipe.events += pipe.receive(min(until, time.monotonic() + 0.2))
        if loaded is None:
            report.error = f"the page did not load in {timeout:.0f} s"
        _read_events(pipe.events, page, report)
        if report.error is None:
            found = pipe.call(
                "Runtime.evaluate", {"expression": _ACTIVE, "returnByValue": True}, session
            )
            report.active = list(found.get("result", {}).get("value") or [])
    except (OSError, TimeoutError, ValueError, KeyError) as exc:
        report.error = str(exc)[:200]
    finally:
        pipe.close()
        sink.close()
        shutil.rmtree(profile, ignore_errors=True)
    return report


class _Sink:
    """A listener on 127.0.0.1 that accepts connections and closes them."""

    def __init__(self) -> None:
        import socket
        import threading

        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.address = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._socket.close()


def _read_events(events: list[dict[str, Any]], page: str, report: PageReport) -> None:
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Debugger.scriptParsed":
            report.scripts.append(str(params.get("url") or "inline") + f" ({params.get('length')})")
        elif method == "Network.requestWillBeSent":
            url = str(params.get("request", {}).get("url", ""))
            if url != page and not url.startswith(("data:", "about:")):
                report.requests.append(url[:120])
