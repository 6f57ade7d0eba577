"""Country-like strings in running text that the normaliser could not resolve.

A string is country-like when it is built the way state names are ("Republic of X",
"Kingdom of X", "X Republic", "Federation of X", "Islands") or when the fuzzy matcher finds a
country name close to a capitalised word. They are reported for review, never guessed.
"""
from __future__ import annotations

import re

from pipelines.countries import resolve
from pipelines.lib.mentions import Mention

_CAP = r"[A-Z\u00c0-\u00de\u0100-\u017f][\w'\u2019-]+"
_STATE_LIKE = re.compile(
    r"\b(?:(?:Democratic |People's |Federal |Islamic |Socialist |United )?(?:Republic|Kingdom|Federation|Principality|"
    r"Grand Duchy|Sultanate|Emirate|Commonwealth|State|Confederation) of (?:the )?" + _CAP + r"(?: " + _CAP + r")?"
    r"|" + _CAP + r" (?:Republic|Federation|Islands))\b")


def find_unresolved(text: str, mentions: list[Mention], excluded: list[tuple[int, int]]) -> list[dict]:
    """Rows (surface, n_mentions, first_char_start, reason, best_candidate) for the document."""
    covered = [(m.char_start, m.char_end) for m in mentions] + list(excluded)
    found: dict[str, dict] = {}
    for m in _STATE_LIKE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in covered):
            continue
        surface = m.group()
        answer = resolve(surface)
        if answer.iso2 is not None:
            continue
        row = found.setdefault(surface, dict(surface=surface, n_mentions=0, first_char_start=m.start(),
                                             reason=f"{answer.method}: {answer.reason}" if answer.reason else answer.method,
                                             best_candidate=getattr(answer, "parent", None)))
        row["n_mentions"] += 1
    return list(found.values())
