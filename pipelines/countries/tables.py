"""Read the committed country tables (`data/`) with the standard library only.

The runtime never imports pycountry, Babel or pandas: a cold `guarantees countries` must import,
load and answer 1,480 names in well under half a second. Plain `csv` and `str.split` read the three
files in a few tens of milliseconds; the resolver splits only the alias columns it needs.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
ALIAS_COLUMNS = ("alias", "key", "iso2", "kind", "lang", "prose", "source")


def read_csv(name: str) -> list[dict[str, str]]:
    """A CSV file of `data/` as a list of dicts."""
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, str], ...]:
    """`countries.csv` as read: iso2, iso3, numeric, name, official_name, recognition, source."""
    return tuple(read_csv("countries.csv"))


@lru_cache(maxsize=1)
def _alias_lines() -> tuple[str, ...]:
    """The data lines of `aliases.tsv`, after checking its header."""
    with open(DATA / "aliases.tsv", encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = tuple(lines[0].split("\t"))
    if header != ALIAS_COLUMNS:
        raise ValueError(f"aliases.tsv has columns {header}, expected {ALIAS_COLUMNS}")
    return tuple(line for line in lines[1:] if line)


def aliases() -> tuple[tuple[str, ...], ...]:
    """`aliases.tsv` rows as tuples in the column order of ALIAS_COLUMNS (unquoted TSV)."""
    return tuple(tuple(line.split("\t")) for line in _alias_lines())


@lru_cache(maxsize=1)
def alias_lookup_rows() -> tuple[list[str], ...]:
    """The first five columns of `aliases.tsv` (alias, key, iso2, kind, lang) and the unsplit
    rest: all the resolver needs, at two thirds of the cost of splitting every column."""
    return tuple(line.split("\t", 5) for line in _alias_lines())


@lru_cache(maxsize=1)
def deny() -> tuple[dict[str, str], ...]:
    """`deny.csv` as read: alias, reason, parent, source."""
    return tuple(read_csv("deny.csv"))
