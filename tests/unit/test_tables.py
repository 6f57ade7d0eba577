"""Frames to Arrow: the published types, every kind of missing value as null, rows in key order."""
import datetime as dt
import gc
import weakref

import numpy as np
import pandas as pd

from pipelines import countries
from pipelines.lib import tables


def test_to_arrow_converts_missing_values_dates_and_lists_and_sorts_by_key():
    frame = pd.DataFrame({
        "doc_id": ["b" * 16, "a" * 16, "a" * 16],
        "canonical_name": ["Zed", "Anna Berg", "Jan Nowak"],
        "variants": [np.array(["Zed"], dtype=object), ["Anna Berg", "Berg"], ["Jan Nowak"]],
        "role": [float("nan"), None, "President"],
        "country_iso2": [pd.NA, "PL", None],
        "n_mentions": [1, 2, 1],
        "first_char_start": [5, 0, 12],
    })
    arrow = tables.to_arrow("people", frame)
    assert arrow.schema == tables.arrow_schema("people")
    assert arrow.schema.metadata is None
    assert arrow.to_pylist() == [
        {"doc_id": "a" * 16, "canonical_name": "Anna Berg", "variants": ["Anna Berg", "Berg"], "role": None,
         "country_iso2": "PL", "n_mentions": 2, "first_char_start": 0},
        {"doc_id": "a" * 16, "canonical_name": "Jan Nowak", "variants": ["Jan Nowak"], "role": "President",
         "country_iso2": None, "n_mentions": 1, "first_char_start": 12},
        {"doc_id": "b" * 16, "canonical_name": "Zed", "variants": ["Zed"], "role": None, "country_iso2": None,
         "n_mentions": 1, "first_char_start": 5},
    ]


def test_to_arrow_reads_dates_from_dates_timestamps_and_missing_values():
    frame = pd.DataFrame({
        "doc_id": ["a" * 16] * 4, "country_iso2": ["PL", "DE", "FR", "IT"], "status": ["signed"] * 4,
        "date_start": [dt.date(2024, 1, 2), pd.Timestamp("2024-02-03"), pd.NaT, None],
        "date_end": [None, None, None, None], "date_precision": ["day", "day", None, None],
        "evidence": ["e"] * 4, "sentence_no": [1, 2, 3, 4], "trigger": ["signed"] * 4,
    })
    rows = tables.to_arrow("commitments", frame).to_pylist()
    assert [(r["country_iso2"], r["date_start"]) for r in rows] == [
        ("DE", dt.date(2024, 2, 3)), ("FR", None), ("IT", None), ("PL", dt.date(2024, 1, 2))]


def test_to_arrow_keeps_the_order_of_rows_with_equal_keys():
    frame = pd.DataFrame({"source_path": ["b.txt", "c.txt", "a.txt", "a.txt"], "sha256": [None] * 4,
                          "reason": ["empty", "binary", "encoding", "duplicate"], "detail": ["1", "2", "3", "4"]})
    arrow = tables.to_arrow("rejected_documents", frame)
    keys = tables.primary_key("rejected_documents")
    expected = frame.sort_values(keys, kind="mergesort")
    assert arrow.column("detail").to_pylist() == expected["detail"].tolist() == ["3", "4", "1", "2"]


def test_to_arrow_puts_null_keys_last_as_pandas_does():
    frame = pd.DataFrame({"alias": ["X", "X", "X", "A"], "key": ["x"] * 4, "iso2": ["PL"] * 4,
                          "lang": [None, "pl", np.nan, "en"], "kind": ["short", "short", "short", "name"],
                          "prose": [True] * 4, "source": ["1", "2", "3", "4"]})
    frame = frame[tables.columns("country_aliases")]
    arrow = tables.to_arrow("country_aliases", frame)
    expected = frame.sort_values(tables.primary_key("country_aliases"), kind="mergesort")
    assert arrow.column("source").to_pylist() == expected["source"].tolist() == ["4", "2", "1", "3"]


def test_validated_text_columns_are_arrow_strings_and_values_gives_python_objects():
    """Validation hands on text as "string[pyarrow]" (one buffer per column, not an object per value),
    whether the frame came from rows or from Arrow; `values` turns any column back into Python objects
    with None for missing, which the cross-table checks compare."""
    import pyarrow as pa

    rows = [{"source_path": "a.txt", "sha256": "0" * 64, "reason": "empty", "detail": ""}]
    from_rows, report = tables.validate("rejected_documents", tables.to_frame("rejected_documents", rows))
    assert report.ok and all(str(t) == "string" and t.storage == "pyarrow" for t in from_rows.dtypes)
    arrow = pa.table({"source_path": ["a.txt"], "sha256": ["0" * 64], "reason": ["empty"], "detail": [""]})
    from_arrow = tables.from_arrow(arrow)
    pd.testing.assert_frame_equal(tables.validate("rejected_documents", from_arrow)[0], from_rows)
    assert tables.values(pd.Series(["x", None], dtype="string[pyarrow]")) == ["x", None]
    assert tables.values(pd.Series([3, 4])) == [3, 4]
    assert tables.to_arrow("rejected_documents", from_rows).schema.field("detail").type == pa.string()


def test_a_validated_frame_is_freed_as_soon_as_it_is_dropped():
    """No reference cycle keeps it for the garbage collector (pandera's cached accessor made one):
    a step that validates table after table holds one table at a time."""
    frame = tables.to_frame("countries", countries.country_rows())
    gc.disable()
    try:
        validated, report = tables.validate("countries", frame)
        assert report.ok
        ref = weakref.ref(validated)
        del validated
        assert ref() is None
    finally:
        gc.enable()


def test_a_cached_arrow_table_becomes_the_published_table_its_frame_would(tmp_path):
    """The extraction step stores a table read from the cache without making a frame of it when
    only its new rows need validating: the Arrow table it stores must be, value for value and type
    for type, the one the frame gives (nulls, dates, lists and text among them), so that the file
    bytes are the same either way."""
    from pipelines.lib.corpus import EXTRACTED_TABLES, cache_schemas, extract_incremental
    from tests.unit.test_doc_cache import variant

    result = extract_incremental([variant(i) for i in range(3)], tmp_path)
    schemas = cache_schemas()
    for name in EXTRACTED_TABLES:
        cached = result.tables[name]
        assert cached.schema.equals(schemas[name])
        published = tables.published_arrow(name, cached)
        assert published.equals(tables.unsorted_arrow(name, tables.from_arrow(cached)), check_metadata=True), name
        assert published.schema.equals(tables.arrow_schema(name), check_metadata=True), name
    nulls = {name: sum(c.null_count for c in result.tables[name].columns) for name in EXTRACTED_TABLES}
    assert sum(nulls.values()) > 0  # missing values are among what is compared
