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

from corpus import DEFAULT_FOLDER, first_documents  # the script's own folder is on sys.path


def child(corpus: Path, docs: int) -> None:
    """Load the code, warm the extractor up, extract the first `docs` documents."""
    from pipelines.lib.extract import extract_document, warm_up

    documents = first_documents(corpus, docs)
    warm_up()
    for doc in documents:
        extract_document(doc)
    print(len(documents), sum(len(d.text.encode()) for d in documents))


def counted(corpus: Path, docs: int) -> tuple[int, int, int]:
    """(instructions, documents, document bytes) of a child run under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "callgrind.log"
        env = dict(os.environ, PYTHONHASHSEED="0")
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={Path(tmp) / 'out'}", f"--log-file={log}",
             sys.executable, __file__, "--child", "--corpus", str(corpus), "--docs", str(docs)],
            env=env, capture_output=True, text=True)
        text = log.read_text() if log.exists() else ""
        found = re.search(r"Collected\s*:\s*(\d+)", text)
        if out.returncode != 0 or found is None:
            tail = "\n".join((out.stderr or text).strip().splitlines()[-5:])
            raise SystemExit(f"the run of {docs} documents under valgrind failed (exit {out.returncode}):\n{tail}")
        n, size = (int(v) for v in out.stdout.split()[-2:])
        return int(found.group(1)), n, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.corpus, args.docs)
    if args.docs < 1:
        raise SystemExit("--docs: at least 1 document")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    first_documents(args.corpus, args.docs)  # a missing corpus or a bad file is said before valgrind starts
    base, _, _ = counted(args.corpus, 0)
    total, n, size = counted(args.corpus, args.docs)
    work = total - base
    print(f"{n} documents ({size / 1e3:.0f} kB): {work / n / 1e6:.2f} M instructions a document, "
          f"{work / size:.0f} a byte (valgrind callgrind, PYTHONHASHSEED=0; load and warm-up, "
          f"{base / 1e6:.0f} M, subtracted)")


if __name__ == "__main__":
    main()
