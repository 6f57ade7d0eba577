"""A fingerprint of what the extractor produces, to prove that speed work changed no row.

    .venv/bin/python bench/scale/fingerprint.py [--docs 2000] [--eval ../shared/eval/docs]

Runs `extract_document` over the evaluation documents (`<eval>/*/*.txt`, with their sidecars) and
over the first N documents of the benchmark corpus, JSON-dumps every table's rows in order, and
prints one sha256 per table and one for everything. Run it before and after a change to the
extraction modules: the hashes must be equal.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

from corpus import write_corpus  # noqa: E402

from pipelines.lib.corpus import EXTRACTED_TABLES  # noqa: E402
from pipelines.lib.extract import extract_document  # noqa: E402
from pipelines.lib.seeds import read_seeds  # noqa: E402


def documents(eval_dir: Path, corpus_dir: Path) -> list:
    docs = []
    for folder in sorted(p for p in eval_dir.iterdir() if p.is_dir()):
        docs += read_seeds(folder).documents
    return docs + read_seeds(corpus_dir).documents


def table_hashes(docs) -> dict[str, str]:
    digests = {name: hashlib.sha256() for name in EXTRACTED_TABLES}
    for doc in docs:
        ex = extract_document(doc)
        digests["documents"].update(json.dumps(ex.document, default=str, sort_keys=True).encode() + b"\n")
        for name in EXTRACTED_TABLES[1:]:
            for row in getattr(ex, name):
                digests[name].update(json.dumps(row, default=str, sort_keys=True).encode() + b"\n")
    return {name: d.hexdigest() for name, d in digests.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval" / "docs",
                        help="evaluation documents (default: ../shared/eval/docs, as `guarantees score`)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp), 0, args.docs)
        docs = documents(args.eval, Path(tmp))
    hashes = table_hashes(docs)
    for name, digest in hashes.items():
        print(f"{name:<18} {digest}")
    total = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()
    print(f"{'all (' + str(len(docs)) + ' docs)':<18} {total}")


if __name__ == "__main__":
    main()
