"""Two releases built by the whole pipeline, for the report and the SQL examples.

The first release is the project's seed document alone; the second adds the six dev documents of
the evaluation corpus (realistic news with gold annotations), one document naming a country that
does not exist, and an empty file, so that the second release has a previous release to compare
with, unresolved names and a rejected document. Built once per session (two runs, ~40 s).
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SEEDS, SHARED
from tests.dagster.test_pipeline import latest, run

# ../shared/eval/docs/dev beside the clone (as in CI); GUARANTEES_EVAL_DOCS points elsewhere (a worktree).
DEV_DOCS = Path(os.environ.get("GUARANTEES_EVAL_DOCS") or SHARED / "eval" / "docs") / "dev"
ELBONIA = ("Elbonia envoys meet Kyiv officials\n"
           "Officials from the Republic of Elbonia met envoys from Germnay in Kyiv on Monday.\n")


@dataclass(frozen=True)
class Releases:
    previous: Path
    current: Path


@pytest.fixture(scope="session")
def releases(tmp_path_factory) -> Releases:
    if not sorted(DEV_DOCS.glob("*.txt")):
        pytest.skip(f"{DEV_DOCS} is not available")
    base = tmp_path_factory.mktemp("report_releases")
    seeds, outputs = base / "seeds", base / "outputs"
    shutil.copytree(SEEDS, seeds)
    outputs.mkdir()
    assert run(seeds, outputs).success
    previous = latest(outputs)
    for doc in sorted(DEV_DOCS.glob("*.txt")):
        (seeds / doc.name).write_bytes(doc.read_bytes())
    (seeds / "elbonia.txt").write_text(ELBONIA, encoding="utf-8")
    (seeds / "elbonia.txt.meta.json").write_text('{"published": "2024-05-07"}', encoding="utf-8")
    (seeds / "empty.txt").write_text("", encoding="utf-8")
    assert run(seeds, outputs).success
    current = latest(outputs)
    assert current != previous
    return Releases(previous, current)


@pytest.fixture(scope="session")
def current(releases) -> Path:
    return releases.current


def query(release: Path, sql: str) -> list[dict]:
    """Rows of a query against a release's guarantees.duckdb, as dicts."""
    con = duckdb.connect(str(release / "guarantees.duckdb"), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="session")
def db():
    """`db(release, sql)`: a query's rows as dicts."""
    return query
