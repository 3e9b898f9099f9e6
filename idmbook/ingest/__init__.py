"""Turning submitted files into contributions and notes, safely.

The ingest command (:mod:`idmbook.commands.ingest`) runs them; the modules each do one
thing: sniff.py tells what a file is (zip containers are read within limits by
:mod:`idmbook.load.archive`), xmlsafe.py parses their XML,
docx.py and odt.py check and clean documents, wordprep.py (with wordxml, wordboxes,
wordfields, wordforms, wordstyles and wordlanguages) and odtprep.py prepare their text so that
pandoc loses none of it (text boxes, fields, equations, direction and languages, with the
marks of marks.py and the language facts of direction.py), libreoffice.py runs
LibreOffice for old .doc files cut off from the network, document.py reads any supported
file into pandoc's AST (pandocast.py runs pandoc on it), titleblock.py puts back the title
block pandoc takes out, convert.py cleans the AST (cleaner.py, headings.py, nodetext.py) and
writes Markdown (markdownout.py; readback.py reads it back as the book does), tables.py makes
tables ready for it, leftout.py counts what cannot be kept, pictures.py checks pictures,
register.py reads the submissions register, metadata.py merges and checks front matter,
plan.py names, deduplicates and writes (journal.py finishes or undoes an interrupted write),
notes.py converts Word notes, report.py shows what happened.
"""
