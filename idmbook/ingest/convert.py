"""Convert a submission to the project's Markdown through pandoc's AST, safely.

pandoc runs with ``--sandbox`` (its readers and writers may read only the file named on its
command line and never the network), in an empty folder that is also its resource path, and
with a time and memory limit. The document goes to pandoc's JSON AST, is cleaned (raw
markup becomes text, unsafe links and pictures are removed, attributes dropped, headings
normalised) and is written as Markdown with every raw-markup extension off. The Markdown is
then read back the way the book reads it, and refused if anything raw survived.

Each step is a module of its own, whose public names this one gathers: :mod:`pandocast`
(pandoc in its sandbox, to the AST), :mod:`cleaner` (the cleaning), :mod:`headings` (the
outline), :mod:`markdownout` (the Markdown written), :mod:`readback` (read back and compared),
and :mod:`nodetext` (the text of nodes).
"""

from __future__ import annotations

from idmbook.ingest.cleaner import Cleaner, simplify_spans, text_attributes
from idmbook.ingest.headings import normalise_headings, tidy_headings
from idmbook.ingest.markdownout import WRITER, protect_rules, to_markdown
from idmbook.ingest.nodetext import Node, block_text, plain_text
from idmbook.ingest.pandocast import (
    MAX_DEPTH,
    api_version,
    json_depth,
    run_pandoc,
    text_ast,
    to_ast,
)
from idmbook.ingest.readback import check_markdown, count_kinds

__all__ = [
    "MAX_DEPTH",
    "WRITER",
    "Cleaner",
    "Node",
    "api_version",
    "block_text",
    "check_markdown",
    "count_kinds",
    "json_depth",
    "normalise_headings",
    "plain_text",
    "protect_rules",
    "run_pandoc",
    "simplify_spans",
    "text_ast",
    "text_attributes",
    "tidy_headings",
    "to_ast",
    "to_markdown",
]
