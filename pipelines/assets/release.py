"""Validate and publish: audit every table, stage a release, then publish it with one rename (and,
with a release store, pull its latest release before the build and push the new one after)."""

import datetime as dt
import os
from pathlib import Path
from typing import Callable

import dagster as dg
import pandas as pd

from pipelines.assets._metadata import free_memory, markdown_table
from pipelines.lib.fsio import os_error_text
from pipelines.lib.publish_lock import LockHeld, ProcessRecord
from pipelines.lib.release import PublishError, Release, publish
from pipelines.lib.release_build import AuditFailed, StagingFailed, build_candidate
from pipelines.lib.release_recovery import recover
from pipelines.lib.release_store import Store, StoreError, pull, push
from pipelines.lib.verify import ManifestError
from pipelines.lib.version import code_version
from pipelines.resources import GuaranteesSettings
from schemas import TABLES

NO_CHANGE = "no change"
PUBLISHED = "published"


# Each table arrives as a function that loads it (FrameIOManager, "deferred"): the audit loads,
# validates and converts one table at a time instead of holding all ten as frames.
@dg.asset(group_name="validate", kinds={"parquet", "duckdb"},
          ins={name: dg.AssetIn(name, metadata={"deferred": True}) for name in TABLES})
def release_candidate(context: dg.AssetExecutionContext, settings: GuaranteesSettings,
                      **frames: Callable[[], pd.DataFrame]) -> dict:
    """First finish a publish a crashed run left half done and remove abandoned staging folders, and
    with a release store pull its latest release when this folder lacks it; then audit every table
    (pandera, links between tables, row floors, shrink against the previous release), write the
    release into a staging folder and re-open every file. Content equal to the latest release
    stages nothing ("no change"). Any failure stops the run here, before anything is published,
    and writes a report file listing every failure."""
    free_memory(context)
    try:
        limits = settings.audit_limits
        lock_timeout = settings.lock_timeout_s
    except ValueError as exc:
        raise dg.Failure(description=f"bad release settings: {exc}") from None
    try:
        for action in recover(settings.outputs_path, lock_timeout_s=lock_timeout, on_wait=_waiting(context)):
            context.log.warning(action)
    except LockHeld as exc:
        raise dg.Failure(description=str(exc)) from None
    except OSError as exc:
        raise dg.Failure(description=f"could not finish an interrupted publish: {os_error_text(exc)}; "
                                     f"nothing was published") from None
    _pull(context, settings, lock_timeout)
    now = dt.datetime.now(dt.timezone.utc)
    try:
        candidate = build_candidate(frames, settings.outputs_path, limits=limits, now=now, code_version=code_version())
    except ManifestError as exc:
        raise dg.Failure(description=f"the latest release cannot be read, nothing was published: {exc}") from None
    except StagingFailed as exc:
        raise dg.Failure(description=str(exc)) from None
    except AuditFailed as exc:
        cases = pd.concat([r.failure_cases.assign(table=r.table) for r in exc.reports], ignore_index=True)
        where = f" (report: {exc.report})" if exc.report else ""
        raise dg.Failure(description=f"{exc.cause}; nothing was published{where}",
                         metadata={"report": dg.MetadataValue.path(str(exc.report or "")),
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
            "manifest": staged.manifest, "rows": candidate.rows, "run_id": context.run.run_id}


def _store(settings: GuaranteesSettings) -> Store | None:
    """The configured release store; a failure naming the setting when its URL cannot be opened
    (an unknown protocol, or s3fs/gcsfs not installed)."""
    try:
        return settings.store
    except (ImportError, ValueError) as exc:
        raise dg.Failure(description=f"the release store GUARANTEES_RELEASE_STORE="
                                     f"{settings.release_store or os.environ.get('GUARANTEES_RELEASE_STORE')!r} "
                                     f"cannot be opened: {exc}; nothing was published") from None


def _pull(context: dg.AssetExecutionContext, settings: GuaranteesSettings, lock_timeout: float) -> None:
    """With a release store, build on its latest release: download it when this folder lacks it."""
    store = _store(settings)
    if store is None:
        return
    try:
        for line in pull(settings.releases_path, store, lock_timeout_s=lock_timeout, on_wait=_waiting(context)):
            context.log.info(line)
    except (StoreError, LockHeld) as exc:
        raise dg.Failure(description=f"{exc}; nothing was published") from None
    except OSError as exc:
        raise dg.Failure(description=f"could not read the release store {store.url}: {os_error_text(exc)}; "
                                     f"nothing was published") from None


def _push(context: dg.AssetExecutionContext, settings: GuaranteesSettings, release_id: str) -> dict:
    """With a release store, bring it up to the local releases; the metadata saying what was pushed.
    A failure leaves the local release published (it is the source) and the next run pushes it."""
    store = _store(settings)
    if store is None:
        return {}
    try:
        lines = push(settings.releases_path, store, lock_timeout_s=settings.lock_timeout_s, on_wait=_waiting(context))
    except (StoreError, LockHeld) as exc:
        raise dg.Failure(description=f"release {release_id} is published in {settings.releases_path}, but pushing it "
                                     f"to the release store failed: {exc}") from None
    except OSError as exc:
        raise dg.Failure(description=f"release {release_id} is published in {settings.releases_path}, but pushing it "
                                     f"to the release store {store.url} failed: {os_error_text(exc)}; the store "
                                     f"still names its previous release, and the next run pushes this one") from None
    for line in lines:
        context.log.info(line)
    return {"store": store.url, "pushed": dg.MetadataValue.json(lines)}


def _waiting(context: dg.AssetExecutionContext):
    def log(holder: ProcessRecord | None) -> None:
        who = holder.describe() if holder else "another run"
        context.log.info(f"waiting for the publish lock, held by {who}")
    return log


@dg.asset(group_name="publish", kinds={"duckdb"})
def release(context: dg.AssetExecutionContext, settings: GuaranteesSettings, release_candidate: dict) -> dg.MaterializeResult:
    """Move the audited release into outputs/releases/<release_id>/, then update index.json and
    latest.json; when the content equals the latest release, publish nothing and say "no change".
    With a release store, then push to it every release it lacks (`release_store.push`)."""
    rows = release_candidate["rows"]
    table = dg.MetadataValue.md(markdown_table(pd.DataFrame({"table": list(rows), "rows": list(rows.values())})))
    if release_candidate["outcome"] == NO_CHANGE:
        context.log.info(f"no change: the content equals release {release_candidate['release_id']}; nothing published")
        pushed = _push(context, settings, release_candidate["release_id"])
        return dg.MaterializeResult(metadata={"outcome": NO_CHANGE, "release_id": release_candidate["release_id"],
                                              "tables": table, "dagster/row_count": sum(rows.values()), **pushed})
    made_by = release_candidate.get("run_id")
    run = context.run
    if made_by not in (None, run.run_id, run.parent_run_id, run.root_run_id):
        raise dg.Failure(description=f"the release candidate was staged by run {made_by}, not by this run: another "
                                     f"run shares the outputs folder {settings.outputs_path}; nothing was published, "
                                     f"run again")
    staged = Release(release_candidate["release_id"], Path(release_candidate["staging_path"]),
                     release_candidate["manifest"])
    try:
        path = publish(staged, settings.outputs_path, lock_timeout_s=settings.lock_timeout_s,
                       on_wait=_waiting(context))
    except (PublishError, LockHeld) as exc:
        raise dg.Failure(description=str(exc)) from None
    context.log.info(f"published release {staged.release_id} at {path}")
    pushed = _push(context, settings, staged.release_id)
    return dg.MaterializeResult(metadata={**pushed,
        "outcome": PUBLISHED,
        "release_id": staged.release_id,
        "path": dg.MetadataValue.path(str(path)),
        "previous_release_id": staged.manifest.get("previous_release_id") or "none",
        "tables": table,
        "dagster/row_count": sum(rows.values()),
    })
