"""A table's logical content hash, the same whether the rows sit in Arrow, Parquet or DuckDB.

File checksums say that bytes arrived intact; they cannot say that `commitments.parquet` and the
`commitments` table inside `guarantees.duckdb` hold the same rows, nor that two builds produced the
same data when the DuckDB file's bytes differ between runs (they do). This hash can: each row is
rendered as JSON (`to_json` of a struct of the columns in schema order: strings quoted, NULL as
null, dates as ISO text, lists as arrays), hashed with MD5, and the 128-bit digests are summed
as two exact 64-bit halves. A sum does not depend on row order or on how the rows are chunked,
so DuckDB can compute it in parallel over any source in one linear pass, with no Python loop.
The multiset of rows, the column names and their order all enter the hash; the physical
encoding does not.
"""
from __future__ import annotations

import hashlib

import duckdb

METHOD = "sha256 of 'rows:sum(md5_upper):sum(md5_lower)' over md5(to_json(row)) of every row, columns in schema order"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_json_sql(columns: list[str], alias: str | None = None) -> str:
    """SQL rendering one row as canonical JSON text (the unit that is hashed and diffed)."""
    prefix = f"{alias}." if alias else ""
    fields = ", ".join(f"{quote_ident(c)} := {prefix}{quote_ident(c)}" for c in columns)
    return f"to_json(struct_pack({fields}))"


def relation_hash(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str]) -> tuple[int, str]:
    """(rows, content hash) of `relation`, a SQL table expression: a name, `read_parquet(...)`, ..."""
    row = con.execute(
        f"SELECT count(*), coalesce(sum(md5_number_upper(j)), 0), coalesce(sum(md5_number_lower(j)), 0) "
        f"FROM (SELECT {row_json_sql(columns)} AS j FROM {relation})").fetchall()[0]
    rows, upper, lower = int(row[0]), int(row[1]), int(row[2])
    return rows, hashlib.sha256(f"{rows}:{upper}:{lower}".encode()).hexdigest()


def arrow_hashes(tables: dict, columns: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """(rows, content hash) of in-memory Arrow tables, by name (one connection: opening one costs ~40 ms)."""
    con = duckdb.connect(":memory:")
    try:
        out = {}
        for name, table in tables.items():
            con.register("arrow_rows", table)
            out[name] = relation_hash(con, "arrow_rows", columns[name])
            con.unregister("arrow_rows")
        return out
    finally:
        con.close()


def parquet_hashes(paths: dict, columns: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """(rows, content hash) of Parquet files read back from disk, by name."""
    con = duckdb.connect(":memory:")
    try:
        return {name: relation_hash(con, f"read_parquet({sql_literal(str(path))})", columns[name])
                for name, path in paths.items()}
    finally:
        con.close()


def sql_literal(text: str) -> str:
    """A SQL string literal; DDL such as COMMENT ON, and table functions, take no bound parameters here."""
    return "'" + text.replace("'", "''") + "'"
