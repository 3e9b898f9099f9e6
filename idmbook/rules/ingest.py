"""The rules of ingest: turning submitted files into contributions and notes."""

from __future__ import annotations

from idmbook.rules.rule import ERR, INFO, WARN, Rule

INGEST_RULES = [
    # --- ingest: turning submitted files into contributions and notes -----------------------
    Rule(
        "IDM100",
        "unsupported-format",
        ERR,
        "The file is not in a format idmbook can ingest.",
        "idmbook ingests .docx, .odt, .rtf, .html, .md and .txt files. A PDF, a Word 97-2003 "
        ".doc (without LibreOffice installed), a spreadsheet, a presentation or an archive is "
        "refused; the message says what the file is and what to ask the sender for, usually "
        "the same text saved as a Word document (.docx).",
    ),
    Rule(
        "IDM101",
        "content-mismatch",
        ERR,
        "The file's content is not what its extension says.",
        "A file named .docx that is really a PDF, or a .txt that is really a Word file, is "
        "refused rather than guessed at: renamed files are a common way to slip content past "
        "a check. Ask the sender for the file as their word processor saved it, or rename it "
        "to the extension the message names if you know where it comes from.",
    ),
    Rule(
        "IDM102",
        "encrypted",
        ERR,
        "The file is protected by a password.",
        "idmbook cannot open encrypted documents and never asks for passwords. Ask the sender "
        "for a copy without a password (in Word: File > Info > Protect Document > Encrypt with "
        "Password, then clear the password and save).",
    ),
    Rule(
        "IDM103",
        "converted-legacy",
        INFO,
        "The file was converted from an old format through LibreOffice.",
        "A Word 97-2003 .doc was converted to .docx with LibreOffice before ingest. Check the "
        "result: tables and footnotes usually survive, but layout may not. When in doubt ask "
        "the sender for a .docx.",
    ),
    Rule(
        "IDM104",
        "unsafe-archive",
        ERR,
        "The document's zip container is damaged or unsafe.",
        "Word and LibreOffice files are zip archives. idmbook refuses archives that are "
        "truncated, fail their checksums, hold too many members, expand to far more than "
        "their size (zip bombs), or name members with '..', absolute paths or backslashes. "
        "Ask the sender to open the file and save it again, or to send it once more.",
    ),
    Rule(
        "IDM105",
        "unsafe-xml",
        ERR,
        "The document's XML is malformed or uses features idmbook refuses.",
        "Document type declarations and entities (used by 'billion laughs' and external "
        "entity attacks) and extremely deep nesting are never found in a document saved by a "
        "word processor. Ask the sender to open the file and save it again.",
    ),
    Rule(
        "IDM106",
        "active-content-removed",
        WARN,
        "Macros, embedded objects or ActiveX controls were removed.",
        "Submissions are printed, never run: macros (vbaProject.bin, .docm), embedded OLE "
        "objects (for example a spreadsheet inside the document) and ActiveX controls are "
        "dropped. If an embedded object carried content, ask the sender for it as a table or "
        "a picture.",
    ),
    Rule(
        "IDM107",
        "external-reference-ignored",
        WARN,
        "A link to an outside file or web address was not followed.",
        "Linked pictures, attached templates and INCLUDETEXT or INCLUDEPICTURE fields would "
        "make idmbook read other files or the network; they are never fetched. A linked "
        "picture is left out (ask the sender to insert the picture itself); a field keeps "
        "the text Word last showed for it.",
    ),
    Rule(
        "IDM108",
        "tracked-changes-accepted",
        INFO,
        "Tracked changes were accepted.",
        "Insertions are kept and deletions removed, as if the author had accepted every "
        "change. If the sender did not mean to submit their changes, ask for a clean copy.",
    ),
    Rule(
        "IDM109",
        "comments-removed",
        INFO,
        "Comments were removed.",
        "Reviewers' comments are not part of the submission's text and are not published. "
        "Read them in the original file if they matter to the editing.",
    ),
    Rule(
        "IDM110",
        "missing-metadata",
        ERR,
        "Required metadata for the contribution is missing.",
        "Every contribution needs title, organisation, stakeholder_type, workshop, themes, "
        "language, received and consent. They come from the submissions register (one row "
        "per file, column 'file' plus these columns), from command-line options such as "
        "--workshop, or from the document's own properties. All missing fields of a file are "
        "listed at once.",
    ),
    Rule(
        "IDM111",
        "invalid-metadata",
        ERR,
        "A metadata value for the contribution is not valid.",
        "The message says where the value came from (register row and column, option, or "
        "document property) and what is expected, for example a date written 2017-05-02 or a "
        "theme id from the taxonomy.",
    ),
    Rule(
        "IDM112",
        "register",
        WARN,
        "The submissions register has a problem.",
        "The register is a CSV or XLSX file with a header row: 'file' and any of title, "
        "organisation, stakeholder_type, country, workshop, themes (separated by ';'), "
        "language, received, consent, authors, sample. Unknown columns are ignored with a "
        "warning, rows naming no file in the inbox are reported, a file listed twice is an "
        "error.",
    ),
    Rule(
        "IDM113",
        "already-ingested",
        INFO,
        "The same file was ingested before; nothing was done.",
        "Ingest is idempotent: a file whose SHA-256 matches the source of an existing "
        "contribution (or note) is skipped. Delete that contribution first to ingest again.",
    ),
    Rule(
        "IDM114",
        "renamed",
        INFO,
        "The contribution got a distinct file name.",
        "Another contribution already has the name this one would get (names that differ "
        "only in letter case or accents count as the same), so a number was added.",
    ),
    Rule(
        "IDM115",
        "picture-not-kept",
        WARN,
        "A picture was left out.",
        "Pictures are kept when they are PNG, JPEG or GIF files inside the document. Linked "
        "pictures, SVG, EMF, WMF and TIFF pictures, damaged or huge pictures are left out; "
        "their alternative text, if any, stays in the text. Ask the sender for the picture as "
        "PNG or JPEG.",
    ),
    Rule(
        "IDM116",
        "conversion-failed",
        ERR,
        "The file could not be converted.",
        "pandoc could not read the file, or it took too long, or the result was empty. Ask "
        "the sender to open the file and save it again as .docx.",
    ),
    Rule(
        "IDM117",
        "link-removed",
        WARN,
        "A link was replaced by its text.",
        "Only web (http, https) and e-mail links are kept; links to local files, scripts or "
        "bookmarks inside the original document would not work in the book.",
    ),
    Rule(
        "IDM118",
        "headings-normalised",
        INFO,
        "Headings were moved to fit under the contribution's title.",
        "The contribution's title is its top heading; the headings of its text start at "
        "level 2 ('##'). A heading that repeats the title is removed.",
    ),
    Rule(
        "IDM119",
        "raw-markup-as-text",
        WARN,
        "Raw markup in the file was kept as plain text.",
        "Raw HTML, OpenXML, LaTeX or Typst in a submission is printed as the characters it "
        "is made of, never interpreted. If it was meant as formatting, redo it in the text.",
    ),
    Rule(
        "IDM120",
        "target-exists",
        ERR,
        "A different note already exists for that session.",
        "idmbook never overwrites a note. Compare the two, then move the old one away and run "
        "the ingest again.",
    ),
    Rule(
        "IDM121",
        "not-a-regular-file",
        ERR,
        "The path is a link or not a regular file.",
        "A symbolic link in an inbox can point anywhere on the computer; it is not followed. "
        "Copy the file itself into the inbox.",
    ),
    Rule(
        "IDM122",
        "note-template",
        ERR,
        "The Word note does not follow the note template.",
        "A rapporteur note written in Word starts with the metadata table of "
        "templates/rapporteur-note.docx (one row per field: Title, Workshop, Session, "
        "Rapporteur, Status, Themes, ...), followed by the headings Summary, Key messages and "
        "Recommendations.",
    ),
    Rule(
        "IDM123",
        "text-encoding",
        WARN,
        "The text file was not UTF-8 and was decoded as Windows-1252.",
        "Accented letters may come out wrong; check them in the contribution, or ask the "
        "sender for the file saved as UTF-8.",
    ),
    Rule(
        "IDM124",
        "content-not-kept",
        WARN,
        "Part of the submitted file could not be kept in the contribution.",
        "Ingest never drops content silently: what the book cannot carry is counted with its "
        "reason. Text in the page header or footer, SmartArt diagrams, charts and the like are "
        "left out; ask the sender for that content typed in the body of the document (a "
        "diagram as a list, a chart as a table). A file whose only text is in such places is "
        "refused, with the places named.",
    ),
    Rule(
        "IDM125",
        "content-kept-differently",
        INFO,
        "Part of the submitted file was kept in another form.",
        "Some things are kept in a form the book can print: the text of a text box after the "
        "paragraph it is anchored in, the document's own title, subtitle, authors and abstract "
        "at the top of the text (or in the front matter), a footnote in a table cell as a note "
        "written inside the cell, a form check box as ☒ or ☐. Check these places in the "
        "contribution.",
    ),
    Rule(
        "IDM126",
        "metadata-origin",
        WARN,
        "A contribution field came from the submitted file itself.",
        "The register and the command line are the editor's word; a value the submitted file "
        "gives about itself (its front matter, its document properties) is only a fallback, and "
        "ingest says where each field came from. Consent is never taken from the file: a "
        "sender cannot give consent on the editor's behalf. Put the value in the register to "
        "confirm it.",
    ),
    Rule(
        "IDM127",
        "interrupted-ingest",
        INFO,
        "An ingest that was interrupted was finished or cleaned up.",
        "Ingest writes a contribution's pictures, then its text, and records what it is about to "
        "write first. When a run was stopped in between (a power cut, a killed process), the "
        "next run finds that record, keeps a contribution that was complete and removes what an "
        "unfinished one left, so that the file is ingested once, under its own name.",
    ),
    Rule(
        "IDM140",
        "suggested-themes",
        INFO,
        "The register gives no themes: themes are suggested from the text.",
        "A contribution needs at least one theme. When neither the register, the command line "
        "nor the file gives any, ingest compares the text with the taxonomy's themes and names "
        "the closest. They are taken only with `idmbook ingest --accept-suggested-themes`; "
        "otherwise add them to the register (or give --theme) and ingest again. Check them: "
        "a suggestion is a similarity of words, not a reading.",
    ),
]
