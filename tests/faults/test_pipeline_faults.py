"""Faults in a whole pipeline run: the error line `guarantees run` prints, and the next run's recovery.

The sweep (`test_sweep.py`) fails every I/O call of the release step on its own; this runs the
Dagster job end to end, once with the disk filling up just after the release was moved into place,
and once more to see the interrupted publish finished and nothing published twice.
"""
from __future__ import annotations

import argparse
import json

import dagster as dg
import pytest

from pipelines.commands import run as run_command
from pipelines.lib import fsio
from pipelines.lib.verify import verify_release
from tests.dagster.test_pipeline import latest, run
from tests.faults import invariants as inv
from tests.releases.conftest import add_poland_signing

pytestmark = pytest.mark.slow


def test_a_full_disk_after_the_rename_fails_the_run_and_the_next_run_finishes_the_publish(
        seeds_dir, outputs_dir, tmp_path, capsys, monkeypatch):
    trace = tmp_path / "trace.tsv"
    monkeypatch.setenv(fsio.FAULT_TRACE, str(trace))
    fsio.reset()
    assert run(seeds_dir, outputs_dir).success
    first = latest(outputs_dir).name
    points = [line.split("\t") for line in trace.read_text().splitlines()]
    rename = next(int(n) for n, op, _ in points if op == "rename")
    monkeypatch.delenv(fsio.FAULT_TRACE)

    add_poland_signing(seeds_dir)
    monkeypatch.setenv(fsio.FAULT_AT, str(rename + 1))  # the fsync of the releases folder right after the rename
    monkeypatch.setenv(fsio.FAULT_MODE, "enospc")
    fsio.reset()
    code = run_command.run(argparse.Namespace(seeds_dir=str(seeds_dir), outputs_dir=str(outputs_dir), quiet=True))
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 1
    assert line.startswith("error: step release failed: release ")
    assert "was moved into place, but the pointers could not be written: No space left on device" in line
    assert line.endswith(f"latest.json still names {first}; the next run finishes the publish")
    moved = line.split("release failed: release ")[1].split()[0]
    assert inv.latest_id(outputs_dir) == first
    assert verify_release(outputs_dir / "releases" / moved) == []

    monkeypatch.delenv(fsio.FAULT_AT)
    fsio.reset()
    with dg.instance_for_test() as instance:
        result = run(seeds_dir, outputs_dir, instance=instance)
        logs = [e.user_message for e in instance.all_logs(result.run_id)]
    assert result.success
    assert any(m.startswith(f"finished publishing release {moved}: a run was interrupted") for m in logs)
    [materialization] = result.asset_materializations_for_node("release")
    assert materialization.metadata["outcome"].value == "no change"
    assert materialization.metadata["release_id"].value == moved
    assert inv.latest_id(outputs_dir) == moved
    assert [e["release_id"] for e in json.loads((outputs_dir / "releases" / "index.json").read_text())["releases"]] \
        == [first, moved]
    assert inv.public_problems(outputs_dir) == [] and inv.leftovers(outputs_dir) == []
