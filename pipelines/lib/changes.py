"""What changed between two releases: rows added, removed and changed per table, and status changes.

Two levels, for two kinds of reader:
- per table, by primary key: a row is *added* or *removed* when its key appears or disappears,
  *changed* when its key stays and any value differs (with the names of the columns that differ).
  A program can replay it: previous keys - removed + added = new keys. Counts are always exact;
  the key lists stop at `max_keys` per kind and say so (`keys_complete`), so that a release which
  rewrites every sentence does not ship a changes file larger than its data (a first release,
  where every row is added, lists none).
- per party, from the `country_status` view of each side: "PL: negotiating -> signed, 2024-07-08".
  A status change inside one document is a removed row plus an added row of `commitments` (the
  status is part of its key); the party view says what it means.

Everything runs in DuckDB over the two releases' Parquet files (a join on the key and a hash of
each row), so the cost is linear in the rows and no row passes through Python except the listed
keys; a table whose content hash equals the previous release's is not scanned at all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.lib import tables
from pipelines.lib.content_hash import METHOD as HASH_METHOD
from pipelines.lib.content_hash import quote_ident, sql_literal
from pipelines.lib.views import COUNTRY_STATUS
from schemas import TABLES

MAX_LISTED_KEYS = 10_000
_FAMILIES = {"agreement": "agreement_status", "declaration": "declaration_status"}
_FAMILY_DATES = {"agreement": "agreement_date", "declaration": "declaration_date"}
_STATUS_TABLES = ("commitments", "documents", "countries")  # what country_status reads


@dataclass(frozen=True)
class Side:
    """One release as the diff sees it: an id, a schema version, a Parquet file per table, and the
    tables' content hashes when known (a table whose hash is unchanged is not scanned)."""
    release_id: str | None
    schema_version: str | None
    files: dict[str, Path]
    hashes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, folder: Path, manifest: dict) -> "Side":
        tables_ = manifest.get("tables", {})
        files = {name: Path(folder) / info["file"] for name, info in tables_.items()}
        hashes = {}
        if manifest.get("content_hash_method") == HASH_METHOD:  # comparable with this code's hashes
            hashes = {name: info["content_hash"] for name, info in tables_.items() if info.get("content_hash")}
        return cls(manifest.get("release_id"), manifest.get("schema_version"), files, hashes)

    def same_content(self, other: "Side", name: str) -> bool:
        mine, theirs = self.hashes.get(name), other.hashes.get(name)
        return mine is not None and mine == theirs


def compute_changes(old: Side | None, new: Side, *, max_keys: int = MAX_LISTED_KEYS) -> dict:
    """The changes from `old` (None for a first release) to `new`, as the JSON-ready `changes.json`.

    A first release lists no keys (every row is added; the data files list them already)."""
    if old is None:
        old, max_keys = Side(None, None, {}), 0
    # SQL text here holds identifiers only: table and column names from the schema registry or the
    # releases' own Parquet files, each through quote_ident (sql_literal where a name is a value),
    # the schema names "old" and "new", and file paths of our own folders (CREATE VIEW takes no
    # bound parameters). Row values never enter SQL text; the one value compared is bound (`?`).
    con = duckdb.connect(":memory:")
    try:
        names = [t for t in TABLES if t in new.files] + sorted((new.files.keys() | old.files.keys()) - TABLES.keys())
        for schema, side in (("old", old), ("new", new)):
            con.execute(f"CREATE SCHEMA {schema}")
            for name, path in side.files.items():
                con.execute(f"CREATE VIEW {schema}.{quote_ident(name)} AS SELECT * FROM read_parquet({sql_literal(str(path))})")
        for name in names:  # a table one side lacks is empty there, with the other side's columns
            for schema, other, side in (("old", "new", old), ("new", "old", new)):
                if name not in side.files:
                    con.execute(f"CREATE VIEW {schema}.{quote_ident(name)} AS SELECT * FROM {other}.{quote_ident(name)} LIMIT 0")
        result = {
            "release_id": new.release_id,
            "previous_release_id": old.release_id,
            "schema_version": {"before": old.schema_version, "after": new.schema_version},
            "tables": {name: _table_changes(con, name, max_keys, unchanged=old.same_content(new, name))
                       for name in names},
            "status_changes": _statuses(con, old, new),
        }
    finally:
        con.close()
    return result


def _columns(con, schema: str, name: str) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {schema}.{quote_ident(name)} LIMIT 0").description]


def _table_changes(con, name: str, max_keys: int, unchanged: bool) -> dict:
    old_cols, new_cols = _columns(con, "old", name), _columns(con, "new", name)
    common = [c for c in new_cols if c in old_cols]
    key = tables.primary_key(name) if name in TABLES else common
    rows_before = con.execute(f"SELECT count(*) FROM old.{quote_ident(name)}").fetchall()[0][0]
    rows_after = con.execute(f"SELECT count(*) FROM new.{quote_ident(name)}").fetchall()[0][0]
    info = {"primary_key": key, "rows_before": rows_before, "rows_after": rows_after,
            "columns_added": [c for c in new_cols if c not in old_cols],
            "columns_removed": [c for c in old_cols if c not in new_cols]}
    if not set(key) <= set(common):
        return info | {"comparable": False, "added": None, "removed": None, "changed": None}
    if unchanged:  # equal content hashes: nothing to scan
        return info | {"comparable": True, "added": 0, "removed": 0, "changed": 0, "added_keys": [],
                       "removed_keys": [], "changed_keys": [], "keys_complete": True}
    keys = ", ".join(quote_ident(k) for k in key)
    joined = " AND ".join(f"o.{quote_ident(k)} IS NOT DISTINCT FROM n.{quote_ident(k)}" for k in key)
    picked = ", ".join(f"coalesce(n.{quote_ident(k)}, o.{quote_ident(k)}) AS {quote_ident(k)}" for k in key)
    # DuckDB's own 64-bit hash of the values compares rows within this one process, ten times
    # faster than an MD5 of their JSON; a changed row goes unnoticed with odds of 1 in 2^64.
    row_hash = f"hash({', '.join(quote_ident(c) for c in common)})"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE diff AS
        WITH o AS (SELECT {keys}, {row_hash} AS h FROM old.{quote_ident(name)}),
             n AS (SELECT {keys}, {row_hash} AS h FROM new.{quote_ident(name)})
        SELECT CASE WHEN o.h IS NULL THEN 'added' WHEN n.h IS NULL THEN 'removed' ELSE 'changed' END AS kind, {picked}
        FROM o FULL OUTER JOIN n ON {joined}
        WHERE o.h IS DISTINCT FROM n.h""")
    counts = dict(con.execute("SELECT kind, count(*) FROM diff GROUP BY kind").fetchall())
    info |= {"comparable": True, **{k: counts.get(k, 0) for k in ("added", "removed", "changed")}}
    info["added_keys"] = _keys(con, "added", keys, max_keys)
    info["removed_keys"] = _keys(con, "removed", keys, max_keys)
    info["changed_keys"] = _changed(con, name, key, [c for c in common if c not in key], max_keys)
    info["keys_complete"] = all(counts.get(k, 0) <= max_keys for k in ("added", "removed", "changed"))
    return info


def _keys(con, kind: str, keys: str, limit: int) -> list[list]:
    rows = con.execute(f"SELECT {keys} FROM diff WHERE kind = ? ORDER BY {keys} LIMIT {int(limit)}", [kind]).fetchall()
    return [[_jsonable(v) for v in row] for row in rows]


def _changed(con, name: str, key: list[str], values: list[str], limit: int) -> list[dict]:
    if not values:
        return []
    keys = ", ".join(f"d.{quote_ident(k)}" for k in key)
    on_old = " AND ".join(f"o.{quote_ident(k)} IS NOT DISTINCT FROM d.{quote_ident(k)}" for k in key)
    on_new = " AND ".join(f"n.{quote_ident(k)} IS NOT DISTINCT FROM d.{quote_ident(k)}" for k in key)
    flags = ", ".join(f"CASE WHEN o.{quote_ident(c)} IS DISTINCT FROM n.{quote_ident(c)} THEN {sql_literal(c)} END"
                      for c in values)
    rows = con.execute(f"""
        SELECT {keys}, list_filter([{flags}], lambda x: x IS NOT NULL)
        FROM (SELECT * FROM diff WHERE kind = 'changed' ORDER BY {", ".join(quote_ident(k) for k in key)} LIMIT {int(limit)}) AS d
        JOIN old.{quote_ident(name)} AS o ON {on_old} JOIN new.{quote_ident(name)} AS n ON {on_new}
        ORDER BY {keys}""").fetchall()
    return [{"key": [_jsonable(v) for v in row[:-1]], "columns": list(row[-1])} for row in rows]


def _jsonable(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _statuses(con, old: Side, new: Side) -> list[dict]:
    if all(old.same_content(new, t) for t in _STATUS_TABLES) or not _has_status_tables(con):
        return []
    return _status_changes(con)


def _has_status_tables(con) -> bool:
    needed = {"commitments", "documents", "countries"}
    present = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'new' AND NOT internal").fetchall()}
    return needed <= present


def _status_rows(con, schema: str) -> dict[str, dict]:
    con.execute(f"SET search_path = '{schema}'")
    try:
        cursor = con.execute(COUNTRY_STATUS.sql)
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
    finally:
        con.execute("RESET search_path")


def _status_changes(con) -> list[dict]:
    """Per party and family (bilateral agreement, G7 declaration): status or date before -> after."""
    before, after = _status_rows(con, "old"), _status_rows(con, "new")
    out = []
    for iso2 in sorted(before.keys() | after.keys()):
        b, a = before.get(iso2, {}), after.get(iso2, {})
        for family, column in _FAMILIES.items():
            date_column = _FAMILY_DATES[family]
            old_status, new_status = b.get(column), a.get(column)
            old_date, new_date = _jsonable(b.get(date_column)), _jsonable(a.get(date_column))
            if (old_status, old_date) == (new_status, new_date):
                continue
            change = {"iso2": iso2, "name": a.get("name") or b.get("name"), "family": family,
                      "status_before": old_status, "status_after": new_status,
                      "date_before": old_date, "date_after": new_date}
            out.append(change | {"text": status_line(change)})
    return out


def status_line(change: dict) -> str:
    """'PL: negotiating -> signed, 2024-07-08'; a date-only change reads 'GB: signed, 2024-01-11 -> 2024-01-12'."""
    iso2, before, after = change["iso2"], change["status_before"], change["status_after"]
    if before == after:
        return f"{iso2}: {after}, {change['date_before'] or 'undated'} -> {change['date_after'] or 'undated'}"
    line = f"{iso2}: {before or 'none'} -> {after or 'none'}"
    return line + (f", {change['date_after']}" if after and change["date_after"] else "")
