"""Extraction spread over machines: buckets of documents extracted by partition runs of
`extraction_batches_job`, then adopted by `publish_job`, which extracts nothing itself and
publishes the release a single run publishes."""
import json
import uuid

import dagster as dg
import pyarrow.parquet as pq
from upath import UPath

from pipelines.automation import batches_sensor
from pipelines.definitions import defs
from pipelines.lib import storage, tables
from pipelines.lib.batches import BUCKETS, batch_cache, bucket_of
from pipelines.lib.corpus import EXTRACTED_TABLES
from pipelines.lib.fingerprint import checks_version
from pipelines.resources import FrameIOManager, GuaranteesSettings
from tests.dagster.test_pipeline import release_rows
from tests.dagster.test_remote_storage import upload
from tests.releases.conftest import add_poland_signing


def _resources(seeds, outputs) -> dict:
    return {"settings": GuaranteesSettings(seeds_dir=str(seeds), outputs_dir=str(outputs)),
            "io_manager": FrameIOManager(outputs_dir=str(outputs))}


def _bucket_run(instance, bucket: str, resources: dict):
    return defs.resolve_job_def("extraction_batches_job").execute_in_process(
        instance=instance, partition_key=bucket, resources=resources, raise_on_error=False)


def _documents_metadata(result) -> dict:
    (documents,) = [m for m in result.asset_materializations_for_node("extracted_tables")
                    if m.asset_key.path == ["documents"]]
    return {k: v.value for k, v in documents.metadata.items()}


def _count_validated_rows(monkeypatch) -> dict:
    """table -> rows the models validated as new (`tables.validate`, or the unverified rows of
    `tables.validate_part`), from now on."""
    counts = {}
    real_validate, real_part = tables.validate, tables.validate_part

    def validate(table, frame):
        counts[table] = counts.get(table, 0) + len(frame)
        return real_validate(table, frame)

    def validate_part(table, frame, unverified):
        counts[table] = counts.get(table, 0) + len(unverified)
        return real_part(table, frame, unverified)
    monkeypatch.setattr(tables, "validate", validate)
    monkeypatch.setattr(tables, "validate_part", validate_part)
    return counts


def _verdicts(cache_root) -> dict:
    """segment -> the checks version its rows passed under, from a cache's index."""
    (folder,) = [p for p in cache_root.iterdir() if p.is_dir()]
    meta = pq.read_schema(folder / "index.parquet").metadata
    return json.loads(meta[b"verdicts"])


def test_batches_extracted_apart_are_adopted_and_publish_what_one_run_publishes(seeds_dir, tmp_path, monkeypatch):
    add_poland_signing(seeds_dir)
    outputs = tmp_path / "outputs"
    resources = _resources(seeds_dir, outputs)
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("ingest_job").execute_in_process(instance=instance, resources=resources).success
        paths = pq.read_table(outputs / "intermediate" / "raw_documents.parquet").column("source_path").to_pylist()
        buckets = sorted({bucket_of(p) for p in paths})
        empty = next(b for b in BUCKETS if b not in buckets)
        for bucket in buckets + [empty]:
            result = _bucket_run(instance, bucket, resources)
            assert result.success
            [materialization] = result.asset_materializations_for_node("extraction_batches")
            in_bucket = sum(bucket_of(p) == bucket for p in paths)
            assert materialization.metadata["documents_processed"].value == in_bucket
            assert materialization.metadata["validated"].value is True
        assert [set(_verdicts(batch_cache(outputs / "cache", b)).values()) for b in buckets] == \
            [{checks_version()}] * len(buckets)
        validated = _count_validated_rows(monkeypatch)
        result = defs.resolve_job_def("publish_job").execute_in_process(instance=instance, resources=resources)
        assert result.success
    metadata = _documents_metadata(result)
    assert metadata["documents_processed"] == 0 and metadata["documents_adopted"] == len(paths)
    # The batches' validation travelled with their segments: no extracted row was new to the models.
    assert {name: n for name, n in validated.items() if name in EXTRACTED_TABLES} == dict.fromkeys(EXTRACTED_TABLES, 0)

    single = tmp_path / "single"
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("publish_job").execute_in_process(
            instance=instance, resources=_resources(seeds_dir, single)).success
    assert release_rows(outputs) == release_rows(single)


def test_the_publishing_job_leaves_the_partitioned_batches_out():
    assert "extraction_batches" not in defs.resolve_job_def("publish_job").graph.node_dict
    assert defs.resolve_job_def("extraction_batches_job").partitions_def.get_partition_keys() == list(BUCKETS)


def test_runs_carry_the_tags_the_deployments_run_queue_limits():
    # docs/scaling.md's dagster.yaml: one publisher at a time, a bounded number of batches.
    assert defs.resolve_job_def("publish_job").tags["guarantees/step"] == "publish"
    assert defs.resolve_job_def("extraction_batches_job").tags["guarantees/step"] == "extract"


def test_a_bucket_on_another_machine_downloads_only_its_own_documents(seeds_dir, tmp_path):
    """The texts come from the seeds folder, for the bucket's files alone: a worker neither loads
    the corpus's texts from raw_documents nor mirrors the whole remote seeds folder."""
    add_poland_signing(seeds_dir)
    remote = UPath(f"memory://guarantees-{uuid.uuid4().hex}")

    def machine(name: str) -> dict:
        outputs = tmp_path / name
        return {"settings": GuaranteesSettings(seeds_dir=str(remote / "seeds"), outputs_dir=str(outputs),
                                               cache_dir=str(remote / "cache")),
                "io_manager": FrameIOManager(outputs_dir=str(outputs), intermediate_dir=str(remote / "intermediate"))}
    try:
        upload(seeds_dir, remote / "seeds")
        bucket = bucket_of("poland_signs.txt")
        documents = [p.name for p in seeds_dir.iterdir() if not p.name.endswith(".meta.json")]
        in_bucket = {name for name in documents if bucket_of(name) == bucket}
        with dg.instance_for_test() as instance:
            assert defs.resolve_job_def("ingest_job").execute_in_process(instance=instance,
                                                                        resources=machine("ingest")).success
            result = _bucket_run(instance, bucket, machine("worker"))
        assert result.success
        [materialization] = result.asset_materializations_for_node("extraction_batches")
        assert materialization.metadata["documents_processed"].value == len(in_bucket) >= 1
        mirror = tmp_path / "worker" / "mirror" / "seeds"
        assert {p.name for p in mirror.iterdir() if p.name != storage.MIRROR_STATE} == in_bucket
    finally:
        storage.remove_tree(remote)


def test_a_bucket_whose_document_changed_after_the_ingest_fails_naming_it(seeds_dir, tmp_path):
    add_poland_signing(seeds_dir)
    resources = _resources(seeds_dir, tmp_path / "outputs")
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("ingest_job").execute_in_process(instance=instance, resources=resources).success
        (seeds_dir / "poland_signs.txt").write_text("Poland signed nothing after all.", encoding="utf-8")
        result = _bucket_run(instance, bucket_of("poland_signs.txt"), resources)
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert "poland_signs.txt changed after this run listed it" in failure.step_failure_data.user_failure_data.description


def _tick(resources: dict):
    return batches_sensor(dg.build_sensor_context(resources=resources))


def _requested(result) -> dict[str, str]:
    """partition key -> run key of each run the tick requested."""
    assert isinstance(result, dg.SensorResult), result
    return {request.partition_key: request.run_key for request in result.run_requests}


def test_the_batches_sensor_requests_only_the_buckets_whose_caches_lack_ingested_documents(seeds_dir, tmp_path):
    add_poland_signing(seeds_dir)
    resources = _resources(seeds_dir, tmp_path / "outputs")
    assert "ingest_job" in _tick(resources).skip_message
    buckets = sorted({bucket_of(p.name) for p in seeds_dir.iterdir() if not p.name.endswith(".meta.json")})
    with dg.instance_for_test() as instance:
        ingest = defs.resolve_job_def("ingest_job")
        assert ingest.execute_in_process(instance=instance, resources=resources).success
        first = _requested(_tick(resources))
        assert sorted(first) == buckets and _requested(_tick(resources)) == first  # a tick again: the same keys
        assert _bucket_run(instance, buckets[0], resources).success
        assert _requested(_tick(resources)) == {b: first[b] for b in buckets[1:]}
        for bucket in buckets[1:]:
            assert _bucket_run(instance, bucket, resources).success
        assert "every bucket's cache holds its documents" in _tick(resources).skip_message

        (seeds_dir / "third.txt").write_text("Norway signed a security agreement with Ukraine on 3 May 2024.")
        assert ingest.execute_in_process(instance=instance, resources=resources).success
        result = _tick(resources)
    assert _requested(result).keys() == {bucket_of("third.txt")}
    assert [r.tags["guarantees/documents"] for r in result.run_requests] == ["1"]
