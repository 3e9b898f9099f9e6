"""Write a custom document property into a DOCX made by idmbook (the proof's record): the
part ``docProps/custom.xml``, its content type and its relationship, the rest untouched."""

from __future__ import annotations

from lxml import etree

from idmbook.load.archive import read_zip, write_zip

_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PART = "docProps/custom.xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def with_property(docx: bytes, name: str, value: str) -> bytes:
    """``docx`` (a file idmbook made: trusted) with the text property ``name`` set."""
    members = read_zip(docx, what="proof")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    if _PART in members:
        root = etree.fromstring(members[_PART], parser)
    else:
        root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
    for prop in list(root):
        if prop.get("name") == name:
            root.remove(prop)
    ids = [int(p.get("pid", "1")) for p in root]
    prop = etree.SubElement(root, f"{{{_CUSTOM}}}property")
    prop.set("fmtid", _FMTID)
    prop.set("pid", str(max([1, *ids]) + 1))
    prop.set("name", name)
    etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = value
    members[_PART] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    types = etree.fromstring(members["[Content_Types].xml"], parser)
    if not any(o.get("PartName") == "/" + _PART for o in types):
        override = etree.SubElement(types, f"{{{_TYPES}}}Override")
        override.set("PartName", "/" + _PART)
        override.set("ContentType", _CONTENT_TYPE)
        members["[Content_Types].xml"] = etree.tostring(
            types, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    rels = etree.fromstring(members["_rels/.rels"], parser)
    if not any(r.get("Type") == _REL_TYPE for r in rels):
        taken = {r.get("Id") for r in rels}
        number = 1
        while f"rIdProof{number}" in taken:
            number += 1
        rel = etree.SubElement(rels, f"{{{_RELS}}}Relationship")
        rel.set("Id", f"rIdProof{number}")
        rel.set("Type", _REL_TYPE)
        rel.set("Target", _PART)
        members["_rels/.rels"] = etree.tostring(
            rels, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    ordered = {"[Content_Types].xml": members.pop("[Content_Types].xml"), **members}
    return write_zip(ordered)
