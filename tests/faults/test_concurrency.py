"""Two runs at once: exactly one publishes; the other waits, or gives up naming who holds the lock."""
from __future__ import annotations

import json
import os
import socket
import time

import pytest

from pipelines.lib.publish_lock import LockHeld, ProcessRecord, publish_lock
from pipelines.lib.release import LOCK
from pipelines.resources import GuaranteesSettings
from tests.faults import invariants as inv
from tests.faults.conftest import copy_base, publish_process


def test_a_busy_lock_is_refused_naming_its_holder(tmp_path):
    lock = tmp_path / LOCK
    with publish_lock(lock, 1):
        started = time.monotonic()
        with pytest.raises(LockHeld) as info:
            with publish_lock(lock, 0.3):
                pass
        assert time.monotonic() - started >= 0.3
    holder = info.value.holder
    assert (holder.pid, holder.host) == (os.getpid(), socket.gethostname())
    assert f"is held by pid {os.getpid()} on host {socket.gethostname()} since " in str(info.value)
    assert "gave up after waiting 0.3 s, nothing was published" in str(info.value)
    with publish_lock(lock, 0) as previous:  # free again, and it says who held it last
        assert previous.pid == os.getpid()


def test_a_lock_whose_holder_died_is_free_at_once(tmp_path):
    lock = tmp_path / LOCK
    pid = os.fork()
    if pid == 0:
        try:
            with publish_lock(lock, 1):
                os._exit(137)  # killed while holding it
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    with publish_lock(lock, 0) as previous:
        assert previous.pid == pid
        assert previous.alive() is False


def test_the_lock_timeout_is_a_setting(monkeypatch):
    monkeypatch.setenv("GUARANTEES_PUBLISH_LOCK_TIMEOUT", "2.5")
    assert GuaranteesSettings().lock_timeout_s == 2.5
    monkeypatch.setenv("GUARANTEES_PUBLISH_LOCK_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="GUARANTEES_PUBLISH_LOCK_TIMEOUT='soon' is not a number of seconds"):
        GuaranteesSettings().lock_timeout_s


def test_a_process_record_tells_a_live_process_from_a_dead_one():
    me = ProcessRecord.current()
    assert me.alive() is True
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    assert ProcessRecord(pid, me.host, me.since).alive() is False
    assert ProcessRecord(os.getpid(), me.host, me.since, (me.proc_start or 0) + 1).alive() is False  # a reused pid
    assert ProcessRecord(1, "another-host", me.since).alive() is None
    assert ProcessRecord.parse(me.to_json()) == me and ProcessRecord.parse(b'{"pid": 1') is None


@pytest.mark.slow
def test_a_run_that_cannot_get_the_lock_gives_up_naming_the_holder(fault_frames, base_outputs, tmp_path):
    outputs = copy_base(base_outputs, tmp_path)
    before = inv.normalised(outputs)
    with publish_lock(inv.releases(outputs) / LOCK, 1):
        child = publish_process(fault_frames[1], outputs, "--lock-timeout", "1")
        out, err = child.communicate(timeout=300)
    assert child.returncode == 1
    assert f"waiting for the publish lock held by pid {os.getpid()} on host {socket.gethostname()}" in out
    [line] = err.splitlines()
    assert line.startswith(f"error: the publish lock {inv.releases(outputs) / LOCK} is held by pid {os.getpid()} "
                           f"on host {socket.gethostname()} since ")
    assert line.endswith("gave up after waiting 1 s, nothing was published")
    assert inv.normalised(outputs) == before and inv.leftovers(outputs) == []


@pytest.mark.slow
def test_two_runs_started_together_publish_exactly_once(fault_frames, base_outputs, tmp_path):
    outputs = copy_base(base_outputs, tmp_path)
    go = tmp_path / "go"
    children = [publish_process(fault_frames[1], outputs, "--start-at", str(go)) for _ in range(2)]
    for child in children:  # both have audited their tables and wait at the start line
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    results = [(child, *child.communicate(timeout=300)) for child in children]
    winners = [(c, out) for c, out, _ in results if c.returncode == 0 and out.splitlines()[-1].startswith("published ")]
    assert len(winners) == 1, [(c.returncode, out, err) for c, out, err in results]
    winner, winner_out = winners[0]
    release_id = winner_out.splitlines()[-1].split()[1]
    [(loser, out, err)] = [r for r in results if r[0] is not winner]
    if loser.returncode == 0:  # it started its build after the winner published: same content, nothing to do
        assert out.splitlines()[-1] == f"no change {release_id}"
    else:  # it built at the same time and found the release published when its turn came
        assert loser.returncode == 1
        [line] = err.splitlines()
        assert line.startswith(f"error: release {release_id} was published after ")
        assert f"(the publish lock's last holder: pid {winner.pid} on host {socket.gethostname()} since " in line
    assert inv.published_ids(outputs) == sorted(inv.published_ids(base_outputs) + [release_id])
    assert inv.latest_id(outputs) == release_id
    assert inv.public_problems(outputs) == [] and inv.leftovers(outputs) == []


def test_the_release_step_refuses_a_candidate_staged_by_another_run(tmp_path):
    """Two runs sharing an outputs folder share its intermediate files: a run must not publish the
    candidate another run staged (and that run will publish itself)."""
    import dagster as dg

    from pipelines.definitions import ALL_ASSETS
    from pipelines.resources import FrameIOManager

    outputs = tmp_path / "outputs"
    staged = outputs / "releases" / ".staging" / "20300101T000000Z-abcdef@host@1@1"
    staged.mkdir(parents=True)
    candidate = {"outcome": "staged", "release_id": "20300101T000000Z-abcdef", "staging_path": str(staged),
                 "manifest": {"previous_release_id": None}, "rows": {"documents": 1}, "run_id": "another-run"}
    (outputs / "intermediate").mkdir()
    (outputs / "intermediate" / "release_candidate.json").write_text(json.dumps(candidate))
    resources = {"settings": GuaranteesSettings(seeds_dir=str(tmp_path), outputs_dir=str(outputs)),
                 "io_manager": FrameIOManager(outputs_dir=str(outputs))}
    with dg.instance_for_test() as instance:
        result = dg.materialize(ALL_ASSETS, selection=["release"], instance=instance, raise_on_error=False,
                                resources=resources)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_failure_data.user_failure_data.description.startswith(
        "the release candidate was staged by run another-run, not by this run")
    assert staged.is_dir() and not (outputs / "releases" / "latest.json").exists()
