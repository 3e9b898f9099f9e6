"""Every diagnostic code, its default severity and its explanation.

Each rule's explanation says what goes wrong and what to do instead; ``idmbook rules`` prints
them and the rapporteur's guide is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from idmbook.diagnostics import Diagnostic, Severity

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    """A diagnostic code with its default severity, a one-line summary and an explanation."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str


_RULES = [
    # --- reading files -------------------------------------------------------------------
    Rule(
        "IDM001",
        "not-utf8",
        ERR,
        "The file is not UTF-8 text.",
        "Save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8). UTF-16 and legacy "
        "encodings such as Windows-1252 are refused because accents would come out wrong.",
    ),
    Rule(
        "IDM002",
        "nul-bytes",
        ERR,
        "The file contains NUL bytes.",
        "A text file never contains NUL bytes; the file is binary or damaged. Send the original.",
    ),
    Rule(
        "IDM003",
        "empty-file",
        ERR,
        "The file is empty.",
        "An empty note or contribution cannot be published. Fill it in or delete it.",
    ),
    Rule(
        "IDM004",
        "too-large",
        ERR,
        "The file is larger than idmbook accepts.",
        "Notes and contributions are text; a file of several megabytes is not one. Split it, or "
        "move pictures into the media folder and link them.",
    ),
    Rule(
        "IDM005",
        "front-matter-missing",
        ERR,
        "The YAML front matter is missing or not closed.",
        "A note starts with a line '---', the metadata, and a closing line '---'.\n"
        "Bad:  title: Opening (no '---' lines)\nGood: ---\\ntitle: Opening\\n---",
    ),
    Rule(
        "IDM006",
        "yaml-syntax",
        ERR,
        "The front matter is not valid YAML.",
        "Check indentation (spaces, not tabs) and quote values that contain ': ' or start with "
        "a special character such as '[', '{', '*', '&', '!', '%', '@' or '`'.",
    ),
    Rule(
        "IDM007",
        "duplicate-key",
        ERR,
        "A key appears twice in the same mapping.",
        "YAML libraries silently keep the last value; idmbook refuses, because one of the two "
        "values is lost. Keep one.",
    ),
    Rule(
        "IDM008",
        "not-a-mapping",
        ERR,
        "The front matter is not a mapping of keys to values.",
        "Front matter is a list of 'key: value' lines, not a list or a single value.",
    ),
    Rule(
        "IDM009",
        "yaml-feature",
        ERR,
        "The front matter uses a YAML feature idmbook refuses.",
        "Tags (such as '!!python/object'), anchors ('&x') and aliases ('*x') are not needed in "
        "metadata and can be used to attack a parser. Write the values out.",
    ),
    Rule(
        "IDM010",
        "unknown-key",
        ERR,
        "The key is not one idmbook knows.",
        "Usually a typo: the message names the closest valid key. `idmbook schema` writes JSON "
        "Schemas that let an editor complete keys as you type.",
    ),
    Rule(
        "IDM011",
        "missing-key",
        ERR,
        "A required key is missing.",
        "Add the key to the front matter; the message says which one.",
    ),
    Rule(
        "IDM012",
        "invalid-value",
        ERR,
        "The value has the wrong type or form.",
        "The message says what was expected, for example a date written 2017-04-18, a list "
        "written [a, b], or true/false.",
    ),
    # --- identifiers ---------------------------------------------------------------------
    Rule(
        "IDM020",
        "unknown-theme",
        ERR,
        "The theme id is not in the taxonomy.",
        "Use an id from `idmbook rules --themes` (or the project's taxonomy file); the message "
        "suggests the closest one.",
    ),
    Rule(
        "IDM021",
        "unknown-workshop",
        ERR,
        "The workshop id is not in idmbook.yaml.",
        "Use one of the workshop ids listed in the project's idmbook.yaml.",
    ),
    Rule(
        "IDM022",
        "unknown-session",
        ERR,
        "The session is not on the workshop's agenda.",
        "A note belongs to one session of the agenda in idmbook.yaml; use its id.",
    ),
    Rule(
        "IDM023",
        "unknown-level",
        ERR,
        "The governance level is not one of local, national, regional, global.",
        "Use one or more of: local, national, regional, global.",
    ),
    Rule(
        "IDM024",
        "unknown-stakeholder-type",
        ERR,
        "The stakeholder type is not known.",
        "Use one of: government, local_authority, international_organisation, civil_society, "
        "migrant_diaspora, private_sector, academia, other.",
    ),
    Rule(
        "IDM025",
        "bad-language",
        ERR,
        "The language is not a valid BCP 47 tag.",
        "Write the language as a tag such as en, fr, es or es-419, not as a name.",
    ),
    Rule(
        "IDM026",
        "bad-country",
        ERR,
        "The country is not an ISO 3166-1 code.",
        "Write the two-letter code, for example MX for Mexico or NO for Norway.",
    ),
    Rule(
        "IDM027",
        "bad-identifier",
        ERR,
        "The ISBN or ISSN has a wrong check digit or form.",
        "Copy the number again from the publications unit's record; a single wrong digit makes "
        "the check digit fail.",
    ),
    Rule(
        "IDM028",
        "unknown-sdg-target",
        ERR,
        "The SDG target is not among the migration-related targets.",
        "Use a target such as 10.7, 8.8 or 17.18; the message lists them.",
    ),
    Rule(
        "IDM029",
        "unknown-thematic-session",
        ERR,
        "The thematic session is not TS1 to TS6.",
        "The six thematic sessions of the global compact process are TS1 to TS6.",
    ),
    # --- note structure ------------------------------------------------------------------
    Rule(
        "IDM030",
        "missing-section",
        ERR,
        "A required section of the note is missing.",
        "A note has three sections, in this order: '## Summary', '## Key messages' and "
        "'## Recommendations'. Add the heading that is missing.",
    ),
    Rule(
        "IDM031",
        "no-recommendations",
        WARN,
        "The Recommendations section has no items.",
        "Each recommendation is a list item ('- ' or '1. ') under '## Recommendations'.",
    ),
    Rule(
        "IDM032",
        "bad-recommendation-attributes",
        ERR,
        "A recommendation's attribute block cannot be read.",
        'Attributes go at the end of the item in braces, key="value" pairs:\n'
        '- Set up a one-stop shop. {themes="rights-wellbeing" levels="local national" '
        'actors="local authorities; civil society"}\nKeys: themes, levels, actors.',
    ),
    Rule(
        "IDM033",
        "unexpected-section",
        INFO,
        "The note has a section idmbook does not publish.",
        "Only Summary, Key messages and Recommendations are published; text under other "
        "level-2 headings is kept in the file but left out of the book.",
    ),
    Rule(
        "IDM034",
        "empty-section",
        WARN,
        "A section of the note is empty.",
        "Write at least a sentence, or remove the note from the build until it is ready.",
    ),
    # --- across files --------------------------------------------------------------------
    Rule(
        "IDM040",
        "session-without-note",
        WARN,
        "An agenda session has no rapporteur note.",
        "The book's supplementary materials will have a gap. Ask the session's rapporteur, or "
        "create a stub with `idmbook new note`.",
    ),
    Rule(
        "IDM041",
        "duplicate-note",
        ERR,
        "Two notes claim the same session.",
        "Merge the two notes into one, or correct the session id of one of them.",
    ),
    Rule(
        "IDM043",
        "no-consent",
        WARN,
        "The contribution has no consent to publish.",
        "It will be left out of the publication entirely (not listed, text not printed). Set "
        "consent: true once the author has agreed.",
    ),
    Rule(
        "IDM044",
        "unused-theme",
        INFO,
        "No note or contribution is tagged with this theme.",
        "The theme's chapter will be short. Check whether material was tagged elsewhere.",
    ),
    Rule(
        "IDM045",
        "draft-note",
        WARN,
        "The note is still a draft.",
        "A final build refuses drafts. Set status: final when the rapporteur has signed off.",
    ),
    Rule(
        "IDM046",
        "duplicate-submission",
        ERR,
        "Two contributions come from the same file.",
        "The same source sha256 appears twice; delete one of the contributions.",
    ),
    Rule(
        "IDM047",
        "duplicate-id",
        ERR,
        "Two files differ only in letter case or Unicode form.",
        "On Windows and macOS they are the same file. Rename one.",
    ),
    # --- content -------------------------------------------------------------------------
    Rule(
        "IDM050",
        "missing-alt-text",
        WARN,
        "A picture has no alternative text.",
        "Screen-reader users and PDF/UA need a description: ![Map of the route](media/map.png).",
    ),
    Rule(
        "IDM051",
        "bad-image-target",
        ERR,
        "A picture points outside the project or to the web.",
        "Pictures must be files inside the project (for example contributions/media/...). "
        "idmbook never reads other files or the network.",
    ),
    Rule(
        "IDM052",
        "raw-content",
        WARN,
        "The text contains raw Typst, OpenXML, HTML or LaTeX.",
        "Submitted text is printed as text, never run. Remove the raw block; write plain Markdown.",
    ),
    Rule(
        "IDM053",
        "broken-image",
        ERR,
        "A picture file is missing or is not an image.",
        "Check the file name and that the file is a PNG, JPEG, GIF or SVG.",
    ),
    Rule(
        "IDM054",
        "glyph-missing",
        WARN,
        "A character cannot be printed in the PDF: none of the book's fonts has it.",
        "The PDF prints the character's code point in a box instead (for example [U+F0B7]). "
        "Such characters are most often symbols of a Symbol or Wingdings font in a Word file "
        "(private-use characters) or invisible control characters: write the character meant "
        "(• ✓ →) or delete it. Latin, Greek, Cyrillic, Arabic, Hebrew, Chinese, Japanese, "
        "Korean, Devanagari and the other major scripts, emoji and common symbols are printed.",
    ),
    # --- project -------------------------------------------------------------------------
    Rule(
        "IDM060",
        "config",
        ERR,
        "idmbook.yaml has a problem.",
        "The message names the key; see the editor's guide for every setting.",
    ),
    Rule(
        "IDM061",
        "taxonomy",
        ERR,
        "The theme taxonomy file has a problem.",
        "Each theme has an id, a title and a description; sub-themes belong to a theme.",
    ),
    Rule(
        "IDM062",
        "outside-project",
        ERR,
        "A file is a link to somewhere outside the project.",
        "idmbook reads only files inside the project folder. Copy the file in instead.",
    ),
    Rule(
        "IDM063",
        "bad-file-name",
        WARN,
        "The file name is not portable.",
        'Names with characters such as < > : " | ? * or a trailing dot or space cannot be '
        "opened on Windows. Rename the file.",
    ),
    Rule(
        "IDM064",
        "chapter",
        ERR,
        "An editorial chapter has a problem.",
        "Editorial chapters have front matter with title, part (front or annex) and order.",
    ),
    Rule(
        "IDM065",
        "not-a-source",
        WARN,
        "A file in chapters/ or contributions/ is not Markdown and is left out of the book.",
        "Only .md files are read. A Word or PDF submission is turned into a contribution with "
        "`idmbook ingest`, a Word note into a note with `idmbook ingest --as note`; anything "
        "else belongs outside these folders (pictures go in a media/ folder).",
    ),
    Rule(
        "IDM066",
        "unsafe-template",
        ERR,
        "A file of templates/ is refused: it is not a regular file, or it would fetch or run "
        "something.",
        "The templates decide how the book looks, and they are read like any other file of "
        "the project: templates/ must hold real folders and regular files (no links, pipes, "
        "devices or hard links), reference.docx may not refer to anything outside itself "
        "(pictures or templates on the web, fields that include files) or carry macros, and "
        "idm.typ may not name Typst packages, which Typst would download. Replace the file with "
        "one made by `idmbook init`, or delete templates/ to use idmbook's defaults.",
    ),
    Rule(
        "IDM067",
        "picture-budget",
        ERR,
        "The book's pictures together are more than the build can place.",
        "Each picture is decoded to its full size in memory when the PDF is typeset, and each "
        "time a picture is shown Word's file refers to it again. The pictures of the whole book "
        "together, and the number of times they are shown, have limits proportional to what a "
        "book needs: make large pictures smaller (2,000 pixels across is plenty for a printed "
        "page) and show a picture once rather than many times.",
    ),
    # --- submitted text the book prints differently ----------------------------------------
    Rule(
        "IDM070",
        "dropped-attribute",
        WARN,
        "An attribute in braces is left out of the book.",
        "Submitted text keeps only a language (`[texte]{lang=fr}`), a direction (`dir=rtl`) and "
        "a picture's size (`{width=50%}`). Other attributes (`style`, `onclick`, `custom-style`, "
        "ids and classes of your own) would reach the Word and web editions as code, so the "
        "book drops them. Remove them from the text.",
    ),
    Rule(
        "IDM071",
        "heading-as-bold",
        WARN,
        "A heading is printed as bold text.",
        "A heading inside a list item, a table cell, a footnote, a block quote or a definition "
        "cannot be a heading of the book (it would become a chapter of the contents); nor can "
        "one nested deeper than the book's six levels. Move the heading out of the list, or "
        "write it as bold text (`**Title**`).",
    ),
    Rule(
        "IDM072",
        "heading-level",
        WARN,
        "A heading skips a level, and is printed at another level than written.",
        "Headings go down one level at a time (`##` then `###`, not `##` then `####`), and "
        "none goes above the text's first heading: accessible PDF (PDF/UA) forbids a skipped "
        "level, so the book prints such a heading one level below the one before it.",
    ),
    Rule(
        "IDM073",
        "equation-as-code",
        WARN,
        "An equation is printed as its TeX source instead of as math.",
        "Equations (`$x^2$`, `$$...$$`) may not define macros (`\\newcommand`, `\\def`), name "
        "files or addresses (`\\input`, `\\href`), be longer than 2,000 characters or nest "
        "groups more than 8 deep. Write the equation out in full.",
    ),
    Rule(
        "IDM074",
        "link-as-text",
        WARN,
        "A link is printed as its text only.",
        "The book keeps links to web pages (https://), e-mail addresses (mailto:) and places "
        "in the book (#...). A link to a file (file:, a path) or to a script (javascript:) "
        "would not work for readers or would be unsafe. Link to a web page instead.",
    ),
    # --- consolidating the recommendations ----------------------------------------------
    Rule(
        "IDM090",
        "unknown-recommendation",
        ERR,
        "The consolidation names a recommendation that does not exist.",
        "Each id under `consolidation:` in idmbook.yaml is WORKSHOP/SESSION#N: the workshop and "
        "session of a note and the position of the recommendation in its Recommendations list, "
        "counting from 1. `idmbook recommendations` lists every id. An id stops existing when its "
        "note loses recommendations: check the merge against the note.",
    ),
    Rule(
        "IDM091",
        "merged-twice",
        ERR,
        "A recommendation is in two key recommendations.",
        "Each recommendation can be merged into one key recommendation only, or the book would "
        "print it twice. Remove it from one of the two merges, or merge the two key "
        "recommendations into one.",
    ),
    Rule(
        "IDM092",
        "merged-wording-missing",
        ERR,
        "A key recommendation has no wording in the book's language.",
        "When `text:` gives the merged wording per language, give it in the language of the "
        "book (`language:` in idmbook.yaml); the other languages fall back to it.",
    ),
    Rule(
        "IDM093",
        "near-duplicates-not-consolidated",
        INFO,
        "Recommendations of different sessions say much the same thing and are not merged.",
        "Once the editor has started a `consolidation:` in idmbook.yaml, each group of "
        "near-duplicates (as `idmbook recommendations` finds them) that no key recommendation "
        "merges is listed, so that none is forgotten. Merge them, or leave them: this is "
        "information only. The threshold is `recommendations.near_duplicate_threshold`.",
    ),
    Rule(
        "IDM094",
        "unknown-gcm-objective",
        ERR,
        "A global compact objective is not a number from 1 to 23.",
        "`gcm` in a recommendation's block (`gcm=\"2 7\"`) or in a note's front matter "
        "(`gcm: [2, 7]`) names objectives of the Global Compact for Safe, Orderly and Regular "
        "Migration by their numbers, 1 to 23; the hint lists them with their titles. "
        "`idmbook recommendations` suggests objectives from each recommendation's text.",
    ),
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

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def diag(
    code: str,
    path: str,
    line: int,
    column: int,
    message: str,
    hint: str | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    """A diagnostic for ``code`` with the rule's default severity."""
    rule = RULES[code]
    return Diagnostic(code, severity or rule.severity, path, line, column, message, hint)
