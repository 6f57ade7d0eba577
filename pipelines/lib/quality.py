"""Data-quality rules that gate publishing, as pure functions returning the offending rows.

The asset checks in `pipelines/checks.py` run these on the stored tables and show the returned rows
in the Dagster UI, so a failed check says which rows failed and why, not only that it failed.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines.lib import frame_sql as sql
from pipelines.lib.tables import values

# Tables that may legitimately have no rows, and why; every other table must have at least one.
MAY_BE_EMPTY = {
    "rejected_documents": "a seeds folder in which every file is readable rejects nothing",
    "unresolved_names": "a corpus in which every country-like name resolves has none",
}
DEFAULT_MAX_UNRESOLVED_SHARE = 0.05


def unknown_countries(mentions: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Mentions whose iso2 is not a code of the countries table."""
    with sql.frames_in_duckdb({"mentions": mentions, "countries": countries},
                              {"mentions": ["iso2"], "countries": ["iso2"]}) as con:
        bad = sql.failing_rows(con, sql.missing_key("mentions", "iso2", "countries"))
    return mentions.iloc[bad][["doc_id", "sentence_no", "char_start", "surface", "iso2"]].reset_index(drop=True)


def commitments_without_evidence(commitments: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Commitments whose evidence is blank, or is not the text of the sentence they cite."""
    with sql.frames_in_duckdb({"commitments": commitments, "sentences": sentences}, sql.EVIDENCE_COLUMNS) as con:
        mismatched = sql.evidence_mismatches(con)
    problems = pd.Series(None, index=range(len(commitments)), dtype=object)
    rows, cited = mismatched[sql.ROW].to_numpy(), mismatched["cited"].to_numpy(dtype=bool)
    numbers = commitments["sentence_no"].to_numpy()[rows]
    problems.iloc[rows] = [
        f"evidence differs from sentence {n}" if c else f"sentence {n} does not exist" for n, c in zip(numbers, cited)]
    blank = [not (e if isinstance(e, str) else "").strip() for e in values(commitments["evidence"])]
    problems[blank] = "no evidence"
    out = commitments.assign(problem=problems.to_numpy())
    out = out[out["problem"].notna()]
    return out[["doc_id", "country_iso2", "status", "sentence_no", "evidence", "problem"]].reset_index(drop=True)


@dataclass(frozen=True)
class UnresolvedShare:
    unresolved: int  # occurrences of country-like names that did not resolve
    resolved: int  # country mentions
    threshold: float

    @property
    def share(self) -> float:
        total = self.unresolved + self.resolved
        return self.unresolved / total if total else 0.0

    @property
    def ok(self) -> bool:
        return self.share <= self.threshold


def unresolved_share(unresolved: pd.DataFrame, mentions: pd.DataFrame, threshold: float) -> UnresolvedShare:
    """Unresolved occurrences as a share of every country-like occurrence: a share, not a count, so
    the rule means the same for ten documents and for a hundred thousand."""
    return UnresolvedShare(int(unresolved["n_mentions"].sum()), len(mentions), threshold)


def worst_unresolved(unresolved: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The unresolved names that weigh most on the share, for review."""
    columns = ["surface", "n_mentions", "reason", "best_candidate", "doc_id"]
    return (unresolved.sort_values(["n_mentions", "surface", "doc_id"], ascending=[False, True, True], kind="mergesort")
            [columns].head(limit).reset_index(drop=True))
