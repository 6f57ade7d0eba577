"""Writing and publishing a release: write into staging, check, then one rename and a pointer swap.

A release is built in a folder under `releases/.staging/` (a dot folder, which static servers do
not list; `staging.py` names it after its builder), every file is fsynced, re-opened and checked,
and `manifest.json` is written last: a folder is a release only if its manifest exists. Publishing
holds the publish lock (`publish_lock.py`), moves the folder to `releases/<release_id>/` with one
rename, rewrites `index.json`, then replaces `latest.json` (temporary file, fsync, rename), so that
a reader sees the old release or the new one, never half of one. A published folder is never
written to again, and an id is never used twice. Every write goes through `fsio`, where the fault
tests fail each call in turn; `release_recovery.py` finishes or cleans up after a run that died.

Data files carry no timestamps: the same tables give byte-identical Parquet files; wall-clock time
goes in the manifest and the documents generated beside the data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import platform
import secrets
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib import changelog, changes, datapackage, dictionary, fsio, release_index, tables
from pipelines.lib import staging as staging_folders
from pipelines.lib import verify as verify_module
from pipelines.lib.content_hash import METHOD as CONTENT_HASH_METHOD
from pipelines.lib.publish_lock import ProcessRecord, publish_lock
from pipelines.lib.release_db import building_duckdb, check_duckdb
from pipelines.lib.schema_version import current_shape
from pipelines.lib.staging import STAGING
from pipelines.lib.verify import MANIFEST, RELEASE_ID, check_files, sha256_file
from schemas import SCHEMA_VERSION, TABLES

DB_FILE = "guarantees.duckdb"
LATEST = "latest.json"
INDEX = release_index.INDEX
LOCK = ".publish.lock"
CHANGES = "changes.json"
CHANGELOG = "CHANGELOG.md"
DATAPACKAGE = "datapackage.json"
README = "README.md"
VERIFY_SCRIPT = "verify.py"
MANIFEST_VERSION = 2
PUBLISH_LOCK_TIMEOUT_S = 120
# zstd level 3 (zstd's default): at 10,000 documents level 9 writes the ten tables in 2.2 s and
# level 3 in 0.9 s, for files 14% larger (18.7 MB against 16.5 MB); a release is written on every
# run and downloaded far less often. Reading is as fast at either level.
PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True,
                       version="2.6", data_page_version="1.0", row_group_size=100_000)
TOOLS = ("pyarrow", "duckdb", "pandas", "pandera", "dagster")

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """Publishing was refused or failed; the message says whether the release was moved into place."""


@dataclass(frozen=True)
class Release:
    """A release folder (staged or published) and its manifest."""
    release_id: str
    path: Path
    manifest: dict


StagedRelease = Release


def new_release_id(now: dt.datetime, after: str | None = None) -> str:
    """Sortable by time (UTC, to the second) with a random tag, so two builds never collide.

    The id always sorts after `after` (the latest release): when the clock says otherwise (two
    builds in one second, or a clock set back) the time part moves to one second past it.
    """
    now = now.astimezone(dt.timezone.utc).replace(microsecond=0)
    if after:
        floor = dt.datetime.strptime(after[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        now = max(now, floor + dt.timedelta(seconds=1))
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def releases_dir(outputs_dir: Path) -> Path:
    return Path(outputs_dir) / "releases"


def latest_release_id(outputs_dir: Path) -> str | None:
    return pointed_release(releases_dir(outputs_dir))


def pointed_release(root: Path) -> str | None:
    """The release a releases folder's latest.json names; None before the first release."""
    path = Path(root) / LATEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["release_id"]


def open_release(root: Path, release_id: str) -> Release:
    """A published release by id, from a releases folder; a clear error when there is none."""
    if not release_id or "/" in release_id or release_id.startswith("."):
        raise FileNotFoundError(f"{release_id!r} is not a release id")
    folder = Path(root) / release_id
    manifest = verify_module.read_manifest(folder)
    return Release(release_id, folder, manifest)


def latest_release(outputs_dir: Path) -> Release | None:
    release_id = latest_release_id(outputs_dir)
    return open_release(releases_dir(outputs_dir), release_id) if release_id else None


def release_content_hash(schema_version: str, table_hashes: dict[str, str]) -> str:
    """One hash for the whole release's content: the schema version and every table's content hash."""
    payload = json.dumps({"schema_version": schema_version, "tables": table_hashes}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


PageWriter = Callable[[Path, dict], None]


def write_table_file(table: pa.Table, name: str, path: Path, *, durable: bool = False) -> None:
    """One table as the release's Parquet file: rows as given, the table's name and schema version in
    the file's metadata, no timestamp (the same rows give the same bytes)."""
    with fsio.open_write(path, durable=durable) as fh:
        write_table_rows(table, name, fh)


def write_table_rows(table: pa.Table, name: str, sink, order: pa.Array | None = None) -> None:
    """`table` as its release file into `sink`, its rows in `order` (positions) or as given.

    Row group by row group: rows in another order are taken into it one row group at a time, to
    spare a sorted copy of the whole table (at 100,000 documents `sentences` is about 500 MB). With
    pyarrow 26 that saving is lost on a table of many chunks (the cache's tables: one per segment),
    since a take from it concatenates each column first: it then peaks as high as a whole sort
    (measured, `docs/scaling.md`). The bytes are those `pq.write_table` writes for the rows in
    that order (tested)."""
    table = table.replace_schema_metadata({"table": name, "schema_version": SCHEMA_VERSION})
    options = {k: v for k, v in PARQUET_OPTIONS.items() if k != "row_group_size"}
    step = PARQUET_OPTIONS["row_group_size"]
    with pq.ParquetWriter(sink, table.schema, **options) as writer:
        for start in range(0, table.num_rows, step) if table.num_rows else [0]:
            rows = table.slice(start, step) if order is None else table.take(order.slice(start, step))
            writer.write_table(rows, row_group_size=step)


def is_table_file(schema: pa.Schema) -> bool:
    """Whether a Parquet file's schema carries the metadata `write_table_rows` gives a release file."""
    return b"table" in (schema.metadata or {})


def table_file_form() -> str:
    """What makes `write_table_file`'s bytes: the schema version and the Parquet settings it writes,
    and the pyarrow that writes them. A validated table stored by a writer of this same form (the
    IO manager) holds the bytes the release would write, so the audit can publish that file as it is."""
    spec = {"schema_version": SCHEMA_VERSION, "parquet": PARQUET_OPTIONS, "pyarrow": pa.__version__}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def stage_release(table_files: dict[str, Path], outputs_dir: Path, release_id: str, *, created_at: dt.datetime,
                  code_version: str, rows: dict[str, int], table_hashes: dict[str, str], previous: Release | None,
                  pages: PageWriter | None = None) -> Release:
    """Write every file of a release into a fresh staging folder; the manifest is written last.

    `table_files` are the tables as the audit wrote them (`write_table_file`), with their `rows` and
    content hashes: they are copied in, and the DuckDB file is loaded from them, one table at a time.

    `pages(folder, head)` writes pages drawn from the staged files (the HTML report) after the data
    and before the manifest, so the manifest lists and checksums them like any other file.
    Every file goes through `fsio` and is fsynced, then the folder itself, so that the rename in
    `publish` moves a folder whose content is on disk. Any failure removes the folder and raises."""
    staging = staging_folders.create(releases_dir(outputs_dir) / STAGING, release_id)
    try:
        return _write_release_files(table_files, staging, release_id, created_at=created_at, code_version=code_version,
                                    rows=rows, table_hashes=table_hashes, previous=previous, pages=pages)
    except BaseException:
        _discard_quietly(staging)
        raise


def _write_release_files(table_files: dict[str, Path], staging: Path, release_id: str, *, created_at: dt.datetime,
                         code_version: str, rows: dict[str, int], table_hashes: dict[str, str],
                         previous: Release | None, pages: PageWriter | None = None) -> Release:
    """The one place that writes a release's files into its staging folder (data, documents, manifest)."""
    created = created_at.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    table_info = {}
    for name in TABLES:
        path = staging / f"{name}.parquet"
        fsio.copy_file(table_files[name], path, durable=True)
        table_info[name] = {"file": path.name, "rows": rows[name], "content_hash": table_hashes[name],
                            "primary_key": tables.primary_key(name)}
    head = {"release_id": release_id, "created_at": created, "schema_version": SCHEMA_VERSION,
            "code_version": code_version, "previous_release_id": previous.release_id if previous else None}
    # DuckDB loads the tables from the staged files while the files drawn from them are written.
    with building_duckdb({name: staging / info["file"] for name, info in table_info.items()}, staging / DB_FILE):
        _write_changes(staging, head, table_info, previous)
        files = _file_entries(staging, [info["file"] for info in table_info.values()])
        package = datapackage.descriptor(release_id, created, files, {n: i["rows"] for n, i in table_info.items()})
        _write_json(staging / DATAPACKAGE, package)
        fsio.write_text(staging / README, dictionary.render(package, head), durable=True)
        fsio.copy_file(verify_module.__file__, staging / VERIFY_SCRIPT)
        if pages is not None:
            pages(staging, head)
    manifest = head | {
        "manifest_version": MANIFEST_VERSION,
        "content_hash": release_content_hash(SCHEMA_VERSION, table_hashes),
        "content_hash_method": CONTENT_HASH_METHOD,
        "tools": tool_versions(),
        "tables": table_info,
        "schema": current_shape(),
        "files": _file_entries(staging),
    }
    _write_json(staging / MANIFEST, manifest)
    fsio.fsync_dir(staging)
    return Release(release_id, staging, manifest)


def _write_changes(staging: Path, head: dict, table_info: dict, previous: Release | None) -> None:
    new_side = changes.Side(head["release_id"], head["schema_version"],
                            {n: staging / i["file"] for n, i in table_info.items()},
                            {n: i["content_hash"] for n, i in table_info.items()})
    old_side = changes.Side.of(previous.path, previous.manifest) if previous else None
    diff = changes.compute_changes(old_side, new_side)
    _write_json(staging / CHANGES, diff, compact=True)
    old_log = previous.path / CHANGELOG if previous else None
    text = changelog.changelog(changelog.entry(diff, head["created_at"]),
                               old_log.read_text(encoding="utf-8") if old_log and old_log.exists() else None)
    fsio.write_text(staging / CHANGELOG, text, durable=True)


def _file_entries(folder: Path, names: list[str] | None = None) -> dict[str, dict]:
    """Size and sha256 of the named files, or of every file but the manifest."""
    paths = [folder / n for n in names] if names is not None else [
        p for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST]
    return {p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for p in paths}


def verify_staged(staged: Release) -> list[str]:
    """Re-open every written file: the rows of each Parquet file, the rows and content hash of each
    DuckDB table, the views answering, and every file's size and sha256 against the manifest.
    Returns the problems.

    The Parquet files' content is not hashed again: each DuckDB table was loaded from the staged
    file with a plain scan, so a table whose hash equals the validated table's shows that its file
    holds those rows, and the file's sha256 that it is still the bytes that were loaded. Hashing
    the files too read every row a third time (about 1 s at 10,000 documents) and caught nothing
    the DuckDB check does not."""
    columns = {name: tables.columns(name) for name in staged.manifest["tables"]}
    problems = []
    for name, info in staged.manifest["tables"].items():
        footer_rows = pq.ParquetFile(staged.path / info["file"]).metadata.num_rows
        if footer_rows != info["rows"]:
            problems.append(f"{info['file']}: {footer_rows} rows, manifest says {info['rows']}")
    problems += check_duckdb(staged.path / DB_FILE, staged.manifest["tables"], columns)
    problems += check_files(staged.path, staged.manifest)
    return problems


def publish(staged: Release, outputs_dir: Path, *, lock_timeout_s: float = PUBLISH_LOCK_TIMEOUT_S,
            on_wait: Callable[[ProcessRecord | None], None] | None = None) -> Path:
    """Move the staged folder into place with one rename, then rewrite index.json and latest.json.

    Under the publish lock, it refuses (PublishError, nothing changed) when another release was
    published since this one was built, when the id does not sort after the latest, or when a
    staged file no longer matches the manifest; LockHeld, naming the holder, when another run holds
    the lock for `lock_timeout_s`. Whenever nothing was published the staging folder is removed.

    The rename is the commit point. A failure after it (writing index.json or latest.json) raises
    PublishError saying the release is in place; the next run's `release_recovery.recover`
    finishes the pointers, since the folder is complete and verified."""
    root = releases_dir(outputs_dir)
    # Only a folder of our own staging area is ever removed: the path comes from the candidate,
    # which a run stored on disk between its steps.
    ours = Path(staged.path).resolve().parent == (root / STAGING).resolve()
    renamed = False
    try:
        with publish_lock(root / LOCK, lock_timeout_s, on_wait) as previous_holder:
            target = _check_publishable(staged, root, outputs_dir, previous_holder)
            try:
                fsio.rename(staged.path, target)
            except OSError as exc:
                raise PublishError(f"could not move release {staged.release_id} into place: {fsio.os_error_text(exc)}; "
                                   f"nothing was published") from exc
            renamed = True
            try:
                fsio.fsync_dir(root)
                write_pointers(root, staged.release_id)
            except OSError as exc:
                raise PublishError(_after_commit(staged.release_id, exc, latest_release_id(outputs_dir))) from exc
            for line in staging_folders.remove_abandoned(root / STAGING, older_than=staged.release_id):
                log.info(line)
            return target
    finally:
        if ours and not renamed:
            _discard_quietly(staged.path)


def _check_publishable(staged: Release, root: Path, outputs_dir: Path, previous_holder) -> Path:
    """The folder the staged release will be renamed to; PublishError when it must not be published."""
    if not RELEASE_ID.fullmatch(staged.release_id or ""):
        raise PublishError(f"{staged.release_id!r} is not a release id; nothing was published")
    if Path(staged.path).resolve().parent != (root / STAGING).resolve():
        raise PublishError(f"{staged.path} is not a staging folder of {root}; nothing was published")
    latest = latest_release_id(outputs_dir)
    previous = staged.manifest.get("previous_release_id")
    if latest != previous:
        by = f" (the publish lock's last holder: {previous_holder.describe()})" if previous_holder else ""
        raise PublishError(f"release {latest} was published after {staged.release_id} was built on {previous}{by}; "
                           f"nothing was published, run again")
    if latest and staged.release_id <= latest:
        raise PublishError(f"release id {staged.release_id} does not sort after the latest release {latest}")
    target = root / staged.release_id
    if target.exists():
        raise PublishError(f"release {staged.release_id} already exists; a published release is never replaced")
    problems = check_files(staged.path, staged.manifest)
    if problems:
        raise PublishError(f"staged release {staged.release_id} changed after its audit: {problems[0]}")
    return target


def _after_commit(release_id: str, exc: OSError, latest: str | None) -> str:
    """The error line for a failure after the rename: what a reader sees now, and what happens next."""
    if latest == release_id:
        return (f"release {release_id} is published and latest.json names it, but syncing the releases folder "
                f"failed: {fsio.os_error_text(exc)}")
    return (f"release {release_id} was moved into place, but the pointers could not be written: "
            f"{fsio.os_error_text(exc)}; latest.json still names {latest}; the next run finishes the publish")


def write_pointers(root: Path, release_id: str) -> None:
    """index.json (every release), then latest.json (the one to read): each replaced atomically, durably."""
    _write_json(root / INDEX, release_index.build_index(root, release_id), atomic=True)
    _write_json(root / LATEST, pointer(root, release_id), atomic=True)


def _discard_quietly(folder: Path) -> None:
    problem = staging_folders.try_discard(folder)
    if problem:
        log.warning(problem)


def json_text(data: dict, *, compact: bool = False) -> str:
    """The release's JSON form: indented (or compact), UTF-8 as is, one trailing newline."""
    return json.dumps(data, indent=None if compact else 2, separators=(",", ":") if compact else None,
                      ensure_ascii=False, default=str) + "\n"


def pointer(root: Path, release_id: str) -> dict:
    """latest.json's content: the release to read and its manifest's sha256 (the chain of trust's start)."""
    return {"release_id": release_id, "manifest_sha256": sha256_file(root / release_id / MANIFEST)}


def _write_json(path: Path, data: dict, *, atomic: bool = False, compact: bool = False) -> None:
    """JSON text, one trailing newline, fsynced. Inside a staging folder a plain write: the folder
    becomes visible only by its rename. A public file (`atomic`): temporary file, fsync, rename."""
    text = json_text(data, compact=compact)
    if atomic:
        fsio.write_atomic(path, text)
    else:
        fsio.write_text(path, text, durable=True)
