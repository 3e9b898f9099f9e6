"""Turning submitted files into contributions and notes, safely.

``ingest`` (run.py) is the one entry point; the modules each do one thing: sniff.py tells
what a file is, archive.py reads zip containers within limits, xmlsafe.py parses their XML,
docx.py and odt.py check and clean documents, document.py reads any supported file into
pandoc's AST, convert.py cleans the AST and writes Markdown, pictures.py checks pictures,
register.py reads the submissions register, metadata.py merges and checks front matter,
plan.py names, deduplicates and writes, notes.py converts Word notes, report.py shows what
happened.
"""

from idmbook.ingest.archive import DEFAULT_LIMITS, Limits
from idmbook.ingest.report import FileResult, IngestResult, print_report
from idmbook.ingest.run import IngestOptions, ingest

__all__ = [
    "DEFAULT_LIMITS",
    "FileResult",
    "IngestOptions",
    "IngestResult",
    "Limits",
    "ingest",
    "print_report",
]
