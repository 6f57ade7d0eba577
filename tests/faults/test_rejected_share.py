"""The release gate on the share of rejected seed files, and its setting."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines.lib.release_audit import AuditLimits, dataset_failures, rejected_files
from pipelines.lib.schema_version import current_shape
from pipelines.resources import GuaranteesSettings
from schemas import SCHEMA_VERSION, TABLES

ROWS = {t: 10 for t in TABLES}


def share_failures(documents: int, rejected: int, limits: AuditLimits = AuditLimits()) -> list[str]:
    reports = dataset_failures(ROWS | {"documents": documents}, None, limits, SCHEMA_VERSION, current_shape(), rejected)
    return [case for r in reports if r.table == "rejected_documents" for case in r.failure_cases["failure_case"]]


def test_the_default_allows_half_of_the_files_and_not_more():
    assert share_failures(documents=5, rejected=5) == []
    assert share_failures(documents=4, rejected=5) == [
        "5 of 9 seed files rejected (56%); see the run log or rejected_documents for each file and reason"]
    assert share_failures(documents=0, rejected=0) == []  # an empty folder is the documents floor's business


def test_the_share_is_a_setting(monkeypatch):
    assert share_failures(documents=9, rejected=2, limits=AuditLimits.parse(max_rejected_share="0.1")) != []
    monkeypatch.setenv("GUARANTEES_MAX_REJECTED_SHARE", "0.1")
    assert GuaranteesSettings().audit_limits.max_rejected_share == 0.1
    assert GuaranteesSettings(max_rejected_share=0.3).audit_limits.max_rejected_share == 0.3
    monkeypatch.setenv("GUARANTEES_MAX_REJECTED_SHARE", "lots")
    with pytest.raises(ValueError, match="GUARANTEES_MAX_REJECTED_SHARE: share='lots' is not a number"):
        GuaranteesSettings().audit_limits
    with pytest.raises(ValueError, match="outside 0..1"):
        AuditLimits.parse(max_rejected_share="1.5")


def test_a_rejected_sidecar_keeps_its_document_and_does_not_count():
    frame = pd.DataFrame({"reason": ["sidecar", "sidecar", "binary", "duplicate"]})
    assert rejected_files(frame) == 2

