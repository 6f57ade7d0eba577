"""Paths and SQL from data: nothing taken from a document, a sidecar or a manifest writes outside its
folder; SQL text holds identifiers and code, never row values; the DuckDB file opens read-only.

(The seeds-side cases, adversarial file names, sidecar values and links, run with the other bad
inputs in test_bad_inputs.py: that run must write nothing outside its outputs folder.)
"""
from __future__ import annotations

import ast
import hashlib
import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main as cli
from pipelines.lib import changes
from pipelines.lib.release import PublishError, Release, publish
from pipelines.lib.release_build import check_frames
from pipelines.lib.verify import ManifestError, read_manifest
from tests.conftest import REPO
from tests.faults import invariants as inv
from tests.faults.conftest import BASE_TIME, copy_base
from tests.faults.frames import load_frames
from tests.faults.sweep_driver import attempt
from tests.releases.test_download import http_server_thread

# Names interpolated into SQL text, and why none of them is data. Anything else in an f-string
# passed to execute() must be quote_ident(...) (an identifier), sql_literal(...) (code-owned text
# or a path of our own folders, where DuckDB takes no parameter) or int(...); row values are bound.
# This reads the execute() calls only; the fragments themselves are exercised by the tests below
# (a quote in a column name) and by every release build.
SQL_FRAGMENTS = {
    "pipelines/lib/changes.py": {
        "schema": "'old' or 'new', constants of compute_changes",
        "other": "'old' or 'new'",
        "keys": "primary-key columns, each through quote_ident",
        "row_hash": "hash() over columns, each through quote_ident",
        "picked": "coalesce() over key columns, each through quote_ident",
        "joined": "join condition over key columns, each through quote_ident",
        "on_old": "join condition over key columns, each through quote_ident",
        "on_new": "join condition over key columns, each through quote_ident",
        "flags": "CASE per column, names through quote_ident and sql_literal",
    },
    "pipelines/lib/content_hash.py": {
        "_LOW_64": "an integer constant",
        "row_json_sql(columns)": "json_array() over columns, each through quote_ident",
        "relation": "a table expression from the callers: quote_ident(name), 'arrow_rows' or 'read_parquet(?)'",
    },
    "pipelines/lib/report.py": {
        "TIMELINE.sql": "the SQL of pipelines/lib/views.py, code",
    },
    "pipelines/lib/frame_sql.py": {
        "ROW": "the constant '_row', a column the module adds",
        "sql": "a query of the module's own builders (identifiers through quote_ident)",
    },
    "pipelines/lib/release_db.py": {
        "DUCKDB_STORAGE_VERSION": "a constant of the module",
        "kind": "'TABLE' or 'VIEW'",
        "view.sql": "the SQL of pipelines/lib/views.py, code",
        "columns": "column definitions: names through quote_ident, types as DuckDB's DESCRIBE names them "
                   "for a file the release wrote, and the constant 'USING COMPRESSION zstd'",
    },
}
QUOTING = ("quote_ident", "sql_literal", "int")


def test_sql_text_interpolates_identifiers_and_code_only():
    unexplained = []
    for path in sorted((REPO / "pipelines").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("execute", "executemany", "sql", "query") and node.args):
                continue
            sql = node.args[0]
            if isinstance(sql, ast.BinOp) or (isinstance(sql, ast.Call) and getattr(sql.func, "attr", "") == "format"):
                unexplained.append(f"{rel}:{node.lineno}: SQL built with % or .format()")
            for part in (v.value for v in getattr(sql, "values", []) if isinstance(v, ast.FormattedValue)):
                text = ast.unparse(part)
                quoted = isinstance(part, ast.Call) and getattr(part.func, "id", None) in QUOTING
                joined_quoted = text.startswith("', '.join(") and "quote_ident(" in text
                if not (quoted or joined_quoted or text in SQL_FRAGMENTS.get(rel, {})):
                    unexplained.append(f"{rel}:{node.lineno}: {{{text}}}")
    assert unexplained == [], "bind values as parameters, or quote identifiers:\n" + "\n".join(unexplained)


def test_a_column_name_with_a_quote_does_not_break_the_changes(fault_frames, tmp_path):
    """Column names reach SQL text (as identifiers and as labels); a quote in one must stay a quote."""
    people = pa.Table.from_pandas(load_frames(fault_frames[0])["people"], preserve_index=False)
    old = people.append_column("it's", pa.array(["a"] * people.num_rows))
    new = people.append_column("it's", pa.array(["b"] + ["a"] * (people.num_rows - 1)))
    for name, table in (("old", old), ("new", new)):
        pq.write_table(table, tmp_path / f"{name}.parquet")
    result = changes.compute_changes(changes.Side("A", "1.0.0", {"people": tmp_path / "old.parquet"}, {}),
                                     changes.Side("B", "1.0.0", {"people": tmp_path / "new.parquet"}, {}))
    assert result["tables"]["people"]["changed"] == 1
    assert result["tables"]["people"]["changed_keys"][0]["columns"] == ["it's"]


def test_publish_refuses_a_folder_outside_staging_and_leaves_it_alone(base_outputs, tmp_path):
    outputs = copy_base(base_outputs, tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    manifest = read_manifest(inv.releases(outputs) / inv.published_ids(outputs)[0])
    for release_id, path in (("20300101T000000Z-abcdef", victim), ("../../victim", victim)):
        with pytest.raises(PublishError, match="nothing was published"):
            publish(Release(release_id, path, manifest | {"previous_release_id": inv.latest_id(outputs)}), outputs)
        assert (victim / "precious.txt").read_text() == "keep me"
    assert inv.public_problems(outputs) == []


def test_a_manifest_naming_a_table_file_outside_its_folder_is_refused(base_outputs, tmp_path):
    outputs = copy_base(base_outputs, tmp_path)
    folder = inv.releases(outputs) / inv.published_ids(outputs)[0]
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["tables"]["people"]["file"] = "../../../secret.parquet"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ManifestError, match="table 'people' names file '../../../secret.parquet'"):
        read_manifest(folder)


def test_a_latest_pointer_holding_a_path_is_refused_and_nothing_is_written_outside(fault_frames, base_outputs,
                                                                                    tmp_path, tmp_path_factory, capsys):
    outputs = copy_base(base_outputs, tmp_path)
    (inv.releases(outputs) / "latest.json").write_text('{"release_id": "../../escaped"}')
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if outputs not in p.parents)
    checked = check_frames(load_frames(fault_frames[1]), tmp_path_factory.mktemp("checked"))
    assert attempt(outputs, checked, BASE_TIME) == 1
    assert "'../../escaped' is not a release id" in capsys.readouterr().err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if outputs not in p.parents) == before


def test_readers_open_the_database_read_only(fault_frames, base_outputs, tmp_path, tmp_path_factory, monkeypatch,
                                             capsys):
    """The CLI and the download never open a release's DuckDB file for writing, and the file itself
    refuses writes when opened read-only, as the README tells readers to open it."""
    outputs = copy_base(base_outputs, tmp_path)
    checked = check_frames(load_frames(fault_frames[1]), tmp_path_factory.mktemp("checked"))
    assert attempt(outputs, checked, BASE_TIME.replace(hour=12)) == 0
    root = inv.releases(outputs)
    first, second = inv.published_ids(outputs)
    db = root / second / "guarantees.duckdb"
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    opened = []
    real_connect = duckdb.connect

    def recording(database=":memory:", read_only=False, *args, **kwargs):
        opened.append((str(database), read_only))
        return real_connect(database, read_only, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", recording)
    for argv in (["list"], ["show", "latest"], ["verify", "--all"], ["diff", first, second]):
        assert cli(["releases", *argv, "--releases-dir", str(root)]) == 0, argv
    with http_server_thread(root) as url:
        assert cli(["releases", "download", "--base-url", url, "--dest", str(tmp_path / "dest")]) == 0
    capsys.readouterr()
    assert [(path, ro) for path, ro in opened if path.endswith(".duckdb") and not ro] == []
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    con = real_connect(str(tmp_path / "dest" / second / "guarantees.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM commitments").fetchone()[0] > 0
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM commitments")
    finally:
        con.close()
