"""Rules of the editorial apparatus: references, citations and internal links."""

from __future__ import annotations

from idmbook.rules.rule import ERR, WARN, Rule

APPARATUS_RULES = [
    Rule(
        "IDM150",
        "references-file",
        ERR,
        "The references file (`bibliography:` in idmbook.yaml) cannot be read.",
        "`bibliography:` names a file of the project that holds the works the editorial "
        "chapters and the rapporteurs' notes cite: BibTeX (`references.bib`, as a reference "
        "manager such as Zotero exports it) or CSL JSON (`references.json`). The file must be "
        "inside the project and every entry complete (its braces, commas and quotes "
        "closed); the diagnostic points at the line where pandoc stopped reading. A key given "
        "to two entries is a warning: only the first can be cited.",
    ),
    Rule(
        "IDM151",
        "unknown-citation",
        ERR,
        "A citation `[@key]` names a key the references file does not have.",
        "An editorial chapter or a rapporteur's note cites a work as `[@key]` (or "
        "`[@key, p. 12]`, `[see @key1; @key2]`), where `key` is the key of an entry of the "
        "references file; the book prints the citation in the citation style and the work in "
        "the bibliography. A key that is not in the file cannot be printed: correct the key "
        "(keys are case-sensitive) or add the work to the references file. Submitted "
        "contributions do not cite: their brackets print as typed.",
    ),
    Rule(
        "IDM152",
        "at-word-not-cited",
        WARN,
        "A word written `@word` is not a key of the references file, so it prints as typed.",
        "With a references file, `@key` written in the text of an editorial chapter or a "
        "note cites that work (as 'Author (2017)'). A word after `@` that is no key, such as "
        "a social-media handle, prints as typed; if it was meant as a citation, correct the "
        "key, and if it is not one, write `\\@` to say so.",
    ),
    Rule(
        "IDM153",
        "citation-style",
        ERR,
        "The citation style (`csl:` in idmbook.yaml, or templates/style.csl) cannot be used.",
        "The citation style is a CSL 1.0 file inside the project, such as one from the "
        "Zotero style repository; without `csl:` the book uses templates/style.csl when the "
        "project's templates have one, else the Chicago author-date style. pandoc tries "
        "the style on the references before any build; the diagnostic gives the line where "
        "the style's XML is wrong. A style needs references to format: give `bibliography:` "
        "too.",
    ),
    Rule(
        "IDM154",
        "link-to-nowhere",
        ERR,
        "An internal link `[text](#id)` points at nothing the book has.",
        "A link to `#id` takes the reader to the heading, figure, table or section with that "
        "id: an id given in a source (`{#sec-scope}`, `{#fig-chart}`), or the one pandoc "
        "makes from a heading's words ('## Scope of the compact' is `#scope-of-the-compact`). "
        "A link to an id no published text has would lead nowhere in the PDF and the HTML. "
        "Correct the id, or give the heading the id the link names.",
    ),
]
