"""The release store: push a release of N benchmark documents to a store, and pull it back.

    .venv/bin/python bench/scale/store.py [--docs 10000] [--stores folder memory://bench-store]

Generates N documents of the benchmark corpus (`corpus.py`, seed 7) into a temporary folder,
publishes them with the pipeline (its time is printed, but `run.py` is the pipeline's benchmark),
then, for each store (`folder` is a temporary folder; any other value is an fsspec URL, such as
`memory://...` or `s3://bucket/prefix` with s3fs installed and credentials set), times:

- push: every file of the release, then the manifest, `index.json` and `latest.json`
  (`release_store.push`, after it checks the local files against the manifest);
- push again: the store already holds the release (one read of `latest.json`);
- pull into an empty outputs folder: download, each file's sha256 checked, the manifest checked
  against the store's index, then moved into place (`release_store.pull`).

Prints one Markdown table; seconds on a shared machine move by 10-20% between invocations.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(REPO), str(HERE.parent)]

from corpus import write_corpus  # noqa: E402
from pipeline_run import run_publish  # noqa: E402


def release_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = function(*args, **kwargs)
    return time.perf_counter() - start, out


def measure(store_arg: str, releases: Path, work: Path) -> list[tuple[str, float]]:
    """(what, seconds) for a push, a push that finds the store up to date, and a pull into an empty folder."""
    from pipelines.lib import storage
    from pipelines.lib.release_store import Store, pull, push

    url = str(work / "store") if store_arg == "folder" else f"{store_arg.rstrip('/')}/{uuid.uuid4().hex}"
    store = Store.at(url)
    try:
        first, pushed = timed(push, releases, store, lock_timeout_s=60)
        again, nothing = timed(push, releases, store, lock_timeout_s=60)
        assert pushed and not nothing, (pushed, nothing)
        empty = work / f"pulled-{uuid.uuid4().hex}" / "releases"
        back, pulled = timed(pull, empty, store, lock_timeout_s=60)
        assert pulled, "nothing was pulled"
        return [("push", first), ("push, store up to date", again), ("pull into an empty folder", back)]
    finally:
        storage.remove_tree(storage.location(url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000, help="documents in the release (default 10,000)")
    parser.add_argument("--stores", nargs="+", default=["folder", "memory://bench-store"],
                        help="'folder' (a temporary folder) or fsspec URLs")
    args = parser.parse_args()
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    import dagster as dg

    with tempfile.TemporaryDirectory(prefix="guarantees-store-bench-") as tmp:
        work = Path(tmp)
        seeds, outputs = work / "seeds", work / "outputs"
        seeds.mkdir()
        write_corpus(seeds, 0, args.docs)  # the benchmark corpus's own seed, 7
        (work / "dagster").mkdir()
        with dg.DagsterInstance.local_temp(str(work / "dagster")) as instance:
            run = run_publish(instance, seeds, outputs)
        releases = outputs / "releases"
        (release,) = [p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")]
        mb = release_bytes(release) / 1e6
        print(f"{args.docs:,} documents published in {run['seconds']:.1f} s; release {release.name}: {mb:.1f} MB "
              f"in {sum(1 for _ in release.iterdir())} files\n")
        print("| store | operation | seconds | MB/s |")
        print("|---|---|---:|---:|")
        for store_arg in args.stores:
            for what, seconds in measure(store_arg, releases, work):
                rate = f"{mb / seconds:.0f}" if what != "push, store up to date" else ""
                print(f"| {store_arg} | {what} | {seconds:.3f} | {rate} |")


if __name__ == "__main__":
    main()
