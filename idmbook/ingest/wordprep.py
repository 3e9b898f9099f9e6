"""Prepare the text of a Word document for pandoc, so that pandoc's reader loses none of it.

- Text boxes: pandoc keeps a text box's text but drops the rest of the paragraph the box is
  anchored in (and drops the text of a box drawn the old way, in VML). Each text box's
  paragraphs are moved out of it, to just after the paragraph it is anchored in.
- Check boxes of forms: their state becomes the character ☒ or ☐ (pandoc drops them).
- Content controls still showing their placeholder ("Click here to enter text.") are emptied:
  the placeholder is the form's, not the sender's.
- Direction and language: a paragraph set right to left (``w:bidi``), a paragraph or run in
  another language than the document's (``w:lang``) gets marks (marks.py) that become spans
  with ``dir`` and ``lang`` once pandoc has read the document.

The XML was checked by docx.py (no DTD, no entities, bounded depth) before it is parsed here.
Each step is a module of its own: wordboxes.py, wordfields.py (fields, ruby, embeddings),
wordforms.py, wordlanguages.py (with wordstyles.py); wordxml.py holds what they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from idmbook.diagnostics import Severity
from idmbook.ingest.marks import Marks
from idmbook.ingest.wordboxes import move_text_boxes
from idmbook.ingest.wordfields import open_embeddings, open_simple_fields, ruby_in_parentheses
from idmbook.ingest.wordforms import check_boxes, empty_placeholders
from idmbook.ingest.wordlanguages import mark_languages
from idmbook.ingest.wordstyles import Styles
from idmbook.ingest.wordxml import parser
from idmbook.load.findings import Finding

_PARTS = ("word/footnotes.xml", "word/endnotes.xml")


@dataclass
class WordText:
    """What preparing a Word document did."""

    text_boxes: int = 0
    fields: int = 0
    ruby: int = 0
    embeddings: int = 0
    check_boxes: int = 0
    placeholders: int = 0
    language: str | None = None
    """The language most of the document's text is in, as its runs say."""
    findings: list[Finding] = field(default_factory=list)


def prepare_word(members: dict[str, bytes], main: str, marks: Marks) -> WordText:
    """Rewrite the main part (and the notes) of ``members`` in place; see the module."""
    styles = Styles(members.get("word/styles.xml"))
    done = WordText()
    for name in (main, *_PARTS):
        data = members.get(name)
        if data is None:
            continue
        try:
            root = etree.fromstring(data, parser())
        except etree.XMLSyntaxError:
            continue  # docx.py read it already; pandoc will say what is wrong
        done.text_boxes += move_text_boxes(root)
        done.fields += open_simple_fields(root)
        done.ruby += ruby_in_parentheses(root)
        done.check_boxes += check_boxes(root)
        done.placeholders += empty_placeholders(root)
        done.embeddings += open_embeddings(root, marks)
        language = mark_languages(root, styles, marks, done.language)
        if name == main:
            done.language = language
        members[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    done.findings += _findings(done)
    return done


def _findings(done: WordText) -> list[Finding]:
    """What the report says of the text boxes, phonetic guides, check boxes and placeholders."""
    findings: list[Finding] = []
    if done.text_boxes:
        findings.append(
            Finding(
                "IDM125",
                f"{_count(done.text_boxes, 'text box', 'text boxes')}: the text is placed after "
                "the paragraph each box is anchored in",
                severity=Severity.INFO,
            )
        )
    if done.ruby:
        findings.append(
            Finding(
                "IDM125",
                f"{_count(done.ruby, 'phonetic guide')} (ruby) written in parentheses after the "
                "text it reads",
                severity=Severity.INFO,
            )
        )
    if done.check_boxes:
        findings.append(
            Finding(
                "IDM125",
                f"{_count(done.check_boxes, 'form check box', 'form check boxes')} written as "
                "☒ (checked) or ☐",
                severity=Severity.INFO,
            )
        )
    if done.placeholders:
        findings.append(
            Finding(
                "IDM125",
                f"{_count(done.placeholders, 'form field')} left empty by the sender: the "
                "form's placeholder text (such as 'Click here to enter text') is left out",
                severity=Severity.INFO,
            )
        )
    return findings


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
