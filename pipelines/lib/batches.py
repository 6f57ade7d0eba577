"""Document batches: a fixed split of the corpus, so that extraction can be spread over machines.

A document falls in one of 256 buckets by the sha256 of its path in the seeds folder (the first
byte, two hex digits): the same document always lands in the same bucket, a new document changes
one bucket, and a corpus of 100,000 documents gives batches of about 400. Each bucket is a Dagster
partition of `extraction_batches` (`pipelines/assets/batches.py`), which extracts the bucket's
documents into a cache folder of its own (`<cache>/batches/bucket=<key>/`): partitions never share
a cache, so they may run at once on different machines, also on an object store where the cache
has no lock. The publishing run's extraction step then adopts the rows those caches hold for the
documents it lacks (`DocCache.adopt`) and extracts only what no batch has, so a backfill of the
buckets over a cluster followed by one publishing run gives the release one machine would.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Iterable, TypeVar

from pipelines.lib.doc_cache import cached_fingerprints
from pipelines.lib.storage import Location

BATCHES_FOLDER = "batches"
BUCKETS = tuple(f"{i:02x}" for i in range(256))
_PREFIX = "bucket="
T = TypeVar("T")


def bucket_of(source_path: str) -> str:
    """The bucket of a document, from its path relative to the seeds folder."""
    return hashlib.sha256(source_path.encode("utf-8")).hexdigest()[:2]


def batch_cache(cache_root: Location, bucket: str) -> Location:
    """The extraction cache folder of one bucket, under the pipeline's cache folder."""
    if bucket not in BUCKETS:
        raise ValueError(f"{bucket!r} is not a document bucket (two lower-case hex digits)")
    return cache_root / BATCHES_FOLDER / f"{_PREFIX}{bucket}"


def batch_caches(cache_root: Location) -> list[Location]:
    """The buckets' cache folders that exist, in bucket order."""
    folder = cache_root / BATCHES_FOLDER
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.name.startswith(_PREFIX) and p.name[len(_PREFIX):] in BUCKETS),
                  key=lambda p: p.name)


def by_bucket(items: Iterable[T], path: Callable[[T], str]) -> dict[str, list[T]]:
    """bucket -> its items (in their order), in bucket order; `path(item)` is the item's path."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(bucket_of(path(item)), []).append(item)
    return dict(sorted(groups.items()))


def stale_buckets(documents: Iterable[tuple[str, str]], cache_root: Location, version: str) -> dict[str, list[str]]:
    """bucket -> the fingerprints of its documents its cache lacks, for each bucket that lacks any
    (in bucket order). `documents` are (path in the seeds folder, `corpus.document_fingerprint`)
    pairs; only the caches of buckets that hold documents are read."""
    stale = {}
    for bucket, members in by_bucket(documents, lambda pair: pair[0]).items():
        held = cached_fingerprints(batch_cache(cache_root, bucket), version)
        missing = sorted(fp for _, fp in members if fp not in held)
        if missing:
            stale[bucket] = missing
    return stale
