"""Inspect and clean a Word document (.docx, .docm) before pandoc reads it.

Every XML part is parsed safely (no DTD, no entities, bounded nesting). Macros, ActiveX
controls and embedded objects are removed; relationships to outside files (linked pictures,
attached templates, sub-documents) are removed; fields that include other files are
reported. Tracked changes, comments and pictures are counted, and the document's
properties are read as a metadata fallback.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

from idmbook.ingest.leftout import word_left_out
from idmbook.ingest.package import Package
from idmbook.ingest.xmlsafe import local, parse_xml, text_of
from idmbook.load.archive import Limits
from idmbook.load.findings import Finding, Refused

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC = re.compile(r"/officeDocument$")
_HYPERLINK = "/hyperlink"
_DANGEROUS_PREFIXES = ("word/activeX/", "word/embeddings/", "customUI/", "word/customUI/")
_MACRO_NAMES = ("vbaProject.bin", "vbaData.xml", "vbaProjectSignature.bin")
_EXTERNAL_KINDS = {
    "image": "linked picture",
    "attachedTemplate": "attached template",
    "subDocument": "sub-document",
    "oleObject": "linked object",
    "frame": "linked frame",
    "package": "linked package",
    "aFChunk": "linked chunk",
}
_FIELD = re.compile(
    r"\b(INCLUDETEXT|INCLUDEPICTURE|INCLUDE|LINK|DDE|DDEAUTO|IMPORT|DATABASE|RD)\b", re.I
)
_MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
_PLAIN_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def inspect_docx(members: dict[str, bytes], limits: Limits, macros: bool = False) -> Package:
    """Check, count and clean the members of a Word document."""
    if "[Content_Types].xml" not in members:
        raise Refused(
            "IDM104",
            "the Word document has no [Content_Types].xml; it is damaged",
            "ask the sender to open it in Word and save it again",
        )
    trees: dict[str, ET.Element] = {}
    for name, data in members.items():
        if name.endswith((".xml", ".rels")):
            trees[name] = parse_xml(data, name, limits.max_xml_depth)
    main = _main_part(trees)
    if main not in trees:
        raise Refused(
            "IDM104",
            f"the Word document has no main part ('{main}'); it is damaged",
            "ask the sender to open it in Word and save it again",
        )
    findings: list[Finding] = []
    dropped: set[str] = set()
    macro_parts = [n for n in members if n.rsplit("/", 1)[-1] in _MACRO_NAMES]
    if macro_parts or macros:
        dropped.update(macro_parts)
        findings.append(
            Finding(
                "IDM106",
                "macros removed"
                + (f" ({', '.join(sorted(macro_parts))})" if macro_parts else " (.docm)"),
                "the text is kept; macros are never run",
            )
        )
    activex = [n for n in members if n.startswith(("word/activeX/",))]
    if activex:
        findings.append(Finding("IDM106", f"{_count(activex, 'ActiveX part')} removed"))
    embedded = [n for n in members if n.startswith(_DANGEROUS_PREFIXES) and n not in activex]
    if embedded:
        findings.append(
            Finding(
                "IDM106",
                f"{_count(embedded, 'embedded object')} removed "
                f"({', '.join(n.rsplit('/', 1)[-1] for n in embedded[:5])})",
                "ask the sender for the content of embedded objects as a table or a picture",
            )
        )
    dropped.update(activex, embedded)
    cleaned: dict[str, bytes] = {}
    for name, data in members.items():
        if name in dropped:
            continue
        if name.endswith(".rels"):
            data = _clean_rels(name, trees[name], members, dropped, findings)
        elif name == "[Content_Types].xml":
            data = _clean_content_types(data, dropped)
        cleaned[name] = data
    package = Package(
        cleaned, media_base=main.rsplit("/", 1)[0] + "/" if "/" in main else "", main_part=main
    )
    package.findings = findings
    for name, tree in trees.items():
        if name.startswith("word/") and name.endswith(".xml"):
            _check_fields(tree, name, findings)
    for part in (main, "word/footnotes.xml", "word/endnotes.xml"):
        if part in trees:
            ins, dels = _count_revisions(trees[part])
            package.insertions += ins
            package.deletions += dels
    if "word/comments.xml" in trees:
        package.comments = sum(1 for e in trees["word/comments.xml"].iter(W + "comment"))
    else:
        package.comments = sum(1 for e in trees[main].iter(W + "commentReference"))
    _count_pictures(trees[main], package)
    package.left_out = word_left_out(trees, trees[main])
    package.properties = _properties(trees)
    package.custom = _custom_properties(trees.get("docProps/custom.xml"))
    return package


def _count(items: list[str], what: str) -> str:
    return f"{len(items)} {what}{'s' * (len(items) != 1)}"


def _main_part(trees: dict[str, ET.Element]) -> str:
    rels = trees.get("_rels/.rels")
    if rels is not None:
        for rel in rels:
            if _OFFICE_DOC.search(rel.get("Type", "")) and rel.get("TargetMode") != "External":
                return rel.get("Target", "").lstrip("/")
    return "word/document.xml"


def _resolve(rels_name: str, target: str) -> str:
    """The member a relationship in ``rels_name`` points to."""
    if target.startswith("/"):
        return target.lstrip("/")
    folder = rels_name.rsplit("_rels/", 1)[0]
    parts = [p for p in (folder + target).split("/") if p and p != "."]
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        else:
            out.append(part)
    return "/".join(out)


def _clean_rels(
    name: str,
    tree: ET.Element,
    members: dict[str, bytes],
    dropped: set[str],
    findings: list[Finding],
) -> bytes:
    kept: list[str] = []
    for rel in tree:
        if local(rel.tag) != "Relationship":
            continue
        rel_type = rel.get("Type", "")
        kind = rel_type.rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            if rel_type.endswith(_HYPERLINK):
                kept.append(_rel_xml(rel))
                continue
            what = _EXTERNAL_KINDS.get(kind, f"external '{kind}' reference")
            findings.append(
                Finding(
                    "IDM107",
                    f"{what} '{target[:120]}' not fetched",
                    "ask the sender to insert the picture itself rather than a link to it"
                    if kind == "image"
                    else None,
                )
            )
            continue
        if kind in ("vbaProject", "aFChunk") or _resolve(name, target) in dropped:
            if kind == "aFChunk":
                findings.append(
                    Finding("IDM106", f"embedded document chunk '{target[:120]}' removed")
                )
            continue
        kept.append(_rel_xml(rel))
    body = "".join(kept)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{REL_NS}">{body}</Relationships>'
    ).encode()


def _rel_xml(rel: ET.Element) -> str:
    attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in rel.attrib.items() if "}" not in k)
    return f"<Relationship {attrs}/>"


def _clean_content_types(data: bytes, dropped: set[str]) -> bytes:
    data = data.replace(_MACRO_MAIN, _PLAIN_MAIN)
    for name in dropped:
        data = re.sub(
            rb'<Override\s+PartName="/' + re.escape(name.encode()) + rb'"[^>]*/>', b"", data
        )
    return data


def _check_fields(tree: ET.Element, part: str, findings: list[Finding]) -> None:
    instructions = [text_of(e) for e in tree.iter(W + "instrText")]
    instructions += [e.get(W + "instr", "") for e in tree.iter(W + "fldSimple")]
    for instr in instructions:
        match = _FIELD.search(instr)
        if match:
            findings.append(
                Finding(
                    "IDM107",
                    f"{match.group(1).upper()} field ('{' '.join(instr.split())[:120]}') in "
                    f"{part} not followed",
                    "the text Word last showed for the field is kept",
                )
            )


def _count_revisions(tree: ET.Element) -> tuple[int, int]:
    ins = dels = 0
    for parent in tree.iter():
        if local(parent.tag) in ("rPr", "pPr", "trPr", "tcPr", "numPr"):
            continue  # formatting marks of a paragraph or row, not text changes
        for child in parent:
            name = local(child.tag)
            if child.tag.startswith(W) and name in ("ins", "moveTo"):
                ins += 1
            elif child.tag.startswith(W) and name in ("del", "moveFrom"):
                dels += 1
    return ins, dels


def _count_pictures(tree: ET.Element, package: Package) -> None:
    for element in tree.iter():
        if local(element.tag) == "docPr":
            package.pictures += 1
            if not (element.get("descr") or "").strip():
                package.pictures_without_alt += 1


def _properties(trees: dict[str, ET.Element]) -> dict[str, str]:
    props: dict[str, str] = {}
    core = trees.get("docProps/core.xml")
    if core is not None:
        for element in core:
            name = local(element.tag)
            if name in ("title", "language", "keywords", "creator", "subject"):
                value = text_of(element)
                if value:
                    props[name] = value
    app = trees.get("docProps/app.xml")
    if app is not None:
        for element in app:
            if local(element.tag) == "Company" and text_of(element):
                props["company"] = text_of(element)
    styles = trees.get("word/styles.xml")
    if styles is not None:
        defaults = styles.find(f"{W}docDefaults")
        lang = defaults.find(f".//{W}lang") if defaults is not None else None
        if lang is not None and lang.get(W + "val"):
            props["default_language"] = lang.get(W + "val", "")
    return props


def _custom_properties(tree: ET.Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if tree is None:
        return out
    for prop in tree:
        name = prop.get("name")
        if name:
            out[name] = text_of(prop)
    return out
