"""Country-like strings in running text that did not become a country mention, for review.

Two kinds are reported, never guessed into a code:

* strings built the way state names are ("Republic of X", "Kingdom of X", "X Republic",
  "Federation of X", "X Islands") that the normaliser cannot resolve;
* capitalised words that the normaliser's fuzzy matcher takes for a misspelled country
  ("Germnay"). In prose these are as often given names ("Romana", "Indira"), so they are listed
  with the candidate code rather than counted as mentions: an unresolved name is better than a
  wrong code.
"""
from __future__ import annotations

import re

from pipelines.countries import resolve
from pipelines.lib.mentions import Mention

_CAP = r"[A-Z\u00c0-\u00de\u0100-\u017f][\w'\u2019-]+"
_STATE_NOUNS = r"Republic|Kingdom|Federation|Principality|Grand Duchy|Sultanate|Emirate|Commonwealth|State|Confederation"
_STATE_LIKE = re.compile(
    r"\b(?:(?:Democratic |People's |Federal |Islamic |Socialist |United )?(?:" + _STATE_NOUNS + r") of (?:the )?"
    + _CAP + r"(?: " + _CAP + r")?|" + _CAP + r" (?:Republic|Federation|Islands))\b")
# A word that every match of _STATE_LIKE contains.
_STATE_WORD = re.compile(_STATE_NOUNS + "|Islands")
# The capital comes first and the test of the character before it second ("X." looks behind
# the capital): a pattern that starts with a character class lets the engine skip to the
# capitals, while one that starts with a lookbehind is tried at every position.
_LONE_CAPITALISED = re.compile(r"[A-Z\u00c0-\u00de\u0100-\u017f](?<![\w'\u2019-].)[^\W\d_]{5,}(?![\w-])(?! [A-Z])")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'\u2019-]*\s$")


def find_unresolved(text: str, mentions: list[Mention], excluded: list[tuple[int, int]]) -> list[dict]:
    """Rows (surface, n_mentions, first_char_start, reason, best_candidate) for one document."""
    covered = bytearray(len(text) + 1)  # 1 where a mention or a person's name already stands
    for a, b in [(m.char_start, m.char_end) for m in mentions] + list(excluded):
        covered[a:b] = b"\x01" * (b - a)
    found: dict[str, dict] = {}
    for m in _state_like(text):
        if _overlaps(m, covered):
            continue
        answer = resolve(m.group())
        if answer.iso2 is None:
            _count(found, m, f"{answer.method}: {answer.reason}", None)
    for m in _LONE_CAPITALISED.finditer(text):
        if _overlaps(m, covered) or _CAPITALISED_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue  # part of a longer name ("Marta Kowalska")
        answer = resolve(m.group())
        if answer.method == "fuzzy" and answer.iso2 is not None:
            _count(found, m, f"possible misspelling: {answer.reason}", answer.iso2)
    return sorted(found.values(), key=lambda row: row["first_char_start"])


def _state_like(text: str):
    """`_STATE_LIKE.finditer(text)`, scanning only the lines that hold a state word.

    A match never spans a line (it is words and spaces), so the scan of each such line finds what
    the scan of the whole text finds there, and a line without a state word holds no match. The
    whole-text scan is costly: it tries the pattern at every word.
    """
    scanned_to = 0
    for word in _STATE_WORD.finditer(text):
        if word.start() < scanned_to:
            continue
        start = text.rfind("\n", 0, word.start()) + 1
        end = text.find("\n", word.end())
        scanned_to = len(text) if end < 0 else end
        yield from _STATE_LIKE.finditer(text, start, scanned_to)


def _overlaps(m: re.Match, covered: bytearray) -> bool:
    return 1 in covered[m.start():m.end()]


def _count(found: dict[str, dict], m: re.Match, reason: str, candidate: str | None) -> None:
    row = found.setdefault(m.group(), dict(surface=m.group(), n_mentions=0, first_char_start=m.start(),
                                           reason=reason, best_candidate=candidate))
    row["n_mentions"] += 1
