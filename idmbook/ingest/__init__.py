"""Turning submitted files into contributions and notes, safely.

``ingest`` (run.py) is the one entry point; the modules each do one thing: sniff.py tells
what a file is, archive.py reads zip containers within limits, xmlsafe.py parses their XML,
docx.py and odt.py check and clean documents, wordprep.py and odtprep.py prepare their text
so that pandoc loses none of it (text boxes, fields, equations, direction and languages, with
the marks of marks.py and the language facts of direction.py), libreoffice.py runs
LibreOffice for old .doc files cut off from the network, document.py reads any supported
file into pandoc's AST, titleblock.py puts back the title block pandoc takes out, convert.py
cleans the AST and writes Markdown (and reads it back as the book does), tables.py makes
tables ready for it, leftout.py counts what cannot be kept, pictures.py checks pictures,
register.py reads the submissions register, metadata.py merges and checks front matter,
plan.py names, deduplicates and writes (journal.py finishes or undoes an interrupted write),
notes.py converts Word notes, report.py shows what happened.
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
