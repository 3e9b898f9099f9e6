"""Hostile targets given to `idmbook init`: it must create a project only where it was asked,
in a folder that is new or empty, and touch nothing else.

The box is the current folder; paths are relative to it. ``created`` lists what must exist
afterwards, and its first folder is the only place the command may write.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from hostile.cases_validate import E
from hostile.harness import Box, Case


def _make(rel: str, content: str | None = None) -> Callable[[Box], None]:
    def setup(box: Box) -> None:
        path = box.root / rel
        if content is None:
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, "utf-8")

    return setup


def _dangling(box: Box) -> None:
    os.symlink("outside/nothing-here", box.root / "dangling")


def _link_to_outside(box: Box) -> None:
    os.symlink("outside/secret", box.root / "linked")


UNICODE = "idm-\u0662\u0660\u0661\u0668-e\u0301\u202e"

CASES = [
    Case(
        "init-new-folder",
        "init",
        "a new folder, without the example build",
        E(0, created=("new/idmbook.yaml", "new/templates/idm.typ")),
        args=("init", "new", "--no-build"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-and-build",
        "init",
        "a new folder with its example book built (a draft)",
        E(0, created=("book/idmbook.yaml", "book/dist")),
        args=("init", "book"),
        base="empty",
        cwd=".",
        timeout=120,
    ),
    Case(
        "init-empty-existing-folder",
        "init",
        "an existing empty folder",
        E(0, created=("empty/idmbook.yaml",)),
        setup=_make("empty"),
        args=("init", "empty", "--no-build"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-unicode-name",
        "init",
        "a folder named with Arabic digits, a combining accent and a right-to-left override",
        E(0, created=(f"{UNICODE}/idmbook.yaml",)),
        args=("init", UNICODE, "--no-build"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-non-empty-folder",
        "init",
        "a folder that already holds a file",
        E(2, message="never overwrites"),
        setup=_make("full/notes.txt", "keep me\n"),
        args=("init", "full"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-existing-project",
        "init",
        "the folder of an existing project",
        E(2, message="already contains a project"),
        args=("init", "project"),
        cwd=".",
    ),
    Case(
        "init-target-is-a-file",
        "init",
        "a path that is a file",
        E(2, message="afile"),
        setup=_make("afile", "a file\n"),
        args=("init", "afile"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-parent-is-a-file",
        "init",
        "a path below a file",
        E(2, message="afile/new"),
        setup=_make("afile", "a file\n"),
        args=("init", "afile/new"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-dangling-link",
        "init",
        "a link to a folder that does not exist (init must not create it through the link)",
        E(2, message="dangling", absent=("outside/nothing-here",)),
        setup=_dangling,
        args=("init", "dangling"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-link-to-full-folder",
        "init",
        "a link to a folder outside that holds files",
        E(2, message="never overwrites"),
        setup=_link_to_outside,
        args=("init", "linked"),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-name-too-long",
        "init",
        "a folder name of 300 characters",
        E(2, message="cannot create"),
        args=("init", "x" * 300),
        base="empty",
        cwd=".",
    ),
    Case(
        "init-under-proc",
        "init",
        "a folder under /proc",
        E(2, message="/proc/idmbook-hostile"),
        args=("init", "/proc/idmbook-hostile"),
        base="empty",
        cwd=".",
    ),
]
