"""The fault-point sweep: publish a release with each of its I/O calls failing in turn, in both modes.

For every N from 1 to K (the number of writes, renames, replaces, fsyncs and folder creations of a
publish), a child process publishes with the Nth call failing, either with ENOSPC (a full disk) or
by `os._exit(137)` (kill -9, power loss), and then again without a fault. After each, the
invariants I1-I5 (`invariants.py`) must hold. The work runs in one driver process
(`sweep_driver.py`) that forks a child per attempt; this module only checks what it left.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.lib import fsio
from tests.conftest import REPO
from tests.faults import invariants as inv

pytestmark = pytest.mark.slow

NOW = dt.datetime(2024, 7, 10, 12, 0, tzinfo=dt.timezone.utc)
MODES = ("kill", "enospc")
WORKERS = 2
MAX_POINTS = 60  # the sweep's time grows with K; a publish with more I/O calls than this needs a look


@dataclass
class Sweep:
    work: Path
    points: list[list[str]]  # [n, op, path] from the uninterrupted run's trace
    runs: list[dict]

    @property
    def base_id(self) -> str:
        return inv.published_ids(self.work / "base")[0]

    def point(self, n: int) -> tuple[str, str]:
        _, op, path = self.points[n - 1]
        return op, path

    def latest_replaced_at(self) -> int:
        """The fault point of the replace of latest.json: up to it, latest must still name the base."""
        return next(int(n) for n, op, path in self.points if op == "replace" and path.endswith("releases/latest.json"))


@pytest.fixture(scope="module")
def sweep(fault_frames, tmp_path_factory) -> Sweep:
    first, second = fault_frames
    work = tmp_path_factory.mktemp("sweep")
    spec = {"work": str(work), "now": NOW.isoformat(), "first_frames": str(first), "second_frames": str(second),
            "modes": list(MODES), "workers": WORKERS}
    (work / "spec.json").write_text(json.dumps(spec))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUARANTEES_FAULT")}
    done = subprocess.run([sys.executable, "-m", "tests.faults.sweep_driver", str(work / "spec.json")], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((work / "results.json").read_text())
    return Sweep(work, results["points"], results["runs"])


def test_the_sweep_fails_every_io_call_of_a_publish_in_both_modes(sweep):
    k = len(sweep.points)
    assert 20 <= k <= MAX_POINTS, f"a publish makes {k} I/O calls"
    assert {op for _, op, _ in sweep.points} == {"mkdir", "open", "write", "replace", "rename", "fsync_dir"}
    assert sorted((r["mode"], r["n"]) for r in sweep.runs) == sorted((m, n) for m in MODES for n in range(1, k + 1))
    # The calls of the uninterrupted run, in order: staging, the manifest last, one rename, then the pointers.
    ops = [(op, re.sub(r"\.[0-9]+\.tmp$", ".tmp", Path(path).name)) for _, op, path in sweep.points]
    rename = [op for op, _ in ops].index("rename")
    assert ops[:2] == [("mkdir", ".staging"), ("mkdir", ops[1][1])] and ops[1][1].startswith(ops[rename][1] + "@")
    assert ops[rename - 3:rename] == [("open", "manifest.json"), ("write", "manifest.json"), ("fsync_dir", ops[1][1])]
    assert ops[rename + 1:] == [("fsync_dir", "releases"),
                                ("open", ".index.json.tmp"), ("write", ".index.json.tmp"), ("replace", "index.json"),
                                ("fsync_dir", "releases"),
                                ("open", ".latest.json.tmp"), ("write", ".latest.json.tmp"), ("replace", "latest.json"),
                                ("fsync_dir", "releases")]


@pytest.mark.parametrize("mode", MODES)
def test_every_fault_point_keeps_the_invariants(sweep, mode):
    base_files = inv.file_hashes(inv.releases(sweep.work / "base") / sweep.base_id)
    reference = inv.normalised(sweep.work / "reference")
    problems = []
    for run in (r for r in sweep.runs if r["mode"] == mode):
        n = run["n"]
        op, path = sweep.point(n)
        where = f"{mode} at call {n} ({op} {Path(path).name})"
        problems += [f"{where}: {p}" for p in _check(sweep, run, base_files, reference)]
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def _check(sweep: Sweep, run: dict, base_files: dict, reference: dict) -> list[str]:
    if "driver_error" in run:
        return [f"the driver failed: {run['driver_error'][-500:]}"]
    n, mode = run["n"], run["mode"]
    job = sweep.work / f"{mode}-{n}"
    after = job / "after_fault"
    problems = []
    # I1, I3: the pointers name complete releases, every public folder is complete.
    problems += [f"I1/I3 after the fault: {p}" for p in inv.public_problems(after)]
    # latest.json moves at its replace and nowhere else.
    latest = inv.latest_id(after)
    expect_base = n <= sweep.latest_replaced_at()  # a fault point comes before its call
    if (latest == sweep.base_id) != expect_base:
        problems.append(f"latest.json names {latest} after the fault (expected {'the base' if expect_base else 'the new'} release)")
    # I2: the earlier release is byte-identical.
    for outputs, when in ((after, "after the fault"), (job / "outputs", "after the re-run")):
        if inv.file_hashes(inv.releases(outputs) / sweep.base_id) != base_files:
            problems.append(f"I2 {when}: release {sweep.base_id} changed")
    # I4: a non-zero exit, and for a full disk one line naming the cause and the file.
    problems += _exit_problems(sweep, job, run)
    # I5: the re-run succeeds, cleans up, and gives what an uninterrupted run gives.
    if run["rerun_rc"] not in (0, "reference"):
        problems.append(f"I5: the re-run exited {run['rerun_rc']}: {(job / 'rerun.err').read_text()[-500:]}")
        return problems
    outputs = job / "outputs"
    problems += [f"I5 after the re-run: {p}" for p in inv.public_problems(outputs) + inv.leftovers(outputs)]
    problems += [f"I5: {d}" for d in inv.differences(inv.normalised(outputs), reference)]
    return problems


def _exit_problems(sweep: Sweep, job: Path, run: dict) -> list[str]:
    err = (job / "fault.err").read_text()
    if run["mode"] == "kill":
        return [] if run["fault_rc"] == fsio.KILL_STATUS and not err else \
            [f"I4: killed run exited {run['fault_rc']} with {err[-300:]!r}"]
    lines = err.splitlines()
    _, path = sweep.point(run["n"])
    if run["fault_rc"] != 1 or len(lines) != 1 or not lines[0].startswith("error: "):
        return [f"I4: exit {run['fault_rc']} with {err[-500:]!r}"]
    # The trace is the reference run's: other release id, folder and pid than this job's error line.
    name = _generic(Path(path).name)
    if "No space left on device" not in lines[0] or name not in _generic(lines[0]):
        return [f"I4: the error line does not name the cause and the file {name!r}: {lines[0]}"]
    return []


def _generic(text: str) -> str:
    text = re.sub(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}", "<id>", text)
    text = re.sub(r"@[^@/\s]+@[0-9]+@[0-9]+", "", text)
    return re.sub(r"\.[0-9]+\.tmp", ".tmp", text)
