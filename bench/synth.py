"""Synthetic publication projects for the benchmark, deterministic from a seed.

``generate(root, SCALES["idm"], seed=2017)`` writes a project that validates without errors:
an ``idmbook.yaml`` with the workshops and their agendas, a rapporteur note for every session,
stakeholder contributions (a few in French and Spanish, a few without consent), and three
editorial chapters. The same seed always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from idmbook.model.fields import LEVELS, StakeholderType

THEMES = {
    "safe-orderly-regular": ["nyd-a", "nyd-b", "nyd-d", "nyd-e", "nyd-f", "nyd-h", "nyd-q"],
    "rights-wellbeing": ["nyd-i", "nyd-o", "nyd-r", "nyd-u"],
    "forced-irregular": ["nyd-c", "nyd-j", "nyd-k", "nyd-l", "nyd-m", "nyd-s"],
    "crises-mobility": [],
}
STAKEHOLDER_TYPES = tuple(t for t in get_args(StakeholderType) if t != "other")
COUNTRIES = ("MX", "PH", "SN", "IT", "CA", "NG", "EC", "MA", "DE", "BD", "KE", "JO", "CO", "NP")
CITIES = (
    "New York", "Geneva", "Nairobi", "Bangkok", "Dakar", "Quito", "Amman", "Manila",
    "Rabat", "Panama", "Vienna", "Addis Ababa", "Brussels", "Buenos Aires", "Cairo",
    "Dhaka", "Lima", "Pretoria", "Tunis", "Kathmandu",
)  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SESSIONS = (
    "opening", "data", "labour", "children", "return", "climate", "cities", "closing",
)  # fmt: skip

EN = _words(
    "migration governance cooperation migrants States authorities local national regional "
    "global policy policies labour mobility pathways regular safe orderly rights protection "
    "assistance children families communities return reintegration data evidence remittances "
    "diaspora partnerships capacity development sustainable compact dialogue participants "
    "speakers session workshop practices lessons access services health education housing "
    "employment recruitment ethical workers employers skills recognition border management "
    "trafficking smuggling victims vulnerable situations crises displacement disaster climate "
    "environmental change resilience coordination follow-up review implementation targets "
    "agenda commitments principles approach whole-of-government whole-of-society inclusion "
    "discrimination xenophobia integration social cohesion consular support information "
    "campaigns consultation civil society academia private sector organizations networks "
    "municipal councils mayors ministries agencies programmes funding resources training "
    "standards monitoring indicators reporting accountability transparency trust dignity the "
    "of and to in for with on by that is are was were have has been should must can will "
    "a an their its this these those more most better stronger shared common long-term"
)
FR = _words(
    "migration gouvernance coopération migrants États autorités locales nationales droits "
    "protection enfants familles retour réintégration données politiques travailleurs "
    "partenariats développement durable dialogue participants pratiques accès services "
    "santé éducation logement emploi compétences frontières traite victimes vulnérables "
    "crises déplacement climat résilience coordination suivi mise en œuvre engagements "
    "principes inclusion discrimination intégration cohésion sociale société civile le la "
    "les des du de et à pour avec sur par qui est sont doit peuvent plus meilleure commune"
)
ES = _words(
    "migración gobernanza cooperación migrantes Estados autoridades locales nacionales "
    "derechos protección niños familias retorno reintegración datos políticas trabajadores "
    "alianzas desarrollo sostenible diálogo participantes prácticas acceso servicios salud "
    "educación vivienda empleo competencias fronteras trata víctimas vulnerables crisis "
    "desplazamiento clima resiliencia coordinación seguimiento aplicación compromisos "
    "principios inclusión discriminación integración cohesión social sociedad civil el la "
    "los las del de y a para con sobre por que es son debe pueden más mejor común"
)
VOCAB = {"en": EN, "fr": FR, "es": ES}


@dataclass(frozen=True)
class Scale:
    """How big a synthetic project is."""

    name: str
    workshops: int
    contributions: int
    note_paragraphs: tuple[int, int] = (4, 7)
    contribution_paragraphs: tuple[int, int] = (3, 6)

    @property
    def notes(self) -> int:
        return self.workshops * len(SESSIONS)


SCALES = {
    "idm": Scale("idm", workshops=2, contributions=150),
    "compendium": Scale("compendium", workshops=20, contributions=1500),
}


class Writer:
    """Deterministic text from a seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self, lang: str = "en", words: tuple[int, int] = (12, 26)) -> str:
        vocab = VOCAB[lang]
        picked = [self.rng.choice(vocab) for _ in range(self.rng.randint(*words))]
        if self.rng.random() < 0.15:
            i = self.rng.randrange(len(picked))
            picked[i] = f"**{picked[i]}**" if self.rng.random() < 0.5 else f"*{picked[i]}*"
        text = " ".join(picked)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, lang: str = "en", sentences: tuple[int, int] = (3, 6)) -> str:
        text = " ".join(self.sentence(lang) for _ in range(self.rng.randint(*sentences)))
        if self.rng.random() < 0.1:
            text += f"[^{self.rng.randrange(10**6)}]"
        return text

    def paragraphs(self, count: tuple[int, int], lang: str = "en") -> list[str]:
        out = []
        for _ in range(self.rng.randint(*count)):
            para = self.paragraph(lang)
            if para.endswith("]"):
                label = para[para.rindex("[^") + 2 : -1]
                para += f"\n\n[^{label}]: {self.sentence(lang, (6, 14))}"
            out.append(para)
        return out

    def themes(self) -> list[str]:
        main = self.rng.choice(list(THEMES))
        picked = [main]
        for _ in range(self.rng.randint(0, 2)):
            theme = self.rng.choice(list(THEMES))
            options = [theme, *THEMES[theme]]
            choice = self.rng.choice(options)
            if choice not in picked:
                picked.append(choice)
        return picked


def _yaml_list(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def config_text(scale: Scale) -> str:
    lines = [
        f"title: Synthetic International Dialogue on Migration ({scale.name} scale)",
        "subtitle: Generated by bench/synth.py for the benchmark",
        "series:",
        "  name: International Dialogue on Migration",
        "  number: 99",
        "  issn: 1726-2224",
        "year: 2017",
        "language: en",
        "publisher:",
        "  name: International Organization for Migration",
        "  address:",
        "    - 17 route des Morillons",
        "    - 1211 Geneva 19",
        "editors:",
        "  - Benchmark Editors",
        "output:",
        "  basename: book",
        "  formats: [docx, pdf]",
        "workshops:",
    ]
    start = dt.date(2017, 1, 10)
    for w in range(scale.workshops):
        day = start + dt.timedelta(days=17 * w)
        lines += [
            f"  - id: w{w + 1:02d}",
            f"    title: Workshop {w + 1} on migration governance and cooperation",
            f"    city: {CITIES[w % len(CITIES)]}",
            f"    start: {day.isoformat()}",
            f"    end: {(day + dt.timedelta(days=1)).isoformat()}",
            "    sessions:",
        ]
        for s, session in enumerate(SESSIONS):
            lines += [
                f"      - id: {session}",
                f"        order: {s}",
                f"        title: Session {s + 1}, {session.replace('-', ' ')}",
                f"        date: {(day + dt.timedelta(days=s // 4)).isoformat()}",
                f'        time: "{9 + 2 * (s % 4):02d}:00-{10 + 2 * (s % 4):02d}:30"',
            ]
    return "\n".join(lines) + "\n"


def note_text(writer: Writer, scale: Scale, workshop: int, session: str) -> str:
    rng = writer.rng
    themes = writer.themes()
    levels = sorted(rng.sample(LEVELS, rng.randint(1, 3)), key=LEVELS.index)
    front = (
        f"---\ntitle: Session {session} of workshop {workshop}\nworkshop: w{workshop:02d}\n"
        f"session: {session}\nrapporteur: Rapporteur {workshop}-{session}\nstatus: final\n"
        f"themes: {_yaml_list(themes)}\nlevels: {_yaml_list(levels)}\n---\n"
    )
    summary = "\n\n".join(writer.paragraphs(scale.note_paragraphs))
    messages = "\n".join(f"- {writer.sentence(words=(8, 16))}" for _ in range(rng.randint(3, 6)))
    recs = []
    for _ in range(rng.randint(3, 6)):
        text = writer.sentence(words=(10, 22))
        if rng.random() < 0.5:
            level = rng.choice(LEVELS)
            text += f' {{levels="{level}" actors="Member States; local authorities"}}'
        recs.append(f"- {text}")
    return (
        f"{front}\n## Summary\n\n{summary}\n\n## Key messages\n\n{messages}\n\n"
        f"## Recommendations\n\n" + "\n".join(recs) + "\n"
    )


def contribution_text(writer: Writer, scale: Scale, number: int) -> str:
    rng = writer.rng
    lang = rng.choices(("en", "fr", "es"), weights=(8, 1, 1))[0]
    kind = STAKEHOLDER_TYPES[number % len(STAKEHOLDER_TYPES)]
    consent = "false" if number % 25 == 7 else "true"
    received = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(300))
    front = (
        f"---\ntitle: Submission {number} on {rng.choice(EN)} and {rng.choice(EN)}\n"
        f"organisation: Organisation {number:04d}\nstakeholder_type: {kind}\n"
        f"country: {rng.choice(COUNTRIES)}\nworkshop: w{rng.randrange(scale.workshops) + 1:02d}\n"
        f"themes: {_yaml_list(writer.themes())}\nlanguage: {lang}\n"
        f"received: {received.isoformat()}\nconsent: {consent}\n---\n"
    )
    parts = writer.paragraphs(scale.contribution_paragraphs, lang)
    if rng.random() < 0.6:
        parts.insert(rng.randint(1, len(parts)), "## " + writer.sentence(lang, (3, 6))[:-1])
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {writer.sentence(lang, (6, 14))}" for _ in range(4)))
    if rng.random() < 0.2:
        parts.append("See [the IOM website](https://www.iom.int) for more.")
    return front + "\n" + "\n\n".join(parts) + "\n"


def chapter_text(writer: Writer, title: str, part: str, order: int, paragraphs: int) -> str:
    body = "\n\n".join(writer.paragraph() for _ in range(paragraphs))
    return f"---\ntitle: {title}\npart: {part}\norder: {order}\n---\n\n{body}\n"


def generate(root: Path, scale: Scale, seed: int = 2017) -> dict[str, Path]:
    """Write the project into ``root`` (created; must not hold another project).

    Returns some paths the benchmark needs: ``config``, ``note`` (the note it edits) and
    ``contribution`` (one contribution, for validating a single file).
    """
    writer = Writer(seed)
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {"idmbook.yaml": config_text(scale)}
    files["chapters/foreword.md"] = chapter_text(writer, "Foreword", "front", 1, 5)
    files["chapters/introduction.md"] = chapter_text(writer, "Introduction", "front", 2, 8)
    files["chapters/annex-concept-note.md"] = chapter_text(writer, "Concept note", "annex", 1, 8)
    for w in range(1, scale.workshops + 1):
        for session in SESSIONS:
            rel = f"chapters/notes/w{w:02d}/{session}.md"
            files[rel] = note_text(writer, scale, w, session)
    for number in range(1, scale.contributions + 1):
        files[f"contributions/c{number:04d}.md"] = contribution_text(writer, scale, number)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return {
        "config": root / "idmbook.yaml",
        "note": root / "chapters/notes/w01/children.md",
        "contribution": root / "contributions/c0001.md",
    }


def edit_note(path: Path, marker: str) -> None:
    """Change one sentence of the note's summary: a real edit that no cache has seen."""
    text = path.read_text("utf-8")
    head, sep, rest = text.partition("## Summary\n\n")
    first, _, tail = rest.partition(".")
    path.write_text(f"{head}{sep}Edited {marker} {first}.{tail}", encoding="utf-8", newline="\n")
