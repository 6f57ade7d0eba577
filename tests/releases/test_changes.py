"""changes.json and CHANGELOG.md against the previous release."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest

from pipelines.lib.changes import Side, compute_changes, status_line
from pipelines.lib.release import publish
from pipelines.lib.release_audit import AuditLimits
from pipelines.lib.release_build import build_candidate
from schemas import TABLES
from tests.releases.conftest import read_frames

NOW = dt.datetime(2024, 7, 10, 12, 0, tzinfo=dt.timezone.utc)


def release(frames, outputs, hours=0):
    candidate = build_candidate(frames, outputs, limits=AuditLimits(), now=NOW + dt.timedelta(hours=hours),
                                code_version="test")
    return publish(candidate.staged, outputs)


def edited(frames):
    """Poland signs (negotiating -> signed, 2024-07-08); the UK's signing moves a day; Italy's talks vanish."""
    commitments = frames["commitments"].copy()
    pl = (commitments["country_iso2"] == "PL") & (commitments["status"] == "negotiating")
    commitments.loc[pl, ["status", "date_start", "date_precision"]] = ["signed", dt.date(2024, 7, 8), "day"]
    gb = (commitments["country_iso2"] == "GB") & (commitments["status"] == "signed")
    commitments.loc[gb, "date_start"] = dt.date(2024, 1, 11)
    it = (commitments["country_iso2"] == "IT") & (commitments["status"] == "negotiating")
    return dict(frames, commitments=commitments[~it].reset_index(drop=True))


def keys(path, table):
    from pipelines.lib.tables import primary_key

    rows = pq.read_table(path / f"{table}.parquet", columns=primary_key(table)).to_pylist()
    return {tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in r.values()) for r in rows}


@pytest.fixture(scope="module")
def two_releases(seed_release, tmp_path_factory):
    """The seed release, then the edited one, published in one outputs folder (read-only for tests)."""
    outputs = tmp_path_factory.mktemp("two_releases")
    first = release(read_frames(seed_release), outputs)
    second = release(edited(read_frames(seed_release)), outputs, hours=1)
    return first, second


def test_changes_list_rows_added_removed_and_changed_by_key(two_releases):
    first, second = two_releases
    changes = json.loads((second / "changes.json").read_text())
    assert changes["release_id"] == second.name and changes["previous_release_id"] == first.name
    doc = keys(first, "documents").pop()[0]
    c = changes["tables"]["commitments"]
    assert (c["rows_before"], c["rows_after"], c["added"], c["removed"], c["changed"]) == (38, 37, 1, 2, 1)
    assert c["added_keys"] == [[doc, "PL", "signed"]]
    assert c["removed_keys"] == [[doc, "IT", "negotiating"], [doc, "PL", "negotiating"]]
    assert c["changed_keys"] == [{"key": [doc, "GB", "signed"], "columns": ["date_start"]}]
    assert all(changes["tables"][t]["added"] == changes["tables"][t]["removed"] == changes["tables"][t]["changed"] == 0
               for t in TABLES if t != "commitments")


def test_previous_release_plus_changes_is_the_new_release(two_releases):
    first, second = two_releases
    changes = json.loads((second / "changes.json").read_text())
    for table in TABLES:
        c = changes["tables"][table]
        assert c["keys_complete"]
        before, after = keys(first, table), keys(second, table)
        replayed = (before - {tuple(k) for k in c["removed_keys"]}) | {tuple(k) for k in c["added_keys"]}
        assert replayed == after, table
        assert {tuple(k["key"]) for k in c["changed_keys"]} <= before & after


def test_changelog_names_each_changed_status_and_keeps_the_history(two_releases):
    first, second = two_releases
    changes = json.loads((second / "changes.json").read_text())
    lines = {c["text"] for c in changes["status_changes"]}
    assert lines == {"PL: negotiating -> signed, 2024-07-08", "GB: signed, 2024-01-12 -> 2024-01-11",
                     "IT: negotiating -> none"}
    log = (second / "CHANGELOG.md").read_text()
    assert "- PL: negotiating -> signed, 2024-07-08 (Poland)" in log
    assert log.index(f"## {second.name}") < log.index(f"## {first.name}")
    assert log.count("# Changelog") == 1
    assert "| commitments | 38 | 37 | 1 | 2 | 1 |" in log


def test_key_lists_are_capped_but_counts_stay_exact(two_releases):
    first, second = two_releases
    manifests = [json.loads((p / "manifest.json").read_text()) for p in (first, second)]
    changes = compute_changes(Side.of(first, manifests[0]), Side.of(second, manifests[1]), max_keys=1)
    c = changes["tables"]["commitments"]
    assert (c["added"], c["removed"], c["changed"]) == (1, 2, 1)
    assert len(c["removed_keys"]) == 1 and c["keys_complete"] is False


def test_a_first_release_counts_every_row_as_added(seed_release):
    manifest = json.loads((seed_release / "manifest.json").read_text())
    changes = json.loads((seed_release / "changes.json").read_text())
    assert changes["previous_release_id"] is None
    for table, info in manifest["tables"].items():
        assert changes["tables"][table]["added"] == info["rows"]
    assert "First release." in (seed_release / "CHANGELOG.md").read_text()


def test_status_line_wording():
    base = {"iso2": "PL", "date_before": None, "date_after": None}
    assert status_line(base | {"status_before": None, "status_after": "supporter"}) == "PL: none -> supporter"
    assert status_line(base | {"status_before": "signed", "status_after": "signed", "date_after": "2024-07-08"}) == \
        "PL: signed, undated -> 2024-07-08"


def test_skipping_tables_with_unchanged_hashes_gives_the_same_answer_as_scanning_them(two_releases):
    first, second = two_releases
    sides = [Side.of(p, json.loads((p / "manifest.json").read_text())) for p in (first, second)]
    assert sides[0].same_content(sides[1], "countries") and not sides[0].same_content(sides[1], "commitments")
    blind = [Side(s.release_id, s.schema_version, s.files) for s in sides]  # no hashes: every table scanned
    assert compute_changes(*sides) == compute_changes(*blind)
