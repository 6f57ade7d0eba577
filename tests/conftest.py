"""Shared fixtures: every test works in temporary folders, never in outputs/ or .dagster/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A copy of the project's seeds folder."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def outputs_dir(tmp_path: Path) -> Path:
    target = tmp_path / "outputs"
    target.mkdir()
    return target


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path_factory):
    """No test reads the developer's environment for paths or the Dagster instance."""
    monkeypatch.delenv("GUARANTEES_SEEDS_DIR", raising=False)
    monkeypatch.delenv("GUARANTEES_OUTPUTS_DIR", raising=False)
    monkeypatch.delenv("GUARANTEES_RELEASE_STORE", raising=False)
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
