"""Dataset-level assertions a release must pass, and the report written when it does not.

Per-table schemas cannot see that a whole table came out empty, or that half of last release's
commitments vanished because an extractor broke: those are the failures that reach users as a
"valid" release. So before anything is published:
- every table has at least its minimum number of rows (1 by default; 0 for the tables that are
  empty in a healthy release: `unresolved_names`, `rejected_documents`);
- no table lost more than its allowed share of the previous release's rows (50 % by default; no
  limit for those same two tables, which shrink when the corpus gets cleaner);
- the schema version is an acceptable successor of the previous release's (see schema_version.py);
- at most a share of the seed files (50 % by default) were rejected as documents: one unreadable
  file is news, most of the folder unreadable is a broken scraper or a wrong folder, and a release
  built from the rest would look complete. Sidecars rejected while their document is kept do not
  count; duplicates do.

The limits come from `GuaranteesSettings` (GUARANTEES_MIN_ROWS, GUARANTEES_MAX_SHRINK,
GUARANTEES_MAX_REJECTED_SHARE). Failures are
ValidationReports shaped like pandera's, so that one report file lists every failure of a run.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.lib import fsio
from pipelines.lib.schema_version import bump_problems
from pipelines.lib.tables import ValidationReport
from schemas import TABLES

# Tables a healthy release may publish empty, and that may shrink without limit.
OPTIONAL_TABLES = ("unresolved_names", "rejected_documents")
DEFAULT_MIN_ROWS = 1
DEFAULT_MAX_SHRINK = 0.5
DEFAULT_MAX_REJECTED_SHARE = 0.5
# Rejections that keep their document (a bad sidecar): not a lost document.
KEPT_DOCUMENT_REASONS = ("sidecar",)
FAILURE_COLUMNS = ["schema_context", "column", "check", "failure_case", "index"]


@dataclass(frozen=True)
class AuditLimits:
    min_rows: dict[str, int] = field(default_factory=lambda: _defaults(DEFAULT_MIN_ROWS, 0))
    max_shrink: dict[str, float] = field(default_factory=lambda: _defaults(DEFAULT_MAX_SHRINK, 1.0))
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE

    @classmethod
    def parse(cls, min_rows: str | None = None, max_shrink: str | None = None,
              max_rejected_share: str | None = None) -> "AuditLimits":
        """Limits from the settings' text form.

        `min_rows`: `table=N` pairs, comma-separated, overriding the defaults
        (`GUARANTEES_MIN_ROWS="commitments=10,people=0"`).
        `max_shrink`: an optional share for every table followed by `table=share` pairs
        (`GUARANTEES_MAX_SHRINK="0.2,countries=0"`); a share is a fraction of the previous rows, 0 to 1.
        `max_rejected_share`: the highest share of seed files that may be rejected, 0 to 1
        (`GUARANTEES_MAX_REJECTED_SHARE="0.1"`).
        Raises ValueError naming the setting and the bad entry.
        """
        mins = _defaults(DEFAULT_MIN_ROWS, 0)
        for table, value in _pairs(min_rows, "GUARANTEES_MIN_ROWS", allow_default=False):
            mins[table] = _number(value, int, "GUARANTEES_MIN_ROWS", table, lo=0)
        shrink = _defaults(DEFAULT_MAX_SHRINK, 1.0)
        for table, value in _pairs(max_shrink, "GUARANTEES_MAX_SHRINK", allow_default=True):
            share = _number(value, float, "GUARANTEES_MAX_SHRINK", table or "every table", lo=0, hi=1)
            if table is None:
                shrink.update({t: share for t in TABLES if t not in OPTIONAL_TABLES})
            else:
                shrink[table] = share
        rejected = DEFAULT_MAX_REJECTED_SHARE
        if max_rejected_share not in (None, ""):
            rejected = _number(max_rejected_share.strip(), float, "GUARANTEES_MAX_REJECTED_SHARE", "share", lo=0, hi=1)
        return cls(mins, shrink, rejected)


def _defaults(value, optional_value) -> dict:
    return {t: (optional_value if t in OPTIONAL_TABLES else value) for t in TABLES}


def _pairs(text: str | None, setting: str, *, allow_default: bool):
    for position, item in enumerate(p.strip() for p in (text or "").split(",")):
        if not item:
            continue
        if "=" not in item:
            if allow_default and position == 0:
                yield None, item
                continue
            raise ValueError(f"{setting}: {item!r} is not table=value")
        table, _, value = (s.strip() for s in item.partition("="))
        if table not in TABLES:
            raise ValueError(f"{setting}: unknown table {table!r} (tables: {', '.join(TABLES)})")
        yield table, value


def _number(value: str, kind, setting: str, what: str, lo=None, hi=None):
    try:
        number = kind(value)
    except ValueError:
        raise ValueError(f"{setting}: {what}={value!r} is not a {'whole ' if kind is int else ''}number") from None
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise ValueError(f"{setting}: {what}={value} is outside {lo}..{hi if hi is not None else ''}")
    return number


def rejected_files(rejected: pd.DataFrame) -> int:
    """Seed files that did not become documents (rows of rejected_documents but kept-document ones)."""
    return int((~rejected["reason"].isin(KEPT_DOCUMENT_REASONS)).sum())


def dataset_failures(rows: dict[str, int], previous: dict | None, limits: AuditLimits,
                     schema_version: str, shape: dict, n_rejected_files: int = 0) -> list[ValidationReport]:
    """Row-count floors, shrink against the previous release, the share of rejected seed files
    (`n_rejected_files` against `rows["documents"]`), and the schema-version rule."""
    reports = []
    candidates = rows.get("documents", 0) + n_rejected_files
    if candidates and n_rejected_files / candidates > limits.max_rejected_share:
        reports.append(_report("rejected_documents", [(
            "reason", f"at most {limits.max_rejected_share:.0%} of the seed files rejected",
            f"{n_rejected_files} of {candidates} seed files rejected ({n_rejected_files / candidates:.0%}); "
            f"see the run log or rejected_documents for each file and reason")]))
    previous_rows = {n: i["rows"] for n, i in (previous or {}).get("tables", {}).items()}
    for table, n in rows.items():
        cases = []
        floor = limits.min_rows.get(table, DEFAULT_MIN_ROWS)
        if n < floor:
            cases.append(("rows", f"rows >= {floor}", f"{n} rows"))
        before = previous_rows.get(table)
        share = limits.max_shrink.get(table, DEFAULT_MAX_SHRINK)
        if before and n < before and (before - n) / before > share:
            cases.append(("rows", f"lose at most {share:.0%} of the previous release's rows",
                          f"{before} -> {n} rows (-{(before - n) / before:.0%}) since {previous['release_id']}"))
        if cases:
            reports.append(_report(table, cases))
    if previous and previous.get("schema") and previous.get("schema_version"):
        problems = bump_problems(previous["schema_version"], previous["schema"], schema_version, shape)
        if problems:
            reports.append(_report("<schema>", [("schema_version", "schema version follows semver", p)
                                                for p in problems]))
    return reports


def _report(table: str, cases: list[tuple[str, str, str]]) -> ValidationReport:
    frame = pd.DataFrame([{"schema_context": "Dataset", "column": c, "check": k, "failure_case": v, "index": None}
                          for c, k, v in cases], columns=FAILURE_COLUMNS)
    return ValidationReport(table, frame)


def write_report(path: Path, *, release_id: str, cause: str, stages: dict[str, list[ValidationReport]]) -> Path:
    """A JSON file listing every failure of a refused release, stage by stage."""
    failures = []
    for stage, reports in stages.items():
        for report in reports:
            for case in report.failure_cases.to_dict("records"):
                failures.append({"stage": stage, "table": report.table,
                                 **{k: (None if pd.isna(v) else str(v)) for k, v in case.items()}})
    payload = {"release_id": release_id, "published": False, "cause": cause, "n_failures": len(failures),
               "failures": failures}
    fsio.makedirs(path.parent)
    fsio.write_atomic(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path
