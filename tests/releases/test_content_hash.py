"""The logical content hash: one value for the same rows in Arrow, Parquet and DuckDB."""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib.content_hash import arrow_hash, relation_hash, row_json_sql

COLUMNS = ["id", "name", "day", "tags", "flag"]


def table(rows):
    return pa.table({
        "id": pa.array([r[0] for r in rows], pa.int64()),
        "name": pa.array([r[1] for r in rows], pa.string()),
        "day": pa.array([r[2] for r in rows], pa.date32()),
        "tags": pa.array([r[3] for r in rows], pa.list_(pa.string())),
        "flag": pa.array([r[4] for r in rows], pa.bool_()),
    })


ROWS = [(1, "Poland", dt.date(2024, 7, 8), ["a", "b"], True),
        (2, None, None, None, None),
        (3, "it's \"quoted\"", dt.date(2023, 7, 11), [], False)]


def digest(t, columns=COLUMNS):
    with duckdb.connect(":memory:") as con:
        return arrow_hash(con, t, columns)


def test_same_rows_same_hash_whatever_the_order_or_chunking():
    base = digest(table(ROWS))
    assert digest(table(list(reversed(ROWS)))) == base
    chunked = pa.concat_tables([table(ROWS[:1]), table(ROWS[1:])])
    assert chunked.column(0).num_chunks == 2 and digest(chunked) == base
    assert base[0] == 3


def test_any_value_change_changes_the_hash():
    base = digest(table(ROWS))[1]
    variants = [
        [(1, "Poland", dt.date(2024, 7, 9), ["a", "b"], True)] + ROWS[1:],   # a date
        [(1, "Poland", dt.date(2024, 7, 8), ["b", "a"], True)] + ROWS[1:],   # list order
        [(1, "Poland", dt.date(2024, 7, 8), ["a", "b"], False)] + ROWS[1:],  # a flag
        [ROWS[0], (2, "None", None, None, None), ROWS[2]],                    # null vs the text 'None'
        [ROWS[0], (2, "", None, None, None), ROWS[2]],                        # null vs empty
        ROWS + [ROWS[0]],                                                     # a duplicated row
        ROWS[:2],                                                             # a missing row
    ]
    hashes = {digest(table(v))[1] for v in variants}
    assert base not in hashes and len(hashes) == len(variants)


def test_column_names_are_part_of_the_content():
    renamed = table(ROWS).rename_columns(["id", "title", "day", "tags", "flag"])
    assert digest(renamed, ["id", "title", "day", "tags", "flag"]) != digest(table(ROWS))


def test_parquet_and_duckdb_copies_hash_like_the_arrow_table(tmp_path):
    t = table(ROWS)
    pq.write_table(t, tmp_path / "t.parquet", row_group_size=1)
    with duckdb.connect(":memory:") as con:
        assert relation_hash(con, "read_parquet(?)", COLUMNS, [str(tmp_path / "t.parquet")]) == digest(t)
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.register("incoming", t)
    con.execute("CREATE TABLE t AS SELECT * FROM incoming ORDER BY id DESC")
    assert relation_hash(con, "t", COLUMNS) == digest(t)
    con.close()


def test_an_empty_table_has_a_hash():
    empty = table([])
    assert digest(empty)[0] == 0 and digest(empty) == digest(table([]))


def test_a_row_renders_as_the_documented_json():
    """The text each row is hashed as is part of the published method (the manifest's
    content_hash_method): a change to it would make equal releases differ."""
    edge = pa.table({"id": pa.array([-4], pa.int64()), "name": pa.array(['Pol"and\\ \u00e9\n\t\U0001f600']),
                     "day": pa.array([dt.date(1, 1, 1)], pa.date32()),
                     "tags": pa.array([["x", None]], pa.list_(pa.string())), "flag": pa.array([False])})
    expected = ['[1,"Poland","2024-07-08",["a","b"],true]', '[2,null,null,null,null]',
                '[3,"it\'s \\"quoted\\"","2023-07-11",[],false]',
                '[-4,"Pol\\"and\\\\ \u00e9\\n\\t\U0001f600","0001-01-01",["x",null],false]']
    with duckdb.connect(":memory:") as con:
        con.register("rows", pa.concat_tables([table(ROWS), edge]))
        rendered = [r[0] for r in con.execute(f"SELECT {row_json_sql(COLUMNS)} FROM rows").fetchall()]
    assert rendered == expected
