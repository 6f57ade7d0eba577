"""Extraction core speed on the first N documents of the benchmark corpus, one core, best of R.

A quick A/B companion to `run.py`: run it from two checkouts back to back to compare rule
changes (`PYTHONPATH=<checkout> python bench/scale/core_speed.py`). The corpus is the one
`run.py` writes ($TMPDIR/guarantees-bench-corpus/seed7); write it first with `make bench`.
"""
from __future__ import annotations

import time

from corpus import documents_from_arguments  # the script's own folder is on sys.path
from pipelines.lib.extract import extract_document, warm_up


def main() -> None:
    args, docs = documents_from_arguments(__doc__, 500)
    megabytes = sum(len(d.text.encode()) for d in docs) / 1e6
    warm_up()
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        for doc in docs:
            extract_document(doc)
        best = min(best, time.perf_counter() - start)
    print(f"{len(docs)} documents: {len(docs) / best:.0f} docs/s, {megabytes / best:.2f} MB/s, "
          f"{best / len(docs) * 1000:.1f} ms a document (best of {args.repeat})")


if __name__ == "__main__":
    main()
