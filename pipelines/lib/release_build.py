"""Write and audit a release candidate: the whole gate between validated frames and `publish`.

Order matters for what a failed run leaves behind: every check runs before anything is staged
(pandera on every table, the dataset assertions, the links between tables), and all their
failures are collected into one report; only then are the content hashes compared with the
latest release (equal content: nothing to publish, "no change"); only then is the release
staged (the release's files, then `report.html` drawn from them, the manifest last), and
re-opened. Nothing here touches a published folder or `latest.json`.
`check_frames` is the part that needs only the frames, `stage_candidate` the part that reads the
releases folder and writes; `build_candidate` is the two in a row.

Memory stays at about one table: `check_frames` validates a table, writes it as the release's
Parquet file into a work folder and drops it before loading the next; the links between tables
are checked on the columns they need, read back from those files; staging copies the files and
loads the DuckDB file from them. At 100,000 documents the tables are about 1.6 GB in Arrow.

Most runs decode no table at all: a table the step before validated and stored as the release
writes its file (`resources.FrameIOManager`, a verdict naming that form) is put in the work folder
as it is, and the content hashes of those files are computed in a thread while the links between
tables are checked, unless the verdict names the content hash (the extraction step knows it from
the cache's sums without hashing the rows). Either way the DuckDB file's tables, loaded from the
staged files, are hashed when the release is re-opened, and must match the hashes in the manifest.
Likewise the links that hold one document at a time (`audit.document_links`) are checked here only
when the extracted tables' verdicts do not share one links token: the extraction step checks them
on each cache segment's rows once, and says so in the token (`verdicts.links_token`).
"""
from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.lib import report as release_report
from pipelines.lib import fsio, tables, verdicts
from pipelines.lib.audit import DOCUMENT_LINK_TABLES, audit
from pipelines.lib.content_hash import arrow_hash, parquet_hashes
from pipelines.lib.fsio import os_error_text
from pipelines.lib.memory import release_free_memory
from pipelines.lib.release import (Release, latest_release, new_release_id, release_content_hash, releases_dir,
                                   stage_release, table_file_form, verify_staged, write_table_file)
from pipelines.lib.release_audit import AuditLimits, dataset_failures, rejected_files, write_report
from pipelines.lib.schema_version import current_shape
from pipelines.lib.staging import STAGING
from pipelines.lib.staging import create as create_staging
from pipelines.lib.staging import release as release_staging
from pipelines.lib.staging import try_discard as discard_staging
from pipelines.lib.tables import ValidationReport
from pipelines.lib.verdicts import Verdict
from schemas import SCHEMA_VERSION, TABLES

REPORTS = "reports"
# The work folder of an audit, beside the staging folders (`<releases>/.staging/audit@<owner>`), so
# that the next run removes it when a killed run could not.
AUDIT_FOLDER = "audit"
log = logging.getLogger(__name__)
# A table as a frame, or a function that loads it (so the audit can hold one frame at a time); a
# loader with a `verdict` after the call (`verdicts.StoredTable`) may spare the table's validation.
FrameSource = pd.DataFrame | Callable[[], pd.DataFrame]
_STAGE_TITLES = {"validation": "validation failed", "dataset": "dataset assertions failed",
                 "links": "cross-table audit failed", "files": "written files do not match the manifest"}


class AuditFailed(Exception):
    """The candidate failed its audit; nothing was published. `cause` is one line, `report` the file
    (None when even the report could not be written, which `cause` then says)."""

    def __init__(self, cause: str, report: Path | None, reports: list[ValidationReport]):
        super().__init__(f"{cause} (report: {report})" if report else cause)
        self.cause, self.report, self.reports = cause, report, reports


class StagingFailed(Exception):
    """Writing or re-reading the staged release failed (a full disk, say); the staging folder is
    removed and nothing was published. The message names the file and the error."""


@dataclass(frozen=True)
class Candidate:
    """What the audit produced: a staged release, or `no_change` with the latest release's id."""
    release_id: str
    no_change: bool
    staged: Release | None
    rows: dict[str, int]


@dataclass(frozen=True)
class CheckedFrames:
    """What the audit learns from the frames alone, before looking at any release: per-table and
    cross-table failures, and, when there are none, each table's Parquet file and content hash."""
    failures: dict[str, list[ValidationReport]]
    rows: dict[str, int]
    files: dict[str, Path] | None
    hashes: dict[str, str] | None
    rejected_files: int = 0


def check_frames(frames: Mapping[str, FrameSource], workdir: Path) -> CheckedFrames:
    """pandera on every table, then the links between tables; content hashes and Parquet files.

    It reads no release and writes only into `workdir` (the tables, as the release will publish
    them), so it is the costly half of the audit that a retry or a fault test can compute once;
    the files must stay until the release is staged. A frame may be given as a function that loads
    it: then at most one table is held in memory at a time. Raises StagingFailed when a file cannot
    be written."""
    failures: dict[str, list[ValidationReport]] = {}
    files: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    rows: dict[str, int] = {}
    as_stored: list[str] = []  # published as stored, no content hash in the verdict: hashed below
    stored_verdicts: dict[str, Verdict] = {}
    decoded = False  # whether a table was loaded as a frame (published as stored, none is)
    rejected = 0
    with closing(duckdb.connect(":memory:")) as con:
        for name in TABLES:
            source = frames[name]
            stored = _publishable_as_stored(name, source)
            if stored is not None:
                data, verdict = stored
                stored_verdicts[name] = verdict
                files[name], rows[name] = _keep_stored(name, data, Path(workdir))
                if verdict.content_hash:  # the storing step knew it (the extraction cache's sums)
                    hashes[name] = verdict.content_hash
                else:
                    as_stored.append(name)
                if name == "rejected_documents":
                    rejected = rejected_files(source())
                continue
            frame = source() if callable(source) else source
            decoded = True
            rows[name] = len(frame)
            if name == "rejected_documents":
                rejected = rejected_files(frame)
            validated, report = _validated(name, frame, getattr(source, "verdict", None))
            del frame
            if not report.ok:
                failures.setdefault("validation", []).append(report)
            elif "validation" not in failures:
                files[name], hashes[name] = _keep(con, name, tables.to_arrow(name, validated), Path(workdir))
            del validated
    if "validation" not in failures:  # the links assume the types pandera coerces
        if decoded:  # what the largest table's copies took, before the audit reads its columns (0.2 s)
            release_free_memory()
        # DuckDB hashes the stored files while the links are checked (much of which is Python)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="content-hash") as pool:
            hashing = pool.submit(parquet_hashes, {name: files[name] for name in as_stored},
                                  {name: tables.columns(name) for name in as_stored})
            failures["links"] = audit(files, documents_checked=_documents_checked(stored_verdicts))
        hashes.update({name: digest for name, (_, digest) in hashing.result().items()})
    if any(failures.values()):
        return CheckedFrames(failures, rows, None, None, rejected)
    return CheckedFrames(failures, rows, files, hashes, rejected)


def _documents_checked(stored: Mapping[str, Verdict]) -> bool:
    """Whether the tables the per-document links join are all published as stored, with verdicts
    that share one links token: the extraction step checked those links on these rows."""
    vouched = verdicts.links_vouched(stored, DOCUMENT_LINK_TABLES)
    if vouched:
        log.info("links between the documents' tables: checked by the extraction step "
                 f"({stored['documents'].links}), not checked again")
    return vouched


def _validated(name: str, frame: pd.DataFrame, verdict: Verdict | None) -> tuple[pd.DataFrame, ValidationReport]:
    """pandera on the frame, unless it was read from bytes a verdict says passed this very model
    (`pipelines/lib/verdicts.py`: the step that stored it validated it)."""
    if verdicts.holds(verdict, name):
        log.info(f"{name}: validated when it was stored (verdict {verdict.sha256[:12]}), not validated again")
        return frame, ValidationReport(name, tables.no_failures())
    return tables.validate(name, frame)


def _publishable_as_stored(name: str, source: FrameSource) -> tuple[bytes, Verdict] | None:
    """The bytes of a stored table the release can publish as they are, and their verdict: validated
    under the current models (the verdict holds for these bytes) and written as the release writes
    its files (the verdict's form is `table_file_form()`: the IO manager stores validated tables so).
    None otherwise, and the table is loaded, validated if need be, and written by the audit."""
    if not isinstance(source, verdicts.StoredTable):
        return None
    data, verdict = source.read()
    if data is None or not verdicts.holds(verdict, name) or verdict.form != table_file_form():
        return None
    log.info(f"{name}: stored as the release's file and validated (verdict {verdict.sha256[:12]}), published as it is")
    return data, verdict


def _keep_stored(name: str, data: bytes, workdir: Path) -> tuple[Path, int]:
    """A stored release file into the work folder as it is, and its rows (from its footer)."""
    path = _work_file(name, workdir, lambda target: fsio.write_bytes(target, data))
    return path, pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows


def _keep(con: duckdb.DuckDBPyConnection, name: str, arrow, workdir: Path) -> tuple[Path, str]:
    """Hash a validated table (the hash the staged files must match), write its Parquet file."""
    _, digest = arrow_hash(con, arrow, tables.columns(name))
    return _work_file(name, workdir, lambda target: write_table_file(arrow, name, target)), digest


def _work_file(name: str, workdir: Path, write: Callable[[Path], None]) -> Path:
    """`workdir/<name>.parquet`, written by `write`; StagingFailed naming the table when it cannot be."""
    path = workdir / f"{name}.parquet"
    try:
        write(path)
    except OSError as exc:
        raise StagingFailed(f"could not write the audited table {name}: {os_error_text(exc)}; "
                            f"nothing was published") from exc
    return path


def build_candidate(frames: Mapping[str, FrameSource], outputs_dir: Path, *, limits: AuditLimits,
                    now: dt.datetime, code_version: str) -> Candidate:
    """Audit the frames and stage a release from them, or say "no change"; AuditFailed on any failure.

    Raises ManifestError when latest.json points at a release whose manifest cannot be read, and
    StagingFailed when a file cannot be written (a full disk); on every failure the staging folder
    is removed, and the audit's work folder whatever the outcome."""
    try:
        workdir = create_staging(releases_dir(outputs_dir) / STAGING, AUDIT_FOLDER)
    except OSError as exc:
        raise StagingFailed(f"could not make the audit's work folder: {os_error_text(exc)}; "
                            f"nothing was published") from exc
    try:
        checked = check_frames(frames, workdir)
        return stage_candidate(checked, outputs_dir, limits=limits, now=now, code_version=code_version)
    finally:
        problem = discard_staging(workdir)
        if problem:
            log.warning(problem)


def stage_candidate(checked: CheckedFrames, outputs_dir: Path, *, limits: AuditLimits, now: dt.datetime,
                    code_version: str) -> Candidate:
    """The half of `build_candidate` that reads the releases folder: dataset assertions against the
    latest release, "no change", then staging and re-reading every file."""
    previous = latest_release(outputs_dir)
    release_id = new_release_id(now, after=previous.release_id if previous else None)
    rows = checked.rows
    stages = {"validation": checked.failures.get("validation", []),
              "dataset": dataset_failures(rows, previous.manifest if previous else None, limits,
                                          SCHEMA_VERSION, current_shape(), checked.rejected_files),
              "links": checked.failures.get("links", [])}
    _raise_if_failed(stages, outputs_dir, release_id)

    hashes = checked.hashes
    if previous and previous.manifest.get("content_hash") == release_content_hash(SCHEMA_VERSION, hashes):
        return Candidate(previous.release_id, True, None, rows)

    try:
        staged = stage_release(checked.files, outputs_dir, release_id, created_at=now, code_version=code_version,
                               rows=rows, table_hashes=hashes, previous=previous,
                               pages=_report_writer(stages, limits))
    except OSError as exc:
        raise StagingFailed(f"could not write release {release_id} into staging: {os_error_text(exc)}; "
                            f"nothing was published") from exc
    try:
        problems = verify_staged(staged)
    except OSError as exc:
        discard_staging(staged.path)
        raise StagingFailed(f"could not re-read release {release_id} in staging: {os_error_text(exc)}; "
                            f"nothing was published") from exc
    except BaseException:
        discard_staging(staged.path)
        raise
    if problems:
        discard_staging(staged.path)
        stages["files"] = [_file_report(problems)]
        _raise_if_failed(stages, outputs_dir, release_id)
    release_staging(staged.path)  # written and checked: from now on it waits for `publish`
    return Candidate(release_id, False, staged, rows)


def _report_writer(stages: dict[str, list[ValidationReport]], limits: AuditLimits):
    """`report.html`, drawn from the staged files; `stage_release` writes it before the manifest,
    so the manifest lists it and the file check that follows covers it like any other file."""
    def write(folder: Path, head: dict) -> None:
        release_report.write(folder, head, stages=stages, limits=limits)
    return write


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
    try:
        path = write_report(report_path(outputs_dir, release_id), release_id=release_id, cause=cause, stages=failing)
    except OSError as exc:
        path, cause = None, f"{cause} (and the report could not be written: {os_error_text(exc)})"
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
