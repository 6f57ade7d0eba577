"""Checks across tables as DuckDB queries over the frames' columns.

A check across tables is a join: every mention's document, every commitment's sentence. Done in
Python it builds a dict of every document's text and a tuple per row (several seconds and a few
hundred megabytes at 10,000 documents); DuckDB joins the same columns, read in place from Arrow,
on every core. Each query returns the positions (0-based) of the rows that fail, in frame order,
so the caller reports them with the rows' own values.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Mapping

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.lib.content_hash import quote_ident

# The column each registered table gets: the row's position in its frame. Queries are built from
# this constant and identifiers of the code (table and column names through quote_ident); no value
# of a row ever enters SQL text.
ROW = "_row"


@contextmanager
def frames_in_duckdb(frames: Mapping[str, pd.DataFrame | pa.Table], columns: dict[str, list[str]] | None = None,
                     *, on: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection on which `columns[name]` of `frames[name]` (a frame or an Arrow table; every
    column when `columns` is not given), plus `_row`, are the table `name`. With `on`, a cursor of
    that connection, whose tables go when the block ends: a new connection takes 25-40 ms, which
    a run of a dozen checks over one document's rows would spend mostly on connecting."""
    con = duckdb.connect(":memory:") if on is None else on.cursor()
    try:
        for name, frame in frames.items():
            con.register(name, as_arrow(frame, None if columns is None else columns[name]))
        yield con
    finally:
        con.close()


def as_arrow(frame: pd.DataFrame | pa.Table, columns: list[str] | None) -> pa.Table:
    """The columns (None: every column) as Arrow (Arrow-backed text columns are not copied), with
    each row's position."""
    if isinstance(frame, pa.Table):
        table = frame if columns is None else frame.select(columns)
    else:
        table = pa.Table.from_pandas(frame if columns is None else frame[columns], preserve_index=False)
    return table.append_column(ROW, pa.array(np.arange(len(frame), dtype=np.int64)))


def failing_rows(con: duckdb.DuckDBPyConnection, sql: str) -> np.ndarray:
    """Run `sql`, which selects `_row` of the failing rows, and return those positions in order."""
    found = con.execute(f"SELECT DISTINCT {ROW} FROM ({sql}) ORDER BY {ROW}").fetchnumpy()[ROW]
    return np.asarray(found, dtype=np.int64)


def missing_key(table: str, key: str, reference: str, reference_key: str | None = None) -> str:
    """Rows of `table` whose `key` is not a `reference_key` of `reference` (a NULL key is missing)."""
    t, k, r, rk = (quote_ident(n) for n in (table, key, reference, reference_key or key))
    return f"SELECT x.{ROW} FROM {t} x WHERE NOT EXISTS (SELECT 1 FROM {r} r WHERE r.{rk} = x.{k})"


def span_beyond_text(table: str) -> str:
    """Rows of `table` whose char_end lies past the end of their document (documents.n_chars)."""
    return (f"SELECT x.{ROW} FROM {quote_ident(table)} x JOIN documents d ON d.doc_id = x.doc_id "
            f"WHERE x.char_end > d.n_chars")


# The columns `evidence_mismatches` reads.
EVIDENCE_COLUMNS = {"commitments": ["doc_id", "sentence_no", "evidence"], "sentences": ["doc_id", "sentence_no", "text"]}


def evidence_mismatches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Commitments whose evidence is not the text of the sentence they cite: `_row` and whether
    that sentence exists at all (`cited`). Tables `commitments` and `sentences` must be registered."""
    return con.execute(
        f"SELECT c.{ROW}, s.doc_id IS NOT NULL AS cited FROM commitments c LEFT JOIN sentences s "
        f"ON s.doc_id = c.doc_id AND s.sentence_no = c.sentence_no "
        f"WHERE s.text IS DISTINCT FROM c.evidence ORDER BY c.{ROW}").df()
