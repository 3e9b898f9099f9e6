"""Rules of the book's covers: the logo and photograph that idmbook.yaml's ``cover:`` names."""

from __future__ import annotations

from idmbook.rules.rule import ERR, WARN, Rule

COVER_RULES = [
    Rule(
        "IDM160",
        "cover-file",
        ERR,
        "A cover picture (cover.logo or cover.photo) is not a file of the project.",
        "The logo and the cover photograph are named in idmbook.yaml relative to the "
        "project's folder (under `cover:`, `logo: templates/logo.svg`). The file must exist inside "
        "the project, as a regular file reached through real folders: idmbook reads no URL, no "
        "absolute path, nothing outside the project and no link, so that a project received "
        "from elsewhere cannot make the book print a file of the machine that builds it.",
    ),
    Rule(
        "IDM161",
        "cover-picture",
        ERR,
        "A cover picture is not a PNG, JPEG, GIF or SVG picture that can be printed.",
        "The covers of the PDF and the Word title page take PNG, JPEG, GIF or SVG pictures "
        "whose content matches their name's extension, whose structure is sound and whose "
        "size is within the limits idmbook sets for every picture. Open the picture in an "
        "image editor and export it again, as SVG for a logo and as JPEG for a photograph.",
    ),
    Rule(
        "IDM162",
        "cover-photo-credit",
        WARN,
        "The cover photograph has no credit or no description.",
        "A photograph printed on the cover is credited on the imprint page "
        "(`cover.photo_credit`, for example '© IOM 2017/Jane Doe'), and described for readers "
        "who cannot see it (`cover.photo_alt`): the tagged PDF and the Word file carry the "
        "description as the picture's alternative text.",
    ),
]
