"""Checks across tables, which a per-table schema cannot express.

The audit reads the validated tables as Arrow (what the release writes), so that the release
build never holds every table as a pandas frame at once. Each check returns failure rows in the
same shape as pandera's `failure_cases` (schema_context, column, check, failure_case, index) so
that one report lists everything; `index` is the row's position in the table as it would be
published (primary-key order).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.lib import frame_sql as sql
from pipelines.lib.tables import ValidationReport

SPAN_TABLES = ("sentences", "country_mentions", "date_mentions")
SPAN_TEXT_TABLES = ("country_mentions", "date_mentions")
DOC_TABLES = ("sentences", "country_mentions", "date_mentions", "people", "commitments", "unresolved_names")
# Rows turned into Python values at a time by the span-text check: bounded memory at any size.
SLICE_ROWS = 200_000


# The columns the joins read, by table.
LINK_COLUMNS = {"documents": ["doc_id", "n_chars"], "countries": ["iso2"],
                "sentences": ["doc_id", "sentence_no", "char_start", "char_end", "text"],
                "commitments": ["doc_id", "sentence_no", "evidence"],
                "country_mentions": ["doc_id", "char_end", "iso2"], "date_mentions": ["doc_id", "char_end"],
                "people": ["doc_id"], "unresolved_names": ["doc_id"]}
SPAN_TEXT_COLUMNS = ["doc_id", "char_start", "char_end", "surface"]
# Every column `audit` reads, by table (the joins' columns, the documents' texts and the spans'
# surfaces): a caller holding the tables on disk reads only these.
AUDITED_COLUMNS = {table: cols + [c for c in SPAN_TEXT_COLUMNS if table in SPAN_TEXT_TABLES and c not in cols]
                   for table, cols in LINK_COLUMNS.items()}
AUDITED_COLUMNS["documents"] = LINK_COLUMNS["documents"] + ["text"]


def audit(tables: Mapping[str, pa.Table]) -> list[ValidationReport]:
    """Foreign keys, offsets inside the text, evidence equal to its sentence: the joins in DuckDB,
    the span texts in Python. `tables` need hold only the `AUDITED_COLUMNS`."""
    checks = [(table, "doc_id", "doc_id in documents", sql.missing_key(table, "doc_id", "documents"))
              for table in DOC_TABLES]
    checks += [(table, "char_end", "char_end <= documents.n_chars", sql.span_beyond_text(table))
               for table in SPAN_TABLES]
    with sql.frames_in_duckdb(tables, LINK_COLUMNS) as con:
        reports = [_report(table, tables[table], sql.failing_rows(con, query), column, check)
                   for table, column, check, query in checks]
        evidence = sql.evidence_mismatches(con)[sql.ROW].to_numpy()
        unknown = sql.failing_rows(con, sql.missing_key("country_mentions", "iso2", "countries"))
    documents = tables["documents"]
    texts = dict(zip(documents.column("doc_id").to_pylist(), documents.column("text").to_pylist()))
    reports += [_report(table, tables[table], _text_differs(tables[table], texts, "surface"), "surface",
                        "surface == documents.text[char_start:char_end]") for table in SPAN_TEXT_TABLES]
    reports.append(_report("commitments", tables["commitments"], evidence, "evidence",
                           "evidence == sentences.text of sentence_no"))
    reports.append(_report("country_mentions", tables["country_mentions"], unknown, "iso2", "iso2 in countries"))
    return [r for r in reports if not r.ok]


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
