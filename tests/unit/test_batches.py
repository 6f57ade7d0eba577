"""Document buckets: a fixed, even split of the corpus by path."""
from pathlib import Path

import pytest

from pipelines.lib.batches import BUCKETS, batch_cache, batch_caches, bucket_of


def test_a_documents_bucket_never_changes():
    # Bucket caches are named by these values: a change would orphan every batch cache.
    assert bucket_of("000_2ea1a224449629a4.txt") == "5b"
    assert bucket_of("news/2024/07/poland.txt") == bucket_of("news/2024/07/poland.txt")


def test_buckets_split_a_corpus_evenly():
    counts = {}
    for i in range(25_600):
        b = bucket_of(f"doc_{i:06d}.txt")
        counts[b] = counts.get(b, 0) + 1
    assert set(counts) == set(BUCKETS) and max(counts.values()) < 2 * min(counts.values())


def test_batch_caches_are_found_in_bucket_order_and_other_folders_ignored(tmp_path: Path):
    for bucket in ("a0", "0f"):
        batch_cache(tmp_path, bucket).mkdir(parents=True)
    (tmp_path / "batches" / "bucket=zz").mkdir()
    (tmp_path / "batches" / "notes").mkdir()
    assert [p.name for p in batch_caches(tmp_path)] == ["bucket=0f", "bucket=a0"]
    assert batch_caches(tmp_path / "nothing") == []
    with pytest.raises(ValueError, match="not a document bucket"):
        batch_cache(tmp_path, "zz")
