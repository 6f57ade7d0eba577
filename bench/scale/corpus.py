"""A deterministic corpus of news-style documents about security guarantees for Ukraine.

    .venv/bin/python bench/scale/corpus.py OUT_DIR --docs 10000 [--seed 7]

Document *i* depends only on (seed, i): the first n documents of a larger corpus are the same
files, and writing document n + 1 adds exactly one new document. Documents average about 3 kB
(100,000 documents are about 300 MB, the size issue 8 names) and carry what the extractor meets
in real news, in varied forms, so that every stage of the extractor does its real work:

- countries by name, alias and abbreviation ("the U.K.", "Czechia", "Holland"), official name
  ("the Kingdom of Denmark"), possessive ("Poland's"), demonym ("Danish Prime Minister"), capital
  as an actor ("Warsaw has signed"), group phrases ("the Baltic states", "G7") and the EU;
- dates as "July 11-12", "Jan. 12", "12 January 2024", ISO, "12.01.2024", Polish "12 stycznia
  2024", weekdays, "yesterday", "a day later", "the same evening", "last July", "in March 2023";
- people with titles, appositive roles, transliteration variants (Zelensky / Zelenskyy /
  Zełenski) and given names that are country names ("Jordan", "Georgia", "Chad");
- sentences that sign, negotiate, join, found or support, negated and hypothetical ones, list
  items and table rows, misspelled and state-like names that stay unresolved.

Sentences are assembled from many independent slots with numbers drawn per document, so nearly
every sentence text is unique: the extractor's per-sentence caches cannot make a repeated corpus
look faster than a real one. One document in five gets a `.meta.json` sidecar with a
publication date. It is a load generator with realistic structure, not a gold standard.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
from pathlib import Path

# Where `run.py` writes the corpus of seed 7 and the extraction-core benchmarks read it.
DEFAULT_FOLDER = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "guarantees-bench-corpus" / "seed7"

# (name, official name, other forms, demonym, capital): the forms are all in the gazetteer.
COUNTRIES = [
    ("Poland", "the Republic of Poland", ["Poland"], "Polish", "Warsaw"),
    ("Germany", "the Federal Republic of Germany", ["Germany", "Deutschland"], "German", "Berlin"),
    ("France", "the French Republic", ["France"], "French", "Paris"),
    ("Italy", "the Italian Republic", ["Italy"], "Italian", "Rome"),
    ("Canada", "Canada", ["Canada"], "Canadian", "Ottawa"),
    ("Japan", "Japan", ["Japan"], "Japanese", "Tokyo"),
    ("the United Kingdom", "the United Kingdom of Great Britain and Northern Ireland",
     ["the UK", "the U.K.", "Britain", "Great Britain"], "British", "London"),
    ("the United States", "the United States of America", ["the U.S.", "the USA", "America", "the US"],
     "American", "Washington"),
    ("Denmark", "the Kingdom of Denmark", ["Denmark"], "Danish", "Copenhagen"),
    ("the Netherlands", "the Kingdom of the Netherlands", ["Holland", "the Netherlands"], "Dutch", "Amsterdam"),
    ("Finland", "the Republic of Finland", ["Finland"], "Finnish", "Helsinki"),
    ("Latvia", "the Republic of Latvia", ["Latvia"], "Latvian", "Riga"),
    ("Lithuania", "the Republic of Lithuania", ["Lithuania"], "Lithuanian", "Vilnius"),
    ("Estonia", "the Republic of Estonia", ["Estonia"], "Estonian", "Tallinn"),
    ("Norway", "the Kingdom of Norway", ["Norway"], "Norwegian", "Oslo"),
    ("Sweden", "the Kingdom of Sweden", ["Sweden"], "Swedish", "Stockholm"),
    ("Spain", "the Kingdom of Spain", ["Spain"], "Spanish", "Madrid"),
    ("Belgium", "the Kingdom of Belgium", ["Belgium"], "Belgian", "Brussels"),
    ("the Czech Republic", "the Czech Republic", ["Czechia", "the Czech Republic"], "Czech", "Prague"),
    ("Portugal", "the Portuguese Republic", ["Portugal"], "Portuguese", "Lisbon"),
    ("Iceland", "Iceland", ["Iceland"], "Icelandic", "Reykjavik"),
    ("Ireland", "Ireland", ["Ireland"], "Irish", "Dublin"),
    ("Romania", "Romania", ["Romania"], "Romanian", "Bucharest"),
    ("Greece", "the Hellenic Republic", ["Greece"], "Greek", "Athens"),
    ("Luxembourg", "the Grand Duchy of Luxembourg", ["Luxembourg"], "Luxembourgish", "Luxembourg"),
    ("Slovenia", "the Republic of Slovenia", ["Slovenia"], "Slovenian", "Ljubljana"),
    ("Bulgaria", "the Republic of Bulgaria", ["Bulgaria"], "Bulgarian", "Sofia"),
    ("Montenegro", "Montenegro", ["Montenegro"], "Montenegrin", "Podgorica"),
    ("Kosovo", "the Republic of Kosovo", ["Kosovo"], "Kosovar", "Pristina"),
    ("Croatia", "the Republic of Croatia", ["Croatia"], "Croatian", "Zagreb"),
    ("Albania", "the Republic of Albania", ["Albania"], "Albanian", "Tirana"),
    ("Moldova", "the Republic of Moldova", ["Moldova"], "Moldovan", "Chisinau"),
    ("Australia", "the Commonwealth of Australia", ["Australia"], "Australian", "Canberra"),
    ("Turkey", "the Republic of Turkey", ["Turkey", "Türkiye"], "Turkish", "Ankara"),
    ("Hungary", "Hungary", ["Hungary"], "Hungarian", "Budapest"),
    ("Slovakia", "the Slovak Republic", ["Slovakia"], "Slovak", "Bratislava"),
]
GROUPS = ["the Baltic states", "the Nordic countries", "the G7", "G7 members", "the Group of Seven",
          "NATO allies", "the Visegrad group", "the Weimar Triangle", "EU member states", "the Three Seas states"]
EU = ["the European Union", "the EU", "the European Commission", "the European Council"]
TITLES = ["President", "Prime Minister", "Foreign Minister", "Defence Minister", "Chancellor", "Ambassador"]
ROLES = ["foreign minister", "defence minister", "national security adviser", "deputy prime minister",
         "ambassador to Ukraine", "chief negotiator", "head of the presidential office"]
FIRST = ["Anna", "Jan", "Marta", "Pieter", "Ingrid", "Lars", "Sofia", "Tomas", "Elena", "Mikko", "Ruta", "Karl",
         "Helena", "Maciej", "Agnieszka", "Dirk", "Camille", "Luca", "Hiroshi", "Kenji", "Freja", "Ole", "Inese",
         "Kaja", "Jonas", "Ewa", "Rafael", "Oksana", "Taras", "Iryna", "Bogdan", "Nuno", "Aoife", "Petra"]
# Given names that are also country names: the extractor must read them as people.
COUNTRY_FIRST = ["Jordan", "Georgia", "Chad", "India", "Israel"]
LAST = ["Kowalska", "Berger", "Lindqvist", "Novak", "Jansen", "Virtanen", "Ozols", "Moreau", "Rossi", "Tamm",
        "Nowicki", "Schneider", "Dubois", "Bianchi", "Tanaka", "Sato", "Hansen", "Nielsen", "Kalnins", "Petrauskas",
        "Kask", "Johansson", "Garcia", "Peeters", "Dvorak", "Silva", "Murphy", "Popescu", "Papadopoulos", "Horvat",
        "Hoxha", "Kovacs", "Kralj", "Walsh", "Lefevre", "Marino", "Kobayashi", "Wozniak", "Stepanenko", "Bondar"]
ZELENSKY = ["President Volodymyr Zelensky", "Volodymyr Zelenskyy", "Zelensky", "Zelenskyy", "President Zelensky",
            "Wołodymyr Zełenski", "Zełenski", "the Ukrainian president"]
UA_OFFICIALS = ["Prime Minister Denys Shmyhal", "Foreign Minister Dmytro Kuleba", "Andriy Yermak",
                "Defence Minister Rustem Umerov", "Deputy Prime Minister Olha Stefanishyna"]
UA_PLACES = ["Kyiv", "Lviv", "Odesa", "Kharkiv", "Dnipro", "Zaporizhzhia", "Mykolaiv", "Chernihiv", "Poltava"]
VENUES = ["the Mariinsky Palace", "the presidential office", "a summit in Vilnius", "the NATO summit in Washington",
          "the sidelines of the G7 summit", "the Munich Security Conference", "an EU summit in Brussels",
          "a conference in Berlin", "a meeting in Paris", "the Ukraine Recovery Conference"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
SHORT_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
POLISH_MONTHS = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
                 "października", "listopada", "grudnia"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ITEMS = ["air defence systems", "artillery shells", "armoured vehicles", "drones", "demining equipment",
         "F-16 training", "cyber defence", "energy equipment", "field hospitals", "long-range missiles",
         "ammunition production", "winter equipment", "radar systems", "naval drones", "mobile generators"]
AGREEMENT_NAMES = ["a bilateral security agreement", "a ten-year security agreement",
                   "an agreement on security cooperation and long-term support", "a long-term security pact",
                   "a security accord", "a bilateral agreement on security guarantees"]
# A few strings the extractor must report as unresolved rather than guess (state-like, misspelled).
UNRESOLVED = ["the Republic of Freedonia", "the Kingdom of Arendelle", "Germnay", "Polnad", "the Federation of Zubrowka"]


def _country(rng: random.Random) -> tuple:
    return rng.choice(COUNTRIES)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _form(rng: random.Random, c: tuple) -> str:
    """A way of naming the country as a party: name, alias, official name."""
    r = rng.random()
    if r < 0.55:
        return c[0]
    if r < 0.85:
        return rng.choice(c[2])
    return c[1]


def _person(rng: random.Random) -> str:
    first = rng.choice(COUNTRY_FIRST) if rng.random() < 0.06 else rng.choice(FIRST)
    return f"{first} {rng.choice(LAST)}"


class _Dates:
    """Date expressions in every written form, around one news day of the document."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.year = rng.choice([2023, 2024, 2024, 2025])
        self.month = rng.randrange(12)

    def day(self) -> int:
        return self.rng.randint(1, 28)

    def absolute(self) -> str:
        rng, d, m, y = self.rng, self.day(), (self.month + self.rng.randint(-2, 0)) % 12, self.year
        forms = [f"{d} {MONTHS[m]} {y}", f"{MONTHS[m]} {d}, {y}", f"{y}-{m + 1:02d}-{d:02d}",
                 f"{d:02d}.{m + 1:02d}.{y}", f"{d} {POLISH_MONTHS[m]} {y}"]
        return rng.choices(forms, weights=[5, 5, 2, 1, 1])[0]

    def yearless(self) -> str:
        rng, d, m = self.rng, self.day(), self.month
        forms = [f"{MONTHS[m]} {d}", f"{d} {MONTHS[m]}", f"{SHORT_MONTHS[m]} {d}", f"{MONTHS[m]} {d}-{d + 1}"]
        return rng.choices(forms, weights=[5, 3, 2, 1])[0]

    def relative(self) -> str:
        rng = self.rng
        forms = [f"on {rng.choice(WEEKDAYS)}", f"last {rng.choice(WEEKDAYS)}", "yesterday", "earlier this week",
                 f"on {rng.choice(WEEKDAYS)} morning", "today", f"last {MONTHS[self.month]}",
                 f"in {MONTHS[(self.month + 11) % 12]} {self.year - rng.randint(0, 1)}"]
        return rng.choice(forms)

    def any(self) -> str:
        r = self.rng.random()
        return self.absolute() if r < 0.4 else self.yearless() if r < 0.7 else self.relative()


def _amount(rng: random.Random) -> str:
    n = rng.choice([rng.randint(2, 950), round(rng.uniform(1.1, 9.9), 1)])
    unit = rng.choice(["million euros", "billion euros", "million dollars", "billion kroner", "million pounds"])
    return f"{n} {unit}"


def _action(rng: random.Random, dates: _Dates) -> str:
    """A sentence stating (or denying, or only considering) a status."""
    c, c2 = _country(rng), _country(rng)
    who, date, person = _form(rng, c), dates.any(), _person(rng)
    title, zel, agreement = rng.choice(TITLES), rng.choice(ZELENSKY), rng.choice(AGREEMENT_NAMES)
    place, amount, item = rng.choice(UA_PLACES), _amount(rng), rng.choice(ITEMS)
    templates = [
        f"{_cap(who)} signed {agreement} with Ukraine on {date}, pledging {amount} for {item}.",
        f"{c[3]} {title} {person} and {zel} signed {agreement} in {place} {date}.",
        f"{_cap(c[4])} has signed {agreement} with Kyiv, {c[3]} officials confirmed {date}.",
        f"Ukraine and {who} are negotiating {agreement}, {rng.choice(ROLES)} {person} said {date}.",
        f"{_cap(who)} opened talks on {agreement} with Ukraine {date}, with {item} at the top of the list.",
        f"Talks with {who} on {agreement} are under way, according to {rng.choice(UA_OFFICIALS)}.",
        f"{_cap(who)} joined the Joint Declaration of Support for Ukraine on {date}, becoming one of its "
        f"{rng.randint(21, 34)} signatories.",
        f"{_cap(who)} expressed its support for the G7 declaration {date}, {c[3]} {title} {person} said.",
        f"{_cap(who)} and {_form(rng, c2)} have not yet signed {agreement}, though {item} deliveries continue.",
        f"{_cap(who)} could sign {agreement} with Ukraine before {MONTHS[rng.randrange(12)]}, diplomats in "
        f"{c[4]} said.",
        f"{c[0] if not c[0].startswith('the ') else _cap(c[0])}'s {title.lower()}, {person}, said {date} that "
        f"{agreement} with Ukraine would be signed within {rng.randint(2, 9)} weeks.",
        f"{_cap(who)} intends to sign {agreement} with Ukraine, {c[3]} {rng.choice(ROLES)} {person} said in {place}.",
        f"The {rng.choice(['first', 'second', 'third', 'tenth', '12th', '20th'])} country to conclude such a "
        f"document was {who}, on {dates.absolute()}.",
    ]
    return rng.choice(templates)


def _filler(rng: random.Random, dates: _Dates) -> str:
    """Context sentences: aid, visits, the war, reactions; countries and people but no status."""
    c, c2 = _country(rng), _country(rng)
    person, place, amount = _person(rng), rng.choice(UA_PLACES), _amount(rng)
    n = rng.randint(2, 480)
    templates = [
        f"The package includes {amount} for {rng.choice(ITEMS)} and {rng.choice(ITEMS)} over {rng.randint(2, 10)} years.",
        f"Officials in {place} described the meeting with the {c[3]} delegation as constructive.",
        f"Russian drones struck energy facilities near {place} overnight, leaving {n},000 households without power.",
        f"{rng.choice(ZELENSKY)} thanked {_form(rng, c)} for {rng.choice(ITEMS)} during a visit to {place} {dates.relative()}.",
        f"{rng.choice(TITLES)} {person} met soldiers and volunteers at {rng.choice(VENUES)}.",
        f"Analysts in {c[4]} said the pledge of {amount} would be tested by the budget debate in {dates.year + 1}.",
        f"The {c[3]} parliament is expected to debate the ratification on {dates.yearless()}.",
        f"{person}, {rng.choice(ROLES)} of {c[0]}, told reporters that {rng.choice(ITEMS)} would arrive by "
        f"{MONTHS[rng.randrange(12)]}.",
        f"{_cap(rng.choice(GROUPS))} have delivered {n} {rng.choice(['tanks', 'howitzers', 'drones', 'generators'])} "
        f"since {dates.absolute()}.",
        f"{_cap(rng.choice(EU))} approved a further {amount} for Ukraine's recovery {dates.relative()}.",
        f"A day later, {rng.choice(UA_OFFICIALS)} travelled to {c2[4]} to discuss {rng.choice(ITEMS)}.",
        f"The same evening, {_form(rng, c2)} announced {amount} for {rng.choice(ITEMS)}.",
        f"Mr {rng.choice(LAST)} of {c2[0]} said the {rng.randint(3, 40)}th aid package was the largest so far.",
        f"Observers from {rng.choice(UNRESOLVED)} attended the talks, a spokesperson said.",
        f"Turnout in the regional poll reached {rng.randint(30, 79)}.{rng.randint(0, 9)} percent, the commission said.",
    ]
    return rng.choice(templates)


def _list_block(rng: random.Random, dates: _Dates) -> list[str]:
    intro = rng.choice(["Bilateral security agreements have been signed with:",
                        "Countries negotiating a security agreement with Ukraine include:",
                        "According to the presidential office, talks on security agreements are under way with:"])
    items = [f"- {_cap(_form(rng, _country(rng)))} ({rng.choice([dates.absolute(), dates.yearless(), 'date not disclosed'])})"
             for _ in range(rng.randint(2, 5))]
    return [intro] + items


def _table_block(rng: random.Random, dates: _Dates) -> list[str]:
    rows = ["| Country | Status | Date |", "|---|---|---|"]
    for _ in range(rng.randint(2, 5)):
        status = rng.choice(["signed", "negotiating", "joined", "supporter"])
        rows.append(f"| {_cap(_form(rng, _country(rng)))} | {status} | {dates.absolute()} |")
    return ["Status of the security agreements, as reported by the presidential office:"] + rows


def document(seed: int, i: int) -> str:
    """Document *i* of the corpus with this seed (about 3 kB)."""
    rng = random.Random(f"{seed}:{i}")
    dates = _Dates(rng)
    c = _country(rng)
    headline = rng.choice([f"{_cap(c[0])} and Ukraine sign security agreement in {rng.choice(UA_PLACES)}",
                           f"{_cap(c[0])} opens talks with Kyiv on long-term security guarantees",
                           f"{c[3]} leader in {rng.choice(UA_PLACES)} as {rng.choice(GROUPS)} weigh new aid",
                           f"{_cap(c[4])} joins G7 declaration on Ukraine's security"])
    lines = [f"{headline} ({i})"]
    if rng.random() < 0.5:
        lines.append(f"{_cap(rng.choice(GROUPS))} discuss {rng.choice(ITEMS)} and {rng.choice(ITEMS)}")
    lines.append("")
    for _ in range(rng.randint(5, 9)):
        block = rng.random()
        if block < 0.08:
            lines += _list_block(rng, dates)
        elif block < 0.12:
            lines += _table_block(rng, dates)
        else:
            sentences = [(_action if rng.random() < 0.35 else _filler)(rng, dates) for _ in range(rng.randint(3, 6))]
            lines.append(" ".join(sentences))
        lines.append("")
    return "\n".join(lines)


def sidecar(seed: int, i: int) -> dict | None:
    """The `.meta.json` of document *i*, for one document in five (a publication date, a URL)."""
    rng = random.Random(f"{seed}:{i}:meta")
    if rng.random() >= 0.2:
        return None
    day = f"{rng.choice([2023, 2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {"published": day, "source_url": f"https://news.example.org/{seed}/{i}", "language": "en"}


def file_name(i: int) -> str:
    return f"doc_{i:06d}.txt"


def write_corpus(folder: Path, start: int, stop: int, seed: int = 7) -> int:
    """Write documents start..stop-1 (and their sidecars) into `folder`; returns the bytes written.
    An existing file is left as it is, so a corpus grows by appending."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for i in range(start, stop):
        path = folder / file_name(i)
        if not path.exists():
            data = document(seed, i).encode("utf-8")
            meta = sidecar(seed, i)
            if meta is not None:
                (folder / (file_name(i) + ".meta.json")).write_text(json.dumps(meta), encoding="utf-8")
            path.write_bytes(data)
            written += len(data)
    return written


def first_documents(folder: Path, n: int) -> list:
    """The first `n` documents of a corpus folder that `write_corpus` wrote, read as the pipeline
    reads them (`RawDocument`s, sidecars included), for the benchmarks of the extraction core.
    SystemExit naming the folder when it holds no document, or the file that is not one."""
    from pipelines.lib.documents import Rejection, read_document

    names = sorted(p.name for p in folder.glob("doc_*.txt"))[:n]
    if n and not names:
        raise SystemExit(f"no documents in {folder}: run `make bench` once to write the corpus")
    documents = [read_document(folder, name) for name in names]
    for doc in documents:
        if isinstance(doc, Rejection):
            raise SystemExit(f"{folder / doc.source_path}: not a document ({doc.reason}: {doc.detail})")
    return documents


def documents_from_arguments(doc: str, docs: int) -> tuple[argparse.Namespace, list]:
    """The arguments of a benchmark over the first documents of the corpus (`--corpus`, `--docs`,
    `--repeat`), and those documents (`first_documents`)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--docs", type=int, default=docs)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    return args, first_documents(args.corpus, args.docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    written = write_corpus(args.folder, args.start, args.start + args.docs, args.seed)
    print(f"wrote {written / 1e6:.1f} MB into {args.folder}")


if __name__ == "__main__":
    main()
