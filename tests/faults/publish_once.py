"""One publish attempt in its own process, for the tests that need a real second process.

    python -m tests.faults.publish_once FRAMES OUTPUTS [--now ISO] [--fsize BYTES] [--sigxfsz-kills]
                                        [--start-at FILE] [--lock-timeout S]

It audits the tables in FRAMES (Parquet files), then does what the release assets do (recover,
stage, verify, publish) into OUTPUTS, printing what `guarantees run` prints. `--fsize` caps the
size of any file the process writes (RLIMIT_FSIZE): a full disk, without root or a tmpfs. Writing
past the cap then fails with EFBIG ("File too large"), Python ignoring SIGXFSZ; with
`--sigxfsz-kills` the signal's default action is restored and the kernel kills the process
instead, as abruptly as a power cut. `--start-at` waits until FILE exists, so
that two processes can start publishing at the same moment.
"""
from __future__ import annotations

import argparse
import datetime as dt
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

from pipelines.lib.release_build import check_frames
from tests.faults.frames import load_frames
from tests.faults.sweep_driver import attempt


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("frames")
    parser.add_argument("outputs")
    parser.add_argument("--now", default=None)
    parser.add_argument("--fsize", type=int, default=None)
    parser.add_argument("--sigxfsz-kills", action="store_true")
    parser.add_argument("--start-at", default=None)
    parser.add_argument("--lock-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    # The audited tables' files, outside OUTPUTS (a process killed by a test leaves a few kB here).
    with tempfile.TemporaryDirectory(prefix="guarantees-checked-") as work:
        return attempt_once(args, check_frames(load_frames(Path(args.frames)), Path(work)))


def attempt_once(args: argparse.Namespace, checked) -> int:
    now = dt.datetime.fromisoformat(args.now) if args.now else dt.datetime.now(dt.timezone.utc)
    if args.fsize is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL if args.sigxfsz_kills else signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.fsize, args.fsize))
    if args.start_at:
        print("ready", flush=True)
        while not Path(args.start_at).exists():
            time.sleep(0.01)
    return attempt(Path(args.outputs), checked, now, lock_timeout_s=args.lock_timeout)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
