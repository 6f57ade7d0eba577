"""Rebuild the committed country tables: `python -m pipelines.countries.build`.

Inputs (reviewed, in `data/`): `recognition.csv` (status of every code, and the rows pycountry lacks,
i.e. Kosovo), `overrides.csv` (reviewed aliases, drops of generated aliases, prose-unsafe marks),
`deny.csv`. Generated sources: ISO 3166-1 from pycountry and the iso-codes translations it ships,
CLDR territory names from Babel in every EU language, uk, ru, the PARTNER_LANGUAGES and the official
languages of each territory (its endonyms), and romanisations of the uk/ru names (`translit.py`).
Outputs: `countries.csv` and `aliases.tsv`, sorted, one row per (alias, iso2, lang) with the source
of each row. `--check` rebuilds in memory and fails if the committed files differ.

The build fails, listing the cases, when one key maps to two codes, when a key is both an alias and
a deny entry, or when an override names an unknown code, kind or action: those need a human
decision in `overrides.csv` or `deny.csv`, never a silent choice. Names in minor languages that are
one edit from another country's name are left out and listed (`confusables`). pycountry and Babel
are imported here only (the `build` extra); the runtime reads the committed files.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict

from pipelines.countries.keys import key
from pipelines.countries.resolver import rank
from pipelines.countries import tables
from pipelines.countries.tables import ALIAS_COLUMNS
from pipelines.countries.translit import SYSTEMS, romanisations

DATA = tables.DATA
# The 24 official languages of the EU, then Ukrainian and Russian.
LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it",
             "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "uk", "ru")
# CLDR names also in the languages of Ukraine's other neighbours and partners in the security
# agreements (Belarus, Türkiye, Norway, Iceland, the Western Balkans, the South Caucasus, Japan,
# Korea, China, Israel, the Arab states): news and datasets quote names in these languages too.
PARTNER_LANGUAGES = ("be", "tr", "nb", "is", "sr", "sr_Latn", "sq", "mk", "bs", "ka", "hy", "az",
                     "ja", "ko", "zh", "zh_Hant", "ar", "he")
# Codes that are safe to match case-sensitively in running prose; other codes ("CAN", "AND", "IT") are not.
PROSE_CODES = frozenset({"US", "USA"})
COUNTRY_COLUMNS = ("iso2", "iso3", "numeric", "name", "official_name", "recognition", "source")


class BuildError(Exception):
    """The inputs need a human decision (collisions, unknown codes); the message lists each case."""


def read_csv(name: str) -> list[dict[str, str]]:
    """An input file of `data/` as read (tests replace this to inject bad inputs)."""
    return tables.read_csv(name)


def country_table(recognition: list[dict[str, str]]) -> list[dict[str, str]]:
    """ISO 3166-1 from pycountry plus the user-assigned codes of `recognition.csv`, with status."""
    import pycountry

    version = _version("pycountry")
    status = {r["iso2"]: r for r in recognition}
    rows = []
    for c in pycountry.countries:
        if c.alpha_2 not in status:
            raise BuildError(f"recognition.csv has no row for {c.alpha_2} ({c.name})")
        r = status[c.alpha_2]
        rows.append({
            "iso2": c.alpha_2, "iso3": c.alpha_3, "numeric": c.numeric, "name": c.name,
            "official_name": getattr(c, "official_name", "") or c.name,
            "recognition": r["recognition"],
            "source": f"ISO 3166-1 via pycountry {version}; status: {r['source']}",
        })
    iso = {row["iso2"] for row in rows}
    for code, r in status.items():
        if code in iso:
            continue
        if not (r["iso3"] and r["name"]):
            raise BuildError(f"recognition.csv row {code} is not in ISO 3166-1 and lacks iso3/name")
        rows.append({"iso2": code, "iso3": r["iso3"], "numeric": "", "name": r["name"],
                     "official_name": r["official_name"] or r["name"],
                     "recognition": r["recognition"], "source": r["source"]})
    return sorted(rows, key=lambda row: row["iso2"])


def _version(dist: str) -> str:
    from importlib.metadata import version
    return version(dist)


def iso_aliases(countries: list[dict[str, str]]) -> list[dict[str, str]]:
    """Codes and names of every country (ISO 3166-1 and the user-assigned rows), from the country table."""
    import pycountry

    common = {c.alpha_2: c.common_name for c in pycountry.countries if hasattr(c, "common_name")}
    rows = []
    for c in countries:
        src = c["source"].split(";")[0]
        forms = [("name", c["name"]), ("official_name", c["official_name"]),
                 ("alpha2", c["iso2"]), ("alpha3", c["iso3"]), ("numeric", c["numeric"])]
        if c["iso2"] in common:
            forms.append(("common_name", common[c["iso2"]]))
        for kind, alias in forms:
            if alias:
                code = kind in ("alpha2", "alpha3", "numeric")
                rows.append(_row(alias, c["iso2"], kind, "en" if not code else "",
                                 prose=(not code) or alias in PROSE_CODES, source=src))
    return rows


def iso_translations() -> list[dict[str, str]]:
    """The ISO names, official names and common names translated by Debian iso-codes (shipped with
    pycountry as gettext catalogues) into LANGUAGES: official names in Polish, Ukrainian, Russian,
    German, French... that CLDR does not have ("Republika Federalna Niemiec")."""
    import gettext

    import pycountry

    src = f"iso-codes via pycountry {_version('pycountry')}"
    rows = []
    for lang in LANGUAGES:
        if lang == "en":
            continue
        try:
            catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue  # no catalogue for this language
        for c in pycountry.countries:
            for kind in ("name", "official_name", "common_name"):
                english = getattr(c, kind, None)
                translated = catalogue.gettext(english) if english else None
                if translated and translated != english:
                    rows.append(_row(translated, c.alpha_2, kind, lang, True, f"{src}, {lang}"))
    return rows


def cldr_aliases(codes: set[str]) -> list[dict[str, str]]:
    """CLDR territory names in LANGUAGES and PARTNER_LANGUAGES, and each territory's name in its
    own official languages (its endonyms)."""
    from babel import Locale
    from babel.core import get_cldr_version
    from babel.languages import get_official_languages

    source = f"CLDR {get_cldr_version()} via Babel {_version('babel')}"
    rows = []
    for lang in LANGUAGES + PARTNER_LANGUAGES:
        names = Locale.parse(lang).territories
        for code in sorted(codes & names.keys()):
            rows.append(_row(names[code], code, "cldr", lang, True, f"{source}, {lang}"))
    for code in sorted(codes):
        for lang in get_official_languages(code, de_facto=True):
            if lang in LANGUAGES or lang in PARTNER_LANGUAGES:
                continue
            try:
                name = Locale.parse(lang).territories.get(code)
            except Exception:  # babel has no data for a few official languages; they add nothing
                continue
            if name:
                rows.append(_row(name, code, "cldr", lang, True, f"{source}, {lang} (endonym)"))
    return rows


def translit_aliases(named_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Romanisations of the uk and ru names by every system in `translit.SYSTEMS`."""
    rows = []
    for r in named_rows:
        if r["lang"] not in ("uk", "ru"):
            continue
        for system, rom in romanisations(r["alias"], r["lang"]).items():
            rows.append(_row(rom, r["iso2"], f"translit_{system}", f"{r['lang']}-Latn", True,
                             f"{system} romanisation of {r['lang']} {r['alias']!r}"))
    return rows


def override_aliases(overrides: list[dict[str, str]], rows: list[dict[str, str]],
                     codes: set[str]) -> list[dict[str, str]]:
    """Apply `overrides.csv`: `add` rows become aliases (overrides also apply to their own
    romanisation when lang is uk/ru), `drop` rows remove a generated alias, `unsafe` marks an
    alias as unsafe in running prose."""
    from schemas.country_aliases import KINDS

    unknown = [o for o in overrides if o["iso2"] not in codes or o["kind"] not in KINDS
               or o["action"] not in ("add", "drop", "unsafe")]
    if unknown:
        raise BuildError("overrides.csv names unknown codes, kinds or actions: " +
                         ", ".join(f"{o['alias']!r}->{o['iso2']}" for o in unknown))
    drops = {(o["alias"], o["iso2"]) for o in overrides if o["action"] == "drop"}
    unsafe = {(o["alias"], o["iso2"]) for o in overrides if o["action"] == "unsafe"}
    used = set()
    out = []
    for r in rows:
        pair = (r["alias"], r["iso2"])
        if pair in drops:
            used.add(pair)
            continue
        if pair in unsafe:
            used.add(pair)
            r = {**r, "prose": "false"}
        out.append(r)
    stale = (drops | unsafe) - used
    if stale:
        raise BuildError("overrides.csv drops or marks aliases that no source generates: " +
                         ", ".join(f"{a!r}->{c}" for a, c in sorted(stale)))
    added = []
    for o in overrides:
        if o["action"] != "add":
            continue
        prose = o["prose"] != "false"
        added.append(_row(o["alias"], o["iso2"], o["kind"], o["lang"], prose, o["source"]))
        if o["lang"] in ("uk", "ru") and o["kind"] != "abbreviation":  # "ЦАР" is not "Tsar"
            for system, rom in romanisations(o["alias"], o["lang"]).items():
                added.append(_row(rom, o["iso2"], f"translit_{system}", f"{o['lang']}-Latn", prose,
                                  f"{system} romanisation of override {o['alias']!r}"))
    return out + added


def _row(alias: str, iso2: str, kind: str, lang: str, prose: bool, source: str) -> dict[str, str]:
    return {"alias": alias.strip(), "key": key(alias), "iso2": iso2, "kind": kind, "lang": lang.replace("_", "-"),
            "prose": "true" if prose else "false", "source": source}


def dedupe(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per (alias, iso2, lang), the best-ranked kind (resolver.rank) and its source kept
    (a CLDR name that iso-codes also gives is one row); rows with an empty key dropped; sorted by
    code and key. A form that any source calls unsafe in prose stays unsafe."""
    kept: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in sorted(rows, key=lambda r: rank(r["kind"])):
        ident = (r["alias"], r["iso2"], r["lang"])
        if not r["key"]:
            continue
        if ident not in kept:
            kept[ident] = dict(r)
        elif r["prose"] == "false":
            kept[ident]["prose"] = "false"
    out = list(kept.values())
    # Within a key the row that speaks for it at run time comes first (resolver.rank).
    return sorted(out, key=lambda r: (r["iso2"], r["key"], rank(r["kind"]), r["kind"], r["lang"], r["alias"]))


def confusables(aliases: list[dict[str, str]]) -> list[dict[str, str]]:
    """Names in languages outside fuzzy.FUZZY_LANGUAGES that are one edit from a name of another
    country in those languages: Latvian "Nigēra" (Niger) is what an English typist writes for
    Nigeria. An exact hit skips the fuzzy safeguards, so such names would turn typos into wrong
    codes; the build leaves them out and lists them. A name that a major language also uses for the
    same country ("Iran") stays: leaving it out would change nothing."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from pipelines.countries.fuzzy import FUZZY_LANGUAGES
    from pipelines.countries.keys import compact

    major: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    major_keys = set()
    for r in aliases:
        if r["lang"] in FUZZY_LANGUAGES:
            c = compact(r["alias"])
            major[len(c)][c].add(r["iso2"])
            major_keys.add(r["key"])
    out = []
    for r in aliases:
        if r["lang"] in FUZZY_LANGUAGES or not r["lang"] or r["key"] in major_keys:
            continue
        c = compact(r["alias"])
        if len(c) < 4:
            continue
        near = {c2: codes for n in (len(c) - 1, len(c), len(c) + 1) for c2, codes in major[n].items()}
        for c2, _, _ in process.extract(c, list(near), scorer=OSA.distance, score_cutoff=1, limit=None):
            if near[c2] - {r["iso2"]}:
                out.append({**r, "confused_with": f"{c2} ({', '.join(sorted(near[c2]))})"})
                break
    return out


def collisions(aliases: list[dict[str, str]], deny: list[dict[str, str]]) -> list[str]:
    """Every key that maps to two codes, or that is both an alias and a deny entry."""
    by_key: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in aliases:
        by_key[r["key"]][r["iso2"]].append(f"{r['alias']!r} ({r['kind']} {r['lang']})")
    problems = []
    for k, codes in sorted(by_key.items()):
        if len(codes) > 1:
            problems.append(f"key {k!r}: " + "; ".join(f"{c} <- {', '.join(v)}" for c, v in sorted(codes.items())))
    for d in deny:
        k = key(d["alias"])
        if k in by_key:
            problems.append(f"deny {d['alias']!r} ({d['reason']}) has the key {k!r} of alias "
                            + "; ".join(f"{c} <- {', '.join(v)}" for c, v in sorted(by_key[k].items())))
    return problems


def build() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The country table and the alias table, or BuildError listing what needs a decision."""
    countries = country_table(read_csv("recognition.csv"))
    codes = {c["iso2"] for c in countries}
    named = cldr_aliases(codes) + iso_translations()
    rows = iso_aliases(countries) + named + translit_aliases(named)
    aliases = dedupe(override_aliases(read_csv("overrides.csv"), rows, codes))
    confused = confusables(aliases)
    dropped = {(r["alias"], r["iso2"], r["kind"], r["lang"]) for r in confused}
    aliases = [r for r in aliases if (r["alias"], r["iso2"], r["kind"], r["lang"]) not in dropped]
    for line in sorted({f"{r['alias']!r} {r['iso2']} ({r['lang']}) ~ {r['confused_with']}" for r in confused}):
        print(f"left out (confusable): {line}", file=sys.stderr)
    problems = collisions(aliases, read_csv("deny.csv"))
    if problems:
        raise BuildError(f"{len(problems)} key(s) need a decision in overrides.csv or deny.csv:\n  "
                         + "\n  ".join(problems))
    return countries, aliases


def render(rows: list[dict[str, str]], columns: tuple[str, ...], delimiter: str) -> str:
    """The file text of a table: CSV quoted where needed, TSV unquoted (no field holds a tab)."""
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, delimiter=delimiter, lineterminator="\n",
                       quoting=csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE,
                       escapechar=None if delimiter == "," else "\\")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="build in memory and fail if the committed files differ")
    args = parser.parse_args(argv)
    try:
        countries, aliases = build()
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    targets = {DATA / "countries.csv": render(countries, COUNTRY_COLUMNS, ","),
               DATA / "aliases.tsv": render(aliases, ALIAS_COLUMNS, "\t")}
    if args.check:
        stale = [p.name for p, text in targets.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(f"stale: {', '.join(stale)}; run python -m pipelines.countries.build", file=sys.stderr)
            return 1
        print("committed tables are up to date")
        return 0
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(countries)} countries, {len(aliases)} aliases "
          f"({len({r['key'] for r in aliases})} keys), systems: {', '.join(SYSTEMS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
