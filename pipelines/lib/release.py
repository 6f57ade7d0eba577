"""Writing a release: Parquet files, a DuckDB database and a manifest, published atomically.

A release is built in `releases/.staging/<release_id>/`, checked, and moved into
`releases/<release_id>/` with one rename, so that a reader never sees half a release; only then
does `releases/latest.json` move, by writing a temporary file and renaming it over the old one.
A published folder is never written to again. Data files carry no timestamps: the same tables
give byte-identical Parquet files, and wall-clock time goes in the manifest only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas import SCHEMA_VERSION, TABLES

DB_FILE = "guarantees.duckdb"
MANIFEST = "manifest.json"
LATEST = "latest.json"
STAGING = ".staging"
# Files written by DuckDB >= 1.2 that DuckDB 1.x readers can open.
DUCKDB_STORAGE_VERSION = "v1.2.0"
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True,
                       version="2.6", data_page_version="1.0", row_group_size=100_000)


@dataclass(frozen=True)
class StagedRelease:
    release_id: str
    path: Path
    manifest: dict


def new_release_id(now: dt.datetime) -> str:
    """Sortable by time (UTC, to the second) with a random tag, so two builds never collide."""
    return f"{now.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def releases_dir(outputs_dir: Path) -> Path:
    return outputs_dir / "releases"


def latest_release_id(outputs_dir: Path) -> str | None:
    path = releases_dir(outputs_dir) / LATEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["release_id"]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_hash(table: pa.Table) -> str:
    """Hash of the table's rows (already in primary-key order) independent of the Parquet encoding."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema.remove_metadata()) as writer:
        for batch in table.to_batches(max_chunksize=65_536):
            writer.write_batch(batch)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def stage_release(tables: dict[str, pa.Table], outputs_dir: Path, release_id: str, *, created_at: dt.datetime,
                  code_version: str) -> StagedRelease:
    """Write every file of a release into a fresh staging folder; the manifest is written last."""
    staging = releases_dir(outputs_dir) / STAGING / release_id
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    table_info = {}
    for name in TABLES:
        table = tables[name]
        path = staging / f"{name}.parquet"
        pq.write_table(table.replace_schema_metadata({"table": name, "schema_version": SCHEMA_VERSION}),
                       path, **PARQUET_OPTIONS)
        table_info[name] = {"file": path.name, "rows": table.num_rows, "content_sha256": content_hash(table)}
    write_duckdb(tables, staging / DB_FILE)
    manifest = {
        "release_id": release_id,
        "created_at": created_at.astimezone(dt.timezone.utc).isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "code_version": code_version,
        "previous_release_id": latest_release_id(outputs_dir),
        "tables": table_info,
        "files": {p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                  for p in sorted(staging.iterdir()) if p.name != MANIFEST},
    }
    _write_json_durably(staging / MANIFEST, manifest)
    return StagedRelease(release_id, staging, manifest)


def write_duckdb(tables: dict[str, pa.Table], path: Path) -> None:
    """One DuckDB file with every table and its column comments, built aside and renamed."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_sql_literal(str(tmp))} AS rel (STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}')")
        for name, model in TABLES.items():
            con.register("incoming", tables[name])
            con.execute(f'CREATE TABLE rel."{name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
            schema = model.to_schema()
            con.execute(f'COMMENT ON TABLE rel."{name}" IS {_sql_literal(schema.description or "")}')
            for column, spec in schema.columns.items():
                con.execute(f'COMMENT ON COLUMN rel."{name}"."{column}" IS {_sql_literal(spec.description or "")}')
        con.execute("DETACH rel")
    finally:
        con.close()
    os.replace(tmp, path)


def _sql_literal(text: str) -> str:
    """A SQL string literal; DDL such as COMMENT ON takes no bound parameters."""
    return "'" + text.replace("'", "''") + "'"


def publish(staged: StagedRelease, outputs_dir: Path) -> Path:
    """Move the staged folder into place with one rename, then point latest.json at it."""
    target = releases_dir(outputs_dir) / staged.release_id
    if target.exists():
        raise FileExistsError(f"release {staged.release_id} already exists; a published release is never replaced")
    os.rename(staged.path, target)
    _fsync_dir(target.parent)
    _write_json_durably(releases_dir(outputs_dir) / LATEST, {"release_id": staged.release_id})
    return target


def _write_json_durably(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify_staged(staged: StagedRelease) -> list[str]:
    """Re-open every written file and re-count its rows against the manifest; return the problems."""
    problems = []
    for name, info in staged.manifest["tables"].items():
        rows = pq.ParquetFile(staged.path / info["file"]).metadata.num_rows
        if rows != info["rows"]:
            problems.append(f"{info['file']}: {rows} rows, manifest says {info['rows']}")
    con = duckdb.connect(str(staged.path / DB_FILE), read_only=True)
    try:
        for name, info in staged.manifest["tables"].items():
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            if rows != info["rows"]:
                problems.append(f"{DB_FILE} table {name}: {rows} rows, manifest says {info['rows']}")
    finally:
        con.close()
    for file, info in staged.manifest["files"].items():
        if sha256_file(staged.path / file) != info["sha256"]:
            problems.append(f"{file}: sha256 differs from the manifest")
    return problems
