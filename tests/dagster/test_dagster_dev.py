"""Smoke test: `dagster dev` serves the code location, with the committed instance configuration.

It starts the webserver and the daemon on a free port with a temporary DAGSTER_HOME (holding the
committed `.dagster/dagster.yaml`) and an empty seeds folder, asks the GraphQL endpoint for the
assets, the sensor and the schedule, and stops it by its own process id. SIGTERM to `dagster dev`
shuts down its webserver, daemon and code server; the test checks that none is left.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipelines.definitions import defs
from tests.conftest import REPO

STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20
QUERY = """{
  assetNodes { assetKey { path } }
  repositoriesOrError { ... on RepositoryConnection { nodes {
    sensors { name sensorState { status } }
    schedules { name scheduleState { status } } } } }
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, data: bytes | None = None) -> dict | None:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


@pytest.mark.slow
def test_dagster_dev_serves_assets_sensor_and_schedule(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster" / "dagster.yaml", home / "dagster.yaml")
    (tmp_path / "seeds").mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(home), GUARANTEES_SEEDS_DIR=str(tmp_path / "seeds"),
               GUARANTEES_OUTPUTS_DIR=str(tmp_path / "outputs"))
    port = free_port()
    log = open(tmp_path / "dagster_dev.log", "wb")
    # Its own process group, so that the test can tell whether any child outlives it; SIGINT at its
    # default so that Dagster's shutdown handler is installed even under a shell that ignores it.
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1",
         "-p", str(port)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while get(f"http://127.0.0.1:{port}/server_info") is None:
            assert proc.poll() is None, (tmp_path / "dagster_dev.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "dagster dev did not answer in time"
            time.sleep(0.5)
        answer = get(f"http://127.0.0.1:{port}/graphql", json.dumps({"query": QUERY}).encode())
        assets = {"/".join(n["assetKey"]["path"]) for n in answer["data"]["assetNodes"]}
        assert assets == {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
        (repo,) = answer["data"]["repositoriesOrError"]["nodes"]
        # The batches sensor is for a cluster deployment (docs/scaling.md): off on one machine.
        assert {s["name"]: s["sensorState"]["status"] for s in repo["sensors"]} == \
            {"seeds_sensor": "RUNNING", "batches_sensor": "STOPPED"}
        assert {s["name"]: s["scheduleState"]["status"] for s in repo["schedules"]} == \
            {"daily_publish_schedule": "RUNNING"}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            returncode = proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            returncode = None
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        leftover = group_alive(proc.pid)
        if leftover or returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)  # our own child's group, so the test leaves nothing behind
        log.close()
    assert returncode == 0 and not leftover, (tmp_path / "dagster_dev.log").read_text()[-3000:]
