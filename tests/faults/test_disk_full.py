"""A full disk, made real: a child process whose files may not grow past a size (RLIMIT_FSIZE).

No root, no tmpfs: the kernel refuses the write that would pass the cap with EFBIG ("File too
large"), exactly where a full disk refuses one with ENOSPC, and DuckDB fails its commit the way it
does on a full disk (releases_reliability.md, section 3). The first cap lets the Parquet files
through and stops the DuckDB file; the second stops the first Parquet file.
"""
from __future__ import annotations

import signal

import pytest

from tests.faults import invariants as inv
from tests.faults.conftest import copy_base, publish_process

pytestmark = pytest.mark.slow

STOPS_THE_DATABASE = 100_000  # bytes: every Parquet file of the small release is smaller, the .duckdb is not
STOPS_THE_FIRST_TABLE = 1_000


def published(outputs) -> dict:
    root = inv.releases(outputs)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).parts[0].startswith(".")}


@pytest.mark.parametrize("cap,file", [(STOPS_THE_DATABASE, "guarantees.duckdb"),
                                      (STOPS_THE_FIRST_TABLE, ".parquet")])
def test_a_full_disk_is_one_clear_error_and_publishes_nothing(fault_frames, base_outputs, tmp_path, cap, file):
    outputs = copy_base(base_outputs, tmp_path)
    before = published(outputs)
    child = publish_process(fault_frames[1], outputs, "--fsize", str(cap))
    out, err = child.communicate(timeout=300)
    assert child.returncode == 1, err
    [line] = err.splitlines()
    assert line.startswith("error: could not write release ") and "into staging" in line
    assert "File too large" in line and file in line and line.endswith("nothing was published")
    assert published(outputs) == before
    assert inv.leftovers(outputs) == []  # the failed run removed its own staging folder


def test_a_run_killed_by_a_full_disk_leaves_staging_that_the_next_run_removes(fault_frames, base_outputs, tmp_path):
    outputs = copy_base(base_outputs, tmp_path)
    before = published(outputs)
    child = publish_process(fault_frames[1], outputs, "--fsize", str(STOPS_THE_DATABASE), "--sigxfsz-kills")
    child.communicate(timeout=300)
    assert child.returncode == -signal.SIGXFSZ
    assert published(outputs) == before
    [staging] = (inv.releases(outputs) / ".staging").iterdir()
    assert "guarantees.duckdb.tmp" in {p.name for p in staging.iterdir()}  # the partial database, as on a full disk

    again = publish_process(fault_frames[1], outputs)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"recovered: removed staging folder {staging.name} (its builder, pid {child.pid} on host" in out
    assert out.splitlines()[-1].startswith("published ")
    assert inv.leftovers(outputs) == [] and inv.public_problems(outputs) == []
    [base_id] = inv.published_ids(base_outputs)
    assert inv.file_hashes(inv.releases(outputs) / base_id) == inv.file_hashes(inv.releases(base_outputs) / base_id)
