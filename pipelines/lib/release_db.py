"""The release's DuckDB database: every table, the views, and comments from the schema.

The file is built under a temporary name and renamed into place, because DuckDB leaves a partial
file behind when it fails (a full disk, for one). It is written with a pinned storage version so
that DuckDB 1.2 and later can open it; the file's bytes differ between identical builds, so a
release promises equal *content* for it (the manifest's per-table content hashes), not equal bytes.
Columns of running text (marked `PROSE` in `schemas/`) are stored with zstd, which DuckDB uses
only when asked: at 10,000 documents the file is 28 MB instead of 90 MB, and builds no slower.
"""
from __future__ import annotations

import errno
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
from pandera.api.pandas.container import DataFrameSchema

from pipelines.lib import fsio
from pipelines.lib.content_hash import quote_ident, relation_hash, sql_literal
from pipelines.lib.views import VIEWS
from schemas import TABLES
from schemas._base import PROSE

# Files that DuckDB 1.2 and later can open (1.2.0 read a release's file, zstd columns included; 1.1.3
# refuses the format).
DUCKDB_STORAGE_VERSION = "v1.2.0"


@contextmanager
def building_duckdb(table_files: dict[str, Path], path: Path) -> Iterator[None]:
    """One DuckDB file with every table (loaded from its Parquet file, streamed: no table is held in
    memory), the views and their comments, built aside while the caller writes other files: DuckDB
    loads the tables in a thread during the `with` block, and the file is renamed into place when
    the block ends.

    The load leaves much of the two cores idle (it waits on its own writes), so the release's other
    files cost little on top: at 10,000 documents the DuckDB file (2.4 s) and the changes and report
    (2.0 s) took 2.7 s side by side. Every fault point (`fsio`) stays in the calling thread, in a
    fixed order. An error in the block waits for the build to end, then propagates; an error of the
    build is raised after the block."""
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        if leftover.exists():
            fsio.remove(leftover)
    with fsio.written_by_library(tmp) as local_path:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="duckdb-build") as pool:
            build = pool.submit(_build_or_os_error, table_files, local_path)
            yield
        build.result()
    fsio.replace(tmp, path)


def _build_or_os_error(table_files: dict[str, Path], local_path: str) -> None:
    try:
        _build(table_files, local_path)
    except duckdb.Error as exc:  # a full disk reaches us as a DuckDB error: say which file, as OSError does
        raise OSError(errno.EIO, f"DuckDB could not write the database: {str(exc).splitlines()[0]}",
                      local_path) from exc


def _build(table_files: dict[str, Path], local_path: str) -> None:
    con = duckdb.connect(":memory:")
    try:
        # One thread: loading in order on two threads was no faster even alone (2.44 s against 2.27 at
        # 10,000 documents), and it runs beside the release's other files, which then keep a core.
        con.execute("SET threads = 1")
        # The path is bound as a parameter; the storage version is a constant of this module.
        con.execute(f"ATTACH ? AS rel (STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}')", [local_path])
        # Views are stored as SQL text with unqualified names: created from inside `rel`, they
        # resolve to the file's own tables wherever the file is opened.
        con.execute("USE rel")
        con.execute("BEGIN TRANSACTION")  # one commit for every table, view and comment
        for name, model in TABLES.items():
            schema = model.to_schema()
            _create_table(con, name, str(table_files[name]), _prose_columns(schema))
            _comment(con, name, schema.description or "", {c: s.description or "" for c, s in schema.columns.items()},
                     kind="TABLE")
        for view in VIEWS.values():
            con.execute(f"CREATE VIEW {quote_ident(view.name)} AS {view.sql}")
            _comment(con, view.name, view.description, view.columns, kind="VIEW")
        con.execute("COMMIT")
        con.execute("USE memory")
        con.execute("DETACH rel")
    finally:
        con.close()


def _prose_columns(schema: DataFrameSchema) -> set[str]:
    """The columns of running text: those whose metadata holds `schemas._base.PROSE`."""
    return {column for column, spec in schema.columns.items() if PROSE.items() <= (spec.metadata or {}).items()}


def _create_table(con, name: str, parquet_file: str, prose: set[str]) -> None:
    """The table with the column types DuckDB reads from the file, its running text stored with
    zstd, and the file's rows in the file's order (a plain scan on one thread keeps it)."""
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [parquet_file]).fetchall()
    columns = ", ".join(f"{quote_ident(column)} {column_type}" + (" USING COMPRESSION zstd" if column in prose else "")
                        for column, column_type, *_ in described)
    con.execute(f"CREATE TABLE {quote_ident(name)} ({columns})")
    con.execute(f"INSERT INTO {quote_ident(name)} SELECT * FROM read_parquet(?)", [parquet_file])


def _comment(con, name: str, description: str, columns: dict[str, str], *, kind: str) -> None:
    # COMMENT ON takes no bound parameters (a parser error in DuckDB); the names are identifiers
    # of the schema registry and the texts its descriptions, both code, quoted all the same.
    con.execute(f"COMMENT ON {kind} {quote_ident(name)} IS {sql_literal(description)}")
    for column, text in columns.items():
        con.execute(f"COMMENT ON COLUMN {quote_ident(name)}.{quote_ident(column)} IS {sql_literal(text)}")


def check_duckdb(path: Path, expected: dict[str, dict], columns: dict[str, list[str]]) -> list[str]:
    """Re-open the file read-only: every table's rows and content hash as expected, every view answering."""
    problems = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        for name, info in expected.items():
            rows, digest = relation_hash(con, quote_ident(name), columns[name])
            if rows != info["rows"]:
                problems.append(f"{path.name} table {name}: {rows} rows, manifest says {info['rows']}")
            elif digest != info["content_hash"]:
                problems.append(f"{path.name} table {name}: content hash differs from the validated table")
        for view in VIEWS.values():
            try:
                con.execute(f"SELECT count(*) FROM {quote_ident(view.name)}").fetchall()[0]
            except duckdb.Error as exc:
                problems.append(f"{path.name} view {view.name} does not answer: {str(exc).splitlines()[0]}")
    finally:
        con.close()
    return problems
