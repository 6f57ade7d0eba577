"""The release audit's checks across tables, on small frames: each fault is reported with its row."""
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipelines.lib.audit as audit_module
from pipelines.lib.audit import audit

# An emoji (outside the Basic Multilingual Plane) and an accented letter before the spans: offsets
# count code points, as Python's str does.
TEXT = "\U0001F1FA\U0001F1E6 Kyiv, 12 January. Poland and Türkiye signed.\nKosovo joined."


def _frames() -> dict[str, pd.DataFrame]:
    first, second = "\U0001F1FA\U0001F1E6 Kyiv, 12 January. Poland and Türkiye signed.", "Kosovo joined."
    poland, turkiye, kosovo = TEXT.index("Poland"), TEXT.index("Türkiye"), TEXT.index("Kosovo")
    date = TEXT.index("12 January")
    return {
        "documents": pd.DataFrame({"doc_id": ["d1"], "n_chars": [len(TEXT)], "text": [TEXT]}),
        "countries": pd.DataFrame({"iso2": ["PL", "TR", "XK"]}),
        "sentences": pd.DataFrame({"doc_id": ["d1", "d1"], "sentence_no": [1, 2],
                                   "char_start": [0, len(first) + 1], "char_end": [len(first), len(TEXT)],
                                   "text": [first, second]}),
        "country_mentions": pd.DataFrame({
            "doc_id": ["d1"] * 3, "sentence_no": [1, 1, 2], "char_start": [poland, turkiye, kosovo],
            "char_end": [poland + 6, turkiye + 7, kosovo + 6], "surface": ["Poland", "Türkiye", "Kosovo"],
            "iso2": ["PL", "TR", "XK"]}),
        "date_mentions": pd.DataFrame({"doc_id": ["d1"], "char_start": [date], "char_end": [date + 10],
                                       "surface": ["12 January"]}),
        "commitments": pd.DataFrame({"doc_id": ["d1", "d1"], "sentence_no": [1, 2], "evidence": [first, second]}),
        "people": pd.DataFrame({"doc_id": pd.Series([], dtype=object)}),
        "unresolved_names": pd.DataFrame({"doc_id": ["d1"]}),
    }


def _failures(frames, folder=None) -> list[tuple[str, str, str, str, str]]:
    """The audit's failures, given the tables as Arrow or, with `folder`, as Parquet files there."""
    tables = {name: pa.Table.from_pandas(frame, preserve_index=False) for name, frame in frames.items()}
    if folder is not None:
        for name, table in tables.items():
            pq.write_table(table, folder / f"{name}.parquet")
        tables = {name: folder / f"{name}.parquet" for name in tables}
    return [(r.table, c["column"], c["check"], c["failure_case"], c["index"])
            for r in audit(tables) for c in r.failure_cases.to_dict("records")]


def test_consistent_tables_pass_with_offsets_counted_in_code_points():
    assert _failures(_frames()) == []


@pytest.mark.parametrize(("table", "row", "column", "value", "expected"), [
    ("people", None, "doc_id", "d9", ("people", "doc_id", "doc_id in documents", "d9", "0")),
    ("unresolved_names", 0, "doc_id", "d9", ("unresolved_names", "doc_id", "doc_id in documents", "d9", "0")),
    ("sentences", 1, "char_end", len(TEXT) + 1,
     ("sentences", "char_end", "char_end <= documents.n_chars", str(len(TEXT) + 1), "1")),
    ("country_mentions", 1, "surface", "Turkey",
     ("country_mentions", "surface", "surface == documents.text[char_start:char_end]", "Turkey", "1")),
    ("date_mentions", 0, "char_start", 0,
     ("date_mentions", "surface", "surface == documents.text[char_start:char_end]", "12 January", "0")),
    ("commitments", 0, "evidence", "Poland signed.",
     ("commitments", "evidence", "evidence == sentences.text of sentence_no", "Poland signed.", "0")),
    ("commitments", 1, "sentence_no", 7,
     ("commitments", "evidence", "evidence == sentences.text of sentence_no", "Kosovo joined.", "1")),
    ("country_mentions", 2, "iso2", "KV", ("country_mentions", "iso2", "iso2 in countries", "KV", "2")),
])
def test_each_fault_is_reported_with_its_row_and_value(table, row, column, value, expected, tmp_path):
    frames = _frames()
    if row is None:
        frames[table] = pd.DataFrame({column: [value]})
    else:
        frames[table].loc[row, column] = value
    assert _failures(frames) == [expected]
    assert _failures(frames, tmp_path) == [expected]  # the release audit reads its files


def test_every_faulty_row_is_reported_by_its_position():
    frames = _frames()
    frames["country_mentions"]["iso2"] = ["XX", "TR", "YY"]
    assert [f[3:] for f in _failures(frames)] == [("XX", "0"), ("YY", "2")]


def test_the_span_check_covers_every_slice_of_a_long_table(monkeypatch):
    monkeypatch.setattr(audit_module, "SLICE_ROWS", 2)
    frames = _frames()
    frames["country_mentions"].loc[2, "surface"] = "Kosova"
    assert [f[3:] for f in _failures(frames)] == [("Kosova", "2")]
