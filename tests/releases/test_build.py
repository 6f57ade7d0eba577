"""Write, audit, publish: the release library on real tables, without Dagster."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.lib.release import (INDEX, LATEST, STAGING, PublishError, latest_release_id, new_release_id, publish,
                                   releases_dir)
from pipelines.lib.release_audit import AuditLimits
from pipelines.lib.release_build import AuditFailed, build_candidate, report_path
from pipelines.lib.verify import sha256_file
from schemas import TABLES

NOW = dt.datetime(2024, 7, 10, 12, 0, tzinfo=dt.timezone.utc)
RELEASE_FILES = {f"{t}.parquet" for t in TABLES} | {"guarantees.duckdb", "manifest.json", "datapackage.json",
                                                    "README.md", "CHANGELOG.md", "changes.json", "verify.py",
                                                    "report.html"}


def build(frames, outputs, limits=None, now=NOW):
    return build_candidate(frames, outputs, limits=limits or AuditLimits(), now=now, code_version="test")


def build_and_publish(frames, outputs, now=NOW):
    candidate = build(frames, outputs, now=now)
    assert not candidate.no_change
    return publish(candidate.staged, outputs)


def snapshot(outputs: Path) -> dict:
    """Every published byte: release folders, latest.json and index.json."""
    root = releases_dir(outputs)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).parts[0].startswith(".")}


def test_a_release_holds_every_file_and_a_manifest_that_describes_them(seed_frames, tmp_path):
    path = build_and_publish(seed_frames, tmp_path)
    assert {p.name for p in path.iterdir()} == RELEASE_FILES
    manifest = json.loads((path / "manifest.json").read_text())
    assert set(manifest["files"]) == RELEASE_FILES - {"manifest.json"}
    for name, info in manifest["files"].items():
        assert info == {"sha256": sha256_file(path / name), "bytes": (path / name).stat().st_size}
    for name, info in manifest["tables"].items():
        assert pq.ParquetFile(path / info["file"]).metadata.num_rows == info["rows"] == len(seed_frames[name])
    assert manifest["previous_release_id"] is None and manifest["schema_version"] == "1.0.0"
    assert {"python", "duckdb", "pyarrow", "pandas", "pandera"} <= set(manifest["tools"])
    assert manifest["schema"]["commitments"]["primary_key"] == ["doc_id", "country_iso2", "status"]
    assert json.loads((releases_dir(tmp_path) / LATEST).read_text()) == {
        "release_id": path.name, "manifest_sha256": sha256_file(path / "manifest.json")}
    index = json.loads((releases_dir(tmp_path) / INDEX).read_text())
    assert index["latest"] == path.name
    assert [e["release_id"] for e in index["releases"]] == [path.name]
    assert not (releases_dir(tmp_path) / STAGING / path.name).exists()


def test_the_same_tables_give_byte_identical_parquet_and_equal_database_content(seed_frames, seed_release, tmp_path):
    path = build_and_publish(seed_frames, tmp_path)
    for name in TABLES:
        assert (path / f"{name}.parquet").read_bytes() == (seed_release / f"{name}.parquet").read_bytes(), name
    ours, theirs = (json.loads((p / "manifest.json").read_text()) for p in (path, seed_release))
    assert ours["content_hash"] == theirs["content_hash"]
    assert {n: i["content_hash"] for n, i in ours["tables"].items()} == \
        {n: i["content_hash"] for n, i in theirs["tables"].items()}
    # The DuckDB files differ as bytes; their tables hold the same rows in the same order.
    for name in ("commitments", "people", "country_aliases"):
        rows = []
        for release in (path, seed_release):
            con = duckdb.connect(str(release / "guarantees.duckdb"), read_only=True)
            rows.append(con.execute(f"SELECT * FROM {name}").fetchall())
            con.close()
        assert rows[0] == rows[1], name


def test_equal_content_publishes_nothing_and_says_no_change(seed_frames, tmp_path):
    first = build_and_publish(seed_frames, tmp_path)
    before = snapshot(tmp_path)
    candidate = build(seed_frames, tmp_path, now=NOW + dt.timedelta(hours=1))
    assert candidate.no_change and candidate.staged is None
    assert candidate.release_id == first.name
    assert snapshot(tmp_path) == before
    assert not (releases_dir(tmp_path) / STAGING).exists() or not any((releases_dir(tmp_path) / STAGING).iterdir())


def test_changed_content_is_a_new_release_pointing_at_the_previous_one(seed_frames, tmp_path):
    first = build_and_publish(seed_frames, tmp_path)
    before = snapshot(tmp_path)
    frames = dict(seed_frames)
    frames["commitments"] = seed_frames["commitments"].iloc[1:].reset_index(drop=True)
    second = build_and_publish(frames, tmp_path, now=NOW + dt.timedelta(hours=1))
    manifest = json.loads((second / "manifest.json").read_text())
    assert second.name > first.name and manifest["previous_release_id"] == first.name
    assert latest_release_id(tmp_path) == second.name
    # The first release is untouched, byte for byte.
    assert {k: v for k, v in snapshot(tmp_path).items() if k.startswith(first.name)} == \
        {k: v for k, v in before.items() if k.startswith(first.name)}
    index = json.loads((releases_dir(tmp_path) / INDEX).read_text())
    assert [e["release_id"] for e in index["releases"]] == [first.name, second.name]
    assert index["releases"][0]["manifest_sha256"] == sha256_file(first / "manifest.json")


def test_a_failed_audit_publishes_nothing_and_reports_every_failure(seed_frames, tmp_path):
    build_and_publish(seed_frames, tmp_path)
    before = snapshot(tmp_path)
    frames = dict(seed_frames)
    frames["people"] = seed_frames["people"].iloc[:0]
    frames["commitments"] = seed_frames["commitments"].iloc[:5]
    frames["rejected_documents"] = seed_frames["rejected_documents"].iloc[:0]  # may be empty: not a failure
    with pytest.raises(AuditFailed) as info:
        build(frames, tmp_path, now=NOW + dt.timedelta(hours=1))
    failure = info.value
    assert "\n" not in failure.cause and failure.cause.startswith("dataset assertions failed")
    assert "people: 0 rows" in failure.cause and "38 -> 5 rows" in failure.cause
    assert snapshot(tmp_path) == before
    report = json.loads(failure.report.read_text())
    assert failure.report == report_path(tmp_path, report["release_id"])
    assert report["published"] is False and report["cause"] == failure.cause
    cases = {(f["table"], f["check"]) for f in report["failures"]}
    assert cases == {("people", "rows >= 1"), ("people", "lose at most 50% of the previous release's rows"),
                     ("commitments", "lose at most 50% of the previous release's rows")}


def test_schema_failures_and_dataset_failures_land_in_one_report(seed_frames, tmp_path):
    frames = dict(seed_frames)
    bad = seed_frames["commitments"].copy()
    bad.loc[0, "status"] = "rumoured"
    frames["commitments"] = bad
    frames["documents"] = seed_frames["documents"].iloc[:0]
    with pytest.raises(AuditFailed) as info:
        build(frames, tmp_path)
    assert info.value.cause.startswith("validation failed: commitments")
    assert "dataset assertions failed" in info.value.cause
    stages = {(f["stage"], f["table"]) for f in json.loads(info.value.report.read_text())["failures"]}
    assert {("validation", "commitments"), ("dataset", "documents")} <= stages
    assert not releases_dir(tmp_path).exists() or latest_release_id(tmp_path) is None


def test_limits_come_from_settings(seed_frames, tmp_path):
    with pytest.raises(AuditFailed, match="commitments: 38 rows"):
        build(seed_frames, tmp_path, limits=AuditLimits.parse(min_rows="commitments=1000"))
    build(seed_frames, tmp_path, limits=AuditLimits.parse(min_rows="people=0"))


def test_publish_refuses_when_another_release_came_first(seed_frames, tmp_path):
    a = build(seed_frames, tmp_path)
    frames = dict(seed_frames, people=seed_frames["people"].iloc[1:])
    b = build(frames, tmp_path, now=NOW + dt.timedelta(seconds=1))
    publish(b.staged, tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(PublishError, match="was published after"):
        publish(a.staged, tmp_path)
    assert snapshot(tmp_path) == before


def test_publish_refuses_a_staged_file_changed_after_the_audit(seed_frames, tmp_path):
    candidate = build(seed_frames, tmp_path)
    path = candidate.staged.path / "commitments.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(PublishError, match="commitments.parquet: sha256"):
        publish(candidate.staged, tmp_path)
    assert latest_release_id(tmp_path) is None


def test_release_ids_sort_by_time_and_never_repeat():
    first = new_release_id(NOW)
    assert first.startswith("20240710T120000Z-")
    same_second = new_release_id(NOW, after=first)
    clock_back = new_release_id(NOW - dt.timedelta(days=1), after=same_second)
    assert first < same_second < clock_back
    assert len({new_release_id(NOW) for _ in range(50)}) == 50


def test_content_check_catches_a_database_that_differs_from_the_parquet(seed_frames, tmp_path, monkeypatch):
    """verify_staged re-opens the DuckDB file and compares its rows with the validated tables."""
    import pipelines.lib.release as release_module

    original = release_module.building_duckdb

    def drop_a_row(table_files, path):
        shorter = tmp_path / "commitments-short.parquet"
        pq.write_table(pq.read_table(table_files["commitments"]).slice(1), shorter)
        return original(dict(table_files, commitments=shorter), path)

    monkeypatch.setattr(release_module, "building_duckdb", drop_a_row)
    with pytest.raises(AuditFailed, match="guarantees.duckdb table commitments: 37 rows, manifest says 38"):
        build(seed_frames, tmp_path)
    assert latest_release_id(tmp_path) is None


def test_content_check_catches_a_parquet_file_that_differs_from_the_validated_table(seed_frames, tmp_path,
                                                                                     monkeypatch):
    """The staged Parquet files are not hashed themselves: the DuckDB tables loaded from them are, so a
    file whose rows differ from the validated table (same count, one value changed) still fails."""
    import pipelines.lib.release_build as build_module

    original = build_module.write_table_file

    def change_a_value(table, name, path, **kwargs):
        if name == "commitments":
            status = table.column("status").to_pylist()
            status[0] = "negotiating" if status[0] != "negotiating" else "signed"
            table = table.set_column(table.schema.get_field_index("status"), table.schema.field("status"),
                                     pa.array(status, pa.string()))
        original(table, name, path, **kwargs)

    monkeypatch.setattr(build_module, "write_table_file", change_a_value)
    with pytest.raises(AuditFailed, match="guarantees.duckdb table commitments: content hash differs from the "
                                          "validated table"):
        build(seed_frames, tmp_path)
    assert latest_release_id(tmp_path) is None


def test_failed_staging_is_removed_by_the_next_publish(seed_frames, tmp_path):
    stale = build(seed_frames, tmp_path)  # staged, never published
    frames = dict(seed_frames, people=seed_frames["people"].iloc[1:])
    build_and_publish(frames, tmp_path, now=NOW + dt.timedelta(seconds=5))
    assert not stale.staged.path.exists()


def test_frames_are_not_mutated(seed_frames, tmp_path):
    copies = {n: f.copy() for n, f in seed_frames.items()}
    build(seed_frames, tmp_path)
    for name in TABLES:
        pd.testing.assert_frame_equal(seed_frames[name], copies[name])


def test_a_dangling_latest_pointer_is_a_clear_error(seed_frames, tmp_path):
    from pipelines.lib.verify import ManifestError

    build_and_publish(seed_frames, tmp_path)
    (releases_dir(tmp_path) / LATEST).write_text('{"release_id": "20240101T000000Z-000000"}')
    with pytest.raises(ManifestError, match="20240101T000000Z-000000/manifest.json: missing"):
        build(seed_frames, tmp_path)


def _stored_with_verdicts(frames: dict, folder: Path, validator: str) -> dict:
    """The tables as the pipeline's steps store them: validated, as Parquet, each with a verdict."""
    from pipelines.lib import tables, verdicts
    from pipelines.resources import _to_frame

    folder.mkdir()
    loaders = {}
    for name, frame in frames.items():
        parquet, verdict = folder / f"{name}.parquet", folder / f"{name}{verdicts.SUFFIX}"
        pq.write_table(pa.Table.from_pandas(tables.validate(name, frame)[0], preserve_index=False), parquet)
        verdicts.record(verdict, name, validator, sha256_file(parquet))
        loaders[name] = verdicts.StoredTable(parquet, verdict, _to_frame)
    return loaders


def test_tables_stored_with_a_verdict_are_not_validated_again_and_publish_the_same_release(
        seed_frames, tmp_path, monkeypatch):
    from pipelines.lib import tables
    from pipelines.lib.fingerprint import validator_version

    stored = _stored_with_verdicts(seed_frames, tmp_path / "stored", validator_version())
    validated = []
    real = tables.validate
    monkeypatch.setattr(tables, "validate", lambda name, frame: validated.append(name) or real(name, frame))
    again = build(seed_frames, tmp_path / "validated").staged
    assert sorted(validated) == sorted(TABLES)
    validated.clear()
    trusted = build(stored, tmp_path / "trusted").staged
    assert validated == []
    assert trusted.manifest["content_hash"] == again.manifest["content_hash"]
    for name in TABLES:
        assert (trusted.path / f"{name}.parquet").read_bytes() == (again.path / f"{name}.parquet").read_bytes(), name


@pytest.mark.parametrize("how", ["edited after its verdict", "verdict of another validator"])
def test_a_stored_table_whose_verdict_does_not_hold_is_validated(seed_frames, tmp_path, how):
    from pipelines.lib.fingerprint import validator_version

    bad = seed_frames["commitments"].copy()
    bad.loc[0, "status"] = "rumoured"
    if how == "edited after its verdict":
        stored = _stored_with_verdicts(seed_frames, tmp_path / "stored", validator_version())
        pq.write_table(pa.Table.from_pandas(bad, preserve_index=False), stored["commitments"].parquet)
    else:  # the models changed since the table was stored: the new ones may reject it
        stored = _stored_with_verdicts(dict(seed_frames, commitments=bad), tmp_path / "stored", "an older validator")
    with pytest.raises(AuditFailed, match="^validation failed: commitments"):
        build(stored, tmp_path / "outputs")


def _stored_by_the_io_manager(frames: dict, folder: Path, validator: str, content_hashes: dict | None = None,
                              links: dict | None = None) -> dict:
    """The tables as the IO manager stores what a step validated (with the content hashes and links
    tokens the step names), and loads them for the audit."""
    import dagster as dg

    from pipelines.lib import tables, verdicts
    from pipelines.resources import FrameIOManager

    manager = FrameIOManager(intermediate_dir=str(folder))
    for name, frame in frames.items():
        metadata = {verdicts.METADATA_KEY: dg.MetadataValue.text(validator)}
        if name in (content_hashes or {}):
            metadata[verdicts.CONTENT_HASH_KEY] = dg.MetadataValue.text(content_hashes[name])
        if name in (links or {}):
            metadata[verdicts.LINKS_KEY] = dg.MetadataValue.text(links[name])
        manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey(name), output_metadata=metadata),
                              tables.validate(name, frame)[0])
    return {name: manager.load_input(dg.build_input_context(asset_key=dg.AssetKey(name),
                                                            definition_metadata={"deferred": True}))
            for name in frames}


def test_validated_tables_stored_as_release_files_are_published_as_they_are(seed_frames, tmp_path, monkeypatch):
    """No table is decoded, sorted or encoded again (only rejected_documents is read, for its count):
    the stored files are the release's files, byte for byte those an audit that validates writes."""
    from pipelines.lib import verdicts
    from pipelines.lib.fingerprint import validator_version

    again = build(seed_frames, tmp_path / "validated").staged
    stored = _stored_by_the_io_manager(seed_frames, tmp_path / "stored", validator_version())
    decoded = []
    real = verdicts.StoredTable.__call__
    monkeypatch.setattr(verdicts.StoredTable, "__call__", lambda self: decoded.append(self.parquet.stem) or real(self))
    trusted = build(stored, tmp_path / "trusted").staged
    assert decoded == ["rejected_documents"]
    assert trusted.manifest["content_hash"] == again.manifest["content_hash"]
    for name in TABLES:
        published = (trusted.path / f"{name}.parquet").read_bytes()
        assert published == (again.path / f"{name}.parquet").read_bytes() == stored[name].read()[0], name


def test_a_content_hash_named_by_the_storing_step_is_taken_and_checked_against_the_database(
        seed_frames, tmp_path, monkeypatch):
    """The audit takes a content hash the verdict names instead of hashing the file; the DuckDB
    file's tables, loaded from the published files, are hashed all the same, so a hash that does
    not fit the rows publishes nothing."""
    import pipelines.lib.release_build as build_module
    from pipelines.lib.fingerprint import validator_version

    again = build(seed_frames, tmp_path / "validated").staged
    right = {name: info["content_hash"] for name, info in again.manifest["tables"].items()}
    hashed = []
    real = build_module.parquet_hashes
    monkeypatch.setattr(build_module, "parquet_hashes", lambda paths, columns: hashed.extend(paths) or real(paths, columns))
    named = {"sentences": right["sentences"], "people": right["people"]}
    trusted = build(_stored_by_the_io_manager(seed_frames, tmp_path / "stored", validator_version(), named),
                    tmp_path / "trusted").staged
    assert set(hashed) == set(TABLES) - set(named)
    assert trusted.manifest["content_hash"] == again.manifest["content_hash"]

    wrong = {"people": right["sentences"]}
    stored = _stored_by_the_io_manager(seed_frames, tmp_path / "wrong", validator_version(), wrong)
    with pytest.raises(AuditFailed, match="people: content hash differs from the validated table"):
        build(stored, tmp_path / "refused")
    assert not (releases_dir(tmp_path / "refused") / LATEST).exists()


def test_the_documents_links_are_checked_again_unless_one_current_token_vouches_for_every_table(
        seed_frames, tmp_path, monkeypatch):
    """The extraction step checks the per-document links on its rows and names a token in each
    table's verdict; the audit skips those checks only when the seven tables carry one token under
    the current links code. A table without it, with another read's token or with a token of older
    links code has every row checked: a span the text does not hold fails the release."""
    import pipelines.lib.audit as audit_module
    from pipelines.lib import verdicts
    from pipelines.lib.audit import DOCUMENT_LINK_TABLES
    from pipelines.lib.fingerprint import validator_version

    checked = []
    real = audit_module.document_links
    monkeypatch.setattr(audit_module, "document_links", lambda read: checked.append(1) or real(read))
    token = verdicts.links_token("read-1")
    vouched = dict.fromkeys(DOCUMENT_LINK_TABLES, token)
    expected = build(seed_frames, tmp_path / "validated").staged.manifest["content_hash"]
    checked.clear()
    trusted = build(_stored_by_the_io_manager(seed_frames, tmp_path / "s0", validator_version(), links=vouched),
                    tmp_path / "trusted").staged
    assert checked == [] and trusted.manifest["content_hash"] == expected

    faulty = dict(seed_frames)
    faulty["country_mentions"] = seed_frames["country_mentions"].assign(surface="Atlantis")
    stale = token.replace(token.split(":")[0], "0" * 16)
    for k, links in enumerate([vouched | {"people": None}, vouched | {"people": verdicts.links_token("read-2")},
                               dict.fromkeys(DOCUMENT_LINK_TABLES, stale)]):
        stored = _stored_by_the_io_manager(faulty, tmp_path / f"s{k + 1}", validator_version(),
                                           links={n: t for n, t in links.items() if t})
        with pytest.raises(AuditFailed, match="cross-table audit failed: country_mentions"):
            build(stored, tmp_path / f"refused{k}")
        assert checked == [1] * (k + 1)
        assert not (releases_dir(tmp_path / f"refused{k}") / LATEST).exists()


def test_a_stored_release_file_of_another_form_is_written_again(seed_frames, tmp_path, monkeypatch):
    """A file written by another pyarrow or with other settings (its verdict names another form) is
    decoded and written as this release writes it; its verdict still spares validating it."""
    import pipelines.lib.release_build as build_module
    from pipelines.lib import tables
    from pipelines.lib.fingerprint import validator_version

    stored = _stored_by_the_io_manager(seed_frames, tmp_path / "stored", validator_version())
    monkeypatch.setattr(build_module, "table_file_form", lambda: "another form")
    validated, written = [], []
    real_validate, real_write = tables.validate, build_module.write_table_file
    monkeypatch.setattr(tables, "validate", lambda name, frame: validated.append(name) or real_validate(name, frame))
    monkeypatch.setattr(build_module, "write_table_file", lambda t, name, path, **k: written.append(name) or
                        real_write(t, name, path, **k))
    trusted = build(stored, tmp_path / "trusted").staged
    assert validated == [] and sorted(written) == sorted(TABLES)
    again = build(seed_frames, tmp_path / "validated").staged
    assert trusted.manifest["content_hash"] == again.manifest["content_hash"]


def test_a_table_file_written_row_group_by_row_group_is_the_file_of_its_sorted_rows(seed_frames, tmp_path,
                                                                                     monkeypatch):
    """The IO manager writes a table into key order one row group at a time; the bytes must be those
    of the sorted table written whole, or the stored file would not be the release's file."""
    import io

    from pipelines.lib import release, tables

    monkeypatch.setitem(release.PARQUET_OPTIONS, "row_group_size", 7)
    for name in ("sentences", "country_mentions", "rejected_documents"):
        arrow = tables.unsorted_arrow(name, seed_frames[name].iloc[::-1])
        order = tables.key_order(name, arrow)
        written = io.BytesIO()
        release.write_table_rows(arrow, name, written, order)
        release.write_table_file(tables.sort_arrow(name, arrow), name, tmp_path / f"{name}.parquet")
        assert written.getvalue() == (tmp_path / f"{name}.parquet").read_bytes(), name
        whole = io.BytesIO()
        pq.write_table(tables.sort_arrow(name, arrow).replace_schema_metadata(
            {"table": name, "schema_version": release.SCHEMA_VERSION}), whole, **release.PARQUET_OPTIONS)
        assert written.getvalue() == whole.getvalue(), name
    assert pq.ParquetFile(tmp_path / "sentences.parquet").metadata.num_row_groups == 2  # 14 rows
