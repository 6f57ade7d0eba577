"""Schema versioning: a change to the published tables needs the right semver bump."""
from __future__ import annotations

import copy

import pytest

from pipelines.lib.schema_version import (bump_problems, classify, current_shape, history_problems, read_snapshots,
                                          write_snapshot)
from schemas import SCHEMA_VERSION


def test_the_models_match_the_committed_snapshot_of_their_schema_version():
    """Fails when a model changed without a bump (and a new snapshot): the message says what to do."""
    assert history_problems(read_snapshots(), SCHEMA_VERSION, current_shape()) == []


def changed(edit):
    shape = copy.deepcopy(current_shape())
    edit(shape)
    return shape


REMOVE = lambda s: s["commitments"]["columns"].pop("trigger")  # noqa: E731
RENAME = lambda s: s["commitments"]["columns"].__setitem__("verb", s["commitments"]["columns"].pop("trigger"))  # noqa: E731
RETYPE = lambda s: s["documents"]["columns"]["n_chars"].__setitem__("type", "int32")  # noqa: E731
NULLABLE = lambda s: s["commitments"]["columns"]["evidence"].__setitem__("nullable", True)  # noqa: E731
NEW_KEY = lambda s: s["people"].__setitem__("primary_key", ["doc_id"])  # noqa: E731
DROP_TABLE = lambda s: s.pop("unresolved_names")  # noqa: E731
ADD_COLUMN = lambda s: s["commitments"]["columns"].__setitem__("note", {"type": "string", "nullable": True})  # noqa: E731
ADD_TABLE = lambda s: s.__setitem__("treaties", {"primary_key": ["id"], "columns": {}})  # noqa: E731


@pytest.mark.parametrize("edit", [REMOVE, RENAME, RETYPE, NULLABLE, NEW_KEY, DROP_TABLE])
def test_breaking_changes_need_a_major_bump(edit):
    old, new = current_shape(), changed(edit)
    assert classify(old, new)[0][0] == "major"
    assert bump_problems("1.0.0", old, "1.0.0", new)
    assert bump_problems("1.0.0", old, "1.1.0", new)
    assert bump_problems("1.0.0", old, "1.0.1", new)
    assert bump_problems("1.0.0", old, "2.0.0", new) == []


@pytest.mark.parametrize("edit", [ADD_COLUMN, ADD_TABLE])
def test_additions_need_at_least_a_minor_bump(edit):
    old, new = current_shape(), changed(edit)
    assert bump_problems("1.0.0", old, "1.0.0", new) and bump_problems("1.0.0", old, "1.0.1", new)
    assert bump_problems("1.0.0", old, "1.1.0", new) == [] and bump_problems("1.0.0", old, "2.0.0", new) == []


def test_no_shape_change_needs_no_bump_and_a_version_never_goes_back():
    shape = current_shape()
    assert bump_problems("1.0.0", shape, "1.0.0", shape) == []
    assert bump_problems("1.2.0", shape, "1.1.0", shape) == ["schema version 1.1.0 is older than 1.2.0"]


def test_a_model_change_without_a_new_snapshot_is_reported_with_the_fix():
    problems = history_problems({"1.0.0": current_shape()}, "1.0.0", changed(REMOVE))
    assert len(problems) == 1 and "commitments.trigger removed or renamed" in problems[0]
    assert "python -m pipelines.lib.schema_version --write" in problems[0]
    # Bumped to a minor version for a removal: still wrong, and the snapshot is missing.
    problems = history_problems({"1.0.0": current_shape()}, "1.1.0", changed(REMOVE))
    assert any("needs a major bump" in p for p in problems)


def test_write_refuses_to_rewrite_a_recorded_version(tmp_path, monkeypatch):
    path = tmp_path / "snapshot.json"
    assert write_snapshot(path) == [] and read_snapshots(path) == {SCHEMA_VERSION: current_shape()}
    monkeypatch.setattr("pipelines.lib.schema_version.current_shape", lambda: changed(REMOVE))
    assert "already recorded" in write_snapshot(path)[0]
    assert "trigger" in read_snapshots(path)[SCHEMA_VERSION]["commitments"]["columns"]  # left as it was
