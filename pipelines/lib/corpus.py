"""Extraction over a whole corpus: one `extract_document` call per document, rows gathered per table.

`incremental_extraction` is what the pipeline runs: it extracts only the documents the cache does
not hold (`doc_cache`), in batches of about a thousand documents through `extract_batch`, reports
which documents were processed, reused and dropped since the previous run, and hands the corpus's
tables back one at a time (`extract_incremental` gives them all at once).

Batches run in a pool of worker processes (`extract_batches`): extraction is pure Python and
holds the GIL, so processes are the only way to use more than one core. The pool uses the fork
start method, so workers start in milliseconds with the gazetteers and tables the parent has
already loaded (Python 3.14 makes spawn the Linux default; the context is set explicitly). Each
worker returns its batch as Arrow tables, a few megabytes that pickle as buffers; the parent
takes them back in batch order and appends them to the cache segment, so that the rows, their
order and every file written are the same whatever the number of workers.
"""
from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import time
from collections import deque
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable, Iterator

import pyarrow as pa

from pipelines.lib import tables, verdicts
from pipelines.lib.audit import document_links
from pipelines.lib.doc_cache import CommitStats, DocCache, ReadPlan
from pipelines.lib.documents import RawDocument
from pipelines.lib.extract import DocumentExtraction, extract_document
from pipelines.lib.fingerprint import extractor_version
from pipelines.lib.memory import release_free_memory
from pipelines.lib.storage import Location, read_parquet, write_parquet

EXTRACTED_TABLES = ("documents", "sentences", "country_mentions", "date_mentions", "people", "commitments",
                    "unresolved_names")
BATCH_SIZE = 1000
# Below this many documents per worker a pool costs more than it saves (it starts in ~50 ms).
MIN_PARALLEL_BATCH = 50
CORPUS_FILE = "corpus.parquet"
_CORPUS_SCHEMA = pa.schema([("source_path", pa.string()), ("doc_id", pa.string()), ("sha256", pa.string()),
                            ("fingerprint", pa.string())])


def gather(extractions: Iterable[DocumentExtraction]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {t: [] for t in EXTRACTED_TABLES}
    for ex in extractions:
        rows["documents"].append(ex.document)
        for table in EXTRACTED_TABLES[1:]:
            rows[table].extend(getattr(ex, table))
    return rows


def extract_corpus(documents: Iterable[RawDocument]) -> dict[str, list[dict]]:
    """Rows of every extracted table for the given documents, in document order."""
    return gather(extract_document(doc) for doc in documents)


@lru_cache(maxsize=1)
def cache_schemas() -> dict[str, pa.Schema]:
    """The published Arrow types, every column nullable: a bad value must reach validation, which
    reports it with its row, rather than fail inside Arrow."""
    return {name: pa.schema([pa.field(f.name, f.type, nullable=True) for f in tables.arrow_schema(name)])
            for name in EXTRACTED_TABLES}


def rows_to_arrow(table: str, rows: list[dict], schema: pa.Schema) -> pa.Table:
    arrays = []
    for f in schema:
        try:
            arrays.append(pa.array([row.get(f.name) for row in rows], type=f.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise ValueError(f"extracted column {table}.{f.name} does not fit {f.type}: {exc}") from exc
    return pa.Table.from_arrays(arrays, schema=schema)


def extract_batch(documents: list[RawDocument], schemas: dict[str, pa.Schema]) -> dict[str, pa.Table]:
    """Every extracted table for a batch of documents: a pure function of the batch."""
    rows = extract_corpus(documents)
    return {name: rows_to_arrow(name, rows[name], schemas[name]) for name in EXTRACTED_TABLES}


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def batches(documents: list, batch_size: int, workers: int) -> list[list]:
    """Consecutive batches of at most `batch_size`, small enough to give every worker one."""
    size = max(1, min(batch_size, math.ceil(len(documents) / max(workers, 1))))
    return [documents[i:i + size] for i in range(0, len(documents), size)]


def extract_batches(documents: list[RawDocument], *, batch_size: int = BATCH_SIZE,
                    workers: int = 1) -> Iterator[tuple[list[RawDocument], dict[str, pa.Table]]]:
    """(batch, its tables) for consecutive batches of `documents`, in order, from `workers` processes.

    At most two batches per worker are in flight, so memory stays flat however long the list; a
    worker that dies raises BrokenProcessPool here instead of hanging the run."""
    if workers <= 1 or len(documents) < 2 * MIN_PARALLEL_BATCH:
        for part in batches(documents, batch_size, 1):
            yield part, extract_batch(part, cache_schemas())
        return
    parts = iter(batches(documents, batch_size, workers))
    warm_up()  # loaded once here, shared with the forked workers
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        in_flight = deque((part, pool.submit(_extract_part, part)) for part in islice(parts, 2 * workers))
        while in_flight:
            part, future = in_flight.popleft()
            tables_ = future.result()
            following = next(parts, None)
            if following is not None:
                in_flight.append((following, pool.submit(_extract_part, following)))
            yield part, tables_
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _extract_part(documents: list[RawDocument]) -> dict[str, pa.Table]:
    return extract_batch(documents, cache_schemas())


def warm_up() -> None:
    """Load what every extraction needs (gazetteer, name tables, calendars) and the Arrow schemas."""
    from pipelines.lib.extract import warm_up as warm_extractor

    warm_extractor()
    cache_schemas()


def document_fingerprint(doc: RawDocument) -> str:
    """Everything `extract_document` reads besides the text, which the content hash stands for."""
    side = doc.sidecar
    key = [doc.source_path, doc.sha256, doc.encoding, doc.n_bytes,
           side.published.isoformat() if side.published else None, side.source_url, side.language]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


@dataclass
class CorpusReport:
    """What a run did with each document, for the run's metadata."""

    extractor_version: str
    processed: list[dict] = field(default_factory=list)  # source_path, doc_id, reason
    reused: list[dict] = field(default_factory=list)  # source_path, doc_id
    dropped: list[dict] = field(default_factory=list)  # source_path, doc_id
    adopted: int = 0  # documents whose rows came from the caches of document batches (among `reused`)
    skipped_batches: list[str] = field(default_factory=list)  # batch caches that could not be read, and why
    cache: CommitStats = field(default_factory=CommitStats)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class CorpusResult:
    tables: dict[str, pa.Table]
    report: CorpusReport


class Extracted:
    """The outcome of `incremental_extraction`: the report, and the tables read one at a time.

    `table(name)` reads one table of the whole corpus from the cache, so that a caller that drops
    each table before asking for the next holds one table, not seven (at 100,000 documents 1.6 GB
    in Arrow, `sentences` alone about 40% of it)."""

    def __init__(self, cache: DocCache, plan: ReadPlan, report: CorpusReport):
        self._cache, self._plan, self.report = cache, plan, report

    def table(self, name: str) -> pa.Table:
        return self._read(name, self._plan)

    def content_hash(self, name: str) -> str | None:
        """The content hash of `table(name)`, from the cache's sums (`DocCache.content_hash`); None
        when they do not cover it. Ask after reading the table: the read completes missing sums."""
        return self._cache.content_hash(name, self._plan)

    def unverified(self, name: str, validator: str) -> pa.Table | None:
        """The rows of `table(name)` that no earlier run validated under `validator` (the cache's
        segment verdicts), in the same order; None when that is every row (then validate the
        table itself rather than read it twice)."""
        plan = self._cache.unverified(self._plan, validator)
        return None if len(plan.segments) == len(self._plan.segments) else self._read(name, plan)

    def links_token(self, version: str) -> str | None:
        """Check the per-document links between the tables (`audit.document_links`) on the rows of
        the segments without a verdict under `version`, reading only the columns each check needs;
        the token the stored tables then carry (`verdicts.links_token`), or None when a check fails
        (the release audit then checks every row, and reports). Rows of segments with a verdict
        passed before, and pass again in this read: the checks look at one document at a time, and
        a read returns a document's rows whole."""
        plan = self._cache.unverified(self._plan, version)
        start = time.perf_counter()
        try:
            failed = bool(plan.segments and document_links(lambda name, columns: self._read(name, plan, columns)))
            _release_after(self._cache.documents(plan))  # what the checks read (a cold corpus: all of it)
        finally:
            self.report.seconds["links"] = time.perf_counter() - start
        return None if failed else verdicts.links_token(self._plan.digest())

    def record_verdict(self, version: str) -> None:
        """Every table of the corpus passed the checks `version` names (`fingerprint.checks_version`:
        the caller validated the tables and had `links_token` check the links)."""
        self._cache.record_verdict(self._plan, version)

    def _read(self, name: str, plan: ReadPlan, columns: list[str] | None = None) -> pa.Table:
        start = time.perf_counter()
        try:
            return self._cache.read_table(name, plan, columns)
        finally:
            self.report.seconds["read"] = self.report.seconds.get("read", 0.0) + time.perf_counter() - start


def _release_after(documents: int) -> None:
    """Hand back to the OS what work over `documents` documents left in the allocators, when they
    were at least a batch: a trim costs about 0.1 s, which one new document's leftovers are not worth."""
    if documents >= BATCH_SIZE:
        release_free_memory()


def extract_incremental(documents: list[RawDocument], cache_dir: Location, **options) -> CorpusResult:
    """Every extracted table of `documents` at once (`incremental_extraction` for the options): for
    callers that want them all, such as tests and the benchmark of the extraction core."""
    with incremental_extraction(documents, cache_dir, **options) as extracted:
        return CorpusResult({name: extracted.table(name) for name in EXTRACTED_TABLES}, extracted.report)


@contextmanager
def incremental_extraction(documents: list[RawDocument], cache_dir: Location, *, batch_size: int = BATCH_SIZE,
                           version: str | None = None, workers: int = 1,
                           load: Callable[[RawDocument], RawDocument] | None = None,
                           adopt_from: Iterable[Location] = ()) -> Iterator[Extracted]:
    """Extract only the documents the cache does not hold, in batches of `batch_size` spread over
    `workers` processes, and commit them; then hand over the tables of every document, to be read
    inside the `with` block, which holds the cache's lock (another run may compact the cache as
    soon as it is released). A document to extract that came without its text (the ingest step did
    not read it again) gets it from `load`. The texts are dropped once extracted: a caller that
    keeps no other reference to `documents` frees them.

    `adopt_from`: caches of document batches (`batches.py`) whose rows for documents this cache
    lacks are taken in first (`DocCache.adopt`); a batch cache that cannot be read is named in
    the report and its documents are extracted here."""
    version = version or extractor_version()
    schemas = cache_schemas()
    fingerprints = [document_fingerprint(d) for d in documents]
    with DocCache.open(cache_dir, version, schemas) as cache:
        t_adopt = time.perf_counter()
        adopted, skipped = _adopt(cache, adopt_from, fingerprints)
        t0 = time.perf_counter()
        hits = cache.hits(fingerprints)
        todo = [(fp, _with_text(d, load)) for fp, d in zip(fingerprints, documents) if fp not in hits]
        writer = cache.new_segment()
        t1 = time.perf_counter()
        done = 0
        try:
            for docs, tables_ in extract_batches([d for _, d in todo], batch_size=batch_size, workers=workers):
                writer.append([fp for fp, _ in todo[done:done + len(docs)]], [d.doc_id for d in docs], tables_)
                done += len(docs)
        finally:
            writer.close()
        t2 = time.perf_counter()
        # Only paths and hashes are needed from here on: drop the texts (at 100,000 documents several
        # hundred megabytes) before any table is read back. The caller passes the list for us to keep.
        del todo
        documents = [replace(d, text=None) for d in documents]
        stats = cache.commit(fingerprints, writer)
        _release_after(len(writer.entries))  # what extracting left, before any table is read back
        t3 = time.perf_counter()
        report = _report(documents, fingerprints, hits, _load_corpus(cache_dir), version)
        _save_corpus(cache_dir, documents, fingerprints, version)
        report.cache = stats
        report.adopted, report.skipped_batches = adopted, skipped
        report.seconds = {"adopt": t0 - t_adopt, "lookup": t1 - t0, "extract": t2 - t1, "commit": t3 - t2}
        yield Extracted(cache, cache.plan(fingerprints), report)


def _adopt(cache: DocCache, roots: Iterable[Location], fingerprints: list[str]) -> tuple[int, list[str]]:
    """(documents taken in from the batch caches, one line per batch cache that could not be read)."""
    adopted, skipped, wanted = 0, [], set(fingerprints)
    for root in roots:
        try:
            adopted += cache.adopt(root, wanted)
        except (OSError, ValueError, KeyError) as exc:  # a missing file, a damaged index
            skipped.append(f"{root}: {exc}")
    return adopted, skipped


def _with_text(doc: RawDocument, load: Callable[[RawDocument], RawDocument] | None) -> RawDocument:
    if doc.text is not None:
        return doc
    if load is None:
        raise ValueError(f"{doc.source_path} has no text and no way to read it")
    return load(doc)


def _report(documents, fingerprints, hits, previous, version) -> CorpusReport:
    old_rows, old_version = previous
    report = CorpusReport(version)
    current_paths = set()
    for doc, fp in zip(documents, fingerprints):
        current_paths.add(doc.source_path)
        row = {"source_path": doc.source_path, "doc_id": doc.doc_id}
        if fp in hits:
            report.reused.append(row)
            continue
        old = old_rows.get(doc.source_path)
        if old is None:
            reason = "new"
        elif old["sha256"] != doc.sha256:
            reason = "content changed"
        elif old["fingerprint"] != fp:
            reason = "sidecar changed"
        elif old_version != version:
            reason = "extractor changed"
        else:
            reason = "not cached"
        report.processed.append(dict(row, reason=reason))
    report.dropped = [{"source_path": p, "doc_id": r["doc_id"]} for p, r in sorted(old_rows.items())
                      if p not in current_paths]
    return report


def _load_corpus(cache_dir: Location) -> tuple[dict[str, dict], str | None]:
    """The previous run's documents by path, and its extractor version."""
    try:
        table = read_parquet(cache_dir / CORPUS_FILE)
    except (OSError, pa.ArrowException):
        return {}, None
    cols = table.to_pydict()
    rows = {p: {"doc_id": d, "sha256": s, "fingerprint": f}
            for p, d, s, f in zip(cols["source_path"], cols["doc_id"], cols["sha256"], cols["fingerprint"])}
    return rows, (table.schema.metadata or {}).get(b"extractor_version", b"").decode() or None


def _save_corpus(cache_dir: Location, documents: list[RawDocument], fingerprints: list[str], version: str) -> None:
    table = pa.table({"source_path": [d.source_path for d in documents], "doc_id": [d.doc_id for d in documents],
                      "sha256": [d.sha256 for d in documents], "fingerprint": fingerprints}, schema=_CORPUS_SCHEMA)
    write_parquet(table.replace_schema_metadata({"extractor_version": version}), cache_dir / CORPUS_FILE)
