"""Checks across tables, which a per-table schema cannot express.

The audit reads the validated tables as Arrow (what the release writes), so that the release
build never holds every table as a pandas frame at once; given the release's Parquet files, it reads
each check's columns from them and holds one check's at a time. Each check returns failure rows in the
same shape as pandera's `failure_cases` (schema_context, column, check, failure_case, index) so
that one report lists everything; `index` is the row's position in the table as it would be
published (primary-key order).
"""
from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path
from typing import Callable, Mapping

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.lib import frame_sql as sql
from pipelines.lib.storage import read_parquet
from pipelines.lib.tables import ValidationReport

SPAN_TABLES = ("sentences", "country_mentions", "date_mentions")
SPAN_TEXT_TABLES = ("country_mentions", "date_mentions")
DOC_TABLES = ("sentences", "country_mentions", "date_mentions", "people", "commitments", "unresolved_names")
# The tables `document_links` reads.
DOCUMENT_LINK_TABLES = ("documents",) + DOC_TABLES
# Rows turned into Python values at a time by the span-text check: bounded memory at any size.
SLICE_ROWS = 200_000
SPAN_TEXT_COLUMNS = ["doc_id", "char_start", "char_end", "surface"]
# A table as Arrow, or the Parquet file holding it.
TableSource = pa.Table | str | os.PathLike
# Reads columns of a table: `read(name, columns)`.
Reader = Callable[[str, list[str]], pa.Table]


def audit(tables: Mapping[str, TableSource], *, documents_checked: bool = False) -> list[ValidationReport]:
    """Foreign keys, offsets inside the text, evidence equal to its sentence: the joins in DuckDB,
    the span texts in Python; then every country mention's code among the countries.

    Each check reads only the columns it needs of the tables it joins, and drops them before the
    next: given files, the audit holds one join's columns at a time, not every table's (at 100,000
    documents that was 1.1 GB of Arrow). With `documents_checked`, the caller vouches that the
    per-document checks (`document_links`) passed on these very rows (the extraction step checks
    each cache segment once: `corpus.Extracted.links_token`); only the countries are checked."""
    read = _reader(tables)
    reports = [] if documents_checked else document_links(read)
    reports.append(_country_report(read))
    return [r for r in reports if not r.ok]


def document_links(read: Reader) -> list[ValidationReport]:
    """The checks that hold or fail one document at a time: a child row's doc_id among the
    documents, its span inside the text and equal to it, a commitment's evidence equal to its
    sentence. Because each looks at one document's rows only, rows that passed once pass in any
    corpus that holds their documents whole, which is what lets the cache check a segment once."""
    with closing(duckdb.connect(":memory:")) as con:
        return _document_links(read, con)


def _document_links(read: Reader, base: duckdb.DuckDBPyConnection) -> list[ValidationReport]:
    documents = read("documents", ["doc_id", "n_chars"])
    keys, spans = [], []
    for table in DOC_TABLES:
        rows = read(table, ["doc_id", "char_end"] if table in SPAN_TABLES else ["doc_id"])
        with sql.frames_in_duckdb({"documents": documents, table: rows}, on=base) as con:
            keys.append(_report(table, rows, sql.failing_rows(con, sql.missing_key(table, "doc_id", "documents")),
                                "doc_id", "doc_id in documents"))
            if table in SPAN_TABLES:
                spans.append(_report(table, rows, sql.failing_rows(con, sql.span_beyond_text(table)),
                                     "char_end", "char_end <= documents.n_chars"))
    del documents, rows
    reports = keys + spans
    reports += _surface_reports(read)
    reports.append(_evidence_report(read, base))
    return [r for r in reports if not r.ok]


def _country_report(read: Reader) -> ValidationReport:
    mentions = read("country_mentions", ["iso2"])
    with sql.frames_in_duckdb({"country_mentions": mentions, "countries": read("countries", ["iso2"])}) as con:
        unknown = sql.failing_rows(con, sql.missing_key("country_mentions", "iso2", "countries"))
    return _report("country_mentions", mentions, unknown, "iso2", "iso2 in countries")


def _reader(tables: Mapping[str, TableSource]) -> Reader:
    def read(name: str, columns: list[str]) -> pa.Table:
        source = tables[name]
        return source.select(columns) if isinstance(source, pa.Table) else read_parquet(Path(source), columns=columns)
    return read


def _surface_reports(read) -> list[ValidationReport]:
    documents = read("documents", ["doc_id", "text"])
    texts = dict(zip(documents.column("doc_id").to_pylist(), documents.column("text").to_pylist()))
    del documents
    reports = []
    for table in SPAN_TEXT_TABLES:
        rows = read(table, SPAN_TEXT_COLUMNS)
        reports.append(_report(table, rows, _text_differs(rows, texts, "surface"), "surface",
                               "surface == documents.text[char_start:char_end]"))
    return reports


def _evidence_report(read: Reader, base: duckdb.DuckDBPyConnection) -> ValidationReport:
    commitments = read("commitments", sql.EVIDENCE_COLUMNS["commitments"])
    with sql.frames_in_duckdb({"commitments": commitments,
                               "sentences": read("sentences", sql.EVIDENCE_COLUMNS["sentences"])}, on=base) as con:
        evidence = sql.evidence_mismatches(con)[sql.ROW].to_numpy()
    return _report("commitments", commitments, evidence, "evidence", "evidence == sentences.text of sentence_no")


def _text_differs(table: pa.Table, texts: dict[str, str], column: str) -> np.ndarray:
    """Positions of rows whose `column` is not documents.text[char_start:char_end] (`texts`:
    doc_id -> text). In Python rather than SQL: slicing a str is O(1), DuckDB's substring walks the
    UTF-8 text from its start (three times slower at 10,000 documents)."""
    bad: list[int] = []
    for offset in range(0, table.num_rows, SLICE_ROWS):
        part = table.slice(offset, SLICE_ROWS)
        doc_ids, starts, ends, surfaces = (part.column(c).to_pylist()
                                           for c in ("doc_id", "char_start", "char_end", column))
        bad += [offset + i for i, (d, a, b, s) in enumerate(zip(doc_ids, starts, ends, surfaces))
                if texts.get(d, "")[a:b] != s]
    return np.asarray(bad, dtype=np.int64)


def _report(table: str, rows: pa.Table, positions: np.ndarray, column: str, check: str) -> ValidationReport:
    values = rows.column(column).take(pa.array(positions, type=pa.int64())).to_pylist()
    cases = pd.DataFrame({"schema_context": "Audit", "column": column, "check": check,
                          "failure_case": [str(v) for v in values], "index": [str(p) for p in positions]})
    return ValidationReport(table, cases)
