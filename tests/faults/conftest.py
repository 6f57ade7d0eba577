"""Fixtures for the fault tests: small release inputs built once per session from the project's seeds."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.lib.release_build import check_frames
from tests.conftest import REPO, SEEDS
from tests.faults.frames import frames_from_seeds, load_frames, save_frames, with_rejection
from tests.faults.sweep_driver import attempt

# Tiny data: the alias table is cut to a few hundred rows, so that an attempt to publish costs
# well under a second and the sweep can afford every fault point.
MAX_ALIASES = 200


@pytest.fixture(scope="session")
def fault_frames(tmp_path_factory) -> tuple[Path, Path]:
    """Two sets of release tables as Parquet folders: the seeds, and the seeds plus one rejected file."""
    base = tmp_path_factory.mktemp("fault_frames")
    first = frames_from_seeds(SEEDS, max_aliases=MAX_ALIASES)
    return (save_frames(first, base / "first"),
            save_frames(with_rejection(first, "broken.bin"), base / "second"))


BASE_TIME = dt.datetime(2024, 7, 10, 11, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def base_outputs(fault_frames, tmp_path_factory) -> Path:
    """An outputs folder holding one release of the first tables (read-only: copy it with `copy_base`)."""
    outputs = tmp_path_factory.mktemp("base") / "outputs"
    outputs.mkdir()
    assert attempt(outputs, check_frames(load_frames(fault_frames[0]), tmp_path_factory.mktemp("checked")),
                   BASE_TIME) == 0
    return outputs


def copy_base(base_outputs: Path, tmp_path: Path) -> Path:
    target = tmp_path / "outputs"
    shutil.copytree(base_outputs, target, symlinks=True)
    return target


def publish_process(frames: Path, outputs: Path, *args: str) -> subprocess.Popen:
    """`publish_once` in a new process (stdout and stderr piped, as text)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUARANTEES_FAULT")}
    return subprocess.Popen([sys.executable, "-m", "tests.faults.publish_once", str(frames), str(outputs), *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
