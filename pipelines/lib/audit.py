"""Checks across tables, which a per-table schema cannot express.

Each check returns failure rows in the same shape as pandera's `failure_cases`
(schema_context, column, check, failure_case, index) so that one report lists everything.
"""
from __future__ import annotations

import pandas as pd

from pipelines.lib.tables import ValidationReport, values

SPAN_TABLES = ("sentences", "country_mentions", "date_mentions")
DOC_TABLES = ("sentences", "country_mentions", "date_mentions", "people", "commitments", "unresolved_names")


def audit(frames: dict[str, pd.DataFrame]) -> list[ValidationReport]:
    """Foreign keys, offsets inside the text, evidence equal to its sentence."""
    reports = []
    docs = frames["documents"]
    known_docs = set(values(docs["doc_id"]))
    n_chars = dict(zip(values(docs["doc_id"]), values(docs["n_chars"])))
    for table in DOC_TABLES:
        frame = frames[table]
        bad = frame[~frame["doc_id"].isin(known_docs)]
        reports.append(_report(table, bad, "doc_id", "doc_id in documents", bad["doc_id"]))
    for table in SPAN_TABLES:
        frame = frames[table]
        limit = frame["doc_id"].map(n_chars)
        bad = frame[frame["char_end"] > limit]
        reports.append(_report(table, bad, "char_end", "char_end <= documents.n_chars", bad["char_end"]))
    texts = dict(zip(values(docs["doc_id"]), values(docs["text"])))
    reports.append(_text_matches(frames, texts, "country_mentions", "surface"))
    reports.append(_text_matches(frames, texts, "date_mentions", "surface"))
    reports.append(_evidence_is_sentence(frames))
    known_codes = set(values(frames["countries"]["iso2"]))
    mentions = frames["country_mentions"]
    bad = mentions[~mentions["iso2"].isin(known_codes)]
    reports.append(_report("country_mentions", bad, "iso2", "iso2 in countries", bad["iso2"]))
    return [r for r in reports if not r.ok]


def _text_matches(frames, texts: dict[str, str], table: str, column: str) -> ValidationReport:
    """A span's text must be exactly documents.text[char_start:char_end] (`texts`: doc_id -> text)."""
    frame = frames[table]
    if frame.empty:
        return _report(table, frame, column, "", frame[column])
    actual = [texts.get(d, "")[a:b] for d, a, b in zip(values(frame["doc_id"]), values(frame["char_start"]),
                                                       values(frame["char_end"]))]
    bad = frame[[x != y for x, y in zip(actual, values(frame[column]))]]
    return _report(table, bad, column, f"{column} == documents.text[char_start:char_end]", bad[column])


def _evidence_is_sentence(frames) -> ValidationReport:
    commitments, sentences = frames["commitments"], frames["sentences"]
    text_of = dict(zip(zip(values(sentences["doc_id"]), values(sentences["sentence_no"])), values(sentences["text"])))
    keys = list(zip(values(commitments["doc_id"]), values(commitments["sentence_no"])))
    bad = commitments[[text_of.get(k) != e for k, e in zip(keys, values(commitments["evidence"]))]]
    return _report("commitments", bad, "evidence", "evidence == sentences.text of sentence_no", bad["evidence"])


def _report(table: str, bad: pd.DataFrame, column: str, check: str, values: pd.Series) -> ValidationReport:
    cases = pd.DataFrame({"schema_context": "Audit", "column": column, "check": check,
                          "failure_case": values.astype(str).to_numpy(), "index": bad.index.astype(str)})
    return ValidationReport(table, cases)
