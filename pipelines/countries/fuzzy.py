"""Fuzzy fallback for misspelt country names ("Phillipines", "Columbia", "Azerbaidjan").

Only full-string edit distance is used (rapidfuzz OSA: insertions, deletions, substitutions and
adjacent transpositions each cost 1). Partial or token-set scorers are not: they are what map a
person, a bank or a sea named after a country to that country. A match must
- be within the edit budget of the key's length (EDIT_BUDGET; no fuzzy below 5 letters, where one
  edit turns Iran into Iraq),
- start with the same letter (misspellings rarely change the first letter; "Roman" is not Oman),
- beat the best key of any *other* answer by at least MARGIN edits (ties mean "unsure": no code),
- not be the candidate plus a demonym ending ("Israeli", "Russian", "Kenyan" are not names).
Deny keys take part as answers of their own, so "Nothern Ireland" is denied, not matched to IE.
Candidates are bucketed by script and length, so a miss costs well under a millisecond.
"""
from __future__ import annotations

from functools import lru_cache

from pipelines.countries.resolver import Resolution, index, lookup

MIN_LENGTH = 5
MARGIN = 1
DEMONYM_ENDINGS = ("n", "an", "ian", "i", "ese", "ish", "ic", "er", "ns", "ans")


def edit_budget(length: int) -> int:
    """Edits allowed for a key of `length` characters: 1 up to 9, 2 up to 15, then 3."""
    if length < MIN_LENGTH:
        return 0
    return 1 if length <= 9 else 2 if length <= 15 else 3


def script(text: str) -> str:
    """'latin' for ASCII keys (keys fold diacritics away), 'cyrillic', or 'other' (no fuzzy)."""
    if text.isascii():
        return "latin"
    if all(ch == " " or "\u0400" <= ch <= "\u04ff" for ch in text):
        return "cyrillic"
    return "other"


@lru_cache(maxsize=1)
def buckets() -> dict[tuple[str, int], list[str]]:
    """Alias and deny keys by (script, length)."""
    idx = index()
    out: dict[tuple[str, int], list[str]] = {}
    for k in list(idx.alias) + list(idx.deny):
        s = script(k)
        if s != "other" and len(k) >= MIN_LENGTH - 1:
            out.setdefault((s, len(k)), []).append(k)
    return out


def match(k: str) -> Resolution | None:
    """The fuzzy answer for an unmatched key, or None when no candidate is close and clear."""
    budget = edit_budget(len(k))
    s = script(k)
    if not budget or s == "other":
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    table = buckets()
    choices = [c for n in range(len(k) - budget, len(k) + budget + 1)
               for c in table.get((s, n), ()) if c[0] == k[0]]
    found = process.extract(k, choices, scorer=OSA.distance, score_cutoff=budget + MARGIN, limit=None)
    best: dict[object, tuple[int, str]] = {}
    for cand, dist, _ in found:
        hit = lookup(cand)
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
    if k.startswith(cand) and k[len(cand):] in DEMONYM_ENDINGS:
        return Resolution(None, None, "unresolved", 0.0, f"{k!r} looks like a demonym of {cand!r}", k)
    hit = lookup(cand)
    score = round(100.0 * (1 - dist / max(len(k), len(cand))), 1)
    return Resolution(hit.iso2, hit.iso3, "fuzzy" if hit.iso2 else "deny", score,
                      f"{dist} edit(s) from {hit.matched!r}" + ("" if hit.iso2 else f" ({hit.reason})"),
                      k, hit.matched, hit.kind, hit.parent)
