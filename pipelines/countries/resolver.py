"""Country name -> one current country code, or a reasoned "no".

Order of the steps, and why:
1. the raw string among the aliases as written, then its key (keys.py) in the alias index and the
   deny index: exact answers first, and the common case costs one or two dict probes;
2. null markers ("N/A" is not Namibia's "NA");
3. qualifiers, footnotes and UN designations: "Kosovo (under UNSCR 1244/99)", "Kosovo 1/",
   "Kosovo under UNSC resolution 1244", "Kosovo*: This designation is ...", "France (FRA)",
   "FRA France". The main part must resolve, and a qualifier may not name a part, a place or
   another entity ("Georgia (U.S. state)", "Serbia (excluding Kosovo)"): those stay unresolved;
4. a form of government around a known name: "Commonwealth of Australia", "Oriental Republic of
   Uruguay", "Swaziland, Kingdom of", "Республіка Туреччина" resolve through the name they contain;
5. a definite article before a known name ("die Schweiz", "l'Allemagne", "les États-Unis");
6. marker words ("sea", "university", "force") end the search: a name that merely contains a
   country is not that country ("Kosovo Force", "Gulf of Guinea");
7. a fuzzy fallback for misspellings (fuzzy.py), which also knows the deny keys, so a misspelt
   region ("Nothern Ireland") is denied rather than matched to a country.
An unresolved name is always better than a wrong code, so every step that is unsure says no.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.countries import tables
from pipelines.countries.keys import fold, folded_words, key, words

# Kinds written by build.py from standard sources; translit_* kinds are generated; any other kind
# comes from the reviewed overrides file.
STANDARD_KINDS = frozenset({"name", "official_name", "common_name", "alpha2", "alpha3", "numeric", "cldr"})
# Words that make a name something other than a country: bodies of water, institutions, teams.
NAME_MARKERS = frozenset({
    "sea", "ocean", "gulf", "bay", "strait", "straits", "river", "lake", "channel", "mountains",
    "university", "bank", "force", "forces", "army", "navy", "ministry", "embassy", "airlines",
    "airways", "team", "league", "club", "party", "company", "corporation", "council",
    "province", "county", "city", "town", "region", "oblast", "district", "capital",
    "excluding", "excl", "without", "including", "incl", "except", "plus", "border", "mainland",
})
# In a bracketed qualifier these also say "a part or another entity": "Georgia (U.S. state)",
# "Sudan (former)", "Cyprus (Turkish part)".
QUALIFIER_MARKERS = NAME_MARKERS - {"council"} | {"state", "former", "part", "overseas", "island", "islands"}
# Qualifiers that add nothing ("Georgia (country)").
NEUTRAL_QUALIFIERS = frozenset({"country", "nation", "sovereign", "independent", "official", "name"})
# Words of a form of government, which may stand before "of" around a known name.
GOVERNMENT_FORMS = frozenset({
    "rep", "republic", "kingdom", "state", "fed", "federal", "federation", "union", "commonwealth", "principality", "grand", "duchy",
    "sultanate", "emirate", "islamic", "socialist", "arab", "federative", "plurinational",
    "bolivarian", "independent", "oriental", "cooperative", "co", "operative", "hashemite",
    "constitutional", "monarchy", "sovereign", "free", "argentine", "togolese", "gabonese",
    "lebanese", "italian", "french", "portuguese", "hellenic", "swiss", "confederation",
    "dominion", "peoples", "plurin", "plurinational", "bolivar",
})
NULL_MARKERS = frozenset({"n/a", "n.a.", "n. a.", "#n/a", "na.", "nan", "null", "none", "nil", "-", "--", "?"})
_BRACKETED = re.compile(r"[(\[{]([^)\]}]*)[)\]}]?")
# Footnote markers at the end: "France1", "Poland²" (NFKC makes it "2"), "Kosovo 1/", "Kosovo*".
_FOOTNOTE_TAIL = re.compile(r"(?:(?<=[^\W\d_])\d{1,2}|\s*\d{1,2}/|\s*[*†‡§¶]+)+\s*$")
# A UN designation after the name: "under UNSCR 1244/99", "as defined by UN Security Council ...".
_UN_DESIGNATION = re.compile(
    r"[\s,]+(?:under|as defined (?:by|in)|in accordance with|pursuant to|according to)\s+(?:the\s+)?"
    r"(?:un\b|unsc|unscr|united nations|unmik|security council|resolution)", re.IGNORECASE)
# Everything _qualified looks for, in one pattern: brackets, footnote marks, digits, UN designations.
_QUALIFIER_HINT = re.compile(r"[(\[{*†‡§¶\d]|\b(?:under|as defined|accordance|pursuant|according)\b", re.IGNORECASE)
_GOVERNMENT = re.compile(r"^(?:the\s+)?([\w\s'-]+?)\s+of\s+(?:the\s+)?(.+)$")
_GOVERNMENT_INVERTED = re.compile(r"^(.+?),\s*(?:the\s+)?([\w\s'-]+?)\s+of(?:\s+the)?\s*$")
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

    def via(self, k: str, note: str) -> Resolution:
        """This answer, reached for another key through a rule (`note` says which)."""
        return Resolution(self.iso2, self.iso3, self.method, self.score, f"{self.reason}; {note}", k,
                          self.matched, self.kind, self.parent)


@dataclass(frozen=True, slots=True)
class _Index:
    alias: dict[str, tuple[str, str, str]]  # key -> (iso2, kind, alias)
    surface: dict[str, str]  # alias as written, and casefolded -> key
    deny: dict[str, tuple[str, str, str]]  # key -> (reason, parent, alias)
    iso3: dict[str, str]


KIND_RANK = {"name": 0, "official_name": 1, "common_name": 2, "alpha2": 3, "alpha3": 4, "numeric": 5, "cldr": 6}


def rank(kind: str) -> int:
    """Which row speaks for a key: standard names, then overrides, then romanisations."""
    return KIND_RANK.get(kind, 8 if kind.startswith("translit_") else 7)


@lru_cache(maxsize=1)
def index() -> _Index:
    """The lookup tables, built once from the committed files. aliases.tsv lists the row that
    speaks for a key first (build.py sorts by `rank`), so the first row of a key wins."""
    alias: dict[str, tuple[str, str, str]] = {}
    surface: dict[str, str] = {}
    for a, k, iso2, kind, _lang, _rest in tables.alias_lookup_rows():
        surface[a] = k
        if k not in alias:
            alias[k] = (iso2, kind, a)
    deny = {}
    for d in tables.deny():
        k = key(d["alias"])
        deny.setdefault(k, (d["reason"], d["parent"], d["alias"]))
        surface.setdefault(d["alias"], k)
    for written in list(surface):
        surface.setdefault(written.casefold(), surface[written])
    iso3 = {c["iso2"]: c["iso3"] for c in tables.countries()}
    return _Index(alias, surface, deny, iso3)


def method_of(kind: str) -> str:
    if kind in STANDARD_KINDS:
        return "exact"
    return "alias" if kind.startswith("translit_") else "override"


_hits: dict[str, Resolution] = {}


def clear_hits() -> None:
    _hits.clear()


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
    if not _QUALIFIER_HINT.search(name):
        return None  # one scan instead of three for the names without brackets, digits or UN text
    quals = _BRACKETED.findall(name)
    main = _BRACKETED.sub(" ", name) if quals else name
    designation = _UN_DESIGNATION.search(main)
    if designation:  # "Kosovo under UNSC resolution 1244", "Kosovo as defined by UNSCR 1244"
        main = main[:designation.start()]
    tail = _FOOTNOTE_TAIL.search(main)
    if not (quals or designation or tail):
        return None
    main_key = key(main[:tail.start()] if tail else main)
    if main_key == k or not main_key:
        return None
    hit = lookup(main_key) or _government_form(main, main_key)
    if hit is None:
        return None
    if hit.iso2 is None:
        return hit.via(k, "qualifier dropped")
    for q in quals:
        q_words = words(q)
        if all(w.isdigit() or len(w) == 1 for w in q_words) or set(q_words) <= NEUTRAL_QUALIFIERS | GOVERNMENT_FORMS:
            continue  # a footnote marker "(a)", "[1]", a form of government, or an empty qualifier
        q_hit = lookup(" ".join(sorted(q_words)))
        if q_hit is not None:
            if q_hit.iso2 == hit.iso2:
                continue  # "Palestinian Territories (West Bank and Gaza)", "France (FRA)"
            return unresolved(k, f"qualifier {q!r} names {q_hit.iso2 or q_hit.reason}, not {hit.iso2}")
        marker = next((w for w in q_words if w in QUALIFIER_MARKERS), None)
        if marker:
            return unresolved(k, f"qualifier {q!r} names a part or another entity ({marker!r})")
    return hit.via(k, "qualifier dropped")


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
            return r_hit.via(k, f"code {code.upper()} agrees")
    return None


def government_parts(name: str) -> tuple[str, str] | None:
    """(form, name) of "Commonwealth of Australia" or "Swaziland, Kingdom of", folded; None
    unless every word before "of" is a form of government (GOVERNMENT_FORMS). "democratic" and
    "people's" are not among them where they tell countries apart (KP/KR, CD/CG)."""
    folded = fold(name).strip()
    m = _GOVERNMENT.match(folded)
    if m:
        form, rest = m.groups()
    else:
        m = _GOVERNMENT_INVERTED.match(folded)
        if not m:
            return None
        rest, form = m.groups()
    form_words = words(form)
    if not form_words or not set(form_words) <= GOVERNMENT_FORMS:
        return None
    return form, rest


def _government_form(name: str, k: str) -> Resolution | None:
    """A form of government around a known name (see `government_parts`)."""
    parts = government_parts(name) if " of" in name.casefold() else None
    if parts is None:
        return None
    form, rest = parts
    hit = lookup(key(rest)) or _government_form(rest, k)  # "Republic of the Union of Myanmar"
    return hit.via(k, f"form of government {form!r}") if hit else None


# A form of government written before the name in the nominative, as Ukrainian, Russian and German
# do ("Республіка Туреччина", "Respublika Polshcha", "Königreich Dänemark"); Polish puts the name in
# the genitive ("Królestwo Danii"), so Polish official names come from the tables only.
FOREIGN_FORMS = frozenset({
    "республіка", "республика", "королівство", "королевство", "князівство", "княжество",
    "respublika", "korolivstvo", "korolevstvo", "republik", "konigreich", "furstentum",
    "grossherzogtum", "bundesrepublik",
})


def _foreign_form(name: str, folded: str, k: str) -> Resolution | None:
    """A foreign form of government before a known name (see FOREIGN_FORMS)."""
    if folded.lstrip().partition(" ")[0] not in FOREIGN_FORMS:
        return None
    ws = words(name)
    if len(ws) < 2 or ws[0] not in FOREIGN_FORMS:
        return None
    hit = lookup(" ".join(sorted(ws[1:])))
    return hit.via(k, f"form of government {ws[0]!r}") if hit else None


# Definite articles before a country name in German, French, Spanish, Italian, Portuguese, Dutch
# ("die Schweiz", "l'Allemagne", "les États-Unis", "el Reino Unido"); English "the" is a stopword.
_ARTICLE = re.compile(r"^\s*(?:die|der|das|den|dem|des|la|le|les|l['’]|el|los|las|il|lo|gli|o|os|as|a|de|het)"
                      r"(?:\s+|(?<=['’]))", re.IGNORECASE)


def _article(name: str, k: str) -> Resolution | None:
    """A definite article before a known name."""
    m = _ARTICLE.match(name)
    hit = lookup(key(name[m.end():])) if m else None
    return hit.via(k, f"article {m.group().strip()!r} dropped") if hit else None


def _footnoted(name: str, k: str) -> Resolution | None:
    """"Kosovo*: This designation is without prejudice ...": a name with a footnote asterisk
    followed by the footnote's text; the name before the asterisk decides."""
    star = name.find("*")
    if star < 1 or ":" not in name[star:star + 3]:
        return None
    hit = lookup(key(name[:star]))
    return hit.via(k, "footnote text dropped") if hit else None


def _probe(name: str) -> tuple[bool, str, str]:
    """(found, key, folded): whether `name` stands in the alias or deny index, under which key,
    and its folded text when it had to be computed. The alias as written or casefolded costs
    one dict probe; only other names are folded and keyed."""
    idx = index()
    k = idx.surface.get(name)
    if k is None:
        k = idx.surface.get(name.casefold())
    if k is not None:
        return True, k, ""
    if name.strip().casefold() in NULL_MARKERS:
        return False, "", ""
    folded = fold(name)
    k = " ".join(sorted(folded_words(folded)))
    return k in idx.alias or k in idx.deny, k, folded


def table_hit(name: str) -> bool:
    """Whether `name` is answered from the alias or deny tables, without the fallbacks."""
    return _probe(name)[0]


def code_of(name: str) -> str | None:
    """`resolve_new(name).iso2` without building a Resolution for table hits (the fast path
    of `to_iso2`: most names are in the tables, and an answer object costs more than the lookup)."""
    found, k, folded = _probe(name)
    if not found:
        return _fallbacks(name, k, folded).iso2
    row = index().alias.get(k)
    return row[0] if row is not None else None


def resolve_new(name: str) -> Resolution:
    """Resolve a name without the memo (the memo lives in the package's public functions)."""
    found, k, folded = _probe(name)
    return lookup(k) if found else _fallbacks(name, k, folded)


@lru_cache(maxsize=1)
def _fuzzy():
    """The fuzzy module, imported on first use (it imports this module; an import statement per
    miss would cost more than the lookup it guards)."""
    from pipelines.countries import fuzzy

    return fuzzy


def _fallbacks(name: str, k: str, folded: str) -> Resolution:
    """Steps 2-7 for a name that is not in the tables (see the module docstring)."""
    if not folded:
        return unresolved("", "null marker")
    if not k:
        return unresolved(k, "empty name")
    hit = (_qualified(name, k) or _government_form(name, k) or _foreign_form(name, folded, k) or _with_code(k)
           or _footnoted(name, k) or _article(name, k))
    if hit is not None:
        return hit
    marker = next((w for w in k.split() if w in NAME_MARKERS), None)
    if marker:
        return Resolution(None, None, "deny", 100.0, f"contains the marker word {marker!r}", k)
    fuzzy = _fuzzy()
    hit = fuzzy.match(folded, k)
    if hit is None and " of" in folded and (parts := government_parts(name)) is not None:
        inner = fuzzy.match(parts[1], key(parts[1]))  # "Republic of Rwandaa"
        hit = inner.via(k, f"form of government {parts[0]!r}") if inner and inner.iso2 else None
    return hit or unresolved(k, "no alias, no close spelling")
