"""The fault-point sweep's worker: publish one release many times, failing a different I/O call each time.

Started once by `test_sweep.py` (`python -m tests.faults.sweep_driver SPEC.json`). It imports the
pipeline and audits the input tables once (`check_frames`, a pure function), then forks a child
process per publish attempt, so that an attempt costs only the writing and publishing under test,
and a child killed by its fault (`os._exit(137)`, like `kill -9`) takes nothing else with it. An
attempt does what the `release_candidate` and `release` assets do, through the same functions
(`recover`, `stage_candidate`, `publish`), and reports as `guarantees run` does: `error: <cause>`
on stderr and exit status 1.

Work, all under the spec's `work` folder:
1. `base/`: release R1 published from the first tables; every fault must leave it as it is.
2. `reference/`: a copy of base plus R2 from the second tables, uninterrupted, with the I/O trace
   on: the K fault points of a publish, and the result every re-run must reproduce.
3. For each mode and N in 1..K, `<mode>-<N>/`: a copy of base, the publish with the Nth I/O call
   failing, a copy of what that left (`after_fault/`), then the same publish again without a fault
   in `outputs/` (the re-run). When the fault left every byte as in base (a full disk before the
   commit, whose run cleaned up after itself), the re-run would be the reference run once more, so
   `outputs/` is a copy of the reference and the result says `"reference"`. Up to `workers` of
   these jobs run at once.
`results.json` lists the fault points and every attempt's exit status.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from pipelines.lib import fsio
from pipelines.lib.publish_lock import LockHeld
from pipelines.lib.release import LOCK, PublishError, publish
from pipelines.lib.release_audit import AuditLimits
from pipelines.lib.release_build import AuditFailed, CheckedFrames, StagingFailed, check_frames, stage_candidate
from pipelines.lib.release_recovery import recover
from tests.faults.frames import load_frames

ATTEMPT_TIMEOUT_S = 120
LOCK_TIMEOUT_S = 30


def attempt(outputs: Path, checked: CheckedFrames, now: dt.datetime, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> int:
    """One run of the release step: 0 published or no change, 1 a reported failure, 2 a crash."""
    fsio.reset()
    waiting = lambda holder: print(f"waiting for the publish lock held by {holder.describe() if holder else '?'}",  # noqa: E731
                                   flush=True)
    try:
        for line in recover(outputs, lock_timeout_s=lock_timeout_s, on_wait=waiting):
            print(f"recovered: {line}")
        candidate = stage_candidate(checked, outputs, limits=AuditLimits(), now=now, code_version="fault-sweep")
        if candidate.no_change:
            print(f"no change {candidate.release_id}")
            return 0
        publish(candidate.staged, outputs, lock_timeout_s=lock_timeout_s, on_wait=waiting)
        print(f"published {candidate.release_id}")
        return 0
    except (AuditFailed, StagingFailed, PublishError, LockHeld) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {fsio.os_error_text(exc)}", file=sys.stderr)
        return 1
    except BaseException:  # a crash: the test reports the traceback
        traceback.print_exc()
        return 2


def run_child(outputs: Path, checked: CheckedFrames, now: dt.datetime, log_stem: Path,
              env: dict[str, str]) -> int:
    """`attempt` in a forked child with `env` set; its exit status (137 when the fault killed it)."""
    out, err = (os.open(f"{log_stem}.{s}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) for s in ("out", "err"))
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.environ.update(env)
            code = attempt(outputs, checked, now)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(out)
    os.close(err)
    deadline = time.monotonic() + ATTEMPT_TIMEOUT_S
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return -999  # hung: the test reports it
        time.sleep(0.01)


def fault_job(spec: dict, checked: CheckedFrames, now: dt.datetime, mode: str, n: int) -> None:
    """One fault point: copy base, fail the Nth call, keep what it left, re-run; write result.json."""
    work = Path(spec["work"])
    job = work / f"{mode}-{n}"
    outputs = job / "outputs"
    shutil.copytree(work / "base", outputs, symlinks=True)
    fault_rc = run_child(outputs, checked, now, job / "fault",
                         {fsio.FAULT_AT: str(n), fsio.FAULT_MODE: mode})
    shutil.copytree(outputs, job / "after_fault", symlinks=True)
    if tree_digest(outputs) == tree_digest(work / "base"):
        # The fault left the bytes as they were: re-running from them is the reference run again.
        shutil.rmtree(outputs)
        shutil.copytree(work / "reference", outputs, symlinks=True)
        rerun_rc = "reference"
    else:
        rerun_rc = run_child(outputs, checked, now, job / "rerun", {})
    (job / "result.json").write_text(json.dumps({"mode": mode, "n": n, "fault_rc": fault_rc, "rerun_rc": rerun_rc}))


def tree_digest(root: Path) -> str:
    """Every file's path and bytes under `root`, but the lock file (whose record names the last holder)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != LOCK):
        digest.update(f"{path.relative_to(root)}\0".encode("utf-8", "surrogateescape") + path.read_bytes())
    return digest.hexdigest()


def _result(work: Path, mode: str, n: int) -> dict:
    path = work / f"{mode}-{n}" / "result.json"
    if path.is_file():
        return json.loads(path.read_text())
    error = work / f"{mode}-{n}.driver-error"
    return {"mode": mode, "n": n, "driver_error": error.read_text() if error.is_file() else "no result"}


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    work = Path(spec["work"])
    now = dt.datetime.fromisoformat(spec["now"])
    (work / "checked" / "first").mkdir(parents=True)
    (work / "checked" / "second").mkdir()
    first = check_frames(load_frames(Path(spec["first_frames"])), work / "checked" / "first")
    second = check_frames(load_frames(Path(spec["second_frames"])), work / "checked" / "second")
    (work / "base").mkdir(parents=True)
    if run_child(work / "base", first, now - dt.timedelta(hours=1), work / "base-run", {}) != 0:
        print((work / "base-run.err").read_text(), file=sys.stderr)
        return 1
    shutil.copytree(work / "base", work / "reference", symlinks=True)
    trace = work / "trace.tsv"
    if run_child(work / "reference", second, now, work / "reference-run", {fsio.FAULT_TRACE: str(trace)}) != 0:
        print((work / "reference-run.err").read_text(), file=sys.stderr)
        return 1
    points = [line.split("\t") for line in trace.read_text().splitlines()]
    jobs = [(mode, n) for mode in spec["modes"] for n in range(1, len(points) + 1)]
    running: dict[int, tuple[str, int]] = {}
    while jobs or running:
        while jobs and len(running) < spec["workers"]:
            mode, n = jobs.pop(0)
            pid = os.fork()
            if pid == 0:
                try:
                    fault_job(spec, second, now, mode, n)
                except BaseException:
                    (work / f"{mode}-{n}.driver-error").write_text(traceback.format_exc())
                finally:
                    os._exit(0)
            running[pid] = (mode, n)
        pid, _ = os.wait()
        running.pop(pid, None)
    results = [_result(work, m, n) for m in spec["modes"] for n in range(1, len(points) + 1)]
    (work / "results.json").write_text(json.dumps({"points": points, "runs": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
