"""Extraction in a pool of worker processes gives the rows, and the cache files, of one process."""
import hashlib
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from pipelines.lib import corpus
from pipelines.lib.corpus import MIN_PARALLEL_BATCH, batches, extract_incremental
from tests.unit.test_doc_cache import as_rows, variant


def test_batches_are_consecutive_and_give_every_worker_one():
    items = list(range(10))
    assert batches(items, 1000, 2) == [items[:5], items[5:]]
    assert batches(items, 4, 1) == [items[:4], items[4:8], items[8:]]
    assert batches(items, 1000, 3) == [items[:4], items[4:8], items[8:]]
    assert batches([], 1000, 2) == []


def _segment_digests(cache_dir) -> list[str]:
    return sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in cache_dir.rglob("segments/*/*.parquet"))


def test_two_workers_give_the_rows_and_files_of_one(tmp_path):
    docs = [variant(i) for i in range(2 * MIN_PARALLEL_BATCH + 1)]
    one = extract_incremental(docs, tmp_path / "one", version="v", batch_size=40, workers=1)
    two = extract_incremental(docs, tmp_path / "two", version="v", batch_size=40, workers=2)
    assert two.tables["sentences"].num_rows > 0
    assert as_rows(two) == as_rows(one)
    assert [r["source_path"] for r in two.tables["documents"].to_pylist()] == [d.source_path for d in docs]
    assert _segment_digests(tmp_path / "two") == _segment_digests(tmp_path / "one")


def test_a_worker_failure_reaches_the_caller_and_commits_nothing(tmp_path, monkeypatch):
    def failing(raw):
        raise RuntimeError(f"cannot extract {raw.source_path}")
    monkeypatch.setattr(corpus, "extract_document", failing)  # inherited by the forked workers
    with pytest.raises(RuntimeError, match="cannot extract"):
        extract_incremental([variant(i) for i in range(2 * MIN_PARALLEL_BATCH)], tmp_path, version="v", workers=2)
    assert not (tmp_path / "v" / "index.parquet").exists()


def test_a_worker_that_dies_fails_the_run_instead_of_hanging_it(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "extract_document", lambda raw: os._exit(3))  # as if killed by the OOM killer
    with pytest.raises(BrokenProcessPool):
        extract_incremental([variant(i) for i in range(2 * MIN_PARALLEL_BATCH)], tmp_path, version="v", workers=2)
