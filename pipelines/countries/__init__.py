"""Country names -> ISO 3166-1 alpha-2 codes (Kosovo = XK), and the reference tables behind them.

    >>> from pipelines.countries import to_iso2, resolve
    >>> to_iso2("Korea, Rep."), to_iso2("Wielka Brytania"), to_iso2("Kosova"), to_iso2("England")
    ('KR', 'GB', 'XK', None)

Pure Python on committed data files (`data/`), no Dagster or pandas import, so that the CLI starts
fast and any module can use it. How a name is resolved is in `resolver.py`; how the tables are
built in `build.py`. Every public lookup is memoised per distinct string; `to_iso2` is the
`__getitem__` of its memo dict, so that a repeated name costs one C-level dict lookup.
"""
from __future__ import annotations

from typing import Callable, Iterable, NamedTuple

from pipelines.countries import tables
from pipelines.countries.keys import key
from pipelines.countries.resolver import MEMO_LIMIT, Resolution, code_of, resolve_new

__all__ = ["Resolution", "TextAlias", "alias_rows", "clear_cache", "country_rows", "deny_rows", "key", "resolve",
           "resolve_many", "text_aliases", "to_iso2", "to_iso2_many"]


class _Memo(dict):
    """Answers by raw name; a name not seen yet is computed once by `compute` (`__missing__`).

    A hit is a C-level dict lookup: `to_iso2` *is* the `__getitem__` of such a dict, so a repeated
    name costs no Python frame at all. The memo is emptied when it reaches MEMO_LIMIT names."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, name):
        if len(self) >= MEMO_LIMIT:
            self.clear()
        answer = self[name] = self.compute(name)
        return answer


def _resolve_any(name) -> Resolution:
    return resolve_new(name) if isinstance(name, str) else _not_a_string(name)


def _code_any(name) -> str | None:
    return code_of(name) if isinstance(name, str) else None


_memo = _Memo(lambda name: _resolve_any(name))
_iso2_memo = _Memo(lambda name: _code_any(name))


def resolve(name: str) -> Resolution:
    """The full answer for one name: code, method, score, reason (see `Resolution`)."""
    return _memo[name]


to_iso2: Callable[[str], str | None] = _iso2_memo.__getitem__
"""`to_iso2(name) -> str | None`: the ISO 3166-1 alpha-2 code of `name` (XK for Kosovo), or None
unless the name is exactly one current country. Memoised per raw string (see `_Memo`)."""


def resolve_many(names: Iterable[str]) -> list[Resolution]:
    """Resolve a column of names: each distinct value once, then one probe per row."""
    names = list(names)
    answers = {n: resolve(n) for n in dict.fromkeys(names)}
    return [answers[n] for n in names]


def to_iso2_many(names: Iterable[str]) -> list[str | None]:
    """`to_iso2` over a column of names, each distinct value resolved once."""
    names = list(names)
    answers = {n: to_iso2(n) for n in dict.fromkeys(names)}
    return [answers[n] for n in names]


def clear_cache() -> None:
    """Forget every memoised answer (the loaded tables stay): for benchmarks of first-seen names."""
    from pipelines.countries import resolver

    _memo.clear()
    _iso2_memo.clear()
    resolver.clear_hits()


def _not_a_string(value: object) -> Resolution:
    return Resolution(None, None, "unresolved", 0.0, f"not a string: {type(value).__name__}")


def country_rows() -> list[dict]:
    """The `countries` reference table: iso2, iso3, numeric (None for Kosovo), name,
    official_name, recognition, source."""
    return [{**c, "numeric": c["numeric"] or None} for c in tables.countries()]


def alias_rows() -> list[dict]:
    """The `country_aliases` table: alias, key, iso2, kind, lang (None for codes), prose, source."""
    cols = tables.ALIAS_COLUMNS
    rows = []
    for t in tables.aliases():
        row = dict(zip(cols, t))
        row["lang"] = row["lang"] or None
        row["prose"] = row["prose"] == "true"
        rows.append(row)
    return rows


def deny_rows() -> list[dict]:
    """The deny list: alias, key, reason, parent (the country a part belongs to, or None), source."""
    return [{"alias": d["alias"], "key": key(d["alias"]), "reason": d["reason"],
             "parent": d["parent"] or None, "source": d["source"]} for d in tables.deny()]


class TextAlias(NamedTuple):
    """A surface form for scanning running text, case preserved.

    For a country alias `iso2` is its code and `reason`/`parent` are None. For a denied form
    (`include_denied=True`) `iso2` is None, `kind` is "deny", `reason` says why ("us_state",
    "uk_constituent_country", "capital_city", ...) and `parent` names the country it belongs to,
    if any, so a scanner can decide by its own rules (England -> GB in running text).
    `prose` is False for forms that are not safe to match in prose (codes like "IT" or "CAN").
    """

    text: str
    iso2: str | None
    kind: str
    lang: str | None
    prose: bool
    reason: str | None = None
    parent: str | None = None


def text_aliases(prose_only: bool = True, include_denied: bool = False) -> list[TextAlias]:
    """Distinct surface forms for an Aho-Corasick scanner, sorted by text then code.

    By default only forms safe in running prose (no ISO codes except "US"/"USA"); set
    `prose_only=False` for all of them. Denied forms (regions, US states, UK constituent
    countries, capitals, groups) come with `include_denied=True`.
    """
    seen: dict[tuple[str, str | None], TextAlias] = {}
    for row in alias_rows():
        if prose_only and not row["prose"]:
            continue
        seen.setdefault((row["alias"], row["iso2"]),
                        TextAlias(row["alias"], row["iso2"], row["kind"], row["lang"], row["prose"]))
    if include_denied:
        for d in deny_rows():
            seen.setdefault((d["alias"], None),
                            TextAlias(d["alias"], None, "deny", None, True, d["reason"], d["parent"]))
    return sorted(seen.values(), key=lambda t: (t.text, t.iso2 or ""))
