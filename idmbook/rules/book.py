"""The rules of the book as a whole: across files, the content, the project, and submitted
text the book prints differently."""

from __future__ import annotations

from idmbook.rules.rule import ERR, INFO, WARN, Rule

BOOK_RULES = [
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
        "IDM049",
        "placeholder",
        WARN,
        "Placeholder or sample text left from idmbook's templates.",
        '`idmbook init`, `idmbook new` and the Word note template write "TODO" values (the '
        "publication's title, an editor, a rapporteur's name, a foreword) and sample sentences "
        '("What was said in the session, in two or three paragraphs.", the example note and '
        "contribution) for you to replace. A draft build prints them; `idmbook build --final` "
        "refuses them, so that no placeholder reaches a published book. Replace each one with "
        "the real text, or delete the sample files.",
    ),
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
    # --- translations ---------------------------------------------------------------------
    Rule(
        "IDM080",
        "translation-orphan",
        ERR,
        "A translation's original cannot be used.",
        "A translation NAME.LANG.md stands beside its original NAME.md (a note, a contribution "
        "or an editorial chapter written in Markdown). Without a loaded original there is "
        "nothing for it to stand in for: restore or fix the original, or rename the file.",
    ),
    Rule(
        "IDM081",
        "translation-structure",
        ERR,
        "A translation's structure differs from its original's.",
        "A translation keeps its original's structure so that the edition in its language has "
        "the same recommendations, footnotes, pictures and attribute blocks: the same number of "
        "recommendations in the same order, each with the same attribute block, the same "
        "footnote labels, the same picture files and the same {...} blocks. Translate the words "
        "only; `idmbook translate export` hands translators a file in which they cannot break "
        "it.",
    ),
    Rule(
        "IDM082",
        "translation-stale",
        WARN,
        "The original changed after its translation was made.",
        "The translation's translation_of is the hash of the original it was made from; the "
        "original is now different, and the message names the paragraphs and recommendations "
        "that changed. Update the translation, then record it as up to date with "
        "`idmbook translate stamp FILE`. `idmbook build --final --lang LANG` refuses a stale "
        "translation in that language.",
    ),
    Rule(
        "IDM083",
        "untranslated",
        WARN,
        "Pieces of an edition are printed in their original language.",
        "An edition in another language prints a note, contribution or chapter that has no "
        "translation into it as written, tagged with its own language. The message counts them "
        "and names them; add NAME.LANG.md translations (`idmbook translate export`).",
    ),
    Rule(
        "IDM084",
        "config-untranslated",
        WARN,
        "A string of idmbook.yaml reaches an edition in the config's language.",
        "Every string of idmbook.yaml that the book prints (title, subtitle, series, publisher "
        "and address, workshop titles, cities, venues, attendance, session titles and chairs) "
        "is translated under translations.LANG; the message names the key that is missing.",
    ),
    Rule(
        "IDM085",
        "translation-draft",
        INFO,
        "The translation is still a draft.",
        "Set status: final when the translation has been revised; `idmbook build --final --lang "
        "LANG` refuses draft translations in that language.",
    ),
    Rule(
        "IDM086",
        "translation-import",
        ERR,
        "A translated XLIFF or PO file cannot be imported.",
        "`idmbook translate import` writes NAME.LANG.md from a file exported by `idmbook "
        "translate export`. It refuses a file whose units do not match the original any more "
        "(the original changed: export again), whose inline codes were removed, added or "
        "reordered (the codes stand for links, emphasis, footnotes and attribute blocks and "
        "must come back as they were), or that is not such a file at all.",
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
    Rule(
        "IDM128",
        "unknown-reference",
        ERR,
        "A cross-reference or internal link names a figure, table or section the book lacks.",
        "A figure, table or section is given an id in its source ({#fig-chart} after a "
        "picture, ': Caption {#tbl-stock}' under a table, '## Scope {#sec-scope}'); the text "
        "refers to it as @fig-chart or links to it as [the chart](#fig-chart), and the book "
        "prints its number ('Figure 1') as a link to it. A reference to an id no published "
        "text defines would print as typed, or link to nowhere. Ids belong to the whole book: "
        "a text may refer to a figure of another, but not to one of a contribution withheld "
        "for want of consent.",
    ),
    Rule(
        "IDM129",
        "acronyms-file",
        ERR,
        "The list of acronyms (acronyms.yaml) cannot be read as acronyms and expansions.",
        "acronyms.yaml at the project's root maps each acronym to its expansion: text for "
        "every language ('SDG: Sustainable Development Goal'), or text per language ('IOM:' "
        "then 'en: ...', 'fr: ...', 'es: ...' on indented lines). An acronym starts with a "
        "capital letter. The book prints the list in its front matter.",
    ),
    Rule(
        "IDM130",
        "acronym-undefined",
        WARN,
        "An acronym used in the book is not in the list of acronyms.",
        "When the project has an acronyms.yaml, every acronym the published texts use (a word "
        "of two or more capital letters, such as IOM or SDGs) is expected in it, so that the "
        "reader finds its expansion in the front matter. Add it, with its expansion in each "
        "language of the book. Roman numerals are not acronyms.",
    ),
    Rule(
        "IDM131",
        "acronym-unused",
        WARN,
        "An acronym in the list of acronyms is used nowhere in the book.",
        "The list of acronyms should hold only the acronyms the reader meets: remove it from "
        "acronyms.yaml, or check the spelling of the acronym.",
    ),
    Rule(
        "IDM135",
        "review-item",
        WARN,
        "A review comment has not been resolved.",
        "Review items are the comments reviewers left on a proof in Word (kept in the "
        "reviews/ folder, one file per source, by `idmbook corrections`) and the comments "
        "written in a source as <!-- ... -->, which the book never prints. Deal with each: "
        "change the text, or answer the reviewer, then resolve it with `idmbook review "
        "resolve ID` (or delete its entry, or the <!-- ... --> comment). A --final build "
        "refuses a book with unresolved review items.",
    ),
    Rule(
        "IDM136",
        "review-file",
        WARN,
        "A file of the reviews/ folder cannot be read as review items.",
        "The reviews/ folder holds one YAML file per source, written by `idmbook corrections`: "
        "a 'source' and a list of 'items', each with an id, a line, the comment and its "
        "status. Restore the file from version control or delete it; a --final build refuses "
        "a book whose review items cannot be read.",
    ),
]
