"""`guarantees score`: run the pipeline on the evaluation documents and print score.py's table.

The documents under <eval>/docs/ (seed and dev) are copied into a temporary seeds folder, the
whole pipeline runs there in process, and the evaluation's own scorer reads the release.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL, help=f"evaluation folder (default {DEFAULT_EVAL})")
    parser.add_argument("--sets", nargs="+", default=["seed", "dev"], help="document sets to score")
    parser.add_argument("-v", "--verbose", action="store_true", help="list false positives and negatives per document")


def run(args: argparse.Namespace) -> int:
    from pipelines.commands.run import run as run_pipeline
    from pipelines.lib.release import latest_release_id, releases_dir

    docs, gold = args.eval_dir / "docs", args.eval_dir / "gold"
    if not docs.is_dir():
        print(f"error: no evaluation documents at {docs}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="guarantees-score-") as tmp:
        seeds, outputs = Path(tmp) / "seeds", Path(tmp) / "outputs"
        for name in args.sets:
            shutil.copytree(docs / name, seeds / name)
        status = run_pipeline(argparse.Namespace(seeds_dir=str(seeds), outputs_dir=str(outputs), quiet=True))
        if status:
            return status
        release = releases_dir(outputs) / latest_release_id(outputs)
        gold_dirs = [gold / name for name in args.sets]
        for gold_dir in gold_dirs:
            cmd = [sys.executable, str(args.eval_dir / "score.py"), "--gold", str(gold_dir), "--pred", str(release)]
            status = subprocess.run(cmd + (["-v"] if args.verbose else [])).returncode or status
        return status
