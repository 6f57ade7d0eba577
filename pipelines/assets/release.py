"""Validate and publish: audit every table, stage a release, then publish it with one rename."""

import datetime as dt

import dagster as dg
import pandas as pd

from pipelines.assets._metadata import failure, markdown_table
from pipelines.lib import tables
from pipelines.lib.audit import audit
from pipelines.lib.release import new_release_id, publish, stage_release, verify_staged
from pipelines.lib.version import code_version
from pipelines.resources import GuaranteesSettings
from schemas import TABLES


@dg.asset(group_name="validate", kinds={"parquet", "duckdb"},
          ins={name: dg.AssetIn(name) for name in TABLES})
def release_candidate(context: dg.AssetExecutionContext, settings: GuaranteesSettings, **frames: pd.DataFrame) -> dict:
    """Validate every table and the links between them, then write the release into a staging folder
    and re-open every file. Any failure stops the run here, before anything is published."""
    reports = []
    validated = {}
    for name in TABLES:
        validated[name], report = tables.validate(name, frames[name])
        if not report.ok:
            reports.append(report)
    if reports:
        raise failure(reports, "validation failed, nothing was published")
    reports = audit(validated)
    if reports:
        raise failure(reports, "audit failed, nothing was published")
    now = dt.datetime.now(dt.timezone.utc)
    release_id = new_release_id(now)
    arrow = {name: tables.to_arrow(name, frame) for name, frame in validated.items()}
    staged = stage_release(arrow, settings.outputs_path, release_id, created_at=now, code_version=code_version())
    problems = verify_staged(staged)
    if problems:
        raise dg.Failure(description=f"staged release {release_id} does not match its manifest: {problems[0]}",
                         metadata={"problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems))})
    context.add_output_metadata({"release_id": release_id, "staging": dg.MetadataValue.path(str(staged.path)),
                                 "rows": dg.MetadataValue.json({n: i["rows"] for n, i in staged.manifest["tables"].items()})})
    return {"release_id": release_id, "staging_path": str(staged.path), "manifest": staged.manifest}


@dg.asset(group_name="publish", kinds={"duckdb"})
def release(context: dg.AssetExecutionContext, settings: GuaranteesSettings, release_candidate: dict) -> dg.MaterializeResult:
    """Move the audited release into outputs/releases/<release_id>/ and point latest.json at it."""
    from pipelines.lib.release import StagedRelease
    from pathlib import Path

    staged = StagedRelease(release_candidate["release_id"], Path(release_candidate["staging_path"]),
                           release_candidate["manifest"])
    path = publish(staged, settings.outputs_path)
    rows = {name: info["rows"] for name, info in staged.manifest["tables"].items()}
    context.log.info(f"published release {staged.release_id} at {path}")
    return dg.MaterializeResult(metadata={
        "release_id": staged.release_id,
        "path": dg.MetadataValue.path(str(path)),
        "tables": dg.MetadataValue.md(markdown_table(pd.DataFrame({"table": list(rows), "rows": list(rows.values())}))),
        "dagster/row_count": sum(rows.values()),
    })
