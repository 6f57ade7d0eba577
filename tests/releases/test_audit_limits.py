"""Audit limits: defaults, the settings' text form, and clear errors for bad settings."""
from __future__ import annotations

import pytest

from pipelines.lib.release_audit import OPTIONAL_TABLES, AuditLimits, dataset_failures
from pipelines.lib.schema_version import current_shape
from pipelines.resources import GuaranteesSettings
from schemas import TABLES

ROWS = {t: 10 for t in TABLES}


def previous(rows, schema_version="1.0.0"):
    return {"release_id": "20240101T000000Z-aaaaaa", "schema_version": schema_version, "schema": current_shape(),
            "tables": {t: {"rows": n} for t, n in rows.items()}}


def failures(rows, prev=None, limits=None, version="1.0.0"):
    reports = dataset_failures(rows, prev, limits or AuditLimits(), version, current_shape())
    return {(r.table, case["check"]) for r in reports for case in r.failure_cases.to_dict("records")}


def test_defaults_allow_empty_optional_tables_only():
    limits = AuditLimits()
    assert all(limits.min_rows[t] == (0 if t in OPTIONAL_TABLES else 1) for t in TABLES)
    assert failures(ROWS | {t: 0 for t in OPTIONAL_TABLES}) == set()
    assert failures(ROWS | {"commitments": 0}) == {("commitments", "rows >= 1")}


def test_shrinking_more_than_the_allowed_share_fails():
    prev = previous(ROWS | {"commitments": 100, "rejected_documents": 50})
    assert failures(ROWS | {"commitments": 50}, prev) == set()  # exactly 50 %: allowed
    assert failures(ROWS | {"commitments": 49}, prev) == {
        ("commitments", "lose at most 50% of the previous release's rows")}
    assert failures(ROWS | {"commitments": 100, "rejected_documents": 0}, prev) == set()  # a cleaner corpus
    assert failures(ROWS | {"commitments": 99}, prev, AuditLimits.parse(max_shrink="0")) == {
        ("commitments", "lose at most 0% of the previous release's rows")}
    assert failures(ROWS | {"commitments": 99}, prev, AuditLimits.parse(max_shrink="commitments=0")) != set()


def test_a_schema_change_without_its_bump_fails_against_the_previous_release():
    prev = previous(ROWS)
    del prev["schema"]["commitments"]["columns"]["trigger"]  # the previous release lacked a column: minor
    assert failures(ROWS, prev, version="1.0.0") == {("<schema>", "schema version follows semver")}
    assert failures(ROWS, prev, version="1.1.0") == set()
    assert failures(ROWS, previous(ROWS, "2.0.0"), version="1.0.0") == {("<schema>", "schema version follows semver")}


def test_settings_text_form():
    limits = AuditLimits.parse(min_rows="commitments=10, people=0", max_shrink="0.2,countries=0")
    assert limits.min_rows["commitments"] == 10 and limits.min_rows["people"] == 0
    assert limits.min_rows["documents"] == 1 and limits.min_rows["rejected_documents"] == 0
    assert limits.max_shrink["documents"] == 0.2 and limits.max_shrink["countries"] == 0
    assert limits.max_shrink["rejected_documents"] == 1.0


@pytest.mark.parametrize("min_rows, max_shrink, message", [
    ("commitment=3", None, "GUARANTEES_MIN_ROWS: unknown table 'commitment'"),
    ("commitments", None, "GUARANTEES_MIN_ROWS: 'commitments' is not table=value"),
    ("commitments=many", None, "GUARANTEES_MIN_ROWS: commitments='many' is not a whole number"),
    ("commitments=-1", None, "GUARANTEES_MIN_ROWS: commitments=-1 is outside"),
    (None, "1.5", "GUARANTEES_MAX_SHRINK: every table=1.5 is outside 0..1"),
    (None, "people=0.1,0.5", "GUARANTEES_MAX_SHRINK: '0.5' is not table=value"),
])
def test_bad_settings_name_the_setting_and_the_entry(min_rows, max_shrink, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        AuditLimits.parse(min_rows, max_shrink)


def test_the_resource_reads_the_environment_when_unset(monkeypatch):
    monkeypatch.setenv("GUARANTEES_MIN_ROWS", "people=7")
    monkeypatch.setenv("GUARANTEES_MAX_SHRINK", "0.1")
    limits = GuaranteesSettings().audit_limits
    assert limits.min_rows["people"] == 7 and limits.max_shrink["documents"] == 0.1
    assert GuaranteesSettings(min_rows="people=2").audit_limits.min_rows["people"] == 2
