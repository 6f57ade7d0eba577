"""Fixtures for the release tests: one real pipeline run on the seeds, reused as input data.

The pipeline runs once per session (a few seconds); tests that exercise the release library read
that run's tables back and build, audit and publish releases from them directly, in temporary
folders, without Dagster.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import SEEDS
from tests.dagster.test_pipeline import latest, run

POLAND_SIGNS = ("Poland and Ukraine sign security agreement\n"
                "On July 8, Prime Minister Donald Tusk and President Volodymyr Zelensky signed a security agreement "
                "between Poland and Ukraine in Warsaw.\n")


def add_poland_signing(seeds: Path) -> None:
    """A second document: Poland, negotiating in the seed, signs on 8 July 2024."""
    (seeds / "poland_signs.txt").write_text(POLAND_SIGNS, encoding="utf-8")
    (seeds / "poland_signs.txt.meta.json").write_text('{"published": "2024-07-09"}', encoding="utf-8")


@pytest.fixture(scope="session")
def seed_release(tmp_path_factory) -> Path:
    """A release published by the whole pipeline from the project's seeds (read-only for tests)."""
    base = tmp_path_factory.mktemp("seed_release")
    seeds, outputs = base / "seeds", base / "outputs"
    shutil.copytree(SEEDS, seeds)
    outputs.mkdir()
    result = run(seeds, outputs)
    assert result.success
    return latest(outputs)


def read_frames(release: Path) -> dict:
    """A release's tables as the pipeline hands them to the release step."""
    from schemas import TABLES

    return {name: pq.read_table(release / f"{name}.parquet").to_pandas() for name in TABLES}


@pytest.fixture
def seed_frames(seed_release) -> dict:
    """Fresh copies of the seed release's tables."""
    return read_frames(seed_release)
