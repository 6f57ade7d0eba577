"""Extraction spread over machines: one partition per document bucket (`pipelines/lib/batches.py`).

`extraction_batches_job` materializes any set of buckets, each run extracting its bucket's
documents into the bucket's own cache; launched as a backfill over the 256 buckets with the
Kubernetes run launcher or Celery (`docs/scaling.md`), the buckets run on as many machines. The
publishing run (`publish_job`) then adopts what the bucket caches hold and extracts only the
documents no batch has done yet, so it needs no batch at all: on one machine nothing changes.
"""
import dagster as dg
import pandas as pd

from pipelines.lib import tables
from pipelines.lib.batches import BUCKETS, batch_cache, bucket_of
from pipelines.lib.corpus import EXTRACTED_TABLES, Extracted, incremental_extraction
from pipelines.lib.documents import RawDocument
from pipelines.lib.fingerprint import checks_version
from pipelines.lib.seeds import SeedChanged, SeedReadResult, load_text, raw_document_from_row
from pipelines.resources import GuaranteesSettings

BUCKET_PARTITIONS = dg.StaticPartitionsDefinition(list(BUCKETS))


# Every column of raw_documents but the text: a bucket reads its own documents' texts from the seeds
# folder (about 400 at 100,000 documents) rather than the whole corpus's from raw_documents.
RAW_WITHOUT_TEXT = [c for c in SeedReadResult.RAW_COLUMNS if c != "text"]


@dg.asset(group_name="extract", partitions_def=BUCKET_PARTITIONS, kinds={"parquet"},
          ins={"raw_documents": dg.AssetIn(metadata={"columns": RAW_WITHOUT_TEXT})})
def extraction_batches(context: dg.AssetExecutionContext, settings: GuaranteesSettings,
                       raw_documents: pd.DataFrame) -> dg.MaterializeResult:
    """The extracted rows of one bucket's documents, in the bucket's own extraction cache, for the
    publishing run's extraction step to adopt; rows that pass the models here are not validated
    there again (the cache's verdicts), and nothing is published from here. The texts of the
    bucket's documents that the cache lacks are read from the seeds folder (of a remote one, only
    those files are downloaded), checked against the hashes the ingest recorded."""
    bucket = context.partition_key
    rows = [row for row in raw_documents.to_dict("records") if bucket_of(row["source_path"]) == bucket]
    cache = batch_cache(settings.cache_path, bucket)
    try:
        with incremental_extraction([raw_document_from_row(row) for row in rows], cache,
                                    workers=settings.workers,
                                    load=_loader(settings, [row["source_path"] for row in rows])) as extracted:
            report = extracted.report
            failed = validate_batch(extracted)
    except SeedChanged as exc:
        raise dg.Failure(description=str(exc)) from None
    context.log.info(f"bucket {bucket}: extracted {len(report.processed)} document(s), reused {len(report.reused)}")
    if failed:
        context.log.warning(f"bucket {bucket}: rows failed validation ({', '.join(failed)}); the publishing run "
                            f"validates them again and reports every failure")
    return dg.MaterializeResult(metadata={
        "bucket": bucket,
        "documents": len(rows),
        "documents_processed": len(report.processed),
        "documents_reused": len(report.reused),
        "documents_dropped": len(report.dropped),
        "validated": not failed,
        "cache": dg.MetadataValue.path(str(cache)),
        "extractor_version": report.extractor_version,
    })


def validate_batch(extracted: Extracted) -> list[str]:
    """Validate the rows of the batch no earlier run validated (the models, and the links between
    the tables within each document), and record the cache's verdict when they pass: the
    publishing run, which adopts the segments with their verdicts, then validates only the keys
    across the whole corpus. The failures (tables), for the log: a batch never decides what is
    published, and the publishing run reports every failing row."""
    version = checks_version()
    failed = [] if extracted.links_token(version) is not None else ["links between tables"]
    for name in EXTRACTED_TABLES:
        unverified = extracted.unverified(name, version)
        _, report = tables.validate(name, tables.from_arrow(extracted.table(name) if unverified is None else unverified))
        if not report.ok:
            failed.append(name)
    if not failed:
        extracted.record_verdict(version)
    return failed


def _loader(settings: GuaranteesSettings, paths: list[str]):
    """Reads the text of a document the cache lacks from the seeds folder. The mirror of a remote
    seeds folder is brought up to date on this machine first, once, and only if a text is needed,
    for the bucket's files (`paths`) alone."""
    seeds = []

    def load(doc: RawDocument) -> RawDocument:
        if not seeds:
            seeds.append(settings.sync_seeds(only=paths))
        return load_text(seeds[0], doc, settings.read_limits)
    return load


extraction_batches_job = dg.define_asset_job(
    "extraction_batches_job",
    selection=[extraction_batches],  # partitioned by bucket, as the asset is
    tags={"guarantees/step": "extract"},  # the run queue's limit on batches at once (docs/scaling.md)
    description="Extract the documents of one bucket into its own cache (run as a backfill over the buckets, "
                "spread over machines); publish_job adopts the rows.",
)
