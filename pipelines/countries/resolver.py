"""Country name -> one current country code, or a reasoned "no".

Order of the steps, and why:
1. a memo on the raw string (repeated names cost one dict probe);
2. the key (keys.py) in the alias index, then in the deny index: exact answers first;
3. qualifiers and footnotes: "Kosovo (under UNSCR 1244/99)", "Kosovo 1/", "France (FRA)", "FR France".
   The main part must resolve, and a qualifier may not name a part, a place or another entity
   ("Georgia (U.S. state)", "Serbia (excluding Kosovo)"): those stay unresolved;
4. marker words ("sea", "university", "force") end the search: a name that merely contains a country
   is not that country ("Kosovo Force", "Gulf of Guinea");
5. a fuzzy fallback for misspellings (fuzzy.py), which also knows the deny keys, so a misspelt
   region ("Nothern Ireland") is denied rather than matched to a country.
An unresolved name is always better than a wrong code, so every step that is unsure says no.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.countries import tables
from pipelines.countries.keys import key, words

# Kinds written by build.py from standard sources; translit_* kinds are generated; any other kind
# comes from the reviewed overrides file.
STANDARD_KINDS = frozenset({"name", "official_name", "common_name", "alpha2", "alpha3", "numeric", "cldr"})
# Words that make a name something other than a country: bodies of water, institutions, parts.
MARKERS = frozenset({
    "sea", "ocean", "gulf", "bay", "strait", "straits", "river", "lake", "channel", "mountains",
    "university", "bank", "force", "forces", "army", "navy", "ministry", "embassy", "airlines",
    "airways", "team", "league", "club", "party", "company", "corporation", "council", "union",
    "province", "state", "county", "city", "town", "region", "oblast", "district", "capital",
    "department", "municipality", "former", "excluding", "excl", "without", "including", "incl",
    "except", "plus", "part", "border", "mainland", "overseas",
})
# Qualifiers that add nothing ("Georgia (country)").
NEUTRAL_QUALIFIERS = frozenset({"country", "nation", "sovereign", "independent", "official", "name"})
_BRACKETED = re.compile(r"[(\[{]([^)\]}]*)[)\]}]?")
MEMO_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer for one name.

    iso2/iso3 are set only when the name denotes exactly one current country; `method` says how
    (exact: an ISO or CLDR name or code; alias: a generated romanisation; override: a reviewed alias;
    fuzzy: a misspelling within the edit budget; deny: a known non-country; unresolved: no answer).
    `score` is 100 for table hits and the similarity for fuzzy ones, `reason` explains, `matched` is
    the alias or deny entry that decided, `parent` the country a denied part belongs to (England ->
    GB, a US state -> US), for callers such as the text scanner that map parts by their own rules.
    """

    iso2: str | None
    iso3: str | None
    method: str
    score: float
    reason: str
    key: str = ""
    matched: str = ""
    kind: str = ""
    parent: str | None = None

    @property
    def ok(self) -> bool:
        return self.iso2 is not None


@dataclass(frozen=True, slots=True)
class _Index:
    alias: dict[str, tuple[str, str, str]]  # key -> (iso2, kind, alias)
    deny: dict[str, tuple[str, str, str]]  # key -> (reason, parent, alias)
    iso3: dict[str, str]


@lru_cache(maxsize=1)
def index() -> _Index:
    """The lookup tables, built once from the committed files. Per key the best-ranked row wins:
    standard names before overrides before romanisations (build.py sorts rows that way)."""
    alias: dict[str, tuple[str, str, str]] = {}
    rank = {"name": 0, "official_name": 1, "common_name": 2, "alpha2": 3, "alpha3": 4, "numeric": 5, "cldr": 6}
    best: dict[str, int] = {}
    for a, k, iso2, kind, _lang, _prose, _src in tables.aliases():
        r = rank.get(kind, 8 if kind.startswith("translit_") else 7)
        if r < best.get(k, 99):
            best[k] = r
            alias[k] = (iso2, kind, a)
    deny = {}
    for d in tables.deny():
        deny.setdefault(key(d["alias"]), (d["reason"], d["parent"], d["alias"]))
    iso3 = {c["iso2"]: c["iso3"] for c in tables.countries()}
    return _Index(alias, deny, iso3)


def method_of(kind: str) -> str:
    if kind in STANDARD_KINDS:
        return "exact"
    return "alias" if kind.startswith("translit_") else "override"


_hits: dict[str, Resolution] = {}


def lookup(k: str) -> Resolution | None:
    """The table answer for a key (alias or deny), shared between all names with that key."""
    hit = _hits.get(k)
    if hit is not None:
        return hit
    idx = index()
    row = idx.alias.get(k)
    if row is not None:
        iso2, kind, alias = row
        hit = Resolution(iso2, idx.iso3[iso2], method_of(kind), 100.0, f"{kind} {alias!r}", k, alias, kind)
    else:
        d = idx.deny.get(k)
        if d is None:
            return None
        reason, parent, alias = d
        hit = Resolution(None, None, "deny", 100.0, reason, k, alias, "deny", parent or None)
    _hits[k] = hit
    return hit


def unresolved(k: str, reason: str) -> Resolution:
    return Resolution(None, None, "unresolved", 0.0, reason, k)


def _qualified(name: str, k: str) -> Resolution | None:
    """Resolve "Main (qualifier)" and "Main 1/" forms; None when the name has neither."""
    quals = _BRACKETED.findall(name)
    main = _BRACKETED.sub(" ", name) if quals else name
    main_words = words(main)
    while main_words and (main_words[-1].isdigit() or len(main_words[-1]) == 1):
        main_words.pop()  # footnote markers: "Kosovo 1/", "France a"
    main_key = " ".join(sorted(main_words))
    if main_key == k or not main_key:
        return None
    hit = lookup(main_key)
    if hit is None:
        return None
    if hit.iso2 is None:
        return hit
    for q in quals:
        q_words = words(q)
        if all(w.isdigit() or len(w) == 1 for w in q_words) or set(q_words) <= NEUTRAL_QUALIFIERS:
            continue  # a footnote marker "(a)", "[1]" or an empty qualifier
        marker = next((w for w in q_words if w in MARKERS), None)
        if marker:
            return unresolved(k, f"qualifier {q!r} names a part or another entity ({marker!r})")
        q_hit = lookup(" ".join(sorted(q_words)))
        if q_hit is not None and q_hit.iso2 != hit.iso2:
            return unresolved(k, f"qualifier {q!r} names {q_hit.iso2 or q_hit.reason}, not {hit.iso2}")
    return Resolution(hit.iso2, hit.iso3, hit.method, hit.score,
                      f"{hit.reason}; qualifier dropped", k, hit.matched, hit.kind)


def _with_code(k: str) -> Resolution | None:
    """"FRA France", "France - FR": a code next to a name that agrees with it."""
    ws = k.split()
    if len(ws) < 2:
        return None
    for code in (w for w in set(ws) if 2 <= len(w) <= 3 and w.isalpha()):
        rest = list(ws)
        rest.remove(code)
        c_hit, r_hit = lookup(code), lookup(" ".join(rest))
        if c_hit and r_hit and c_hit.iso2 and c_hit.iso2 == r_hit.iso2 and c_hit.kind in ("alpha2", "alpha3"):
            return Resolution(r_hit.iso2, r_hit.iso3, r_hit.method, r_hit.score,
                              f"{r_hit.reason}; code {code.upper()} agrees", k, r_hit.matched, r_hit.kind)
    return None


def resolve_new(name: str) -> Resolution:
    """Resolve a name without the memo (the memo lives in the package's public functions)."""
    k = key(name)
    if not k:
        return unresolved(k, "empty name")
    hit = lookup(k)
    if hit is not None:
        return hit
    hit = _qualified(name, k) or _with_code(k)
    if hit is not None:
        return hit
    marker = next((w for w in k.split() if w in MARKERS), None)
    if marker:
        return Resolution(None, None, "deny", 100.0, f"contains the marker word {marker!r}", k)
    from pipelines.countries import fuzzy

    return fuzzy.match(k) or unresolved(k, "no alias, no close spelling")
