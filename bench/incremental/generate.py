"""A deterministic corpus of news-style documents about security agreements with Ukraine.

Document *i* depends only on (seed, i), so the first n documents of a larger corpus are the same
files, and adding document n + 1 adds exactly one new document. The text mixes the forms the
extractor meets in real news: country names and aliases, demonyms, people with titles, dates in
several formats, and sentences that sign, negotiate, join or support an agreement. It is a load
generator for timing, not a gold standard: it carries no expected answers.
"""
from __future__ import annotations

import random
from pathlib import Path

COUNTRIES = ["Poland", "Germany", "France", "Italy", "Canada", "Japan", "the United Kingdom", "Britain",
             "the United States", "the USA", "Denmark", "the Netherlands", "Finland", "Latvia", "Lithuania",
             "Estonia", "Norway", "Sweden", "Spain", "Belgium", "the Czech Republic", "Portugal", "Iceland",
             "Ireland", "Romania", "Greece", "Luxembourg", "Slovenia", "Bulgaria", "Montenegro", "Kosovo"]
DEMONYMS = ["Polish", "German", "French", "Italian", "Canadian", "Japanese", "British", "Danish", "Dutch",
            "Finnish", "Latvian", "Lithuanian", "Estonian", "Norwegian", "Swedish", "Spanish"]
TITLES = ["President", "Prime Minister", "Foreign Minister", "Defence Minister"]
FIRST = ["Anna", "Jan", "Marta", "Pieter", "Ingrid", "Lars", "Sofia", "Tomas", "Elena", "Mikko", "Ruta", "Karl"]
LAST = ["Kowalska", "Berger", "Lindqvist", "Novak", "Jansen", "Virtanen", "Ozols", "Moreau", "Rossi", "Tamm"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ACTIONS = [
    "{c} signed a bilateral security agreement with Ukraine on {d}.",
    "Ukraine and {c} are negotiating a security agreement, officials said on {d}.",
    "{c} joined the Joint Declaration of Support for Ukraine on {d}.",
    "On {d}, {t} {p} of {c} said the talks on a security agreement with Ukraine were advancing.",
    "{c} expressed its support for the declaration, according to a statement issued on {d}.",
]
FILLER = [
    "The agreement covers military aid, training and the reconstruction of the energy grid.",
    "Officials in Kyiv described the talks as constructive.",
    "The document will be reviewed by parliament before it takes effect.",
    "Analysts said the pledge would be tested by the budget debate next year.",
    "The {dem} delegation also discussed demining and air defence.",
    "{t} {p} met soldiers and volunteers during the visit.",
]


def _date(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.choice([2023, 2024])
    return rng.choice([f"{day} {month} {year}", f"{month} {day}, {year}", f"{month} {day}"])


def document(seed: int, i: int) -> str:
    rng = random.Random(f"{seed}:{i}")
    country = rng.choice(COUNTRIES)
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    lines = [f"{country[0].upper()}{country[1:]} and Ukraine: talks on security guarantees, report {i}", ""]
    for _ in range(rng.randint(4, 7)):
        sentences = []
        for _ in range(rng.randint(3, 6)):
            template = rng.choice(ACTIONS if rng.random() < 0.45 else FILLER)
            sentences.append(template.format(c=rng.choice(COUNTRIES), d=_date(rng), t=rng.choice(TITLES),
                                             p=person, dem=rng.choice(DEMONYMS)))
        lines += [" ".join(sentences), ""]
    return "\n".join(lines)


def write_corpus(folder: Path, start: int, stop: int, seed: int = 7) -> list[Path]:
    """Write documents start..stop-1 as `doc_<i>.txt`; an existing file is left as it is."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, stop):
        path = folder / f"doc_{i:06d}.txt"
        if not path.exists():
            path.write_text(document(seed, i), encoding="utf-8")
        paths.append(path)
    return paths
