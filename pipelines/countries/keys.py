"""The deterministic key under which every country name is looked up.

Real labels spell one name many ways: case, diacritics ("Türkiye"), apostrophes ("Côte d’Ivoire"),
"&" for "and", a leading "the", dataset abbreviations ("Rep.", "Dem.", "St.", "Is.", "Fed.") and
comma inversions ("Korea, Rep.", "Congo, Dem. Rep. of the"). The key folds all of these so that one
dictionary probe answers them. Word order is folded by sorting the words: "Korea, Rep." and
"Republic of Korea" both become "korea rep". Sorting is safe for country names because no two
countries share a word multiset; the build script proves that for every alias it writes (a key
that maps to two countries fails the build).

The same function builds the committed `key` column of `aliases.tsv` and keys every query, so the
two can never drift apart without a test noticing (tests/countries/test_data.py re-keys every row).
Brackets and footnote markers are *not* removed here: "Georgia (U.S. state)" must keep its
qualifier for the deny list. The resolver strips qualifiers in a second, checked step.
"""
from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus a combining mark.
_FOLD = str.maketrans({
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
    "ı": "i", "ħ": "h", "Ħ": "h", "ŀ": "l", "ŧ": "t", "ə": "e", "Ə": "e",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ß": "ss",
})
# Apostrophes and modifier letters used as apostrophes vanish, so "d'Ivoire" == "d’Ivoire".
_APOSTROPHES = re.compile("['`´ʹʻʼʽ‘’‛′]")
_COMBINING = re.compile("[\u0300-\u036f\u0483-\u0489]")
_NON_WORD = re.compile(r"[\W_]+")

# Words that carry no identity in a country name.
STOPWORDS = frozenset({"the", "of", "and"})

# Dataset abbreviations and their long forms fold to one token (both sides of the lookup use it).
CANONICAL = {
    "rep": "rep", "repub": "rep", "republic": "rep",
    "dem": "dem", "democratic": "dem",
    "fed": "fed", "federal": "fed", "federated": "fed", "federation": "fed",
    "st": "saint", "saint": "saint",
    "sts": "states", "states": "states",
    "is": "islands", "isl": "islands", "isls": "islands", "isds": "islands",
    "island": "islands", "islands": "islands",
    "people": "peoples", "peoples": "peoples",
    "n": "north", "s": "south", "e": "east", "w": "west",
}
# Abbreviations that stand for several words.
EXPANSIONS = {
    "pdr": ("peoples", "dem", "rep"),
    "dpr": ("dem", "peoples", "rep"),
    "dr": ("dem", "rep"),
    "rb": ("bolivarian", "rep"),
    "fyr": ("former", "yugoslav", "rep"),
}


def fold(text: str) -> str:
    """NFKC, casefold, diacritics and apostrophes removed; punctuation and word order kept."""
    if text.isascii():
        s = text.casefold()
    else:
        s = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
        s = _COMBINING.sub("", unicodedata.normalize("NFD", s))
        s = unicodedata.normalize("NFC", s)
    return _APOSTROPHES.sub("", s.replace("&", " and "))


def words(text: str) -> list[str]:
    """The folded words of `text` in their written order, abbreviations canonicalised.

    Runs of single letters are joined first ("U.S.A." -> "usa", "U. K." -> "uk"), so that the
    compass abbreviations ("S. Korea") only apply to a lone letter.
    """
    raw = _NON_WORD.sub(" ", fold(text)).split()
    joined: list[str] = []
    run: list[str] = []
    for w in raw + [""]:
        if len(w) == 1 and w.isascii() and w.isalpha():
            run.append(w)
            continue
        if run:
            joined.append("".join(run) if len(run) > 1 else run[0])
            run = []
        if w:
            joined.append(w)
    out: list[str] = []
    for w in joined:
        if w in STOPWORDS:
            continue
        expansion = EXPANSIONS.get(w)
        if expansion:
            out.extend(expansion)
        else:
            out.append(CANONICAL.get(w, w))
    return out


def key(name: str) -> str:
    """The lookup key of a country name: its canonical words, sorted, joined by one space."""
    return " ".join(sorted(words(name)))
