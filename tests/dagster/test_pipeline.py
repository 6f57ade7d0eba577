"""The whole graph, in process, on temporary folders."""
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.definitions import defs
from pipelines.resources import FrameIOManager, GuaranteesSettings


def run(seeds: Path, outputs: Path, instance=None):
    job = defs.resolve_job_def("publish_job")
    with (instance and _nullctx(instance)) or dg.instance_for_test() as inst:
        return job.execute_in_process(
            instance=inst, raise_on_error=False,
            resources={"settings": GuaranteesSettings(seeds_dir=str(seeds), outputs_dir=str(outputs)),
                       "io_manager": FrameIOManager(outputs_dir=str(outputs))})


class _nullctx:
    def __init__(self, v):
        self.v = v

    def __enter__(self):
        return self.v

    def __exit__(self, *a):
        return False


def latest(outputs: Path) -> Path:
    release_id = json.loads((outputs / "releases" / "latest.json").read_text())["release_id"]
    return outputs / "releases" / release_id


def release_rows(outputs: Path) -> dict[str, list[dict]]:
    """Every row of the latest release's Parquet files, by table."""
    return {p.stem: pq.read_table(p).to_pylist() for p in sorted(latest(outputs).glob("*.parquet"))}


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name in {"ingest", "extract", "validate", "publish"}, key
        assert node.description, key


def test_seed_run_publishes_the_expected_rows(seeds_dir, outputs_dir):
    result = run(seeds_dir, outputs_dir)
    assert result.success
    release = latest(outputs_dir)
    manifest = json.loads((release / "manifest.json").read_text())
    for name, info in manifest["tables"].items():
        assert pq.ParquetFile(release / info["file"]).metadata.num_rows == info["rows"]
    con = duckdb.connect(str(release / "guarantees.duckdb"), read_only=True)
    try:
        signed = con.execute("SELECT country_iso2, date_start FROM commitments WHERE status = 'signed'").fetchall()
        kosovo = con.execute("SELECT recognition FROM countries WHERE iso2 = 'XK'").fetchone()
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'commitments' "
                              "AND column_name = 'status'").fetchone()[0]
        n_countries = con.execute("SELECT count(DISTINCT iso2) FROM country_mentions").fetchone()[0]
    finally:
        con.close()
    assert [(c, str(d)) for c, d in signed] == [("GB", "2024-01-12")]
    assert kosovo == ("partially_recognised",)
    assert "signed" in comment and n_countries == 32
    assert not (outputs_dir / "releases" / ".staging" / release.name).exists()


def test_validation_failure_publishes_nothing(seeds_dir, outputs_dir, monkeypatch):
    assert run(seeds_dir, outputs_dir).success
    before = latest(outputs_dir)
    snapshot = {p.name: p.read_bytes() for p in before.iterdir()}
    latest_json = (outputs_dir / "releases" / "latest.json").read_bytes()

    from pipelines.lib import extract as extract_module
    original = extract_module.extract_document

    def broken(raw):
        out = original(raw)
        out.commitments.append(dict(out.commitments[0], status="rumoured"))
        return out

    monkeypatch.setattr("pipelines.lib.corpus.extract_document", broken)
    # A changed extractor has a new version, so the extraction cache does not serve the first run's rows.
    monkeypatch.setattr("pipelines.lib.corpus.extractor_version", lambda: "broken-extractor")
    result = run(seeds_dir, outputs_dir)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "commitments" in failure.step_failure_data.user_failure_data.description
    assert (outputs_dir / "releases" / "latest.json").read_bytes() == latest_json
    assert {p.name: p.read_bytes() for p in before.iterdir()} == snapshot
    assert sorted(p.name for p in (outputs_dir / "releases").iterdir() if not p.name.startswith(".")) == \
        sorted([before.name, "index.json", "latest.json"])


def test_bad_seed_files_are_reported_not_fatal(seeds_dir, outputs_dir, monkeypatch):
    monkeypatch.setenv("GUARANTEES_MAX_REJECTED_SHARE", "0.7")  # 2 of the 3 files are bad: over the default 50 %
    (seeds_dir / "empty.txt").write_bytes(b"")
    (seeds_dir / "image.png").write_bytes(b"\x89PNG\r\n\x1a\nxxxx")
    assert run(seeds_dir, outputs_dir).success
    rejected = pq.read_table(latest(outputs_dir) / "rejected_documents.parquet").to_pylist()
    assert {(r["source_path"], r["reason"]) for r in rejected} == {("empty.txt", "empty"), ("image.png", "binary")}
