"""When the pipeline runs: on demand (`publish_job`), when the seeds folder changes, and daily.

Every trigger runs the whole graph; what keeps a run cheap is the extraction cache, which extracts
only new or changed documents (`pipelines/lib/doc_cache.py`). So the sensor does not need
partitions: it only decides *whether* to run, and the run works out *what* to extract.

- `seeds_sensor` compares the folder (content hashes) with the folder as the last run read it
  (`<outputs>/cache/seeds_state.parquet`, written by the ingest step) and requests a run when they
  differ: a new, changed or deleted document. Its run key holds a sequence number and the folder's
  content digest, so an edited file runs again, even when edited back to an earlier version, and a
  re-evaluated tick never runs twice. It requests one run per distinct folder state: a run that
  fails is not retried every tick (the daily schedule retries).
- `batches_sensor`, off unless turned on, is for a deployment that extracts document batches on
  several machines (`docs/scaling.md`): after `ingest_job` it runs `extraction_batches_job` for
  each bucket whose cache lacks some of the ingested documents, and for no other bucket.
- `daily_publish_schedule` runs the whole pipeline once a day, unless the inputs (seeds, code and
  data, settings) are exactly those of the latest successful run and its release is still there:
  nothing changed, no new release.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.assets.batches import RAW_WITHOUT_TEXT, extraction_batches_job
from pipelines.assets.ingest import inputs_fingerprint, seeds_state_path
from pipelines.lib import seed_state
from pipelines.lib.batches import stale_buckets
from pipelines.lib.corpus import document_fingerprint
from pipelines.lib.fingerprint import extractor_version
from pipelines.lib.release import latest_release_id, releases_dir
from pipelines.lib.seeds import raw_document_from_row
from pipelines.resources import FrameIOManager, GuaranteesSettings

SENSOR_INTERVAL_S = 30
DAILY_CRON = "0 6 * * *"
LISTED_CHANGES = 50

# For a deployment that extracts document batches on several machines (`pipelines/assets/batches.py`):
# the ingest step alone, whose `raw_documents` the batches read, before the backfill of the buckets.
ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("ingest"),
    description="Read the seeds folder and the reference tables (before a backfill of extraction_batches_job).",
    executor_def=dg.in_process_executor,
)

publish_job = dg.define_asset_job(
    "publish_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("extraction_batches"),
    description="Read the seeds folder, extract new and changed documents, validate, and publish a release.",
    executor_def=dg.in_process_executor,
    tags={"guarantees/step": "publish"},  # the run queue's limit of one publisher (docs/scaling.md)
)


@dataclass(frozen=True)
class SensorCursor:
    """Number of runs requested so far, and the folder digest the last request was for."""

    seq: int = 0
    requested: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> "SensorCursor":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(int(data.get("seq", 0)), data.get("requested"))

    def dump(self) -> str:
        return json.dumps({"seq": self.seq, "requested": self.requested}, sort_keys=True)


def _baseline(settings: GuaranteesSettings) -> seed_state.SeedState | None:
    state = seed_state.load(seeds_state_path(settings))
    return state if state is not None and state.seeds_dir == str(settings.seeds_path) else None


def _change_lines(changes: seed_state.Changes) -> list[str]:
    lines = [f"new {e.path} ({(e.sha256 or 'unreadable')[:12]})" for e in changes.added]
    lines += [f"changed {e.path} ({(e.sha256 or 'unreadable')[:12]})" for e in changes.changed]
    lines += [f"deleted {p}" for p in changes.deleted]
    return lines


@dg.sensor(job=publish_job, minimum_interval_seconds=SENSOR_INTERVAL_S,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Runs publish_job when a document of the seeds folder is added, changed (by content "
                       "hash, sidecar included) or deleted since the last run read the folder.")
def seeds_sensor(context: dg.SensorEvaluationContext, settings: GuaranteesSettings):
    seeds = settings.sync_seeds()  # a remote folder: its local mirror, brought up to date
    if not seeds.is_dir():
        return dg.SkipReason(f"the seeds folder {seeds} does not exist")
    baseline = _baseline(settings)
    current = seed_state.scan(seeds, baseline)
    changes = seed_state.diff(baseline, current)
    cursor = SensorCursor.parse(context.cursor)
    if not changes:
        return dg.SkipReason(f"the seeds folder is as the last run read it ({current.digest[:16]})")
    if current.digest == cursor.requested:
        return dg.SkipReason(f"a run was already requested for the folder as it is ({current.digest[:16]}): "
                             f"{changes.summary()} since the last run read it")
    lines = _change_lines(changes)
    for line in lines[:LISTED_CHANGES]:
        context.log.info(line)
    if len(lines) > LISTED_CHANGES:
        context.log.info(f"... and {len(lines) - LISTED_CHANGES} more")
    seq = cursor.seq + 1
    request = dg.RunRequest(
        run_key=f"seeds-{seq}-{current.digest[:16]}",
        tags={"guarantees/trigger": "seeds_sensor", "guarantees/seeds_digest": current.digest[:16],
              "guarantees/changes": changes.summary()})
    return dg.SensorResult(run_requests=[request], cursor=SensorCursor(seq, current.digest).dump())


@dg.sensor(job=extraction_batches_job, minimum_interval_seconds=SENSOR_INTERVAL_S,
           default_status=dg.DefaultSensorStatus.STOPPED,
           description="For a deployment that extracts document batches on several machines (docs/scaling.md): "
                       "after ingest_job, runs extraction_batches_job for each bucket whose cache lacks some of "
                       "the ingested documents.")
def batches_sensor(context: dg.SensorEvaluationContext, settings: GuaranteesSettings, io_manager: FrameIOManager):
    """One run request per stale bucket. Its run key names the missing documents (a digest of their
    fingerprints), so a re-evaluated tick or a run still in progress requests nothing twice, and a
    bucket whose run failed is not retried until its documents change: the publishing run extracts
    what no batch did."""
    raw = io_manager.stored_frame("raw_documents", RAW_WITHOUT_TEXT)
    if raw is None:
        return dg.SkipReason("no raw_documents yet: ingest_job reads the seeds folder first")
    documents = [raw_document_from_row(row) for row in raw.to_dict("records")]
    stale = stale_buckets(((d.source_path, document_fingerprint(d)) for d in documents), settings.cache_path,
                          extractor_version())
    if not stale:
        return dg.SkipReason(f"every bucket's cache holds its documents ({len(documents)} ingested)")
    context.log.info(f"{len(stale)} bucket(s) lack {sum(map(len, stale.values()))} of {len(documents)} documents")
    return dg.SensorResult(run_requests=[
        dg.RunRequest(run_key=f"bucket-{bucket}-{_digest(missing)}", partition_key=bucket,
                      tags={"guarantees/trigger": "batches_sensor", "guarantees/documents": str(len(missing))})
        for bucket, missing in stale.items()])


def _digest(values: list[str]) -> str:
    return hashlib.sha256("\n".join(values).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LastRun:
    run_id: str
    inputs_fingerprint: str | None


def last_successful_run(instance: dg.DagsterInstance) -> LastRun | None:
    """The latest successful publish_job run and the inputs fingerprint its ingest step recorded."""
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=publish_job.name,
                                                   statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1)
    if not runs:
        return None
    run_id = runs[0].run_id
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    for record in records:
        materialization = record.asset_materialization
        if materialization is not None and materialization.asset_key == dg.AssetKey("raw_documents"):
            value = materialization.metadata.get("inputs_fingerprint")
            return LastRun(run_id, value.value if value is not None else None)
    return LastRun(run_id, None)


def _latest_release(outputs: Path) -> Path | None:
    release_id = latest_release_id(outputs)
    path = releases_dir(outputs) / release_id if release_id else None
    return path if path is not None and path.is_dir() else None


@dg.schedule(job=publish_job, cron_schedule=DAILY_CRON, execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Runs the whole pipeline daily at 06:00 UTC; skips when the seeds, code, data and "
                         "settings are those of the latest successful run and its release exists.")
def daily_publish_schedule(context: dg.ScheduleEvaluationContext, settings: GuaranteesSettings):
    seeds = settings.sync_seeds()  # a remote folder: its local mirror, brought up to date
    digest = seed_state.scan(seeds, _baseline(settings)).digest if seeds.is_dir() else "no seeds folder"
    fingerprint = inputs_fingerprint(settings, digest)
    last = last_successful_run(context.instance)
    release = _latest_release(settings.outputs_path)
    if last is not None and last.inputs_fingerprint == fingerprint and release is not None:
        return dg.SkipReason(f"nothing changed since run {last.run_id}, which published {release.name}")
    day = context.scheduled_execution_time.date().isoformat() if context.scheduled_execution_time else "manual"
    return dg.RunRequest(run_key=f"daily-{day}-{fingerprint}",
                         tags={"guarantees/trigger": "daily_publish_schedule", "guarantees/inputs": fingerprint})
