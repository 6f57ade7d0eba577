"""Releases made by the whole pipeline: reproducible, idempotent, gated, and explained."""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipelines.commands import run as run_command
from schemas import TABLES
from tests.conftest import SEEDS
from tests.dagster.test_pipeline import latest, run
from tests.releases.conftest import add_poland_signing


def published(outputs: Path) -> dict:
    root = outputs / "releases"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).parts[0].startswith(".")}


def copy_outputs(release: Path, tmp_path: Path) -> Path:
    """A private copy of the outputs folder holding `release`, to build on."""
    target = tmp_path / "outputs"
    shutil.copytree(release.parent.parent, target)
    return target


def cli(seeds: Path, outputs: Path, capsys) -> tuple[int, str, str]:
    code = run_command.run(argparse.Namespace(seeds_dir=str(seeds), outputs_dir=str(outputs), quiet=True))
    out = capsys.readouterr()
    return code, out.out, out.err


def table_rows(release: Path, table: str) -> list:
    con = duckdb.connect(str(release / "guarantees.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT * FROM {table}").fetchall()
    finally:
        con.close()


def test_same_inputs_give_identical_parquet_bytes_and_a_second_run_publishes_nothing(seed_release, seeds_dir,
                                                                                      outputs_dir):
    assert run(seeds_dir, outputs_dir).success
    ours = latest(outputs_dir)
    assert ours.name != seed_release.name
    for name in TABLES:
        assert (ours / f"{name}.parquet").read_bytes() == (seed_release / f"{name}.parquet").read_bytes(), name
    manifests = [json.loads((p / "manifest.json").read_text()) for p in (ours, seed_release)]
    assert manifests[0]["content_hash"] == manifests[1]["content_hash"]
    assert table_rows(ours, "commitments") == table_rows(seed_release, "commitments")
    assert table_rows(ours, "country_status") == table_rows(seed_release, "country_status")

    before = published(outputs_dir)
    result = run(seeds_dir, outputs_dir)
    assert result.success
    [materialization] = result.asset_materializations_for_node("release")
    assert materialization.metadata["outcome"].value == "no change"
    assert materialization.metadata["release_id"].value == ours.name
    assert published(outputs_dir) == before
    # What `guarantees run` prints for it.
    summary = run_command.summary(outputs_dir, no_change=run_command._outcome(result) == "no change")
    assert summary.startswith(f"no change: the content equals the latest release {ours.name}; nothing was published")


def test_a_failed_audit_leaves_the_previous_release_and_latest_untouched(seed_release, tmp_path, capsys, monkeypatch):
    outputs = copy_outputs(seed_release, tmp_path)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    add_poland_signing(seeds)  # new content, so only the audit stands in the way
    before = published(outputs)
    monkeypatch.setenv("GUARANTEES_MIN_ROWS", "commitments=1000")
    code, out, err = cli(seeds, outputs, capsys)
    assert code == 1 and out == ""
    line = err.strip().splitlines()[-1]  # after Dagster's own error log: one line naming the cause
    assert line.startswith("error: step release_candidate failed: dataset assertions failed: commitments: 39 rows")
    assert "nothing was published" in line
    report = Path(line.split("(report: ")[1].rstrip(")"))
    assert report.parent == outputs / "reports"
    failures = json.loads(report.read_text())["failures"]
    assert [(f["table"], f["check"]) for f in failures] == [("commitments", "rows >= 1000")]
    assert published(outputs) == before


def test_the_changelog_names_a_changed_status(seed_release, tmp_path):
    outputs = copy_outputs(seed_release, tmp_path)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    add_poland_signing(seeds)
    result = run(seeds, outputs)
    assert result.success
    new = latest(outputs)
    manifest = json.loads((new / "manifest.json").read_text())
    assert manifest["previous_release_id"] == seed_release.name
    assert "- PL: negotiating -> signed, 2024-07-08 (Poland)" in (new / "CHANGELOG.md").read_text()
    changes = json.loads((new / "changes.json").read_text())
    assert changes["tables"]["documents"]["added"] == 1
    status = {r[0]: r for r in table_rows(new, "country_status")}
    assert status["PL"][2:4] == ("signed", __import__("datetime").date(2024, 7, 8))
    # The earlier release is still there, unchanged.
    assert (outputs / "releases" / seed_release.name / "manifest.json").read_bytes() == \
        (seed_release / "manifest.json").read_bytes()


def test_guarantees_run_without_a_dagster_home_uses_a_temporary_instance(tmp_path, capsys, monkeypatch):
    """The runner needs a persistent instance: without DAGSTER_HOME one is made for the run and removed."""
    monkeypatch.delenv("DAGSTER_HOME")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    code, out, err = cli(SEEDS, tmp_path / "outputs", capsys)
    assert code == 0, err
    assert out.startswith("published release ")
    assert list((tmp_path / "tmp").iterdir()) == []
