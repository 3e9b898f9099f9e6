"""Helpers of the proof tests: a copy of this repository's project, and a returned proof
edited with lxml as Word edits a document (tracked insertions and deletions, comments)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
AUTHOR = "A. Reviewer"
DATE = "2026-12-01T10:00:00Z"


def copy_repository_project(target: Path) -> Path:
    """This repository's publication project (config, sources, templates) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "idmbook.yaml", target / "idmbook.yaml")
    for folder in ("chapters", "contributions", "templates"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def soffice_round_trip(path: Path, out: Path) -> Path:
    """``path`` opened and saved again as DOCX by LibreOffice."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "docx", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / path.name


class WordEdit:
    """A DOCX opened for editing its parts as Word would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as zf:
            self.members = {name: zf.read(name) for name in zf.namelist()}
        self.document = etree.fromstring(self.members["word/document.xml"])
        self.footnotes = etree.fromstring(self.members["word/footnotes.xml"])
        self.next_id = 9000

    def paragraph(self, key: str) -> Any:
        """The paragraph a bookmark marks (inside it, or around it), in the body or a note."""
        for root in (self.document, self.footnotes):
            for start in root.iter(W + "bookmarkStart"):
                if start.get(W + "name") == key:
                    parent = start.getparent()
                    if parent.tag == W + "p":
                        return parent
                    return start.getnext()
        raise KeyError(key)

    def _ident(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _split_at(self, paragraph: Any, offset: int) -> Any:
        """Split the runs of ``paragraph`` so that a run starts at text offset ``offset``;
        the element to insert before (None: at the end)."""
        position = 0
        for run in paragraph.iter(W + "r"):
            text_el = run.find(W + "t")
            if text_el is None:
                continue
            text = text_el.text or ""
            if position + len(text) > offset:
                cut = offset - position
                if cut == 0:
                    return run
                tail = etree.fromstring(etree.tostring(run))
                text_el.text = text[:cut]
                tail.find(W + "t").text = text[cut:]
                tail.find(W + "t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                text_el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run.addnext(tail)
                return tail
            position += len(text)
        return None

    def _text(self, paragraph: Any) -> str:
        return "".join(t.text or "" for t in paragraph.iter(W + "t"))

    def insert(self, key: str, after: str, text: str) -> None:
        """A tracked insertion of ``text`` just after the words ``after``."""
        paragraph = self.paragraph(key)
        offset = self._text(paragraph).index(after) + len(after)
        anchor = self._split_at(paragraph, offset)
        ins = etree.Element(
            W + "ins", {W + "id": self._ident(), W + "author": AUTHOR, W + "date": DATE}
        )
        run = etree.SubElement(ins, W + "r")
        t = etree.SubElement(run, W + "t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if anchor is None:
            paragraph.append(ins)
        else:
            anchor.addprevious(ins)

    def delete(self, key: str, words: str) -> None:
        """A tracked deletion of ``words``."""
        paragraph = self.paragraph(key)
        start = self._text(paragraph).index(words)
        first = self._split_at(paragraph, start)
        self._split_at(paragraph, start + len(words))
        run, taken = first, 0
        deletion = etree.Element(
            W + "del", {W + "id": self._ident(), W + "author": AUTHOR, W + "date": DATE}
        )
        first.addprevious(deletion)
        while taken < len(words):
            following = run.getnext()
            text_el = run.find(W + "t")
            if text_el is not None:
                taken += len(text_el.text or "")
                text_el.tag = W + "delText"
            deletion.append(run)
            run = following

    def direct_replace(self, key: str, old: str, new: str) -> None:
        """An edit with track changes off: the text changed in place."""
        paragraph = self.paragraph(key)
        for t in paragraph.iter(W + "t"):
            if t.text and old in t.text:
                t.text = t.text.replace(old, new, 1)
                return
        raise KeyError(old)

    def comment(self, key: str, words: str, text: str) -> None:
        """A comment on ``words``."""
        paragraph = self.paragraph(key)
        start = self._text(paragraph).index(words)
        first = self._split_at(paragraph, start)
        after = self._split_at(paragraph, start + len(words))
        ident = "0"
        first.addprevious(etree.Element(W + "commentRangeStart", {W + "id": ident}))
        end = etree.Element(W + "commentRangeEnd", {W + "id": ident})
        if after is None:
            paragraph.append(end)
        else:
            after.addprevious(end)
        reference = etree.Element(W + "r")
        etree.SubElement(reference, W + "commentReference", {W + "id": ident})
        end.addnext(reference)
        comments = etree.Element(W + "comments", nsmap={"w": W_NS})
        comment = etree.SubElement(
            comments, W + "comment", {W + "id": ident, W + "author": AUTHOR, W + "date": DATE}
        )
        etree.SubElement(
            etree.SubElement(etree.SubElement(comment, W + "p"), W + "r"), W + "t"
        ).text = text
        self.members["word/comments.xml"] = etree.tostring(
            comments, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        types = etree.fromstring(self.members["[Content_Types].xml"])
        ct = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
        override = etree.SubElement(types, ct)
        override.set("PartName", "/word/comments.xml")
        override.set(
            "ContentType",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        )
        self.members["[Content_Types].xml"] = etree.tostring(
            types, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        rels_name = "word/_rels/document.xml.rels"
        rels = etree.fromstring(self.members[rels_name])
        rel = etree.SubElement(
            rels, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
        )
        rel.set("Id", "rIdComments9")
        rel.set(
            "Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
        )
        rel.set("Target", "comments.xml")
        self.members[rels_name] = etree.tostring(
            rels, xml_declaration=True, encoding="UTF-8", standalone=True
        )

    def save(self, path: Path | None = None) -> Path:
        self.members["word/document.xml"] = etree.tostring(
            self.document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        self.members["word/footnotes.xml"] = etree.tostring(
            self.footnotes, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        target = path or self.path
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.members.items():
                zf.writestr(name, data)
        target.write_bytes(buffer.getvalue())
        return target
