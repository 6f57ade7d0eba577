"""Schema-driven table handling: frames, validation reports and Arrow conversion.

The pandera models in `schemas/` are the one definition of every published table. This module
derives from them what the rest of the pipeline needs: column order, Arrow types for Parquet and
DuckDB, primary keys for sorting, and validation that returns every failure as rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.compute as pc

from schemas import TABLES

# pandera dtype (or a column's "arrow_type" hint) -> Arrow type: every type the models declare.
_ARROW_TYPES = {"string[pyarrow]": pa.string(), "int64": pa.int64(), "bool": pa.bool_(), "date": pa.date32(),
                "list<string>": pa.list_(pa.string())}


@dataclass(frozen=True)
class ValidationReport:
    table: str
    failure_cases: pd.DataFrame  # columns: schema_context, column, check, failure_case, index

    @property
    def ok(self) -> bool:
        return self.failure_cases.empty

    def summary(self) -> str:
        if self.ok:
            return f"{self.table}: valid"
        checks = self.failure_cases.groupby(["column", "check"], dropna=False).size()
        parts = [f"{col or '<table>'} {check} ({n})" for (col, check), n in checks.items()]
        return f"{self.table}: {len(self.failure_cases)} failure(s): " + "; ".join(parts)


def columns(table: str) -> list[str]:
    return list(TABLES[table].to_schema().columns)


def primary_key(table: str) -> list[str]:
    return list(getattr(TABLES[table].Config, "unique", None) or columns(table))


def arrow_schema(table: str) -> pa.Schema:
    """Arrow schema of a published table, from its pandera model (field descriptions included)."""
    fields = []
    for name, col in TABLES[table].to_schema().columns.items():
        hint = (col.metadata or {}).get("arrow_type") or str(col.dtype)
        fields.append(pa.field(name, _ARROW_TYPES[hint], nullable=bool(col.nullable),
                               metadata={"description": col.description or ""}))
    return pa.schema(fields)


def empty_frame(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns(table)})


def to_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows (dicts) -> a frame with exactly the table's columns, in schema order."""
    if not rows:
        return empty_frame(table)
    return pd.DataFrame.from_records(rows, columns=columns(table))


def _string_dtype(arrow_type: pa.DataType):
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow")
    return None


def from_arrow(arrow: pa.Table) -> pd.DataFrame:
    """An Arrow table as a frame whose text columns stay in Arrow ("string[pyarrow]", the dtype the
    models declare), so that no Python object is made per value; other columns as `to_pandas` gives them."""
    return arrow.to_pandas(types_mapper=_string_dtype)


def column_frame(frame: pd.DataFrame | pa.Table, columns: list[str]) -> pd.DataFrame:
    """Those columns of a frame or of an Arrow table, as a frame (an Arrow table's become one
    without its other columns ever doing so)."""
    return from_arrow(frame.select(columns)) if isinstance(frame, pa.Table) else frame[columns]


def values(column: pd.Series) -> list:
    """A column's values as Python objects, None for missing. Iterating an Arrow-backed column
    directly builds one pandas scalar per value (about 2 us each); this converts in one C call."""
    return column.to_numpy(dtype=object, na_value=None).tolist()


def validate(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, ValidationReport]:
    """Validate lazily, so that one report lists every failure; return the coerced frame."""
    model = TABLES[table]
    try:
        validated = model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.reindex(columns=["schema_context", "column", "check", "failure_case", "index"])
        return frame, ValidationReport(table, cases.astype(str).reset_index(drop=True))
    # pandera caches its accessor on the frame and the accessor refers back to the frame: a cycle,
    # so a dropped frame waits for the cyclic garbage collector (at 10,000 documents the extraction
    # step's frames, 300 MB, outlived it). Nothing here reads the accessor's schema.
    validated.__dict__.pop("pandera", None)
    return validated, ValidationReport(table, no_failures())


# pandera's name for a broken `unique` key of a model's Config.
UNIQUE_KEY_CHECK = "multiple_fields_uniqueness"


def validate_part(table: str, frame: pd.DataFrame | pa.Table, unverified: pd.DataFrame
                  ) -> tuple[pd.DataFrame | pa.Table, ValidationReport]:
    """`validate` for a frame (or an Arrow table) of which only the rows `unverified` were not
    validated before (the other rows passed the same models in an earlier run: the extraction
    cache's verdicts).

    Those rows get pandera; the key of every row is checked for uniqueness, the one rule of the
    models that spans rows (`test_models_of_extracted_tables_check_row_by_row` keeps it so), and
    only there, so that a duplicate is reported once. Failure cases have pandera's form; their
    `index` is the row's position in `unverified` for pandera's row rules, in `frame` for
    duplicate keys. `frame` is returned as it is: rows read from the cache already have the types
    the models coerce to, so an Arrow table need not become a frame at all (only its key columns do)."""
    _, report = validate(table, unverified)
    own = report.failure_cases[report.failure_cases["check"] != UNIQUE_KEY_CHECK]
    cases = [c for c in (own, duplicate_keys(table, column_frame(frame, primary_key(table)))) if not c.empty]
    return frame, ValidationReport(table, pd.concat(cases, ignore_index=True) if cases else no_failures())


def duplicate_keys(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Failure cases, as pandera words them, for every row whose unique key another row shares."""
    key = primary_key(table)
    if frame.empty:
        return no_failures()
    rows = frame.loc[frame.duplicated(key, keep=False), key]
    cases = [{"schema_context": "DataFrameSchema", "column": column, "check": UNIQUE_KEY_CHECK,
              "failure_case": str(value), "index": str(index)}
             for column in key for index, value in rows[column].items()]
    return pd.DataFrame(cases, columns=no_failures().columns) if cases else no_failures()


def no_failures() -> pd.DataFrame:
    """An empty failure-case frame: the report of a table that passed."""
    return pd.DataFrame(columns=["schema_context", "column", "check", "failure_case", "index"])


def sorted_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in primary-key order: the same content always gives the same row order."""
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.sort_values(primary_key(table), kind="mergesort").reset_index(drop=True)


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """A frame -> an Arrow table with the published schema (no pandas metadata), rows in primary-key order.

    Columns convert in C (`from_pandas`: NaN, None, NaT and pd.NA become null, Timestamps dates,
    arrays lists); the stable sort runs in Arrow, in the order pandas' mergesort gives (strings
    by code point, which is their UTF-8 byte order; nulls last). A per-value Python loop here cost
    seconds per million rows."""
    return sort_arrow(table, unsorted_arrow(table, frame))


def unsorted_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """`to_arrow` without the sort: the frame's rows in the frame's order."""
    schema = arrow_schema(table)
    arrow = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    return arrow.replace_schema_metadata(schema.metadata)


def published_arrow(table: str, arrow: pa.Table) -> pa.Table:
    """An Arrow table of the table's columns (the extraction cache's, every field nullable) in the
    published schema: the table `unsorted_arrow` makes of the same rows as a frame, without the
    frame (the same values and types, so the same file bytes: tested)."""
    schema = arrow_schema(table)
    return arrow.select(schema.names).cast(schema).replace_schema_metadata(schema.metadata)


def key_order(table: str, arrow: pa.Table) -> pa.Array:
    """Positions of an Arrow table's rows in primary-key order (stable: equal keys keep their order)."""
    return pc.sort_indices(arrow, sort_keys=[(name, "ascending", "at_end") for name in primary_key(table)])


def sort_arrow(table: str, arrow: pa.Table) -> pa.Table:
    """Rows of an Arrow table in primary-key order (stable: equal keys keep their order)."""
    return arrow.take(key_order(table, arrow)) if arrow.num_rows else arrow
