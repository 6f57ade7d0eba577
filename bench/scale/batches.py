"""Extraction as document batches: what the publishing run costs after the buckets were extracted apart.

    .venv/bin/python bench/scale/batches.py [--docs 10000] [--buckets N]

Generates N documents of the benchmark corpus (`corpus.py`, seed 7), then, on one machine, does
what a cluster does on many (`docs/scaling.md`, point 3): `ingest_job`, one run of
`extraction_batches_job` per bucket that holds documents (one after the other here; on a cluster
they run at once, so the figure that matters is the slowest bucket, not the sum), and
`publish_job`, which adopts the buckets' rows and extracts nothing. For comparison it then times
`publish_job` over the same documents in a fresh outputs folder (everything extracted in the
run). Prints one Markdown table; seconds on a shared machine move by 10-20% between invocations.
With `--buckets N`, only the first N buckets are run and no publishing run: what a bucket's run
costs at a corpus size where running all of them here would take hours.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(REPO), str(HERE.parent)]

from corpus import write_corpus  # noqa: E402
from pipeline_run import documents_metadata, step_seconds  # noqa: E402


def timed_job(instance, name: str, resources: dict, **kwargs):
    from pipelines.definitions import defs

    start = time.perf_counter()
    quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    result = defs.resolve_job_def(name).execute_in_process(instance=instance, resources=resources, run_config=quiet,
                                                           raise_on_error=False, **kwargs)
    seconds = time.perf_counter() - start
    if not result.success:
        raise SystemExit(f"{name} {kwargs} failed (run {result.run_id})")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000, help="documents (default 10,000)")
    parser.add_argument("--buckets", type=int, help="run only the first N buckets, and no publishing run")
    args = parser.parse_args()
    if args.docs < 1 or (args.buckets is not None and args.buckets < 1):
        parser.error("--docs and --buckets must be at least 1")
    import dagster as dg
    import pyarrow.parquet as pq

    from pipelines.lib.batches import bucket_of
    from pipelines.resources import FrameIOManager, GuaranteesSettings

    with tempfile.TemporaryDirectory(prefix="guarantees-batches-bench-") as tmp:
        work = Path(tmp)
        seeds = work / "seeds"
        seeds.mkdir()
        write_corpus(seeds, 0, args.docs)  # the benchmark corpus's own seed, 7
        (work / "dagster").mkdir()

        def resources(outputs: Path) -> dict:
            return {"settings": GuaranteesSettings(seeds_dir=str(seeds), outputs_dir=str(outputs)),
                    "io_manager": FrameIOManager(outputs_dir=str(outputs))}

        with dg.DagsterInstance.local_temp(str(work / "dagster")) as instance:
            batched = resources(work / "batched")
            ingest, _ = timed_job(instance, "ingest_job", batched)
            paths = pq.read_table(work / "batched" / "intermediate" / "raw_documents.parquet",
                                  columns=["source_path"]).column("source_path").to_pylist()
            sizes = Counter(bucket_of(p) for p in paths)  # bucket -> documents
            buckets = sorted(sizes)
            run = buckets[:args.buckets]
            per_bucket = [timed_job(instance, "extraction_batches_job", batched, partition_key=b)[0] for b in run]
            if args.buckets is not None:
                _print_buckets(args.docs, [sizes[b] for b in run], len(buckets), ingest, per_bucket)
                return
            publish, result = timed_job(instance, "publish_job", batched)
            adopted = documents_metadata(result)
            steps = step_seconds(instance, result.run_id)
            plain, plain_result = timed_job(instance, "publish_job", resources(work / "plain"))
            plain_steps = step_seconds(instance, plain_result.run_id)
        print(f"{args.docs:,} documents in {len(buckets)} buckets ({min(sizes.values())}-{max(sizes.values())} "
              f"documents each)\n")
        print("| what | seconds |")
        print("|---|---:|")
        print(f"| ingest_job | {ingest:.2f} |")
        print(f"| extraction_batches_job, one bucket: median / slowest | {statistics.median(per_bucket):.2f} / "
              f"{max(per_bucket):.2f} |")
        print(f"| extraction_batches_job, all buckets one after the other | {sum(per_bucket):.2f} |")
        print(f"| publish_job after the batches (adopted {adopted['documents_adopted']:,}, extracted "
              f"{adopted['documents_processed']}); its extraction step | {publish:.2f}; "
              f"{steps.get('extracted_tables', 0):.2f} |")
        print(f"| publish_job alone, everything extracted in the run; its extraction step | {plain:.2f}; "
              f"{plain_steps.get('extracted_tables', 0):.2f} |")
        print("\nThe adopting run's extraction step (s): " + ", ".join(
            f"{k} {v:.2f}" for k, v in adopted["seconds"].items()))


def _print_buckets(docs: int, sizes: list[int], buckets: int, ingest: float, per_bucket: list[float]) -> None:
    """The table of a run of the first buckets only (`--buckets`), whose documents number `sizes`."""
    print(f"{docs:,} documents in {buckets} buckets; the first {len(sizes)} run ({min(sizes)}-{max(sizes)} "
          f"documents each)\n")
    print("| what | seconds |")
    print("|---|---:|")
    print(f"| ingest_job | {ingest:.2f} |")
    print(f"| extraction_batches_job, one bucket: median / slowest of {len(sizes)} | "
          f"{statistics.median(per_bucket):.2f} / {max(per_bucket):.2f} |")


if __name__ == "__main__":
    main()
