"""Running `publish_job` in this process, as `guarantees run` and the benchmarks do.

`JobDefinition.execute_in_process` keeps every step's output value in memory until the run ends,
so that its result can return them: every table of the run, twice over for the frames the
release audit reads (1.1 GB at 10,000 documents, most of the run's peak; several GB at 100,000).
`dagster.execute_job` runs the same job, executor and resources in this process without keeping
them; it needs a persistent instance and a job it can rebuild by import (`publish_job`), and
takes the resources' settings as run config.
"""
from __future__ import annotations

from pathlib import Path

import dagster as dg


def publish_job() -> dg.JobDefinition:
    """The job, built by import: what `dagster.reconstructable` needs."""
    from pipelines.definitions import defs

    return defs.resolve_job_def("publish_job")


def run_config(*, seeds_dir: str | Path | None = None, outputs_dir: str | Path | None = None,
               extract_workers: int | None = None, log_level: str = "WARNING") -> dict:
    """Run config for the settings and IO manager resources; unset values keep their defaults
    (environment variables, then repo-relative folders)."""
    settings = {"seeds_dir": seeds_dir, "outputs_dir": outputs_dir, "extract_workers": extract_workers}
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in settings.items() if v is not None}
    io_manager = {"outputs_dir": str(outputs_dir)} if outputs_dir is not None else {}
    return {"loggers": {"console": {"config": {"log_level": log_level}}},
            "resources": {"settings": {"config": settings}, "io_manager": {"config": io_manager}}}


def execute_publish(instance: dg.DagsterInstance, **settings):
    """One run of publish_job on `instance` (persistent), in this process; `settings` as `run_config`."""
    return dg.execute_job(dg.reconstructable(publish_job), instance=instance, run_config=run_config(**settings))
