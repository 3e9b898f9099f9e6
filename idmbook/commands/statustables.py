"""The status dashboard as terminal tables (`idmbook status`): sessions, contributions, the
coverage matrices with their gaps, and what would block a --final build."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.columns import Columns
from rich.table import Table
from rich.text import Text

from idmbook.commands.status import SHORT_TYPES, Status
from idmbook.model.fields import STAKEHOLDER_TYPES


def render_tables(status: Status) -> list[Any]:
    """Rich renderables of the dashboard, in the order they are printed."""
    out: list[Any] = []
    if status.config_ok:
        out.append(Text(status.title, style="bold"))
        out.append(_sessions_table(status))
        out.extend(_contribution_tables(status))
        out.append(_matrix_by_workshop(status))
        out.append(_matrix_by_type(status))
        if status.translations:
            out.append(_translations_table(status))
        if status.near_duplicates:
            out.append(_near_duplicates_table(status))
        if status.gcm_unaddressed:
            out.append(
                Text(
                    "Global compact objectives no recommendation names (gcm=): "
                    + ", ".join(str(n) for n, _ in status.gcm_unaddressed)
                )
            )
    if status.reviews:
        reviews = Table(title="Open review items", title_justify="left", expand=False)
        for name in ("where", "item"):
            reviews.add_column(name)
        for path, line, message in status.reviews:
            reviews.add_row(f"{path}:{line}", message)
        out.append(reviews)
    blockers = Table(
        title="What would block `idmbook build --final`", title_justify="left", expand=False
    )
    for name in ("code", "problem", "count", "see the details with"):
        blockers.add_column(name, justify="right" if name == "count" else "left")
    for b in status.blockers:
        blockers.add_row(b.code, b.summary, str(b.count), Text(b.command, style="bold"))
    if status.blockers:
        out.append(blockers)
    else:
        out.append(Text("Nothing blocks a --final build.", style="bold green"))
    return out


_STATUS_STYLE = {
    "final": "green",
    "draft": "yellow",
    "missing": "bold red",
    "invalid": "bold red",
    "not required": "dim",
}


def _sessions_table(status: Status) -> Any:
    table = Table(title="Rapporteur notes by session", title_justify="left")
    folder = _notes_folder([s.note for s in status.sessions if s.note])
    named = {
        id(s): s.note
        for s in status.sessions
        if s.note and s.note != f"{folder}{s.workshop}/{s.session}.md"
    }
    columns = ["workshop", "session", "status", "rapporteur", "words", "recs"]
    for name in columns + (["note"] if named else []):
        numeric = name in ("words", "recs")
        # fold, never cut: a path or a name is no use with its end replaced by an ellipsis
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for s in status.sessions:
        session = s.session if s.on_agenda else f"{s.session} (not on the agenda)"
        cells: list[str | Text] = [
            s.workshop,
            session,
            Text(s.status, style=_STATUS_STYLE.get(s.status, "")),
            s.rapporteur,
            str(s.words) if s.note else "",
            str(s.recommendations) if s.note else "",
        ]
        table.add_row(*cells, *([named.get(id(s), "")] if named else []))
    totals = status.totals()
    where = f"Notes are {folder}WORKSHOP/SESSION.md unless named. " if folder else ""
    table.caption = where + (
        f"{totals['notes']} notes ({totals['notes_final']} final, {totals['notes_draft']} draft), "
        f"{totals['sessions_missing_note']} sessions without a note, "
        f"{totals['words']:,} words, {totals['recommendations']} recommendations"
    )
    table.caption_justify = "left"
    return table


def _notes_folder(paths: list[str]) -> str:
    """The folder of WORKSHOP/SESSION.md note files (``chapters/notes/``): the one most notes
    are in, two levels up."""
    folders = Counter("/".join(p.split("/")[:-2]) + "/" for p in paths if p.count("/") >= 2)
    return folders.most_common(1)[0][0] if folders else ""


def _contribution_tables(status: Status) -> list[Any]:
    titles = dict(status.themes)
    cities = dict(status.workshops)
    dimensions = [
        ("stakeholder_type", "by stakeholder type", list(STAKEHOLDER_TYPES), {}),
        ("theme", "by theme", [t for t, _ in status.themes], titles),
        ("workshop", "by workshop", [w for w, _ in status.workshops], cities),
        ("language", "by language", sorted(status.received.get("language", Counter())), {}),
    ]
    tables = []
    for key, title, values, names in dimensions:
        table = Table(title=f"Contributions {title}", title_justify="left")
        table.add_column(key.replace("_", " "))
        table.add_column("received", justify="right")
        table.add_column("published", justify="right")
        received, published = status.received[key], status.published[key]
        for value in values:
            n = received.get(value, 0)
            table.add_row(
                names.get(value, value),
                Text(str(n), style="" if n else "bold red"),
                str(published.get(value, 0)),
            )
        tables.append(table)
    out: list[Any] = [Columns(tables)]
    if status.consent_missing:
        missing = Table(
            title="Contributions without consent (left out of the book)", title_justify="left"
        )
        for name in ("file", "organisation", "title"):
            missing.add_column(name)
        for path, organisation, title in status.consent_missing:
            missing.add_row(path, organisation, title)
        out.append(missing)
    return out


def _cell(value: str, empty: bool) -> Any:
    return Text("—" if empty else value, style="bold red" if empty else "")


def _matrix_by_workshop(status: Status) -> Any:
    table = Table(
        title="Theme coverage: notes + contributions by workshop (— marks a gap)",
        title_justify="left",
    )
    table.add_column("theme")
    for _, city in status.workshops:
        table.add_column(city, justify="center")
    for theme_id, title in status.themes:
        row = status.by_workshop[theme_id]
        table.add_row(
            title,
            *(_cell(f"{n} + {c}", n + c == 0) for n, c in (row[w] for w, _ in status.workshops)),
        )
    return table


def _matrix_by_type(status: Status) -> Any:
    table = Table(
        title="Theme coverage: contributions by stakeholder type (— marks a gap)",
        title_justify="left",
    )
    table.add_column("theme")
    for kind in STAKEHOLDER_TYPES:
        table.add_column(SHORT_TYPES[kind], justify="center")
    for theme_id, title in status.themes:
        row = status.by_stakeholder_type[theme_id]
        table.add_row(title, *(_cell(str(row[k]), not row[k]) for k in STAKEHOLDER_TYPES))
    return table


def _translations_table(status: Status) -> Any:
    table = Table(
        title="Editions in other languages (translated / stale / missing)",
        title_justify="left",
        expand=False,
    )
    for name in ("language", "notes", "contributions", "chapters", "config strings missing"):
        table.add_column(name, justify="left" if name == "language" else "right")
    for language, edition in status.translations.items():
        cells = []
        for kind in ("note", "contribution", "chapter"):
            counts = edition[kind]
            cells.append(f"{counts['translated']} / {counts['stale']} / {counts['missing']}")
        table.add_row(language, *cells, str(len(edition["config_missing"])))
    return table


def _near_duplicates_table(status: Status) -> Any:
    table = Table(
        title="Recommendations that may say the same thing (idmbook recommendations)",
        title_justify="left",
    )
    table.add_column("similarity", justify="right")
    table.add_column("ids")
    for group in status.near_duplicates:
        table.add_row(f"{group['similarity']:.2f}", ", ".join(group["ids"]))
    return table
