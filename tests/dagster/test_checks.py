"""Blocking asset checks: which exist, what a failure shows, and that a failure publishes nothing."""
import pandas as pd

from pipelines.checks import table_results
from pipelines.lib import tables
from pipelines.definitions import defs
from pipelines.lib import quality
from schemas import TABLES
from tests.dagster.test_pipeline import run

WESTEROS = ("Kyiv talks\n\nThe Kingdom of Westeros and the Republic of Atlantis signed a security agreement "
            "with Ukraine on 12 January 2024, Poland said.\n")


def check_specs() -> dict[str, object]:
    graph = defs.resolve_asset_graph()
    return {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}


def test_every_published_table_is_checked_and_every_check_blocks_publishing():
    specs = check_specs()
    for table in TABLES:
        assert specs[f"{table}_matches_schema"].asset_key.path == [table]
        assert (f"{table}_has_rows" in specs) is (table not in quality.MAY_BE_EMPTY)
    assert {"country_mentions_name_known_countries", "commitments_have_evidence",
            "unresolved_names_below_threshold"} <= set(specs)
    assert all(spec.blocking for spec in specs.values())


def test_a_schema_failure_lists_the_failing_rows():
    bad = pd.DataFrame({"doc_id": ["0123456789abcdef"], "country_iso2": ["PL"], "status": ["rumoured"],
                        "date_start": [None], "date_end": [None], "date_precision": [None], "evidence": ["x"],
                        "sentence_no": [1], "trigger": ["signed"]})
    schema, rows = table_results("commitments", bad, tables.validate("commitments", bad)[1])
    assert not schema.passed and rows.passed
    assert "rumoured" in schema.metadata["failure_cases"].value
    empty = bad.head(0)
    assert [r.passed for r in table_results("commitments", empty, tables.validate("commitments", empty)[1])] == \
        [True, False]


def test_too_many_unresolved_names_stop_the_release_and_show_them(seeds_dir, outputs_dir, monkeypatch):
    (seeds_dir / "westeros.txt").write_text(WESTEROS, encoding="utf-8")  # 2 unresolved names among 53
    monkeypatch.setenv("GUARANTEES_MAX_UNRESOLVED_SHARE", "0.02")
    result = run(seeds_dir, outputs_dir)
    assert not result.success
    (evaluation,) = [e for e in result.get_asset_check_evaluations()
                     if e.check_name == "unresolved_names_below_threshold"]
    assert not evaluation.passed
    assert "Kingdom of Westeros" in evaluation.metadata["failure_cases"].value
    assert not (outputs_dir / "releases" / "latest.json").exists()
    assert "release" not in {e.step_key for e in result.all_events if e.is_step_start}

    monkeypatch.setenv("GUARANTEES_MAX_UNRESOLVED_SHARE", "0.05")
    assert run(seeds_dir, outputs_dir).success
    assert (outputs_dir / "releases" / "latest.json").exists()
