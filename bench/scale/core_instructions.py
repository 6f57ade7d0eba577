"""Extraction core cost in CPU instructions per document, counted by valgrind: a figure the
shared machine's load cannot move.

Wall-clock A/B runs of `core_speed.py` on this 2-vCPU VM move by 20-30% between rounds of the same
code, so a rule change worth 3% cannot be seen there. valgrind's callgrind counts the
instructions the interpreter executes, the same for the same code and input in every run (with a
fixed `PYTHONHASHSEED`). Two runs under valgrind: the first N documents of the benchmark corpus,
and none; both load the code and warm the extractor up, so the difference is the extraction of
the N documents alone.

    .venv/bin/python bench/scale/core_instructions.py [--docs 40]
    PYTHONPATH=<other checkout> .venv/bin/python bench/scale/core_instructions.py   # A/B

It counts work, not time: memory stalls and the regular-expression engine's cache behaviour are
not in it, so quote it beside `core_speed.py`'s figures, not instead of them. About 2 minutes for
40 documents (valgrind runs the interpreter 50-100x slower).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_CORPUS = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "guarantees-bench-corpus" / "seed7"


def child(corpus: Path, docs: int) -> None:
    """Load the code, warm the extractor up, extract the first `docs` documents."""
    from pipelines.lib.documents import read_document
    from pipelines.lib.extract import extract_document, warm_up

    names = sorted(p.name for p in corpus.glob("doc_*.txt"))[:docs]
    documents = [read_document(corpus, name) for name in names]
    warm_up()
    for doc in documents:
        extract_document(doc)
    print(sum(len(d.text.encode()) for d in documents))


def counted(corpus: Path, docs: int) -> tuple[int, int]:
    """(instructions, document bytes) of a child run under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "callgrind.log"
        env = dict(os.environ, PYTHONHASHSEED="0")
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={Path(tmp) / 'out'}", f"--log-file={log}",
             sys.executable, __file__, "--child", "--corpus", str(corpus), "--docs", str(docs)],
            env=env, capture_output=True, text=True, check=True)
        found = re.search(r"Collected\s*:\s*(\d+)", log.read_text())
        if found is None:
            raise SystemExit(f"valgrind wrote no instruction count into {log}")
        return int(found.group(1)), int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.corpus, args.docs)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    if not any(args.corpus.glob("doc_*.txt")):
        raise SystemExit(f"no documents in {args.corpus}: run `make bench` once to write the corpus")
    base, _ = counted(args.corpus, 0)
    total, size = counted(args.corpus, args.docs)
    work = total - base
    print(f"{args.docs} documents ({size / 1e3:.0f} kB): {work / args.docs / 1e6:.2f} M instructions a document, "
          f"{work / size:.0f} a byte (valgrind callgrind, PYTHONHASHSEED=0; load and warm-up, "
          f"{base / 1e6:.0f} M, subtracted)")


if __name__ == "__main__":
    main()
