"""One in-process run of `publish_job`, timed, as the benchmarks in `incremental/` and `scale/` do it.

A run goes through the same job, resources and runner (`pipelines.runner`) as `make run`; what it
returns is what both benchmarks report: wall-clock seconds, the documents the extraction step
processed and reused (from the `documents` asset's metadata) and the seconds of each step (from
the run's events).
"""
from __future__ import annotations

import time
from pathlib import Path


def run_publish(instance, seeds: Path, outputs: Path, *, workers: int | None = None) -> dict:
    """One run on `instance` (persistent) through `pipelines.runner`, as `guarantees run` does."""
    from pipelines.runner import execute_publish

    start = time.perf_counter()
    result = execute_publish(instance, seeds_dir=seeds, outputs_dir=outputs, extract_workers=workers,
                             log_level="ERROR")
    seconds = time.perf_counter() - start
    if not result.success:
        raise SystemExit(f"pipeline run {result.run_id} on {seeds} failed")
    meta = documents_metadata(result)
    return {"seconds": seconds, "processed": meta["documents_processed"], "reused": meta["documents_reused"],
            "extract_step": meta["seconds"], "steps": step_seconds(instance, result.run_id)}


def documents_metadata(result) -> dict:
    """The values of the `documents` output's metadata: what the extraction step processed,
    reused and adopted, and its seconds."""
    (documents,) = [m for m in result.asset_materializations_for_node("extracted_tables")
                    if m.asset_key.path == ["documents"]]
    return {key: value.value for key, value in documents.metadata.items()}


def step_seconds(instance, run_id: str) -> dict[str, float]:
    """Seconds from each step's start to its success, from the run's events."""
    starts, out = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value == "STEP_SUCCESS":
            out[event.step_key] = round(entry.timestamp - starts[event.step_key], 3)
    return out
