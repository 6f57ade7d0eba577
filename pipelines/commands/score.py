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
# The project's own evaluation set (documents written for the project, gold in the same format),
# scored alongside the shared seed and development sets.
PROJECT_EVAL = Path(__file__).resolve().parents[2] / "eval"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL, help=f"evaluation folder (default {DEFAULT_EVAL})")
    parser.add_argument("--sets", nargs="+", default=["seed", "dev", "extra"],
                        help="document sets to score; a set missing from --eval-dir is taken from the project's eval/")
    parser.add_argument("-v", "--verbose", action="store_true", help="list false positives and negatives per document")


def run(args: argparse.Namespace) -> int:
    from pipelines.commands.run import run as run_pipeline
    from pipelines.lib.release import latest_release_id, releases_dir

    sources = {}
    for name in args.sets:
        base = next((b for b in (args.eval_dir, PROJECT_EVAL) if (b / "docs" / name).is_dir()), None)
        if base is None:
            print(f"error: no evaluation documents for set {name!r} in {args.eval_dir} or {PROJECT_EVAL}", file=sys.stderr)
            return 2
        sources[name] = base
    with tempfile.TemporaryDirectory(prefix="guarantees-score-") as tmp:
        seeds, outputs = Path(tmp) / "seeds", Path(tmp) / "outputs"
        for name, base in sources.items():
            shutil.copytree(base / "docs" / name, seeds / name)
        status = run_pipeline(argparse.Namespace(seeds_dir=str(seeds), outputs_dir=str(outputs), quiet=True))
        if status:
            return status
        release = releases_dir(outputs) / latest_release_id(outputs)
        for name, base in sources.items():
            cmd = [sys.executable, str(args.eval_dir / "score.py"), "--gold", str(base / "gold" / name), "--pred", str(release)]
            status = subprocess.run(cmd + (["-v"] if args.verbose else [])).returncode or status
        return status
