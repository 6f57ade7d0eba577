"""The release's DuckDB file is built in a thread while the rest of the release is written: the
file appears only whole, and an error on either side is raised without leaving the build running."""
from __future__ import annotations

import threading

import duckdb
import pytest

from pipelines.lib.release_db import building_duckdb
from schemas import TABLES


def _table_files(release):
    return {name: release / f"{name}.parquet" for name in TABLES}


def _builds_running() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("duckdb-build")]


def test_the_file_is_built_during_the_block_and_in_place_after_it(seed_release, tmp_path):
    path = tmp_path / "guarantees.duckdb"
    with building_duckdb(_table_files(seed_release), path):
        assert not path.exists()  # only the temporary file, until the block ends
    assert not (tmp_path / "guarantees.duckdb.tmp").exists() and _builds_running() == []
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM commitments").fetchone()[0] == 38


def test_an_error_in_the_block_waits_for_the_build_and_propagates(seed_release, tmp_path):
    path = tmp_path / "guarantees.duckdb"
    with pytest.raises(OSError, match="disk full in the block"):
        with building_duckdb(_table_files(seed_release), path):
            raise OSError("disk full in the block")
    assert _builds_running() == [] and not path.exists()


def test_an_error_of_the_build_is_raised_after_the_block_naming_the_file(seed_release, tmp_path):
    files = dict(_table_files(seed_release), people=tmp_path / "missing.parquet")
    path = tmp_path / "guarantees.duckdb"
    ran = []
    with pytest.raises(OSError, match="DuckDB could not write the database") as caught:
        with building_duckdb(files, path):
            ran.append(True)
    assert ran == [True] and caught.value.filename.endswith("guarantees.duckdb.tmp")
    assert _builds_running() == [] and not path.exists()


def test_running_text_is_stored_with_zstd_and_every_other_column_as_duckdb_chooses(seed_release, tmp_path):
    """The columns the schema marks as prose (documents.text, sentences.text, commitments.evidence)
    are most of the file's bytes; the column types and rows are those of the Parquet files."""
    path = tmp_path / "guarantees.duckdb"
    with building_duckdb(_table_files(seed_release), path):
        pass
    with duckdb.connect(str(path), read_only=True) as con:
        methods = {}
        for name in TABLES:
            for column, compression in con.execute(
                    f"SELECT column_name, compression FROM pragma_storage_info('{name}') "
                    "WHERE segment_type = 'VARCHAR'").fetchall():
                methods.setdefault((name, column), set()).add(compression)
            parquet = con.execute("DESCRIBE SELECT * FROM read_parquet(?)",
                                  [str(seed_release / f"{name}.parquet")]).fetchall()
            assert [row[:2] for row in con.execute(f"DESCRIBE {name}").fetchall()] == [row[:2] for row in parquet]
            in_file = con.execute("SELECT count(*) FROM read_parquet(?)",
                                  [str(seed_release / f"{name}.parquet")]).fetchone()
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == in_file
    prose = {("documents", "text"), ("sentences", "text"), ("commitments", "evidence")}
    assert all(methods[column] - {"Constant"} == {"ZSTD"} for column in prose)
    assert not any("ZSTD" in found for column, found in methods.items() if column not in prose)
