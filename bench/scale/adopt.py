"""What the publishing run's extraction step costs to adopt 256 document batches, without Dagster.

    .venv/bin/python bench/scale/adopt.py [--docs 10000] [--repeat 3]

The first N documents of the benchmark corpus (`corpus.py`, seed 7; written by `make bench`) are
extracted once, bucket by bucket, into the buckets' own caches (as `extraction_batches` does,
about a minute at 10,000 documents; kept in `$TMPDIR/guarantees-bench-adopt/` for the next
invocation). Each repetition then adopts them all into a fresh cache (`incremental_extraction`
with `adopt_from`, the documents without their texts: nothing is extracted) and prints the
step's seconds: adopt (copying the segments) and commit (merging them: the cache keeps at most
`MAX_SEGMENTS`). A quick A/B companion to `batches.py`, which takes 7 minutes at 10,000
documents: run it from two checkouts (`PYTHONPATH=<checkout>`) back to back.
"""
from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from corpus import documents_from_arguments  # the script's own folder is on sys.path
from pipelines.lib.batches import batch_cache, batch_caches, by_bucket
from pipelines.lib.corpus import extract_incremental, incremental_extraction

VERSION = "bench"  # the caches' extractor version: the same for both checkouts of an A/B


def build(docs: list, root: Path) -> int:
    """Each bucket's documents extracted into its own cache (one worker: no pool per bucket)."""
    groups = by_bucket(docs, lambda doc: doc.source_path)
    for bucket, members in groups.items():
        extract_incremental(members, batch_cache(root / "cache", bucket), version=VERSION, workers=1)
    return len(groups)


def adopt(docs: list, root: Path) -> dict[str, float]:
    main = root / "main"
    shutil.rmtree(main, ignore_errors=True)
    bare = [replace(doc, text=None) for doc in docs]
    with incremental_extraction(bare, main, version=VERSION, adopt_from=batch_caches(root / "cache")) as extracted:
        report = extracted.report
    if report.adopted != len(docs) or report.processed:
        raise SystemExit(f"adopted {report.adopted} and extracted {len(report.processed)} of {len(docs)} documents")
    return {**report.seconds, "merged_segments": report.cache.merged_segments}


def main() -> None:
    args, docs = documents_from_arguments(__doc__, 10000)
    root = Path(tempfile.gettempdir()) / "guarantees-bench-adopt" / f"docs{len(docs)}"
    if not (root / "cache").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        print(f"extracting {len(docs):,} documents into {build(docs, root)} bucket caches under {root}", file=sys.stderr)
    runs = [adopt(docs, root) for _ in range(args.repeat)]
    for key in ("adopt", "commit"):
        values = [run[key] for run in runs]
        print(f"{key}: median {statistics.median(values):.2f} s ({', '.join(f'{v:.2f}' for v in values)})")
    print(f"{len(docs):,} documents, {runs[0]['merged_segments']} segments merged")


if __name__ == "__main__":
    main()
