"""Write and audit a release candidate: the whole gate between validated frames and `publish`.

Order matters for what a failed run leaves behind: every check that needs no file runs first
(pandera on every table, the dataset assertions, the links between tables), and all their
failures are collected into one report; only then are the content hashes compared with the
latest release (equal content: nothing to publish, "no change"); only then is anything written,
into staging (the release's files, then `report.html` drawn from them), and re-opened. Nothing
here touches a published folder or `latest.json`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.lib import report as release_report
from pipelines.lib import tables
from pipelines.lib.audit import audit
from pipelines.lib.content_hash import arrow_hashes
from pipelines.lib.release import (Release, latest_release, new_release_id, release_content_hash, stage_release,
                                   verify_staged)
from pipelines.lib.release import _file_entries, _write_json
from pipelines.lib.release_audit import AuditLimits, dataset_failures, write_report
from pipelines.lib.schema_version import current_shape
from pipelines.lib.tables import ValidationReport
from pipelines.lib.verify import MANIFEST
from schemas import SCHEMA_VERSION, TABLES

REPORTS = "reports"
_STAGE_TITLES = {"validation": "validation failed", "dataset": "dataset assertions failed",
                 "links": "cross-table audit failed", "files": "written files do not match the manifest"}


class AuditFailed(Exception):
    """The candidate failed its audit; nothing was published. `cause` is one line, `report` the file."""

    def __init__(self, cause: str, report: Path, reports: list[ValidationReport]):
        super().__init__(f"{cause} (report: {report})")
        self.cause, self.report, self.reports = cause, report, reports


@dataclass(frozen=True)
class Candidate:
    """What the audit produced: a staged release, or `no_change` with the latest release's id."""
    release_id: str
    no_change: bool
    staged: Release | None
    rows: dict[str, int]


def build_candidate(frames: dict[str, pd.DataFrame], outputs_dir: Path, *, limits: AuditLimits,
                    now: dt.datetime, code_version: str) -> Candidate:
    """Audit the frames and stage a release from them, or say "no change"; AuditFailed on any failure.

    Raises ManifestError when latest.json points at a release whose manifest cannot be read."""
    previous = latest_release(outputs_dir)
    release_id = new_release_id(now, after=previous.release_id if previous else None)
    stages: dict[str, list[ValidationReport]] = {}
    validated = {}
    for name in TABLES:
        validated[name], report = tables.validate(name, frames[name])
        if not report.ok:
            stages.setdefault("validation", []).append(report)
    rows = {name: len(frames[name]) for name in TABLES}
    stages["dataset"] = dataset_failures(rows, previous.manifest if previous else None, limits,
                                         SCHEMA_VERSION, current_shape())
    if "validation" not in stages:  # the links assume the types pandera coerces
        stages["links"] = audit(validated)
    _raise_if_failed(stages, outputs_dir, release_id)

    arrow = {name: tables.to_arrow(name, frame) for name, frame in validated.items()}
    hashes = {name: h for name, (_, h) in arrow_hashes(arrow, {n: tables.columns(n) for n in TABLES}).items()}
    if previous and previous.manifest.get("content_hash") == release_content_hash(SCHEMA_VERSION, hashes):
        return Candidate(previous.release_id, True, None, rows)

    staged = stage_release(arrow, outputs_dir, release_id, created_at=now, code_version=code_version,
                           table_hashes=hashes, previous=previous)
    staged = _with_report(staged, stages, limits)
    problems = verify_staged(staged)
    if problems:
        stages["files"] = [_file_report(problems)]
        _raise_if_failed(stages, outputs_dir, release_id)
    return Candidate(release_id, False, staged, rows)


def _with_report(staged: Release, stages: dict[str, list[ValidationReport]], limits: AuditLimits) -> Release:
    """Write report.html into the staging folder, then the manifest again so that it lists the page.

    The page is drawn from the staged files, so it comes after them; the manifest is still the
    last file written, and the file check that follows covers the page like any other file."""
    release_report.write(staged.path, staged.manifest, stages=stages, limits=limits)
    manifest = staged.manifest | {"files": _file_entries(staged.path)}
    _write_json(staged.path / MANIFEST, manifest, durable=True)
    return Release(staged.release_id, staged.path, manifest)


def report_path(outputs_dir: Path, release_id: str) -> Path:
    return Path(outputs_dir) / REPORTS / f"audit-{release_id}.json"


def _raise_if_failed(stages: dict[str, list[ValidationReport]], outputs_dir: Path, release_id: str) -> None:
    failing = {stage: reports for stage, reports in stages.items() if reports}
    if not failing:
        return
    stage, reports = next(iter(failing.items()))
    cause = f"{_STAGE_TITLES[stage]}: " + "; ".join(_summary(stage, r) for r in reports)
    if len(failing) > 1:
        cause += f" (and {', '.join(_STAGE_TITLES[s] for s in list(failing)[1:])})"
    cause = " ".join(cause.split())  # one line, whatever the failure texts hold
    path = write_report(report_path(outputs_dir, release_id), release_id=release_id, cause=cause, stages=failing)
    raise AuditFailed(cause, path, [r for rs in failing.values() for r in rs])


def _summary(stage: str, report: ValidationReport) -> str:
    """pandera-style counts for row-level checks; the failing values themselves for dataset and file checks."""
    if stage in ("validation", "links"):
        return report.summary()
    cases = report.failure_cases.to_dict("records")
    return f"{report.table}: " + "; ".join(f"{c['failure_case']} (expected: {c['check']})" for c in cases)


def _file_report(problems: list[str]) -> ValidationReport:
    frame = pd.DataFrame([{"schema_context": "File", "column": None, "check": "matches manifest",
                           "failure_case": p, "index": None} for p in problems])
    return ValidationReport("<files>", frame)
