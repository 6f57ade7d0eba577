"""Country mentions in running text: names, aliases, demonyms and capitals used as actors.

One Aho-Corasick automaton (leftmost-longest, case-sensitive) holds every surface form: country
names and aliases from the normaliser's alias table, demonyms and combining forms ("Danish",
"Franco-"), capitals and seats of government, and blocker phrases that contain a country name but
are something else ("South America", "Atlanta, Georgia"). Longest-first matching lets a blocker
or a longer name win over the country inside it; context rules then drop what the guidelines do
not count: a capital that is only a place, a language name, a word inside a person's name.
"""
from __future__ import annotations

import csv
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import ahocorasick_rs

MENTION_METHODS = ("name", "demonym", "capital", "seat")
DATA_DIR = Path(__file__).with_name("data")
EU_SURFACES = ("European Union", "EU", "E.U.", "European Council", "European Commission")


@dataclass(frozen=True)
class Mention:
    char_start: int
    char_end: int
    surface: str
    iso2: str  # a country code, or "EU" (kept for commitments, never published as a country)
    method: str


@dataclass(frozen=True)
class _Entry:
    surface: str
    code: str | None  # None: a blocker phrase
    method: str


class Gazetteer:
    """Compiled surface forms; build once per process (`default_gazetteer()`)."""

    def __init__(self, entries: list[_Entry]):
        by_surface: dict[str, _Entry] = {}
        for entry in entries:
            by_surface.setdefault(entry.surface, entry)  # first source wins: names before demonyms
        self.entries = list(by_surface.values())
        self._automaton = ahocorasick_rs.AhoCorasick(
            [e.surface for e in self.entries], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def raw_matches(self, text: str) -> list[tuple[_Entry, int, int]]:
        return [(self.entries[i], s, e) for i, s, e in self._automaton.find_matches_as_indexes(text)]


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """All surface forms, in precedence order (the first entry for a surface wins).

    EU names; reviewed blockers; the normaliser's prose-safe country aliases; capitals and seats
    (kept only as actors); demonyms (the normaliser's, plus plurals and combining forms from
    data/demonyms.csv); then the normaliser's other denied forms: UK constituent countries map to
    GB as the guidelines ask, every other denied form (a US state, a region, a group) blocks the
    country name inside it.
    """
    from pipelines.countries import text_aliases

    entries = [_Entry(s, "EU", "name") for s in EU_SURFACES]
    entries += [_Entry(b["phrase"], None, "blocker") for b in _read_csv("blockers.csv")]
    entries += [_Entry(text, code, "name") for text, code in _scannable_aliases()]
    entries += [_Entry(c["name"], c["iso2"], c["kind"]) for c in _read_csv("capitals.csv")]
    denied = [a for a in text_aliases(include_denied=True) if a.iso2 is None]
    entries += [_Entry(a.text, a.parent, "demonym") for a in denied if a.reason == "demonym" and a.parent]
    entries += [_Entry(d["demonym"], d["iso2"], "demonym") for d in _read_csv("demonyms.csv")]
    for alias in denied:
        # Capitals are handled above; combined entities ("Serbia and Croatia") name two countries in prose.
        if alias.reason in ("capital_city", "ambiguous") or re.search(r" and |&|\u2013|-", alias.text):
            continue
        code = alias.parent if alias.reason == "uk_constituent_country" else None
        surface = alias.text[4:] if alias.text.startswith("the ") else alias.text
        entries.append(_Entry(surface, code, "name" if code else "blocker"))
    return Gazetteer(entries)


# Languages whose names of countries appear in this corpus's English text (translated and quoted
# Polish, Ukrainian, Russian, German and French sources); other languages' names collide with
# English words and given names ("Dania", "Hana") far more often than they occur.
_SCANNED_LANGS = {None, "en", "pl", "de", "fr", "uk", "ru", "uk-Latn", "ru-Latn"}
# Reviewed overrides (endonyms, designations, historical names ...) are scanned in any language.
_REVIEWED_KINDS = {"short", "abbreviation", "dataset_style", "historical", "variant", "designation", "endonym", "exonym"}


def _scannable_aliases() -> list[tuple[str, str]]:
    """(surface, code) of prose-safe aliases in a scanned language or from a reviewed override,
    minus the reviewed exclusions; sorted, so the automaton is the same on every machine."""
    from pipelines.countries import alias_rows

    excluded = {row["alias"] for row in _read_csv("scanner_exclusions.csv")}
    return sorted({(r["alias"], r["iso2"]) for r in alias_rows()
                   if r["prose"] and r["alias"] not in excluded
                   and (r["lang"] in _SCANNED_LANGS or r["kind"] in _REVIEWED_KINDS)})


# Combining forms ("Franco-") count only before a hyphen; they are listed in demonyms.csv.
_COMBINING = re.compile(r"^[A-Z][a-z]+o$")
_ACTOR_AFTER = re.compile(
    r"^(?:\s*(?:'s|\u2019s)\b|\s+(?:has|have|had|will|would|is|was|are|were|did|does|could|can|must|should|may|might|also|"
    r"said|says|say|told|pledged|signed|agreed|agrees|announced|announces|opened|opens|committed|commits|promised|"
    r"promises|offered|offers|sent|sends|plans|planned|wants|wanted|insisted|responded|rejected|rejects|welcomed|"
    r"welcomes|backed|backs|supported|supports|refused|refuses|joined|joins|warned|warns|accused|denied|denies|"
    r"confirmed|confirms|sign|signs|agree|intends|intended|proposed|proposes|hopes|hoped|expects|expected|"
    r"approved|approves|decided|decides|declared|declares|reacted|stressed|stated|claimed|claims|"
    r"launched|launches|pledges|vowed|vows|remains|remained|still|already|now|put|puts|made|makes|gave|gives|"
    r"took|takes|became|becomes|met|meets|sought|seeks|won|lost|left|kept|keeps|add|adds|join|opens|open|"
    r"backs|back|supports|support|pledge|commit|welcome|want|plan|hope|seek|\w+ed)\b)")
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|to|from|near|outside|via|into|towards?|around|across|through|visited|visiting|"
                           r"visit|reached|left|leaving|leave|arrived|arriving|flew|travelled|traveled|returned)\s+)$", re.I)
# "in Berlin and Paris": the second capital shares the first one's preposition.
_COORDINATED_PLACE = re.compile(r"\b(?:in|at|to|from|near|outside|via|into|across)\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?\s+(?:and|or)\s+$")
# "Berlin, which signed its own agreement": the capital is the subject of a relative clause.
_RELATIVE_ACTOR = re.compile(r"^,\s+(?:which|who)\s+(?:has\s+|had\s+|have\s+|also\s+)?(?:\w+ed|signed|said|joined|"
                             r"backed|agreed|put|made|gave|took)\b")
_SEAT_AS_PLACE = re.compile(r"\b(?:in|at|inside|outside|near|into|visited|visiting|(?:went|travelled|traveled|came|"
                            r"flew|walked|arrived) (?:to|at))\s+(?:the\s+)?$", re.I)
# "talks with Vilnius", "an agreement between Kyiv and Warsaw": the capital is the counterpart.
_PARTNER_BEFORE = re.compile(r"\b(?:with|between)\s+(?:(?:[A-Z][\w'-]+|the)\s+and\s+)?$")
_LANGUAGE_BEFORE = re.compile(r"\b(?:in|into|from|speaks?|spoke|speaking|translated|translation)\s+$", re.I)
# "the English-language service", "Russian-speaking residents": a language whatever comes before.
_LANGUAGE_COMPOUND = re.compile(r"^(?:-|\s+)(?:language|speaking|speakers?)\b", re.I)
_LANGUAGE_AFTER = re.compile(r"^(?:\s*[.,;:!?)\"\u201d]|\s+(?:and|or)\s+[A-Z]|\s*$|\s+(?:language|translation|version|text|original)\b)")


def find_country_mentions(text: str, gazetteer: Gazetteer | None = None,
                          excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Every country (and EU) reference in `text`, in order; spans inside `excluded` are skipped.

    `excluded` holds the spans of persons' names, so that "Luís Montenegro" or "Jordan Bardella"
    do not count as countries.
    """
    gazetteer = gazetteer or default_gazetteer()
    inside_excluded = _Enclosing(excluded)
    out: list[Mention] = []
    for entry, start, end in gazetteer.raw_matches(text):
        if entry.code is None or not _word_bounded(text, start, end, entry):
            continue
        if inside_excluded(start, end):
            continue
        if not _counts_in_context(text, start, end, entry):
            continue
        out.append(Mention(start, end, text[start:end], entry.code, entry.method))
    return out


class _Enclosing:
    """Does one of the spans enclose [start, end)? A binary search for the spans that start at or
    before `start`, and the furthest end among them: testing every span for every match is
    quadratic in the length of a document."""

    def __init__(self, spans: list[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(accumulate((b for _, b in ordered), max))

    def __call__(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        return i > 0 and self.reach[i - 1] >= end


def _word_bounded(text: str, start: int, end: int, entry: _Entry) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or before == "_":
        return False
    if entry.method == "demonym" and _COMBINING.match(entry.surface):
        return after == "-"
    if after.isalnum() or after == "_":
        return False
    return True


# "Bank of Cyprus", "Air Serbia", "National Bank of Poland": a company or institution's name.
_COMPANY_BEFORE = re.compile(r"\b(?:Bank|Banca|Banka) of\s+$|\bAir\s+$")


def _counts_in_context(text: str, start: int, end: int, entry: _Entry) -> bool:
    if entry.method == "name" and _COMPANY_BEFORE.search(text, max(0, start - 20), start):
        return False
    if entry.method == "seat":  # "the Kremlin said", "a signal to the Kremlin": the government, unless a place
        return not _SEAT_AS_PLACE.search(text, max(0, start - 25), start)
    if entry.method == "capital":
        return _is_actor(text, start, end)
    if entry.method == "demonym" and _is_language(text, start, end):
        return False
    return True


def _is_actor(text: str, start: int, end: int) -> bool:
    """A capital or seat counts only as an actor: 'Warsaw has signed up', 'the Kremlin said'.

    A capital after a place preposition ('talks in Washington') is a place. 'Warsaw and Kyiv
    agree' counts both capitals: the coordinated one inherits the verb of the pair.
    """
    if _PLACE_BEFORE.search(text, max(0, start - 20), start) or _COORDINATED_PLACE.search(text, max(0, start - 50), start):
        return False
    if _PARTNER_BEFORE.search(text, max(0, start - 30), start):
        return True
    rest = text[end:end + 60]
    if _ACTOR_AFTER.match(rest) or _RELATIVE_ACTOR.match(rest):
        return True
    pair = re.match(r"^\s+and\s+(?:the\s+)?[A-Z][\w\u2019'-]+(?:\s+[A-Z][\w'-]+)?", rest)
    return bool(pair and _ACTOR_AFTER.match(rest[pair.end():]))


def _is_language(text: str, start: int, end: int) -> bool:
    """'published in French.' names a language; 'in French military aid' is the country's aid."""
    if _LANGUAGE_COMPOUND.match(text[end:end + 12]):
        return True
    return bool(_LANGUAGE_BEFORE.search(text[max(0, start - 20):start])
                and _LANGUAGE_AFTER.match(text[end:end + 30]))
