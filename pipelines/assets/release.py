"""Validate and publish: audit every table, stage a release, then publish it with one rename."""

import datetime as dt
from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines.assets._metadata import markdown_table
from pipelines.lib.release import PublishError, Release, publish
from pipelines.lib.release_build import AuditFailed, build_candidate
from pipelines.lib.verify import ManifestError
from pipelines.lib.version import code_version
from pipelines.resources import GuaranteesSettings
from schemas import TABLES

NO_CHANGE = "no change"
PUBLISHED = "published"


@dg.asset(group_name="validate", kinds={"parquet", "duckdb"},
          ins={name: dg.AssetIn(name) for name in TABLES})
def release_candidate(context: dg.AssetExecutionContext, settings: GuaranteesSettings, **frames: pd.DataFrame) -> dict:
    """Audit every table (pandera, links between tables, row floors, shrink against the previous release),
    then write the release into a staging folder and re-open every file. Content equal to the latest
    release stages nothing ("no change"). Any failure stops the run here, before anything is published,
    and writes a report file listing every failure."""
    try:
        limits = settings.audit_limits
    except ValueError as exc:
        raise dg.Failure(description=f"bad release audit settings: {exc}") from None
    now = dt.datetime.now(dt.timezone.utc)
    try:
        candidate = build_candidate(frames, settings.outputs_path, limits=limits, now=now, code_version=code_version())
    except ManifestError as exc:
        raise dg.Failure(description=f"the latest release cannot be read, nothing was published: {exc}") from None
    except AuditFailed as exc:
        cases = pd.concat([r.failure_cases.assign(table=r.table) for r in exc.reports], ignore_index=True)
        raise dg.Failure(description=f"{exc.cause}; nothing was published (report: {exc.report})",
                         metadata={"report": dg.MetadataValue.path(str(exc.report)),
                                   "failure_cases": dg.MetadataValue.md(markdown_table(cases.head(200))),
                                   "n_failures": len(cases)}) from None
    rows = dg.MetadataValue.json(candidate.rows)
    if candidate.no_change:
        context.add_output_metadata({"outcome": NO_CHANGE, "release_id": candidate.release_id, "rows": rows})
        return {"outcome": NO_CHANGE, "release_id": candidate.release_id, "rows": candidate.rows}
    staged = candidate.staged
    context.add_output_metadata({"outcome": "staged", "release_id": staged.release_id, "rows": rows,
                                 "staging": dg.MetadataValue.path(str(staged.path))})
    return {"outcome": "staged", "release_id": staged.release_id, "staging_path": str(staged.path),
            "manifest": staged.manifest, "rows": candidate.rows}


@dg.asset(group_name="publish", kinds={"duckdb"})
def release(context: dg.AssetExecutionContext, settings: GuaranteesSettings, release_candidate: dict) -> dg.MaterializeResult:
    """Move the audited release into outputs/releases/<release_id>/, then update index.json and
    latest.json; when the content equals the latest release, publish nothing and say "no change"."""
    rows = release_candidate["rows"]
    table = dg.MetadataValue.md(markdown_table(pd.DataFrame({"table": list(rows), "rows": list(rows.values())})))
    if release_candidate["outcome"] == NO_CHANGE:
        context.log.info(f"no change: the content equals release {release_candidate['release_id']}; nothing published")
        return dg.MaterializeResult(metadata={"outcome": NO_CHANGE, "release_id": release_candidate["release_id"],
                                              "tables": table, "dagster/row_count": sum(rows.values())})
    staged = Release(release_candidate["release_id"], Path(release_candidate["staging_path"]),
                     release_candidate["manifest"])
    try:
        path = publish(staged, settings.outputs_path)
    except PublishError as exc:
        raise dg.Failure(description=str(exc)) from None
    context.log.info(f"published release {staged.release_id} at {path}")
    return dg.MaterializeResult(metadata={
        "outcome": PUBLISHED,
        "release_id": staged.release_id,
        "path": dg.MetadataValue.path(str(path)),
        "previous_release_id": staged.manifest.get("previous_release_id") or "none",
        "tables": table,
        "dagster/row_count": sum(rows.values()),
    })
