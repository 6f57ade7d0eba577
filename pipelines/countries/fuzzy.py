"""Fuzzy fallback for misspelt country names ("Phillipines", "Untied Kingdom", "Southafrica").

Only full-string edit distance is used (rapidfuzz OSA: insertions, deletions, substitutions and
adjacent transpositions each cost 1), on skeletons (the folded letters in written order without
spaces or punctuation, keys.compact), so "New-Zealand", "Newzealand" and "New Zeland" are all near
"newzealand".
Partial or token-set scorers are not used: they are what map a person, a bank or a sea named after
a country to that country. A match must
- be within the edit budget of the name's distinctive part (`edit_budget` of its length without
  generic words such as "republic" or "kingdom", so "Republic of Rwanda" is not one short word
  away from "Republic of Uganda"); below 5 letters there is no fuzzy match (Iran/Iraq, Mali/Bali);
- start with the same letter (misspellings rarely change the first letter; "Roman" is not Oman);
- beat the best candidate of any *other* answer by at least MARGIN edits (a tie means "unsure");
- not be the candidate plus a demonym or plural ending ("Israeli", "Kenyan", "the Koreas").
Candidates are the names in the languages of FUZZY_LANGUAGES (a typo of a Latvian name is not
likely, and those names crowd the English ones: Dutch "Soedan" is one edit from "Swedan") and the
deny entries except demonyms, which are answers of their own, so "Nothern Ireland" is denied, not
matched to IE (demonyms stay out: "Argentinia" is a misspelt country, not a tie with "Argentinian").
Candidates are bucketed by script and length; a miss costs tens of microseconds.
"""
from __future__ import annotations

from functools import lru_cache

from pipelines.countries import tables
from pipelines.countries.keys import compact, compact_folded, key
from pipelines.countries.resolver import FOREIGN_FORMS, Resolution, lookup

MIN_LENGTH = 5
MARGIN = 1
DEMONYM_ENDINGS = ("n", "an", "ian", "i", "ese", "ish", "ic", "er", "s", "ns", "ans", "ians")
FUZZY_LANGUAGES = frozenset({"en", "pl", "de", "fr", "es", "it", "nl", "pt", "uk", "ru", "uk-Latn", "ru-Latn"})
GENERIC = frozenset({"rep", "republic", "dem", "democratic", "fed", "kingdom", "united", "states", "islands",
                     "saint", "peoples", "union", "state", "north", "south", "east", "west", "new", "arab",
                     "islamic"}) | FOREIGN_FORMS


def edit_budget(length: int) -> int:
    """Edits allowed for a distinctive part of `length` letters: 1 up to 9, 2 up to 15, then 3."""
    if length < MIN_LENGTH:
        return 0
    return 1 if length <= 9 else 2 if length <= 15 else 3


def script(text: str) -> str:
    """'latin' for ASCII text (keys fold diacritics away), 'cyrillic', or 'other' (no fuzzy)."""
    if text.isascii():
        return "latin"
    if all("\u0400" <= ch <= "\u04ff" for ch in text):
        return "cyrillic"
    return "other"


@lru_cache(maxsize=1)
def candidates() -> dict[tuple[str, str, int], dict[str, str]]:
    """Skeleton -> key of every candidate, bucketed by (script, first letter, length)."""
    out: dict[tuple[str, str, int], dict[str, str]] = {}

    def add(name: str, k: str) -> None:
        # A one-word key is the compact form already (keys leave one-word names as folded).
        sk = k if " " not in k else compact(name)
        s = script(sk)
        if s != "other" and len(sk) >= MIN_LENGTH - 1:
            out.setdefault((s, sk[0], len(sk)), {}).setdefault(sk, k)

    seen = set()
    for a, k, _iso2, _kind, lang, _rest in tables.alias_lookup_rows():
        if lang in FUZZY_LANGUAGES and a not in seen:
            seen.add(a)
            add(a, k)
    for d in tables.deny():
        if d["reason"] != "demonym":
            add(d["alias"], key(d["alias"]))
    return out


@lru_cache(maxsize=1)
def _scorer():
    """rapidfuzz, imported on the first miss only (most runs never need it)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    return process.extract, OSA.distance


@lru_cache(maxsize=4096)
def window(s: str, first: str, length: int, budget: int) -> tuple[list[str], list[str]]:
    """Candidate skeletons and their keys for a skeleton of this script, first letter and length."""
    table = candidates()
    merged: dict[str, str] = {}
    for n in range(length - budget - MARGIN, length + budget + MARGIN + 1):
        merged.update(table.get((s, first, n), {}))
    return list(merged), list(merged.values())


def match(folded: str, k: str) -> Resolution | None:
    """The fuzzy answer for a name (folded, keys.fold) whose key `k` matched nothing, or None."""
    sk = compact_folded(folded)
    budget = edit_budget(len("".join(w for w in k.split() if w not in GENERIC)))
    s = script(sk)
    if not budget or s == "other" or not sk:
        return None
    skeletons, keys = window(s, sk[0], len(sk), budget)
    extract, distance = _scorer()
    found = extract(sk, skeletons, scorer=distance, score_cutoff=budget + MARGIN, limit=None)
    best: dict[object, tuple[int, str]] = {}
    choices = {}
    for cand, dist, i in found:
        choices[cand] = keys[i]
        hit = lookup(keys[i])
        answer = hit.iso2 or ("deny", hit.reason)
        if answer not in best or dist < best[answer][0]:
            best[answer] = (int(dist), cand)
    ranked = sorted(best.items(), key=lambda item: item[1][0])
    if not ranked or ranked[0][1][0] > budget:
        return None
    answer, (dist, cand) = ranked[0]
    if len(ranked) > 1 and ranked[1][1][0] < dist + MARGIN:
        return Resolution(None, None, "unresolved", 0.0,
                          f"fuzzy tie: {cand!r} and {ranked[1][1][1]!r} are both {dist} edit(s) away", k)
    if sk.startswith(cand) and sk[len(cand):] in DEMONYM_ENDINGS:
        return Resolution(None, None, "unresolved", 0.0, f"{sk!r} looks like a demonym or plural of {cand!r}", k)
    hit = lookup(choices[cand])
    score = round(100.0 * (1 - dist / max(len(sk), len(cand))), 1)
    return Resolution(hit.iso2, hit.iso3, "fuzzy" if hit.iso2 else "deny", score,
                      f"{dist} edit(s) from {hit.matched!r}" + ("" if hit.iso2 else f" ({hit.reason})"),
                      k, hit.matched, hit.kind, hit.parent)
