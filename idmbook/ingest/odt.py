"""Inspect and clean an OpenDocument text (.odt) before pandoc reads it.

As for Word documents: every XML part is parsed safely, macros (Basic/, Scripts/) and
embedded objects are removed, linked pictures and linked sections are reported (pandoc runs
sandboxed and never fetches them), tracked changes, comments and pictures are counted, and
the document's properties are read as a metadata fallback. pandoc reads an .odt as its
changes accepted: the body holds the current text, deletions live apart.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from idmbook.ingest.leftout import odt_left_out
from idmbook.ingest.package import Package
from idmbook.ingest.xmlsafe import local, parse_xml, text_of
from idmbook.load.archive import Limits
from idmbook.load.findings import Finding, Refused

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"


_REQUIRED = ("content.xml", "styles.xml")
"""Parts pandoc reads the text from: a part that cannot be read safely refuses the file."""
_OPTIONAL = ("meta.xml",)
"""Parts read when they are sound (the document's properties), left out otherwise."""
_OBJECT_PART = re.compile(r"^(Object [^/]+|ObjectReplacements)/")
_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*>")


def _needed(members: dict[str, bytes]) -> dict[str, bytes]:
    """The members pandoc and ingest need: the text, the styles, the properties, the
    manifest, the pictures, and the embedded objects (equations are read from them).
    Settings, toolbars (Configurations2/), thumbnails and macros never reach pandoc, so they
    are not read at all."""
    keep = {"mimetype", "META-INF/manifest.xml", *_REQUIRED, *_OPTIONAL}
    return {
        name: data
        for name, data in members.items()
        if name in keep
        or name.startswith("Pictures/")
        or (_OBJECT_PART.match(name) is not None and name.endswith("/content.xml"))
    }


def _without_doctype(data: bytes) -> bytes:
    """A manifest, the properties or an equation without the DOCTYPE line OpenOffice wrote
    (a public identifier, no declarations); one with an internal subset stays, and is
    refused when parsed."""
    return _DOCTYPE.sub(b"", data, count=1)


def inspect_odt(members: dict[str, bytes], limits: Limits) -> Package:
    """Check, count and clean the members of an OpenDocument text."""
    trees: dict[str, ET.Element] = {}
    macros = [n for n in members if n.startswith(("Basic/", "Scripts/"))]
    members = _needed(members)
    for name in list(members):
        if name.endswith(".xml") and name not in _REQUIRED:
            members[name] = _without_doctype(members[name])
        if name in _REQUIRED or name == "META-INF/manifest.xml":
            trees[name] = parse_xml(members[name], name, limits.max_xml_depth)
        elif name.endswith(".xml"):
            try:  # the document's properties and the equations: read them if they are sound
                trees[name] = parse_xml(members[name], name, limits.max_xml_depth)
            except Refused:
                del members[name]
    manifest = trees.get("META-INF/manifest.xml")
    if manifest is not None and any(True for _ in manifest.iter(MANIFEST + "encryption-data")):
        raise Refused(
            "IDM102",
            "the document is protected by a password",
            "ask the sender for a copy saved without a password",
        )
    content = trees.get("content.xml")
    if content is None:
        raise Refused(
            "IDM104",
            "the OpenDocument file has no content.xml; it is damaged",
            "ask the sender to open it in LibreOffice and save it again",
        )
    findings: list[Finding] = []
    if macros:
        findings.append(Finding("IDM106", f"macros removed ({len(macros)} parts)"))
    objects = [n for n in members if n.startswith(("Object ", "ObjectReplacements/"))]
    formulas = _formulas(content, trees)
    embedded = sum(
        1 for o in content.iter(DRAW + "object") if _object_name(o) not in formulas
    ) + sum(1 for _ in content.iter(DRAW + "object-ole"))
    if embedded or (objects and not formulas):
        findings.append(
            Finding(
                "IDM106",
                f"{max(embedded, 1)} embedded object{'s' * (embedded > 1)} removed",
                "ask the sender for the content of embedded objects as a table or a picture",
            )
        )
    dropped = set(macros) | set(objects)
    package = Package(
        {n: d for n, d in members.items() if n not in dropped},
        media_base="",
        main_part="content.xml",
    )
    package.findings = findings
    package.formulas = formulas
    package.left_out = odt_left_out(trees)
    for image in content.iter(DRAW + "image"):
        href = image.get(XLINK + "href", "")
        inside = href.removeprefix("./")
        if href and not (
            inside.startswith(("Pictures/", "ObjectReplacements/")) or inside in members
        ):
            findings.append(
                Finding(
                    "IDM107",
                    f"linked picture '{href[:120]}' not fetched",
                    "ask the sender to insert the picture itself rather than a link to it",
                )
            )
    for source in content.iter(TEXT + "section-source"):
        findings.append(
            Finding(
                "IDM107", f"linked section '{source.get(XLINK + 'href', '')[:120]}' not followed"
            )
        )
    for region in content.iter(TEXT + "changed-region"):
        for change in region:
            if local(change.tag) == "insertion":
                package.insertions += 1
            elif local(change.tag) == "deletion":
                package.deletions += 1
    package.comments = sum(1 for _ in content.iter(OFFICE + "annotation"))
    for frame in content.iter(DRAW + "frame"):
        if frame.find(DRAW + "image") is None:
            continue
        package.pictures += 1
        alt = text_of(frame.find(SVG + "desc")) or text_of(frame.find(SVG + "title"))
        if not alt:
            package.pictures_without_alt += 1
    package.properties, package.custom = _properties(trees)
    return package


MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _object_name(element: ET.Element) -> str:
    """The folder of an embedded object: 'Object 1' for ``xlink:href="./Object 1"``."""
    return element.get(XLINK + "href", "").strip().removeprefix("./").strip("/")


def _formulas(content: ET.Element, trees: dict[str, ET.Element]) -> dict[str, ET.Element]:
    """The embedded objects that are equations (MathML), by folder name."""
    found: dict[str, ET.Element] = {}
    for element in content.iter(DRAW + "object"):
        name = _object_name(element)
        tree = trees.get(f"{name}/content.xml")
        if name and tree is not None and tree.tag == MATHML + "math":
            found[name] = tree
    return found


def _properties(trees: dict[str, ET.Element]) -> tuple[dict[str, str], dict[str, str]]:
    props: dict[str, str] = {}
    custom: dict[str, str] = {}
    meta = trees.get("meta.xml")
    if meta is not None:
        keywords = []
        for element in meta.iter():
            name = local(element.tag)
            if name in ("title", "language", "creator", "subject") and text_of(element):
                props.setdefault(name, text_of(element))
            elif name == "keyword" and text_of(element):
                keywords.append(text_of(element))
            elif name == "user-defined" and element.get(META + "name"):
                custom[element.get(META + "name", "")] = text_of(element)
        if keywords:
            props["keywords"] = "; ".join(keywords)
    styles = trees.get("styles.xml")
    if styles is not None:
        for default in styles.iter(STYLE + "default-style"):
            if default.get(STYLE + "family") != "paragraph":
                continue
            text_props = default.find(STYLE + "text-properties")
            if text_props is not None and text_props.get(FO + "language"):
                lang = text_props.get(FO + "language", "")
                country = text_props.get(FO + "country", "")
                props["default_language"] = (
                    f"{lang}-{country}" if country and country != "none" else lang
                )
    return props, custom
