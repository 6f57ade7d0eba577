"""Benchmark at corpus scale: the extraction core and the whole pipeline on 1,000 to 100,000 documents.

    .venv/bin/python bench/scale/run.py [--sizes 1000 10000 100000] [--workers 2] [--json out.json]

For every size N, in one invocation (each measure in a fresh process, so that its peak memory is
its own):

- floor: read and decode the same files (documents and sidecars), nothing else;
- core, 1 worker and W workers: `read_seeds` (read, hash, decode, sidecars) then
  `incremental_extraction` with an empty cache (extraction in batches of 1,000 documents, Arrow
  tables, the cache's Parquet segment, the tables read back one at a time), as the extraction
  step runs it;
- pipeline: `publish_job` in process on a SQLite Dagster instance configured by the committed
  `.dagster/dagster.yaml`, fresh outputs: ingest, extraction, validation and checks, the release
  audit, staging, verification and publication;
- incremental (at `--incremental-docs`, 10,000 by default): after the pipeline run over N
  documents, rounds of a run over a one-document corpus (fresh outputs: the fixed overhead of a
  run) and a run over the N documents plus one new one; the ratio is the median of the rounds'.

Each line reports docs/s, MB/s (10^6 bytes of document files), the ratio to the floor of the same
size measured in the same invocation, and the peak resident memory (`ru_maxrss`) of the measuring
process and of its largest worker. The corpus (`corpus.py`, seed 7) is generated once into
`--corpus-dir` and reused: document i never changes. Absolute times on a shared machine move by up
to 2x between invocations; compare ratios taken within one.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(REPO), str(HERE), str(HERE.parent)]

from corpus import file_name, write_corpus  # noqa: E402
from pipeline_run import run_publish  # noqa: E402

DEFAULT_CORPUS = Path(tempfile.gettempdir()) / "guarantees-bench-corpus"
SEED = 7


# --------------------------------------------------------------------------- corpus folders
def prepare(corpus_dir: Path, sizes: list[int], work: Path) -> dict[int, Path]:
    """A seeds folder per size under `work`: hard links to the first N documents of the corpus."""
    pool = corpus_dir / f"seed{SEED}"
    start = time.perf_counter()
    written = write_corpus(pool, 0, max(sizes), SEED)
    if written:
        print(f"generated {written / 1e6:.0f} MB of documents in {time.perf_counter() - start:.0f} s into {pool}",
              file=sys.stderr)
    folders = {}
    for n in sizes:
        folder = work / f"seeds_{n}"
        folder.mkdir()
        for i in range(n):
            for name in (file_name(i), file_name(i) + ".meta.json"):
                if (pool / name).exists():
                    os.link(pool / name, folder / name)
        folders[n] = folder
    return folders


def document_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if not p.name.endswith(".meta.json"))


# --------------------------------------------------------------------------- measures (child processes)
def peak_rss_mb() -> dict[str, float]:
    return {"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def measure_floor(folder: Path, **_) -> dict:
    start = time.perf_counter()
    chars = 0
    for path in sorted(folder.iterdir()):
        chars += len(path.read_bytes().decode("utf-8"))
    return {"seconds": time.perf_counter() - start, "chars": chars}


def measure_core(folder: Path, workers: int, work: Path, **_) -> dict:
    from pipelines.lib.corpus import EXTRACTED_TABLES, incremental_extraction
    from pipelines.lib.seeds import read_seeds

    start = time.perf_counter()
    documents = read_seeds(folder).documents
    read = time.perf_counter()
    with incremental_extraction(documents, work / "cache", workers=workers) as extracted:
        rows = {name: extracted.table(name).num_rows for name in EXTRACTED_TABLES}  # as the pipeline reads them
    end = time.perf_counter()
    return {"seconds": end - start, "read_seconds": read - start, "extract_seconds": end - read, "rows": rows}


def _pipeline_runner(outputs_base: Path, workers: int):
    import dagster as dg

    instance = dg.DagsterInstance.get()

    def run(seeds: Path, outputs: Path) -> dict:
        return run_publish(instance, seeds, outputs, workers=workers)
    return run


def measure_pipeline(folder: Path, workers: int, work: Path, rounds: int = 0, **_) -> dict:
    """A full run over `folder`; with `rounds`, then the incremental rounds against a one-document run."""
    run = _pipeline_runner(work, workers)
    seeds, outputs = folder, work / "outputs"
    if rounds:  # documents are added: to a copy (hard links) of the folder
        seeds = work / "seeds"
        shutil.copytree(folder, seeds, copy_function=os.link)
    out = run(seeds, outputs)
    out.update(peak_rss_mb())
    if rounds:
        one = work / "one"
        one.mkdir()
        shutil.copy(folder / file_name(0), one / file_name(0))
        n = len([p for p in folder.iterdir() if not p.name.endswith(".meta.json")])
        out["incremental"] = {"fixed": [], "added": []}
        run(one, work / "outputs_one_warm")  # warm-up: the one-document path
        for k in range(rounds):
            out["incremental"]["fixed"].append(run(one, work / f"outputs_one_{k}"))
            write_corpus(seeds, n + k, n + k + 1, SEED)
            out["incremental"]["added"].append(run(seeds, outputs))
    return out


def measure_machine(**_) -> dict:
    """The machine's own two-process speed-up on a pure-Python loop (the ceiling for 2 workers)."""
    import multiprocessing

    def spin(n: int = 3_000_000) -> None:
        x = 0
        for i in range(n):
            x += i
    start = time.perf_counter()
    spin(), spin()
    one = time.perf_counter() - start
    procs = [multiprocessing.get_context("fork").Process(target=spin) for _ in range(2)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return {"speedup_2": one / (time.perf_counter() - start)}


MEASURES = {"floor": measure_floor, "core": measure_core, "pipeline": measure_pipeline, "machine": measure_machine}


def child(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench_scale_", dir=args.work))
    home = work / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        out = MEASURES[args.measure](folder=args.folder, workers=args.workers, work=work, rounds=args.rounds)
        out.update({k: v for k, v in peak_rss_mb().items() if k not in out})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out))


def spawn(measure: str, work: Path, folder: Path | None = None, workers: int = 1, rounds: int = 0) -> dict:
    cmd = [sys.executable, __file__, "--measure", measure, "--work", str(work), "--workers", str(workers),
           "--rounds", str(rounds)]
    if folder is not None:
        cmd += ["--folder", str(folder)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report
def table(results: dict) -> str:
    lines = ["| measure | docs | MB | seconds | docs/s | MB/s | ÷ floor | peak RSS MB (worker) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n, by_measure in results["sizes"].items():
        mb = by_measure["bytes"] / 1e6
        floor_mbs = mb / by_measure["floor"]["seconds"]
        for key, label in by_measure["labels"].items():
            r = by_measure[key]
            mbs = mb / r["seconds"]
            worker = f" ({r['worker_rss_mb']:.0f})" if r.get("worker_rss_mb") else ""
            lines.append(f"| {label} | {int(n):,} | {mb:.1f} | {r['seconds']:.2f} | {int(n) / r['seconds']:,.0f} | "
                         f"{mbs:.2f} | {mbs / floor_mbs:.4f} | {r['rss_mb']:.0f}{worker} |")
    return "\n".join(lines)


def notes(results: dict) -> str:
    sizes = {int(n): v for n, v in results["sizes"].items()}
    out = []
    ordered = sorted(sizes)
    for small, large in zip(ordered, ordered[1:]):
        for key in ("core_1", f"core_{results['workers']}", "pipeline"):
            if key in sizes[small] and key in sizes[large]:
                ratio = sizes[large][key]["seconds"] / sizes[small][key]["seconds"]
                out.append(f"- {sizes[large]['labels'][key]}: time x{ratio:.1f} from {small:,} to {large:,} documents "
                           f"(x{large / small:.0f} documents)")
    for n, r in sizes.items():
        w = results["workers"]
        if "core_1" in r and f"core_{w}" in r:
            out.append(f"- {n:,} documents: {w} workers are x{r['core_1']['seconds'] / r[f'core_{w}']['seconds']:.2f} "
                       f"faster than 1 (the machine gives x{results['machine']['speedup_2']:.2f} on a spin loop)")
        if "pipeline" in r:
            steps = r["pipeline"]["steps"]
            out.append(f"- pipeline steps at {n:,} documents (s): " + ", ".join(
                f"{k} {v:.1f}" for k, v in sorted(steps.items(), key=lambda kv: -kv[1])))
        inc = r.get("pipeline", {}).get("incremental")
        if inc:
            ratios = [a["seconds"] / f["seconds"] for a, f in zip(inc["added"], inc["fixed"])]
            fixed = statistics.median(x["seconds"] for x in inc["fixed"])
            added = statistics.median(x["seconds"] for x in inc["added"])
            out.append(f"- incremental: one new document among {n:,}: {added:.2f} s, a one-document run: {fixed:.2f} s; "
                       f"ratio **{statistics.median(ratios):.2f}x** (rounds: " + ", ".join(f"{x:.2f}" for x in ratios)
                       + f"); extracted {inc['added'][0]['processed']}, reused {inc['added'][0]['reused']:,}")
            steps_fixed = {k: statistics.median(x["steps"][k] for x in inc["fixed"]) for k in inc["fixed"][0]["steps"]}
            steps_added = {k: statistics.median(x["steps"][k] for x in inc["added"]) for k in inc["added"][0]["steps"]}
            out.append("- incremental steps, one-document run -> one new among N (s): " + ", ".join(
                f"{k} {steps_fixed.get(k, 0):.2f} -> {v:.2f}" for k, v in sorted(steps_added.items(), key=lambda kv: -kv[1])))
    return "\n".join(out)


def header(results: dict) -> str:
    return (f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average "
            f"{results['loadavg'][0]:.1f} / {results['loadavg'][1]:.1f} / {results['loadavg'][2]:.1f} at the end; "
            f"corpus seed {SEED}; {results['workers']} workers; {results['minutes']:.0f} minutes in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--incremental-docs", type=int, default=10000,
                        help="the size at which the incremental rounds run (none when not among --sizes)")
    parser.add_argument("--rounds", type=int, default=3, help="incremental rounds")
    parser.add_argument("--no-pipeline-over", type=int, default=None,
                        help="skip the pipeline measure above this many documents")
    parser.add_argument("--no-single-over", type=int, default=None,
                        help="skip the one-worker core measure above this many documents")
    parser.add_argument("--no-core-over", type=int, default=None,
                        help="skip both core measures above this many documents (to re-measure the pipeline only)")
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--measure", choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return child(args)

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    results = {"workers": args.workers, "sizes": {}}
    try:
        folders = prepare(args.corpus_dir, sorted(args.sizes), work)
        results["machine"] = spawn("machine", work)
        for n, folder in folders.items():
            r = results["sizes"][n] = {"bytes": document_bytes(folder), "labels": {}}
            r["floor"] = spawn("floor", work, folder)
            r["labels"]["floor"] = "floor: read + decode the files"
            for w in sorted({1, args.workers}):
                if args.no_core_over is not None and n > args.no_core_over:
                    continue
                if w == 1 and args.workers > 1 and args.no_single_over is not None and n > args.no_single_over:
                    continue
                r[f"core_{w}"] = spawn("core", work, folder, workers=w)
                r["labels"][f"core_{w}"] = f"extraction core, {w} worker{'s' * (w > 1)}"
            if args.no_pipeline_over is None or n <= args.no_pipeline_over:
                rounds = args.rounds if n == args.incremental_docs else 0
                r["pipeline"] = spawn("pipeline", work, folder, workers=args.workers, rounds=rounds)
                r["labels"]["pipeline"] = f"whole pipeline, publishing included, {args.workers} workers"
            print(f"done: {n:,} documents after {(time.perf_counter() - started) / 60:.1f} minutes", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["loadavg"] = os.getloadavg()
    results["minutes"] = (time.perf_counter() - started) / 60
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    print(header(results), "", table(results), "", notes(results), sep="\n")


if __name__ == "__main__":
    main()
