"""Asset checks that gate publishing: every one is blocking, so a failure stops the release.

Each published table is checked against its pandera schema and for at least one row (unless
`quality.MAY_BE_EMPTY` says why it may be empty). Three rules span tables: every country mention
names a country of the `countries` table, every commitment carries its evidence sentence, and
unresolved country-like names stay below a share of all country references. A failed check shows
the offending rows as a table in the UI.

The checks run inside the step that produces the tables (`check_specs` on the asset), not as
separate steps: the frames are in memory there and already validated once, whereas a separate
check step would load every table back from Parquet and validate it again, work that grows with the
corpus, plus a dozen more events per run in the instance's SQLite storage. This module defines the
specs and turns frames and validation reports into results; the assets yield them.
"""
from __future__ import annotations

from typing import Generator, Iterator

import dagster as dg
import pandas as pd
import pyarrow as pa

from pipelines.assets._metadata import markdown_table, table_metadata
from pipelines.lib import quality, tables, verdicts
from pipelines.lib.fingerprint import validator_version
from pipelines.lib.tables import ValidationReport

SHOWN_FAILURES = 50


def _spec(table: str, name: str, description: str, deps: tuple[str, ...] = ()) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name, asset=table, description=description, blocking=True,
                             additional_deps=list(deps))


def table_specs(table: str) -> list[dg.AssetCheckSpec]:
    specs = [_spec(table, f"{table}_matches_schema",
                   f"{table} passes its pandera model (types, keys, value rules).")]
    if table in quality.MAY_BE_EMPTY:
        return specs
    return specs + [_spec(table, f"{table}_has_rows", f"{table} has at least one row.")]


CROSS_TABLE_SPECS = [
    _spec("country_mentions", "country_mentions_name_known_countries",
          "Every country mention's iso2 is a code of the published countries table.", deps=("countries",)),
    _spec("commitments", "commitments_have_evidence",
          "Every commitment has non-blank evidence equal to the text of the sentence it cites.",
          deps=("sentences",)),
    _spec("unresolved_names", "unresolved_names_below_threshold",
          "Unresolved country-like names are at most a configured share (GUARANTEES_MAX_UNRESOLVED_SHARE, "
          f"default {quality.DEFAULT_MAX_UNRESOLVED_SHARE:.0%}) of all country references (resolved + unresolved).",
          deps=("country_mentions",)),
]


def _failures(cases: pd.DataFrame, what: str) -> dict:
    return {"n_failures": len(cases), "what": what,
            "failure_cases": dg.MetadataValue.md(markdown_table(cases.head(SHOWN_FAILURES)))}


def table_results(table: str, frame: pd.DataFrame | pa.Table, report: ValidationReport
                  ) -> Iterator[dg.AssetCheckResult]:
    """Results of `table_specs(table)` for a frame and its validation report."""
    yield dg.AssetCheckResult(asset_key=table, check_name=f"{table}_matches_schema", passed=report.ok,
                              metadata={"rows": len(frame), **_failures(report.failure_cases, report.summary())})
    if table not in quality.MAY_BE_EMPTY:
        yield dg.AssetCheckResult(asset_key=table, check_name=f"{table}_has_rows", passed=len(frame) > 0,
                                  metadata={"rows": len(frame)})


def checked_table(table: str, frame: pd.DataFrame | pa.Table, output_name: str | None = None,
                  extra_metadata: dict | None = None, unverified: pd.DataFrame | None = None,
                  content_hash: str | None = None, links: str | None = None
                  ) -> Generator[dg.Output | dg.AssetCheckResult, None,
                                 tuple[pd.DataFrame | pa.Table, ValidationReport]]:
    """Validate a table once; yield its output (only when valid: an invalid table is never stored)
    and its check results; return the validated frame and the report, for the caller to fail on.
    With `unverified`, only those of the frame's rows are new to the models (`tables.validate_part`),
    and the frame may be an Arrow table, stored as it is (`resources.FrameIOManager`);
    `content_hash`, known without hashing the rows, and `links`, the token of the links the caller
    checked (`verdicts.links_token`), travel to the stored table's verdict."""
    if unverified is None:
        frame, report = tables.validate(table, frame)
    else:
        frame, report = tables.validate_part(table, frame, unverified)
    if report.ok:
        passed = {verdicts.METADATA_KEY: validator_version()}  # stored as a verdict beside the frame
        if content_hash is not None:
            passed[verdicts.CONTENT_HASH_KEY] = content_hash
        if links is not None:
            passed[verdicts.LINKS_KEY] = links
        yield dg.Output(frame, output_name or table,
                        metadata={**table_metadata(table, frame), **passed, **(extra_metadata or {})})
    yield from table_results(table, frame, report)
    return frame, report


# The extracted tables and columns `cross_table_results` reads (the checks and the failing rows
# they show): the caller keeps only these, from tables it stores and drops one at a time.
CROSS_CHECKED_COLUMNS = {
    "sentences": ["doc_id", "sentence_no", "text"],
    "country_mentions": ["doc_id", "sentence_no", "char_start", "surface", "iso2"],
    "commitments": ["doc_id", "country_iso2", "status", "sentence_no", "evidence"],
    "unresolved_names": ["doc_id", "surface", "n_mentions", "reason", "best_candidate"],
}


def cross_table_results(frames: dict[str, pd.DataFrame], countries: pd.DataFrame,
                        max_unresolved_share: float) -> Iterator[dg.AssetCheckResult]:
    """Results of `CROSS_TABLE_SPECS` for the extracted tables."""
    unknown = quality.unknown_countries(frames["country_mentions"], countries)
    yield dg.AssetCheckResult(asset_key="country_mentions", check_name="country_mentions_name_known_countries",
                              passed=unknown.empty, metadata=_failures(unknown, "mentions of unknown codes"))
    missing = quality.commitments_without_evidence(frames["commitments"], frames["sentences"])
    yield dg.AssetCheckResult(asset_key="commitments", check_name="commitments_have_evidence",
                              passed=missing.empty, metadata=_failures(missing, "commitments without evidence"))
    unresolved = frames["unresolved_names"]
    share = quality.unresolved_share(unresolved, frames["country_mentions"], max_unresolved_share)
    worst = unresolved.head(0) if share.ok else quality.worst_unresolved(unresolved, SHOWN_FAILURES)
    yield dg.AssetCheckResult(
        asset_key="unresolved_names", check_name="unresolved_names_below_threshold", passed=share.ok,
        metadata={"share": round(share.share, 6), "threshold": share.threshold, "unresolved": share.unresolved,
                  "resolved": share.resolved, **_failures(worst, "most frequent unresolved names")})
