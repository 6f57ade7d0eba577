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

# Long forms fold to one token on both sides of the lookup ("Republic" and "Rep." -> "rep").
CANONICAL = {
    "republic": "rep", "repub": "rep", "democratic": "dem", "federal": "fed", "federated": "fed",
    "federation": "fed", "saint": "saint", "states": "states", "island": "islands",
    "people": "peoples", "northern": "north", "western": "west", "eastern": "east",
}
# "southern" stays: "Southern Africa" is a region, "South Africa" a country.
# Dataset abbreviations. They apply only inside a name of two or more words, because alone they
# are codes: "IS" is Iceland, not "Islands"; "FR" is France, not "French"; "PR" is Puerto Rico.
ABBREVIATIONS = {
    "rep": ("rep",), "dem": ("dem",), "fed": ("fed",),
    "st": ("saint",), "sts": ("states",), "is": ("islands",), "isl": ("islands",),
    "isls": ("islands",), "isds": ("islands",), "fr": ("french",), "br": ("british",),
    "eq": ("equatorial",), "cent": ("central",), "afr": ("african",), "utd": ("united",),
    "ter": ("territory",), "terr": ("territory",), "n": ("north",), "s": ("south",),
    "e": ("east",), "w": ("west",), "neth": ("netherlands",), "herz": ("herzegovina",),
    "pld": ("poludniowa",), "pln": ("polnocna",),  # Polish "Korea Płd.", "Korea Płn."
    "pdr": ("peoples", "dem", "rep"), "dpr": ("dem", "peoples", "rep"), "pr": ("peoples", "rep"),
    "dr": ("dem", "rep"), "rb": ("bolivarian", "rep"), "fyr": ("former", "yugoslav", "rep"),
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


_SINGLE_LETTERS = re.compile(r"\b[a-z](?: [a-z])+\b")


def words(text: str) -> list[str]:
    """The folded words of `text` in their written order, abbreviations canonicalised."""
    return folded_words(fold(text))


def folded_words(folded: str) -> list[str]:
    """`words` of an already folded text.

    Runs of single letters are joined first ("U.S.A." -> "usa", "U. K." -> "uk"), so that the
    compass abbreviations ("S. Korea") only apply to a lone letter. A one-word name is returned
    as folded: its canonical forms and abbreviations are only applied inside longer names.
    """
    spaced = _NON_WORD.sub(" ", folded).strip()
    if " " in spaced:
        spaced = _SINGLE_LETTERS.sub(lambda m: m.group().replace(" ", ""), spaced)
    joined = [w for w in spaced.split() if w not in STOPWORDS]
    if len(joined) < 2:
        return joined
    out: list[str] = []
    for w in joined:
        out.extend(ABBREVIATIONS.get(w) or (CANONICAL.get(w, w),))
    return out


def compact(name: str) -> str:
    """Folded letters and digits in written order, nothing else ("Côte d'Ivoire" -> "cotedivoire"):
    the form the fuzzy fallback compares, so that a missing space is one edit, not a new word."""
    return compact_folded(fold(name))


def compact_folded(folded: str) -> str:
    """`compact` of an already folded text."""
    return _NON_WORD.sub("", folded)


def key(name: str) -> str:
    """The lookup key of a country name: its canonical words, sorted, joined by one space."""
    return " ".join(sorted(words(name)))
