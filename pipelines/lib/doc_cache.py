"""A cache of extracted rows per document, so that a run extracts only new or changed documents.

Extraction is a pure function of a document (bytes, path, sidecar) and of the extractor's code, so
its rows can be kept and reused as long as both are unchanged. Layout, under `<outputs>/cache/extract/`:

    .lock                                  one process at a time reads or writes the cache
    <extractor version>/index.parquet      one row per cached document: fingerprint, doc_id, segment
    <extractor version>/segments/<id>/<table>.parquet   rows of every extracted table

A *segment* holds the rows of the documents extracted together (one run's new documents, written
batch by batch as row groups), so that a run writes O(new documents) and reads a handful of files
whatever the corpus size. Per-document files would mean hundreds of thousands of small files, and
a Dagster partition per document fails near 36,000 partitions on SQLite.

The cache keeps the documents of the latest corpus only: entries of documents that left it are
evicted at commit, and segments are compacted so that there are at most `MAX_SEGMENTS` of them and
none is more than half dead. A new extractor version starts a new folder and removes the others.
Every step that changes files writes new files first and replaces the index last (one rename, or
one object written in place on an object store), so an interrupted run leaves a valid, if
smaller, cache.

The index also keeps each segment's *verdict*: the checks version (`fingerprint.checks_version`:
the pandera models and the per-document links between tables, `audit.document_links`) under which
every row of the segment that a read can return passed, recorded by the extraction step once the
tables it read passed (`record_verdict`). A later run validates and checks the links of only the
rows of segments without one (`unverified`), so one new document among many is checked alone.
Rows a read cannot return are those of documents evicted from the index, which are never read
again (a document that comes back is extracted into a new segment). A merged segment keeps the
verdict its parts shared.

The index also keeps each segment's content-hash *sums* per table (`content_hash.Sums`, which add
up over disjoint sets of rows): computed as a segment is written, or the first time a segment
written before them is read whole. A read of whole segments then gives the table's content hash
(`content_hash`) without hashing its rows again, so a run that adds one document hashes one
document's rows; the release audit takes that hash from the stored table's verdict, and the
DuckDB file's own hash, computed from the published file, must equal it before anything is
published.

A cache can take in the rows another cache of the same extractor version holds (`adopt`): the
publishing run's cache adopts those that document batches extracted into caches of their own on
other machines (`batches.py`).

The root may be any fsspec URL (`storage.location`): workers on several machines can share a cache
on an object store. The file lock then holds only for processes of one machine; a deployment that
extracts into a shared cache runs one extraction at a time (docs/scaling.md).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock

from pipelines.lib import content_hash
from pipelines.lib.content_hash import Sums
from pipelines.lib.storage import Location, is_local, parquet_writer, read_parquet, remove_tree, write_parquet

MAX_SEGMENTS = 8
INDEX_FILE = "index.parquet"  # in the extractor version's folder: which document is in which segment
LOCK_TIMEOUT_S = 3600
_INDEX_SCHEMA = pa.schema([("fingerprint", pa.string()), ("doc_id", pa.string()), ("segment", pa.string())])
_WRITE_OPTIONS = dict(compression="zstd", compression_level=1)


@dataclass
class Entry:
    doc_id: str
    segment: str


@dataclass(frozen=True)
class ReadPlan:
    """Which rows of which segment make up a list of documents (`DocCache.plan`)."""
    segments: list[tuple[str, pa.Array | None]]  # (segment, the doc_ids to keep or None for all)
    order: pa.Array  # doc_ids in the order the rows are returned

    def digest(self) -> str:
        """Names exactly which rows a read of this plan returns, in which order (segments, the
        documents kept of each, the order): equal digests, equal tables, as segments never change."""
        h = hashlib.sha256()
        for segment, keep in self.segments:
            h.update(f"{segment}\0{'' if keep is None else chr(1).join(keep.to_pylist())}\0".encode())
        h.update("\1".join(self.order.to_pylist()).encode())
        return h.hexdigest()


@dataclass
class CommitStats:
    segments: int = 0
    evicted: int = 0
    merged_segments: int = 0
    removed_versions: list[str] = field(default_factory=list)


class SegmentWriter:
    """Appends batches of extracted tables to one new segment; nothing is visible before commit."""

    def __init__(self, folder: Location, schemas: dict[str, pa.Schema]):
        self.folder = folder
        self.schemas = schemas
        self.entries: dict[str, str] = {}  # fingerprint -> doc_id
        self.sums: dict[str, Sums] = {}  # table -> content-hash sums of the rows written
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._con = None  # DuckDB, for the sums

    @property
    def segment_id(self) -> str:
        return self.folder.name

    def append(self, fingerprints: list[str], doc_ids: list[str], tables: dict[str, pa.Table]) -> None:
        self.append_each(fingerprints, doc_ids, tables.__getitem__)

    def append_each(self, fingerprints: list[str], doc_ids: list[str], table_of: Callable[[str], pa.Table],
                    known_sums: Callable[[str], Sums | None] = lambda name: None) -> None:
        """`append` for tables made one at a time by `table_of(name)`, each dropped once written;
        `known_sums(name)`, when not None, are the content-hash sums of that table's rows (a merge
        of whole segments knows them), which are then not hashed again."""
        if not fingerprints:
            return
        if not self._writers:
            self.folder.mkdir(parents=True)
            self._writers = {name: parquet_writer(self.folder / f"{name}.parquet", schema, **_WRITE_OPTIONS)
                             for name, schema in self.schemas.items()}
            self._con = duckdb.connect(":memory:")
            self._con.execute("SET threads = 1")  # beside the extraction workers, which have the cores
        for name, writer in self._writers.items():
            table = table_of(name).cast(self.schemas[name])
            writer.write_table(table)
            sums = known_sums(name)
            if sums is None:
                sums = content_hash.arrow_sums(self._con, table, self.schemas[name].names)
            self.sums[name] = content_hash.add([self.sums.get(name, (0, 0, 0)), sums])
        self.entries.update(zip(fingerprints, doc_ids))

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
        if self._con is not None:
            self._con.close()
            self._con = None


class DocCache:
    """Open with `DocCache.open(root, version, schemas)`; every method runs under the cache lock."""

    def __init__(self, root: Location, version: str, schemas: dict[str, pa.Schema]):
        self.root = root
        self.version = version
        self.schemas = schemas
        self.folder = root / version
        self.index: dict[str, Entry] = {}
        self.segment_sizes: dict[str, int] = {}  # documents written into each segment
        self.verdicts: dict[str, str] = {}  # segment -> validator version its rows passed under
        self.sums: dict[str, dict[str, Sums]] = {}  # segment -> table -> content-hash sums of its rows
        self._sums_changed = False
        self._lock = FileLock(str(root / ".lock"), timeout=LOCK_TIMEOUT_S) if is_local(root) else contextlib.nullcontext()

    @classmethod
    def open(cls, root: Location, version: str, schemas: dict[str, pa.Schema]) -> "DocCache":
        root.mkdir(parents=True, exist_ok=True)
        return cls(root, version, schemas)

    def __enter__(self) -> "DocCache":
        self._lock.__enter__()
        self._load_index()
        return self

    def __exit__(self, *exc) -> None:
        self._lock.__exit__(*exc)

    # -- reading -------------------------------------------------------------------------------

    def _load_index(self) -> None:
        path = self.folder / INDEX_FILE
        if not path.exists():
            return
        table = read_parquet(path)
        meta = json.loads((table.schema.metadata or {}).get(b"segments", b"{}"))
        cols = table.to_pydict()
        self.index = {fp: Entry(d, s) for fp, d, s in zip(cols["fingerprint"], cols["doc_id"], cols["segment"])}
        self.segment_sizes = {s: int(n) for s, n in meta.items()}
        verdicts = json.loads((table.schema.metadata or {}).get(b"verdicts", b"{}"))
        self.verdicts = {s: str(v) for s, v in verdicts.items() if s in self.segment_sizes}
        sums = json.loads((table.schema.metadata or {}).get(b"sums", b"{}"))
        self.sums = {s: {name: tuple(int(v) for v in values) for name, values in per_table.items()}
                     for s, per_table in sums.items() if s in self.segment_sizes}

    def hits(self, fingerprints: Iterable[str]) -> set[str]:
        return {fp for fp in fingerprints if fp in self.index}

    def plan(self, fingerprints: list[str]) -> ReadPlan:
        """Where the rows of these documents (all cached) are, and their order: the same for every
        table, so worked out once per read of the corpus."""
        wanted: dict[str, list[str]] = {}
        for fp in fingerprints:
            entry = self.index[fp]
            wanted.setdefault(entry.segment, []).append(entry.doc_id)
        # Segments in the order their first document comes in (`wanted` keeps it): each segment
        # holds its documents in the corpus's order, so a corpus that grows at its end is read in
        # order and `_in_order` has nothing to move.
        segments = [(segment, _keep(wanted[segment]) if len(wanted[segment]) < self.segment_sizes[segment] else None)
                    for segment in wanted]
        return ReadPlan(segments, pa.array([self.index[fp].doc_id for fp in fingerprints], pa.string()))

    def unverified(self, plan: ReadPlan, validator: str) -> ReadPlan:
        """The part of `plan` in segments without a verdict under `validator`: the rows to check."""
        return ReadPlan([(s, keep) for s, keep in plan.segments if self.verdicts.get(s) != validator], plan.order)

    def documents(self, plan: ReadPlan) -> int:
        """How many documents a read of `plan` returns the rows of."""
        return sum(self.segment_sizes[s] if keep is None else len(keep) for s, keep in plan.segments)

    def read_table(self, name: str, plan: ReadPlan, columns: list[str] | None = None) -> pa.Table:
        """One table's rows for the planned documents, in their order; only `columns` (which must
        include doc_id) when given. One table at a time: a caller that drops each before reading
        the next holds one table, not all of them. A segment read whole that has no sums for the
        table yet (written before they were kept) gets them."""
        parts = [self._read_segment_table(segment, name, keep, columns) for segment, keep in plan.segments]
        if columns is not None:
            schema = self.schemas[name]
            return _in_order(_concat(parts, pa.schema([schema.field(c) for c in columns])), plan.order)
        missing = [(segment, part) for (segment, keep), part in zip(plan.segments, parts)
                   if keep is None and name not in self.sums.get(segment, {})]
        if missing:
            with duckdb.connect(":memory:") as con:
                for segment, part in missing:
                    self.sums.setdefault(segment, {})[name] = content_hash.arrow_sums(con, part, self.schemas[name].names)
            self._sums_changed = True
        return _in_order(_concat(parts, self.schemas[name]), plan.order)

    def content_hash(self, name: str, plan: ReadPlan) -> str | None:
        """The content hash of `read_table(name, plan)`'s rows from the segments' sums, without
        reading them; None when a segment is read in part (its sums cover rows the plan leaves
        out) or has no sums for the table yet (`read_table` adds them)."""
        parts = []
        for segment, keep in plan.segments:
            sums = self.sums.get(segment, {}).get(name)
            if keep is not None or sums is None:
                return None
            parts.append(sums)
        return content_hash.digest(self.schemas[name].names, content_hash.add(parts))

    def _read_segment_table(self, segment: str, name: str, keep: pa.Array | None,
                            columns: list[str] | None = None) -> pa.Table:
        """One table of a segment; only the rows whose doc_id is in `keep` unless it is None."""
        table = read_parquet(self.folder / "segments" / segment / f"{name}.parquet", columns=columns)
        return table if keep is None else table.filter(pc.is_in(table["doc_id"], value_set=keep))

    # -- writing -------------------------------------------------------------------------------

    def adopt(self, other_root: Location, wanted: set[str]) -> int:
        """Take in the rows that another cache of this extractor version (a document batch's,
        `batches.py`) holds for the `wanted` documents this one lacks; the number taken. The
        other cache's index is walked (a batch's few hundred documents), not `wanted` (the corpus).

        Their segments are copied whole, with their sums and verdicts, and the documents indexed
        here; `commit` then writes the index (and compacts a segment only partly taken). All the
        segments are copied before any is indexed, so a failure (the batch's own run removing a
        segment it compacted, a lost connection) takes nothing and leaves no copy behind; the
        documents are then extracted here. The other cache is read without its lock, which may
        not exist on an object store: its index is replaced last, after the segments it names."""
        other = DocCache(other_root, self.version, self.schemas)
        other._load_index()
        take = {fp: entry for fp, entry in other.index.items() if fp in wanted and fp not in self.index}
        new = sorted({entry.segment for entry in take.values()} - set(self.segment_sizes))
        copied = []
        try:
            for segment in new:
                target = self.folder / "segments" / segment
                copied.append(target)
                _copy_segment(other.folder / "segments" / segment, target, self.schemas)
        except BaseException:
            for target in copied:
                remove_tree(target)
            raise
        for segment in new:
            self.segment_sizes[segment] = other.segment_sizes[segment]
            if segment in other.sums:
                self.sums[segment] = other.sums[segment]
            if segment in other.verdicts:
                self.verdicts[segment] = other.verdicts[segment]
        self.index.update(take)
        return len(take)

    def new_segment(self) -> SegmentWriter:
        segment = f"{time.time_ns():020d}-{secrets.token_hex(3)}"
        return SegmentWriter(self.folder / "segments" / segment, self.schemas)

    def commit(self, live: list[str], written: SegmentWriter | None = None) -> CommitStats:
        """Keep exactly the `live` documents (cached before or just written), then compact."""
        if written is not None and written.entries:
            for fp, doc_id in written.entries.items():
                self.index[fp] = Entry(doc_id, written.segment_id)
            self.segment_sizes[written.segment_id] = len(written.entries)
            self.sums[written.segment_id] = dict(written.sums)
        live_set = set(live)
        missing = live_set - self.index.keys()
        if missing:
            raise KeyError(f"{len(missing)} live document(s) are neither cached nor written, e.g. {min(missing)}")
        stats = CommitStats(evicted=len(self.index) - len(live_set))
        self.index = {fp: e for fp, e in self.index.items() if fp in live_set}
        stats.merged_segments = self._compact(live_order=live)
        self._write_index()
        self._remove_unreferenced()
        stats.removed_versions = self._remove_other_versions()
        stats.segments = len(self.segment_sizes)
        return stats

    def record_verdict(self, plan: ReadPlan, validator: str) -> None:
        """Every table's rows of the planned documents passed the models of `validator`: say so
        for their segments. `plan` must cover every document in the index (as the corpus's plan
        does after `commit`), so that these are all the rows of those segments a read can return."""
        changed = {s for s, _ in plan.segments if self.verdicts.get(s) != validator}
        if changed or self._sums_changed:  # the sums of segments read whole for the first time, too
            self.verdicts.update(dict.fromkeys(changed, validator))
            self._write_index()

    def _live_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in self.segment_sizes}
        for entry in self.index.values():
            counts[entry.segment] += 1
        return counts

    def _compact(self, live_order: list[str]) -> int:
        """Drop empty segments; merge the mostly dead ones and, beyond MAX_SEGMENTS, the run of
        neighbouring segments (in the corpus's order) with the fewest documents.

        A merged segment holds its documents in `live_order` (the corpus's order), not segment by
        segment: a corpus that grows at its end then reads back in its order after a merge too,
        and `_in_order` returns the rows without the copy that reordering them costs (0.4-0.6 s
        at 10,000 documents, every run after the first merge)."""
        live = self._live_counts()
        for segment in [s for s, n in live.items() if n == 0]:
            del self.segment_sizes[segment], live[segment]
        merge = {s for s, n in live.items() if 2 * n < self.segment_sizes[s]}
        excess = len(live) - MAX_SEGMENTS
        if excess > 0:  # the neighbours (in the corpus's order) with the fewest documents together
            merge.update(_smallest_run(self._in_corpus_order(live_order), live, excess + 1))
        if not merge:
            return 0
        members = list(dict.fromkeys(fp for fp in live_order if self.index[fp].segment in merge))
        doc_ids = [self.index[fp].doc_id for fp in members]
        by_segment: dict[str, list[str]] = {}  # in the order their first document comes in, as `plan` reads them
        for fp, doc_id in zip(members, doc_ids):
            by_segment.setdefault(self.index[fp].segment, []).append(doc_id)
        # A segment whose every document is live is read whole (no filter), and when every merged
        # segment is, the merge's sums are theirs added up: its rows are not hashed again (the
        # 1,792 files of 256 adopted document batches: about 0.8 s at 10,000 documents).
        whole = {segment for segment, ids in by_segment.items() if len(ids) == self.segment_sizes[segment]}
        keep = {segment: None if segment in whole else _keep(ids) for segment, ids in by_segment.items()}
        order = _keep(doc_ids)

        def merged(name: str) -> pa.Table:  # one table at a time: the merge holds one table of its segments
            parts = list(readers.map(lambda item: self._read_segment_table(item[0], name, item[1]), keep.items()))
            return _in_order(_concat(parts, self.schemas[name]), order)

        def known_sums(name: str) -> Sums | None:
            parts = [self.sums.get(segment, {}).get(name) for segment in keep]
            return content_hash.add(parts) if len(whole) == len(keep) and None not in parts else None

        # Two readers: decoding is Arrow's, outside the GIL, and a merge of the 256 segments of
        # adopted document batches reads 1,792 small files (its commit 2.5-2.7 -> 1.9-2.2 s).
        writer = self.new_segment()
        try:
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="segment-reader") as readers:
                writer.append_each(members, doc_ids, merged, known_sums)
        finally:
            writer.close()
        for fp, doc_id in writer.entries.items():
            self.index[fp] = Entry(doc_id, writer.segment_id)
        shared = {self.verdicts.get(s) for s in merge}
        for segment in merge:
            del self.segment_sizes[segment]
            self.verdicts.pop(segment, None)
            self.sums.pop(segment, None)
        self.segment_sizes[writer.segment_id] = len(writer.entries)
        self.sums[writer.segment_id] = dict(writer.sums)
        if len(shared) == 1 and None not in shared:  # every row of the merged segment passed under it
            self.verdicts[writer.segment_id] = shared.pop()
        return len(merge)

    def _in_corpus_order(self, live_order: list[str]) -> list[str]:
        """Segments in the order their first document comes in `live_order` (as `plan` reads them)."""
        return list(dict.fromkeys(self.index[fp].segment for fp in live_order))

    def _write_index(self) -> None:
        fps = sorted(self.index)
        table = pa.table({"fingerprint": fps, "doc_id": [self.index[f].doc_id for f in fps],
                          "segment": [self.index[f].segment for f in fps]}, schema=_INDEX_SCHEMA)
        verdicts = {s: v for s, v in self.verdicts.items() if s in self.segment_sizes}
        sums = {s: {name: list(values) for name, values in per_table.items()}
                for s, per_table in self.sums.items() if s in self.segment_sizes}
        table = table.replace_schema_metadata({"segments": json.dumps(self.segment_sizes, sort_keys=True),
                                               "verdicts": json.dumps(verdicts, sort_keys=True),
                                               "sums": json.dumps(sums, sort_keys=True)})
        self.folder.mkdir(parents=True, exist_ok=True)
        write_parquet(table, self.folder / INDEX_FILE)
        self._sums_changed = False

    def _remove_unreferenced(self) -> None:
        segments = self.folder / "segments"
        if segments.is_dir():
            for folder in segments.iterdir():
                if folder.name not in self.segment_sizes:
                    remove_tree(folder)

    def _remove_other_versions(self) -> list[str]:
        removed = []
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name != self.version:
                remove_tree(folder)
                removed.append(folder.name)
        return sorted(removed)


def cached_fingerprints(root: Location, version: str) -> set[str]:
    """The documents a cache holds for an extractor version, read from its index without the lock
    (another process may be writing it: the index is replaced whole, after the segments it names);
    empty when there is no such cache."""
    path = root / version / INDEX_FILE
    if not path.exists():
        return set()
    return set(read_parquet(path, columns=["fingerprint"]).column("fingerprint").to_pylist())


def _copy_segment(source: Location, target: Location, schemas: dict[str, pa.Schema]) -> None:
    """A segment's files, byte for byte (one per table). On one local filesystem they are hard
    links: a segment's files are never changed once written (a merge writes a new segment, and a
    removal unlinks), so the two caches can share them, and a link costs a tenth of a copy (the
    1,792 files of 256 adopted document batches); elsewhere, or where links fail, a copy."""
    target.mkdir(parents=True, exist_ok=True)
    for name in schemas:
        src, dst = source / f"{name}.parquet", target / f"{name}.parquet"
        if is_local(src) and is_local(dst):
            dst.unlink(missing_ok=True)  # a leftover of an adoption that was killed
            try:
                os.link(src, dst)
                continue
            except OSError:  # another device, a filesystem without links: copy instead
                pass
        dst.write_bytes(src.read_bytes())


def _smallest_run(segments: list[str], sizes: dict[str, int], width: int) -> list[str]:
    """The `width` consecutive segments with the fewest documents together (the first such run).

    Merging neighbours keeps every segment a contiguous stretch of the corpus, so a corpus that
    grows at its end still reads in order after the merge; merging the smallest segments wherever
    they lie interleaved them, and every later read had to reorder its rows."""
    runs = [segments[i:i + width] for i in range(len(segments) - width + 1)]
    return min(runs, key=lambda run: sum(sizes[s] for s in run))


def _keep(doc_ids: list[str]) -> pa.Array:
    return pa.array(doc_ids, pa.string())


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(tables) if tables else schema.empty_table()


def _in_order(table: pa.Table, order: pa.Array) -> pa.Table:
    """Rows sorted by their document's position in `order`, keeping each document's row order.

    Rows already in that order (a corpus extracted in one go, or grown at its end) are returned as
    they are: reordering copies the table, at 100,000 documents a second copy of 1.6 GB of tables."""
    if table.num_rows == 0:
        return table
    position = pc.index_in(table["doc_id"], value_set=order)
    if pc.all(pc.greater_equal(position[1:], position[:-1]), min_count=0).as_py():  # one row: true
        return table
    keys = pa.table({"position": position, "row": pa.array(np.arange(table.num_rows, dtype=np.int64))})
    return table.take(pc.sort_indices(keys, sort_keys=[("position", "ascending"), ("row", "ascending")]))
