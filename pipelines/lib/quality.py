"""Data-quality rules that gate publishing, as pure functions returning the offending rows.

The asset checks in `pipelines/checks.py` run these on the stored tables and show the returned rows
in the Dagster UI, so a failed check says which rows failed and why, not only that it failed.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines.lib.tables import values

# Tables that may legitimately have no rows, and why; every other table must have at least one.
MAY_BE_EMPTY = {
    "rejected_documents": "a seeds folder in which every file is readable rejects nothing",
    "unresolved_names": "a corpus in which every country-like name resolves has none",
}
DEFAULT_MAX_UNRESOLVED_SHARE = 0.05


def unknown_countries(mentions: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Mentions whose iso2 is not a code of the countries table."""
    bad = mentions[~mentions["iso2"].isin(set(values(countries["iso2"])))]
    return bad[["doc_id", "sentence_no", "char_start", "surface", "iso2"]].reset_index(drop=True)


def commitments_without_evidence(commitments: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Commitments whose evidence is blank, or is not the text of the sentence they cite."""
    text_of = dict(zip(zip(values(sentences["doc_id"]), values(sentences["sentence_no"])), values(sentences["text"])))
    problems = []
    for doc_id, sentence_no, evidence in zip(values(commitments["doc_id"]), values(commitments["sentence_no"]),
                                             values(commitments["evidence"])):
        evidence = evidence if isinstance(evidence, str) else ""
        cited = text_of.get((doc_id, sentence_no))
        if not evidence.strip():
            problems.append("no evidence")
        elif cited is None:
            problems.append(f"sentence {sentence_no} does not exist")
        elif cited != evidence:
            problems.append(f"evidence differs from sentence {sentence_no}")
        else:
            problems.append(None)
    out = commitments.assign(problem=problems)
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
