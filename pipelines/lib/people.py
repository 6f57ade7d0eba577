"""Named persons: finding them, joining the variants of one name, and reading their roles.

There is no English NER model on PyPI that works offline, so this is rule-based on purpose:
a person is a run of capitalised words that the context marks as a name (a title before it, an
appositive role after it, "Canada's Justin Trudeau"), or a two-to-four word name that is not a
country, an organisation or a place. Variants are joined by a transliteration key of the surname
(Zelensky / Zelenskyy / Zełenski, Vlasyuk / Własiuk), so a surname alone joins the full name the
text introduced. A reviewed table of well-known people supplies the canonical English spelling.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")

_UPPER = "".join(chr(c) for c in range(0x250) if chr(c).isupper()) + "".join(
    chr(c) for c in range(0x400, 0x530) if chr(c).isupper())
_TOKEN = "[" + re.escape(_UPPER) + r"][^\W\d_]*(?:[-'\u2019][" + re.escape(_UPPER) + r"][^\W\d_]*)*"
_PARTICLES = r"(?:von|van|der|den|de|del|della|di|da|du|dos|das|la|le|bin|ibn|al|ter|zu)"
# A run of capitalised tokens, allowing lowercase name particles between them.
# Tokens of one name are separated by single spaces: wider gaps separate table columns.
_NAME_RUN = re.compile(r"(?<![\w'\u2019-])" + _TOKEN + r"(?: (?:" + _PARTICLES + r" )*" + _TOKEN + r")*")
_TOKEN_RE = re.compile(_TOKEN + "|" + _PARTICLES)

# Polish, German and French titles, capitalised at the start of a sentence in translated text
# ("Prezydent Andrzej Duda said ..."): a title, never the first word of the name.
FOREIGN_TITLES = frozenset("""Prezydent Premier Kanclerz Marszałek Minister Präsident Kanzler Bundeskanzler
Ministerpräsident Président Ministre""".split())
TITLES = frozenset("""President Vice Prime Minister Ministers Chancellor Premier Secretary General Secretary-General
King Queen Prince Princess Pope Taoiseach Governor Senator Ambassador Gen Admiral Commander Chief Mayor Speaker
Chairman Chair Chairwoman Head Dr Mr Mrs Ms Sir Dame Lord Lady Commissioner Representative High Foreign Defence
Defense Deputy Acting Former Emir Sultan Crown Sheikh Presidents Leader Envoy Adviser Advisor Spokesman Spokeswoman
Spokesperson Minister-President Marshal Lieutenant Colonel Major Captain Archbishop Patriarch Cardinal Justice
Interior Finance Economy Economic National Security Affairs Chiefs Staff Presidential Federal""".split()) | FOREIGN_TITLES
# Titles that make the next capitalised word a person's name ("President Zelensky", "Chancellor Scholz").
PERSON_TITLES = frozenset("""President Minister Ministers Chancellor Premier Secretary General Secretary-General King Queen
Prince Princess Pope Taoiseach Governor Senator Ambassador Gen Admiral Commander Mayor Speaker Chairman Chair
Chairwoman Dr Mr Mrs Ms Sir Dame Lord Lady Commissioner Representative Emir Sultan Sheikh Presidents Leader Envoy
Adviser Advisor Spokesman Spokeswoman Spokesperson Minister-President Marshal Lieutenant Colonel Major Captain
Archbishop Patriarch Cardinal""".split()) | FOREIGN_TITLES
# Lower-case titles right before a name ("premier Tusk", "defence minister, Laurynas Kasčiūnas"),
# also Polish, German and French ones in translated or quoted text ("prezydent Duda", "Kanzler Scholz").
_LOWER_TITLE_WORDS = frozenset("""president premier chancellor minister secretary adviser advisor spokesman spokeswoman
spokesperson envoy ambassador leader head chief commander general mayor governor king queen deputy counterpart
colleague official officials diplomat negotiator representative commissioner taoiseach prezydent kanclerz marszałek
präsident kanzler bundeskanzler ministerpräsident président ministre""".split())


def lower_title(before: str) -> str | None:
    """The title that ends `before` ("prime minister", "premier"), if any: a set lookup on the last
    words, far cheaper than a case-insensitive regex searched over the window."""
    stripped = before[-40:].rstrip()
    if stripped.endswith(","):
        stripped = stripped[:-1].rstrip()
    words = stripped.rsplit(None, 2)
    if not words or not words[-1].isalpha() or words[-1].lower() not in _LOWER_TITLE_WORDS:
        return None
    last = words[-1]
    if len(words) >= 2 and words[-2].lower() == "prime":
        return f"{words[-2]} {last}"
    return last


ROLE_APPOSITIVE = re.compile(
    r"^,\s+(?!(?:where|which|who|whom|whose|when|while|as|and|but|or|he|she|they|it|we)\b)(?:the\s+|a\s+|an\s+)?((?:[\w'\u2019-]+\s+){0,4}?(?:advis[eo]r|president|minister|chancellor|secretary|spokes\w+|"
    r"envoy|ambassador|leader|head|chief|commander|governor|mayor|premier|representative|commissioner|deputy|"
    r"official|negotiator|aide)\b[^,.;]{0,80})", re.I)
ORG_WORDS = frozenset("""Declaration Conference Council Commission Parliament Palace Chancellery Summit Seas Sea Union
Alliance Forum Agreement Accord Treaty Compact Group Party Rally Office Ministry Department Agency Bank Fund Forces
Force Army Navy Guard Coalition Initiative Cabinet Government Assembly Congress Senate Court University Institute
Street Square Airport Station Hall House Church School Committee Organization Organisation Corporation Company
Support Cooperation Peace Recovery News Times Post Press Media Television Radio Region Oblast Province State States
City County Republic Kingdom Federation Islands Ocean River Mountains Day Week War Operation Plan Programme Program
Centre Center Museum Foundation Service Services Fleet Command Brigade Battalion Corps Airlines Summit Conference
Framework Partnership Memorandum Charter Convention Protocol Strategy Policy Fighter Jets Defence Defense Industry
European Western Eastern Northern Southern Central Joint International Global Atlantic Black Baltic Nordic Balkan
Balkans Scandinavian Arctic Pacific Middle Asia Europe Africa America Americas Gulf Kremlin Élysée Pentagon Capitol
Declaration Compact Coalition Format Contact Grouping Secretariat Embassy Consulate Facility Program""".split())
STOPWORDS = frozenset("""The A An On In At To From For With By Of And But Or As If When While After Before Since Until
Under Over About Against Between Both Each Every All Some Many Most Other Such This That These Those There Here It Its
He She They We I You His Her Their Our My Your Who Whom Whose Which What Where Why How Not No Yes Also Only Even Still
Then Thus So Yet Now Later Earlier Meanwhile However Although Though Because Speaking According Subsequently Officials
Leaders Both Two Three Four Five Six Seven Eight Nine Ten First Second Third Last Next New Monday Tuesday Wednesday
Thursday Friday Saturday Sunday January February March April May June July August September October November
December Today Yesterday Tomorrow Hours Days Weeks Months Years Negotiations Talks Under Across Despite Through
During Within Without Among Amid Toward Towards Upon Via Per Mr Mrs Ms Status Date Country Partner Partners Total
Signed Party Parties""".split())
_PLACE_WORDS = frozenset("in at to from near outside via into toward towards around across through inside".split())


def place_before(before: str) -> bool:
    """Does `before` end with a place preposition ("in", "at the")?"""
    words = before[-20:].rsplit(None, 2)
    if not words or not before[-1:].isspace():
        return False
    last = words[-1]
    return last in _PLACE_WORDS or (last == "the" and len(words) >= 2 and words[-2] in _PLACE_WORDS)


_POSSESSIVE_BEFORE = re.compile(r"([A-Z][\w\u00c0-\u024f]+(?:\s+[A-Z]\w+)?)(?:'s|\u2019s)\s+(?:[\w-]+\s+){0,3}$")
SPEECH_AFTER = re.compile(
    r"^(?:\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?(?:said|says|told|added|announced|signed|signs|called|thanked|"
    r"spoke|met|meets|visited|visits|urged|stressed|noted|wrote|argued|insisted|warned|promised|pledged|toured|"
    r"travelled|traveled|flew|arrived|came|made|described|welcomed|acknowledged|named|criticised|criticized|"
    r"criticises|criticizes|accused|accuses|praised|praises|calls|demanded|demands|sees|saw|wants|wanted|"
    r"is|was|will|would|and\s+[A-Z])\b)")


@dataclass
class Person:
    canonical_name: str
    variants: list[str]
    role: str | None
    country_iso2: str | None
    n_mentions: int
    first_char_start: int
    spans: list[tuple[int, int]] = field(default_factory=list)
    possessive_ends: frozenset[int] = frozenset()  # ends of spans followed by "'s" ("Tusk's trip")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    tokens: tuple[str, ...]
    cue: bool  # the context marks it as a person's name
    role: str | None
    country: str | None
    possessive: bool = False


@lru_cache(maxsize=65536)
def translit_key(token: str) -> str:
    """A key under which English, Polish and German transliterations of one name coincide.

    Zelensky / Zelenskyy / Zełenski / Selenskyj -> 'zelenski'; Vlasyuk / Własiuk -> 'vlasiuk';
    Shmyhal / Szmyhal -> 'shmihal'.
    """
    t = token.replace("ł", "l").replace("Ł", "L")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[^a-z]", "", t)
    for a, b in (("sch", "sh"), ("sz", "sh"), ("cz", "ch"), ("zh", "z"), ("w", "v"), ("j", "y"),
                 ("kh", "h"), ("ck", "k")):
        t = t.replace(a, b)
    t = t.replace("y", "i")
    t = re.sub(r"i+", "i", t)
    t = re.sub(r"(.)\1+", r"\1", t)
    if t.startswith("s") and len(t) > 4 and t[1] in "aeiou":  # German S- for Ukrainian Z- (Selenskyj)
        t = "z" + t[1:]
    return t


@dataclass(frozen=True)
class KnownPerson:
    canonical_name: str
    role: str | None
    country_iso2: str | None


@lru_cache(maxsize=1)
def known_people() -> dict[tuple[str, str], KnownPerson]:
    """Reviewed canonical names, keyed by (first-name initial key, surname key) of every variant."""
    table: dict[tuple[str, str], KnownPerson] = {}
    with open(DATA_DIR / "people.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            person = KnownPerson(row["canonical_name"], row["role"] or None, row["country_iso2"] or None)
            for variant in [row["canonical_name"]] + row["variants"].split("|"):
                tokens = variant.split()
                if len(tokens) >= 2:
                    table[(translit_key(tokens[0])[:1], translit_key(tokens[-1]))] = person
    return table


@lru_cache(maxsize=1)
def _known_surnames() -> frozenset[str]:
    return frozenset(surname for _, surname in known_people())


@lru_cache(maxsize=1)
def _surname_index() -> dict[str, KnownPerson | None]:
    """Surname key -> the one known person with it (None when two share it); built once, not for
    every surname met alone."""
    index: dict[str, KnownPerson | None] = {}
    for (_, surname), person in known_people().items():
        if surname in index and index[surname] != person:
            index[surname] = None
        else:
            index.setdefault(surname, person)
    return index


def find_people(text: str, country_of: dict[str, str], is_country_name) -> list[Person]:
    """All named persons in `text`, variants joined, in order of first mention.

    `country_of` maps demonyms and country names to ISO codes (for roles: "Danish Prime Minister");
    `is_country_name(s)` says whether a string is a country name (so "Great Britain" is no person).
    """
    candidates = [c for c in _candidates(text, country_of, is_country_name)]
    return _join(candidates)


def _candidates(text: str, country_of: dict[str, str], is_country_name):
    full_surnames: set[str] = set()
    seen_full: list[_Candidate] = []
    singles: list[_Candidate] = []
    for run in _NAME_RUN.finditer(text):
        cand = _from_run(text, run, country_of, is_country_name)
        if cand is None:
            continue
        if len(cand.tokens) >= 2:
            full_surnames.add(translit_key(cand.tokens[-1]))
            seen_full.append(cand)
            yield cand
        else:
            singles.append(cand)
    for cand in singles:
        if translit_key(cand.tokens[0]) in full_surnames or cand.cue:
            yield cand
    yield from _repeats_of_names_with_country_first_names(text, country_of, seen_full)
    yield from _surnames_that_are_country_names(text, country_of, seen_full)


def _repeats_of_names_with_country_first_names(text: str, country_of: dict[str, str], found: list[_Candidate]):
    """Once the text has shown that "Jordan Bardella" is a person, every other "Jordan Bardella"
    is the person too, even where no title marks it (in a headline, say)."""
    starts = {c.start for c in found}
    for name in {" ".join(c.tokens) for c in found if c.tokens[0] in country_of}:
        for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text):
            if m.start() not in starts:
                possessive = text[m.end():m.end() + 2] in ("'s", "\u2019s")
                yield _Candidate(m.start(), m.end(), tuple(name.split()), True, None, None, possessive)


# A verb right after the bare surname ("Jordan stopped short", "Montenegro, who took office").
_PERSON_AFTER = re.compile(r"^,\s+who\b|^\s+(?:has\s+|had\s+|also\s+|then\s+)?[a-z]{2,}(?:ed|s)\b")


def _surnames_that_are_country_names(text: str, country_of: dict[str, str], found: list[_Candidate]):
    """Once "Luís Montenegro" is a person, "Montenegro, who took office in April" or "Montenegro
    said" is that person too; elsewhere the word stays the country."""
    inside = [(c.start, c.end) for c in found]
    for surname in {c.tokens[-1] for c in found if c.tokens[-1] in country_of}:
        for m in re.finditer(r"(?<![\w-])" + re.escape(surname) + r"(?![\w-])", text):
            if any(a <= m.start() < b for a, b in inside) or not _PERSON_AFTER.match(text[m.end():m.end() + 30]):
                continue
            yield _Candidate(m.start(), m.end(), (surname,), True, None, None, False)


_ROMAN = re.compile(r"^(?:I{2,3}|IV|VI{0,3}|IX|XI{0,3})$")


_OF_STATE = re.compile(r"\b(Secretary|Minister|Head|Chief) of\s+$")


def _from_run(text: str, run: re.Match, country_of: dict[str, str], is_country_name) -> _Candidate | None:
    word = run.group()
    if " " not in word and (word in STOPWORDS or word in TITLES or word in ORG_WORDS or word in country_of
                            or word.isupper()):
        return None  # the common case: a capitalised function word, title or country name
    tokens = [(m.group(), run.start() + m.start(), run.start() + m.end()) for m in _TOKEN_RE.finditer(run.group())]
    lead: list[str] = []
    while tokens and (tokens[0][0] in TITLES or tokens[0][0] in STOPWORDS or tokens[0][0] in ORG_WORDS
                      or tokens[0][0] in country_of or tokens[0][0][0].islower()):
        if tokens[0][0] in country_of and _first_name(text, run, tokens, lead):
            break
        lead.append(tokens.pop(0)[0])
    while tokens and (tokens[-1][0] in TITLES or tokens[-1][0] in STOPWORDS or tokens[-1][0][0].islower()):
        tokens.pop()
    if not tokens or len(tokens) > 4:
        return None
    words = [t[0] for t in tokens]
    start, end = tokens[0][1], tokens[-1][2]
    core = text[start:end]
    if any(w in ORG_WORDS or w.isupper() and len(w) > 1 and not (i and _ROMAN.match(w)) for i, w in enumerate(words)) \
            or len(words[0]) < 2:
        return None  # a regnal number after a name is part of it ("King Felipe VI"), other capitals are not
    if is_country_name(core) or (len(words) == 1 and words[0] in country_of):
        return None
    if len(words) >= 2 and words[-1] in country_of and _common_word(text, words[0]):
        return None  # "Strong Poland, strong Ukraine": a word the text also writes in lower case
    of_state = _OF_STATE.search(text, max(0, run.start() - 30), run.start()) if lead == ["State"] else None
    if of_state:
        lead = [of_state.group(1)]  # "Secretary of State Antony Blinken": the title spans two runs
    if any(w in ORG_WORDS for w in lead) and (not lead or lead[-1] not in PERSON_TITLES):
        return None  # "Joint Security Commitments": a name of a document or body, not a person
    titles = [w for w in lead if w in PERSON_TITLES]
    before = text[max(0, start - 60):start]
    cue, role, country = _context(text, start, end, lead, titles, before, country_of)
    if not cue and place_before(before):
        return None
    if len(words) == 1:
        # A surname alone is a person when a title precedes it ("premier Tusk") or when it is the
        # surname of a well-known person acting in the sentence ("Zelensky signs ..."); surnames of
        # full names introduced elsewhere in the text are joined later.
        cue = bool(titles or lower_title(before)) or (
            words[0] not in country_of and translit_key(words[0]) in _known_surnames()
            and (bool(SPEECH_AFTER.match(text[end:end + 40])) or _standing_alone(text, start, end)))
    possessive = text[end:end + 2] in ("'s", "\u2019s")
    return _Candidate(start, end, tuple(words), cue, role, country, possessive)


def _common_word(text: str, word: str) -> bool:
    """Does the text also write `word` in lower case? Then it is an ordinary word, not a given name."""
    lower = word.lower()
    return lower != word and re.search(r"(?<![\w-])" + re.escape(lower) + r"(?![\w-])", text) is not None


def _standing_alone(text: str, start: int, end: int) -> bool:
    """A well-known surname with no capitalised word on either side ("Meloni's summit", "as Tusk
    visits"): the person, not part of another name such as "Charles Michel Foundation"."""
    after = text[end:end + 30]
    if re.match(r"^(?:'s|\u2019s)?\s+[A-Z]", after):
        return False
    return not re.search(r"[A-Z][\w'-]*\s+$", text[max(0, start - 30):start])


def _first_name(text: str, run: re.Match, tokens: list, lead: list[str]) -> bool:
    """Is a country word at the head of a name a first name ("leader Jordan Bardella", "Chad Smith
    said")? Only when a plain surname follows it and the context marks a person."""
    if len(tokens) < 2:
        return False
    nxt = tokens[1][0]
    if nxt in TITLES or nxt in ORG_WORDS or nxt in STOPWORDS or nxt.isupper():
        return False
    if (translit_key(tokens[0][0])[:1], translit_key(nxt)) in known_people():
        return True  # a reviewed person ("Jordan Bardella's party")
    before = text[max(0, tokens[0][1] - 40):tokens[0][1]]
    titled = any(w in TITLES for w in lead) or bool(lower_title(before))
    return titled or bool(SPEECH_AFTER.match(text[run.end():run.end() + 40]))


def _context(text, start, end, lead, titles, before, country_of):
    """Is the name marked as a person's, and what role and country does the text give?"""
    country = next((country_of[w] for w in lead if w in country_of), None)
    possessive = ("'s" in before or "\u2019s" in before) and _POSSESSIVE_BEFORE.search(before)
    if country is None and possessive and possessive.group(1) in country_of:
        country = country_of[possessive.group(1)]
    role = " ".join(w for w in lead if w in TITLES) or None
    lower = lower_title(before)
    if role is None and lower:
        role = lower
    appositive = ROLE_APPOSITIVE.match(text[end:end + 160])
    if role is None and appositive:
        role = appositive.group(1).strip()
    if titles and country is None:
        prev = re.search(r"([A-Z][\w.]+)\s+$", before)
        if prev and prev.group(1).rstrip(".") in country_of:
            country = country_of[prev.group(1).rstrip(".")]
    cue = bool(titles or lower or appositive or (possessive and possessive.group(1) in country_of))
    if role and country is None:
        of_country = re.match(r"^\s*of\s+(?:the\s+)?([A-Z][\w]+(?:\s+[A-Z]\w+)?)", text[end:end + 40])
        if of_country and of_country.group(1) in country_of:
            country = country_of[of_country.group(1)]
    return cue, role, country


def _join(candidates: list[_Candidate]) -> list[Person]:
    """Group candidates into persons: full names by (initial, surname key), then surnames alone."""
    ordered = _outermost(sorted(candidates, key=lambda c: (c.start, -c.end)))
    groups: list[list[_Candidate]] = []
    by_full: dict[tuple[str, str], list[_Candidate]] = {}
    for cand in ordered:
        if _surname_only(cand):
            continue
        key = (translit_key(cand.tokens[0])[:1], translit_key(cand.tokens[-1]))
        if key not in by_full:
            by_full[key] = []
            groups.append(by_full[key])
        by_full[key].append(cand)
    for cand in ordered:
        if not _surname_only(cand):
            continue
        group = _group_for_surname(cand, groups)
        if group is None:
            group = []
            groups.append(group)
        group.append(cand)
    people = [_person(group) for group in groups if group]
    return sorted(people, key=lambda p: p.first_char_start)


_CAPITALISED_PARTICLES = frozenset("de da di du van von der den le la dos das del della ter".split())


def _surname_only(cand: _Candidate) -> bool:
    """'Croo' or 'De Croo': a surname (with its particles) without a first name."""
    return all(t.lower() in _CAPITALISED_PARTICLES for t in cand.tokens[:-1])


def _outermost(candidates: list[_Candidate]) -> list[_Candidate]:
    """Drop a candidate lying inside another ("Bardella" inside "Jordan Bardella")."""
    kept: list[_Candidate] = []
    for cand in candidates:
        if kept and kept[-1].start <= cand.start and cand.end <= kept[-1].end:
            continue
        kept.append(cand)
    return kept


def _group_for_surname(cand: _Candidate, groups: list[list[_Candidate]]) -> list[_Candidate] | None:
    """A surname alone belongs to the nearest person introduced before it with that surname."""
    key = translit_key(cand.tokens[-1])
    matching = [g for g in groups if translit_key(g[0].tokens[-1]) == key]
    if not matching:
        return None
    before = [g for g in matching if min(c.start for c in g) < cand.start]
    pool = before or matching
    return max(pool, key=lambda g: max((c.start for c in g if c.start < cand.start), default=-1))


def _person(group: list[_Candidate]) -> Person:
    variants = sorted({" ".join(c.tokens) for c in group})
    full = [c for c in group if not _surname_only(c)]
    known = _known(full, group)
    if known:
        canonical = known.canonical_name
    elif full:
        canonical = max((" ".join(c.tokens) for c in full), key=lambda v: (len(v.split()), _diacritics(v), len(v)))
    else:
        canonical = " ".join(group[0].tokens)
    role = next((c.role for c in group if c.role), None) or (known.role if known else None)
    country = next((c.country for c in group if c.country), None) or (known.country_iso2 if known else None)
    spans = sorted((c.start, c.end) for c in group)
    possessive = frozenset(c.end for c in group if c.possessive)
    return Person(canonical, variants, role, country, len(group), spans[0][0], spans, possessive)


def _known(full: list[_Candidate], group: list[_Candidate]) -> KnownPerson | None:
    table = known_people()
    for cand in full:
        hit = table.get((translit_key(cand.tokens[0])[:1], translit_key(cand.tokens[-1])))
        if hit:
            return hit
    if not full:
        return _surname_index().get(translit_key(group[0].tokens[-1]))
    return None


def _diacritics(s: str) -> int:
    return sum(1 for c in s if ord(c) > 127)
