"""Extraction spread over machines: buckets of documents extracted by partition runs of
`extraction_batches_job`, then adopted by `publish_job`, which extracts nothing itself and
publishes the release a single run publishes."""
import dagster as dg
import pyarrow.parquet as pq

from pipelines.definitions import defs
from pipelines.lib.batches import BUCKETS, bucket_of
from pipelines.resources import FrameIOManager, GuaranteesSettings
from tests.dagster.test_pipeline import latest
from tests.releases.conftest import add_poland_signing


def _resources(seeds, outputs) -> dict:
    return {"settings": GuaranteesSettings(seeds_dir=str(seeds), outputs_dir=str(outputs)),
            "io_manager": FrameIOManager(outputs_dir=str(outputs))}


def _documents_metadata(result) -> dict:
    (documents,) = [m for m in result.asset_materializations_for_node("extracted_tables")
                    if m.asset_key.path == ["documents"]]
    return {k: v.value for k, v in documents.metadata.items()}


def _release_rows(outputs) -> dict:
    return {p.stem: pq.read_table(p).to_pylist() for p in sorted(latest(outputs).glob("*.parquet"))}


def test_batches_extracted_apart_are_adopted_and_publish_what_one_run_publishes(seeds_dir, tmp_path):
    add_poland_signing(seeds_dir)
    outputs = tmp_path / "outputs"
    resources = _resources(seeds_dir, outputs)
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("ingest_job").execute_in_process(instance=instance, resources=resources).success
        paths = pq.read_table(outputs / "intermediate" / "raw_documents.parquet").column("source_path").to_pylist()
        buckets = sorted({bucket_of(p) for p in paths})
        empty = next(b for b in BUCKETS if b not in buckets)
        for bucket in buckets + [empty]:
            result = defs.resolve_job_def("extraction_batches_job").execute_in_process(
                instance=instance, partition_key=bucket, resources=resources)
            assert result.success
            [materialization] = result.asset_materializations_for_node("extraction_batches")
            in_bucket = sum(bucket_of(p) == bucket for p in paths)
            assert materialization.metadata["documents_processed"].value == in_bucket
        result = defs.resolve_job_def("publish_job").execute_in_process(instance=instance, resources=resources)
        assert result.success
    metadata = _documents_metadata(result)
    assert metadata["documents_processed"] == 0 and metadata["documents_adopted"] == len(paths)

    single = tmp_path / "single"
    with dg.instance_for_test() as instance:
        assert defs.resolve_job_def("publish_job").execute_in_process(
            instance=instance, resources=_resources(seeds_dir, single)).success
    assert _release_rows(outputs) == _release_rows(single)


def test_the_publishing_job_leaves_the_partitioned_batches_out():
    assert "extraction_batches" not in defs.resolve_job_def("publish_job").graph.node_dict
    assert defs.resolve_job_def("extraction_batches_job").partitions_def.get_partition_keys() == list(BUCKETS)
