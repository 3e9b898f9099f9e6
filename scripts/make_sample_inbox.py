"""Write inbox/: one SAMPLE submission in French as a real Word file, and its register.

The Word file has a heading, a table, a footnote and a tracked change (an insertion and a
deletion), as submissions received by e-mail do; it says in its text that it is a sample.
`idmbook ingest inbox --register inbox/register.csv` turns it into a contribution. The file
is reproducible (fixed properties and zip timestamps), so its SHA-256 only changes when its
content does.

Usage: python scripts/make_sample_inbox.py [inbox]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import docx

NAME = "contribution-commune-exemple.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
REGISTER = [
    [
        "file",
        "title",
        "organisation",
        "stakeholder_type",
        "country",
        "workshop",
        "themes",
        "language",
        "received",
        "consent",
        "sample",
    ],
    [
        NAME,
        "Accueillir les nouveaux arrivants : l'expérience d'une commune",
        "Commune d'Exemple (échantillon)",
        "local_authority",
        "FR",
        "geneva",
        "rights-wellbeing; nyd-o",
        "fr",
        "2017-07-03",
        "oui",
        "oui",
    ],
]
TRACKED = (
    '<w:p><w:r><w:t xml:space="preserve">Notre guichet unique reçoit chaque année </w:t></w:r>'
    '<w:del w:id="901" w:author="Secrétariat" w:date="2017-06-30T10:00:00Z"><w:r>'
    "<w:delText>près de mille</w:delText></w:r></w:del>"
    '<w:ins w:id="902" w:author="Secrétariat" w:date="2017-06-30T10:00:00Z"><w:r>'
    "<w:t>plus de mille deux cents</w:t></w:r></w:ins>"
    '<w:r><w:t xml:space="preserve"> personnes nouvellement arrivées</w:t></w:r>'
    '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/>'
    '</w:rPr><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>'
)
FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {W}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Chiffres fictifs, donnés à titre '
    "d'exemple.</w:t></w:r></w:p></w:footnote></w:footnotes>"
)


def build() -> bytes:
    document = docx.Document()
    document.add_heading("Accueillir les nouveaux arrivants : l'expérience d'une commune", 1)
    note = document.add_paragraph()
    note.add_run(
        "Ceci est une contribution d'exemple (SAMPLE), écrite pour démontrer l'outil ; elle ne "
        "provient d'aucune commune réelle."
    ).italic = True
    document.add_paragraph(
        "Les communes sont en première ligne de l'accueil. Elles ne décident pas de l'entrée "
        "sur le territoire, mais c'est à leurs guichets que les personnes migrantes cherchent "
        "un logement, une école pour leurs enfants, un médecin et un emploi."
    )
    document.add_paragraph("PLACEHOLDER-TRACKED")
    document.add_heading("Ce que nous avons appris", 2)
    document.add_paragraph("Un point d'entrée unique évite les démarches en double.", "List Bullet")
    document.add_paragraph(
        "Les associations de migrants sont des partenaires, pas seulement des relais.",
        "List Bullet",
    )
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for row, values in zip(
        table.rows,
        [
            ("Service", "Ouvert à tous", "Langues"),
            ("Guichet unique", "oui", "français, arabe, espagnol"),
            ("Cours de langue", "oui", "français"),
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("Ce que nous demandons au pacte mondial", 2)
    document.add_paragraph(
        "Reconnaître les autorités locales comme actrices de la mise en œuvre du pacte, et "
        "leur donner une place dans son suivi."
    )
    props = document.core_properties
    props.title = "Contribution (exemple)"
    props.author = "Sample"
    props.last_modified_by = "Sample"
    props.language = "fr-FR"
    props.created = props.modified = dt.datetime(2017, 7, 1)
    props.revision = 2
    buffer = io.BytesIO()
    document.save(buffer)
    return _patch(buffer.getvalue())


def _patch(data: bytes) -> bytes:
    """Add the tracked change and the footnote, which python-docx cannot write."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                text = content.decode("utf-8")
                placeholder = "<w:p><w:r><w:t>PLACEHOLDER-TRACKED</w:t></w:r></w:p>"
                assert placeholder in text
                content = text.replace(placeholder, TRACKED).encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            elif info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), content)
        target.writestr(
            zipfile.ZipInfo("word/footnotes.xml", (1980, 1, 1, 0, 0, 0)), FOOTNOTES.encode("utf-8")
        )
    return out.getvalue()


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "inbox")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NAME).write_bytes(build())
    with (folder / "register.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(REGISTER)
    print(f"wrote {folder / NAME} and {folder / 'register.csv'}")


if __name__ == "__main__":
    main()
