"""Benchmark: what a run costs after one new document, against the fixed overhead of a run.

    .venv/bin/python bench/incremental/run.py [--docs 1000] [--repeat 3] [--no-cli]

Everything happens in a temporary folder, with a Dagster instance (SQLite) configured by the
committed `.dagster/dagster.yaml`, as `make run` uses. Measured, in one invocation:

- fixed overhead: a run over a one-document corpus, fresh outputs each time;
- full: a run over N documents, cold cache;
- unchanged: the N documents again;
- +1: one new document among N (each repetition adds another one).

Runs are in process (`pipelines.runner.execute_publish`, what `guarantees run` does after its
imports); with the CLI on, the same two key figures are measured through `guarantees run` in a
fresh process, imports included. Figures are medians of `--repeat` runs; only ratios taken within
one invocation are comparable, as other load on the machine moves absolute times.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from generate import write_corpus  # noqa: E402
from pipeline_run import run_publish  # noqa: E402


class Bench:
    def __init__(self, work: Path):
        import dagster as dg

        self.work = work
        self.instance = dg.DagsterInstance.get()

    def run(self, seeds: Path, outputs: Path) -> dict:
        return run_publish(self.instance, seeds, outputs)


def cli_run(seeds: Path, outputs: Path, home: Path) -> float:
    env = dict(os.environ, DAGSTER_HOME=str(home), GUARANTEES_SEEDS_DIR=str(seeds), GUARANTEES_OUTPUTS_DIR=str(outputs))
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "guarantees"), "run", "--quiet"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in runs)


def measure(args, work: Path, home: Path) -> dict:
    """Fixed, unchanged and +1 runs are interleaved round by round, so that a burst of load on the
    machine hits all three alike, and each round gives its own +1 / fixed ratio."""
    bench = Bench(work)
    one = work / "one"
    write_corpus(one, 0, 1)
    corpus = work / "corpus"
    write_corpus(corpus, 0, args.docs)
    fresh = iter(range(10_000))
    added_docs = iter(range(args.docs, args.docs + 10_000))

    def new_outputs() -> Path:
        return work / f"outputs_{next(fresh)}"

    def add_one() -> None:
        i = next(added_docs)
        write_corpus(corpus, i, i + 1)

    bench.run(one, new_outputs())  # warm-up: imports, gazetteers, first SQLite tables
    outputs = new_outputs()
    figures = {"docs": args.docs, "repeat": args.repeat, "full": bench.run(corpus, outputs),
               "fixed": [], "unchanged": [], "added": [], "cli_fixed": [], "cli_added": []}
    for _ in range(args.repeat):
        figures["fixed"].append(bench.run(one, new_outputs()))
        figures["unchanged"].append(bench.run(corpus, outputs))
        add_one()
        figures["added"].append(bench.run(corpus, outputs))
        if args.cli:
            figures["cli_fixed"].append(cli_run(one, new_outputs(), home))
            add_one()
            figures["cli_added"].append(cli_run(corpus, outputs, home))
    figures["loadavg_1min"] = os.getloadavg()[0]
    return figures


def report(f: dict) -> str:
    n = f["docs"]
    fixed, added, unchanged = median(f["fixed"]), median(f["added"]), median(f["unchanged"])
    ratios = [a["seconds"] / x["seconds"] for a, x in zip(f["added"], f["fixed"])]
    rows = [
        ("fixed overhead: a one-document corpus, fresh outputs", fixed, f["fixed"][0]["processed"], 0),
        (f"full: {n:,} documents, cold cache", f["full"]["seconds"], f["full"]["processed"], f["full"]["reused"]),
        (f"unchanged: the same {n:,} documents", unchanged, f["unchanged"][0]["processed"], f["unchanged"][0]["reused"]),
        (f"+1: one new document among {n:,}", added, f["added"][0]["processed"], f["added"][0]["reused"]),
    ]
    lines = [f"| run (in process, median of {f['repeat']}) | seconds | extracted | reused |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {s:.2f} | {p:,} | {r:,} |" for name, s, p, r in rows]
    lines += ["", f"- +1 / fixed overhead: **{statistics.median(ratios):.2f}x** (median of the rounds' ratios: "
                  + ", ".join(f"{r:.2f}" for r in ratios) + f"); full / fixed overhead: {f['full']['seconds'] / fixed:.1f}x",
              "- inside the extraction step of a +1 run, before the tables are read back (s): "
              + ", ".join(f"{k} {v:.3f}" for k, v in f["added"][len(f["added"]) // 2]["extract_step"].items())]
    if f["cli_fixed"]:
        cli_ratios = [a / x for a, x in zip(f["cli_added"], f["cli_fixed"])]
        lines.append(f"- through `guarantees run` (a fresh process, imports included): fixed overhead "
                     f"{statistics.median(f['cli_fixed']):.2f} s, +1 {statistics.median(f['cli_added']):.2f} s, "
                     f"ratio **{statistics.median(cli_ratios):.2f}x**")
    fixed_steps, added_steps = _steps(f["fixed"]), _steps(f["added"])
    lines.append("- steps, fixed overhead -> +1 (s): " + ", ".join(
        f"{k} {fixed_steps[k]:.2f} -> {added_steps[k]:.2f}" for k in sorted(added_steps, key=lambda k: -added_steps[k])))
    lines.append(f"- load average (1 min) at the end: {f['loadavg_1min']:.2f} on {os.cpu_count()} CPUs")
    return "\n".join(lines)


def _steps(runs: list[dict]) -> dict[str, float]:
    return {k: statistics.median(r["steps"][k] for r in runs) for k in runs[0]["steps"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cli", dest="cli", action="store_false", help="skip the `guarantees run` figures")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_incremental_"))
    home = work / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        figures = measure(args, work, home)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    print(report(figures))


if __name__ == "__main__":
    main()
