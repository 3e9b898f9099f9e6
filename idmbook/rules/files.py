"""The rules of reading one source file: its bytes, its identifiers, a note's structure."""

from __future__ import annotations

from idmbook.rules.rule import ERR, INFO, WARN, Rule

FILE_RULES = [
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
    Rule(
        "IDM013",
        "typographic-quotes",
        ERR,
        "A value is wrapped in typographic quotes, which YAML keeps as part of the text.",
        "A word processor or a phone turns straight quotes into curly ones: YAML quotes a value "
        "only with straight quotes (\" or '), so `title: “Migration: a path”` is not valid "
        "YAML (the colon inside ends the key) and `workshop: “geneva”` names a workshop "
        "'“geneva”'. Write straight quotes, or none. idmbook reads the value as if the quotes "
        "were straight, so that the rest of the file is checked; a title that is a quotation "
        "keeps its quotes inside straight ones: `title: '“Leave no one behind”'`.",
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
        'actors="local authorities; civil society"}\nKeys: themes, levels, actors, gcm. A '
        "block never closed with '}', or written in parentheses `(levels=\"local\")`, would "
        "be printed in the book as text, in any section of the note: it is reported at the "
        "line where it opens.",
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
]
