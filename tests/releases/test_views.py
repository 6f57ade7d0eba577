"""The views in guarantees.duckdb answer the questions people ask."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.lib.views import COUNTRY_STATUS, TIMELINE, VIEWS

D = dt.date


@pytest.fixture
def db(seed_release):
    con = duckdb.connect(str(seed_release / "guarantees.duckdb"), read_only=True)
    yield con
    con.close()


def rows(con, sql, params=()):
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def test_country_status_has_one_row_per_party_with_its_current_status(db):
    status = {r["iso2"]: r for r in rows(db, "SELECT * FROM country_status")}
    parties = {r[0] for r in db.execute("SELECT DISTINCT country_iso2 FROM commitments").fetchall()}
    assert set(status) == parties and len(parties) > 20
    gb = status["GB"]
    assert (gb["name"], gb["status"], gb["date_start"]) == ("United Kingdom", "signed", D(2024, 1, 12))
    assert "signed a security agreement" in gb["evidence"]
    assert (gb["agreement_status"], gb["declaration_status"], gb["declaration_date"]) == \
        ("signed", "declaration_founder", D(2023, 7, 11))
    assert (status["PL"]["status"], status["PL"]["date_start"]) == ("negotiating", None)
    assert status["EU"]["name"] == "European Union"
    assert all(r["n_documents"] == 1 for r in status.values())


def test_timeline_lists_every_dated_event_in_order(db):
    events = rows(db, "SELECT * FROM timeline")
    dated = db.execute("SELECT count(*) FROM (SELECT DISTINCT date_start, country_iso2, status FROM commitments "
                       "WHERE date_start IS NOT NULL)").fetchall()[0][0]
    assert len(events) == dated > 0
    assert [e["date_start"] for e in events] == sorted(e["date_start"] for e in events)
    assert events[-1]["iso2"] == "GB" and events[-1]["status"] == "signed"
    assert events[0]["date_end"] == D(2023, 7, 12)


def test_views_return_their_declared_columns_with_comments(db):
    for view in VIEWS.values():
        cursor = db.execute(f"SELECT * FROM {view.name} LIMIT 0")
        assert [d[0] for d in cursor.description] == list(view.columns), view.name
        comments = dict(db.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
                                   [view.name]).fetchall())
        assert comments == view.columns
        assert db.execute("SELECT comment FROM duckdb_views() WHERE view_name = ?", [view.name]).fetchall() == \
            [(view.description,)]


def _answer(view, commitments, published):
    """A view over hand-made tables: (doc_id, iso2, status, date_start) rows and doc -> published date."""
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE countries AS SELECT * FROM (VALUES ('PL', 'Poland'), ('LV', 'Latvia')) t(iso2, name)")
    con.execute("CREATE TABLE documents (doc_id VARCHAR, published_date DATE)")
    con.executemany("INSERT INTO documents VALUES (?, ?)", list(published.items()))
    con.execute("CREATE TABLE commitments (doc_id VARCHAR, country_iso2 VARCHAR, status VARCHAR, date_start DATE, "
                "date_end DATE, date_precision VARCHAR, evidence VARCHAR, sentence_no BIGINT)")
    con.executemany("INSERT INTO commitments VALUES (?, ?, ?, ?, NULL, 'day', ?, 1)",
                    [(d, c, s, t, f"{d}: {c} {s}") for d, c, s, t in commitments])
    out = rows(con, view.sql)
    con.close()
    return out


def test_strongest_status_wins_across_documents_with_its_earliest_date():
    out = _answer(COUNTRY_STATUS, [
        ("a", "PL", "negotiating", D(2024, 1, 2)),
        ("b", "PL", "signed", None),
        ("c", "PL", "signed", D(2024, 7, 9)),
        ("d", "PL", "signed", D(2024, 7, 8)),
        ("d", "PL", "supporter", D(2023, 8, 1)),
        ("a", "LV", "supporter", None),
        ("b", "LV", "declaration_joined", D(2023, 8, 8)),
    ], {"a": D(2024, 1, 3), "b": D(2024, 7, 1), "c": D(2024, 7, 10), "d": D(2024, 7, 9)})
    pl, lv = (next(r for r in out if r["iso2"] == c) for c in ("PL", "LV"))
    assert (pl["status"], pl["date_start"], pl["evidence_doc_id"]) == ("signed", D(2024, 7, 8), "d")
    assert (pl["declaration_status"], pl["declaration_date"]) == ("supporter", D(2023, 8, 1))
    assert (pl["n_documents"], pl["first_reported"], pl["last_reported"]) == (4, D(2024, 1, 3), D(2024, 7, 10))
    assert (lv["status"], lv["agreement_status"], lv["date_start"]) == ("declaration_joined", None, D(2023, 8, 8))


def test_timeline_merges_one_event_reported_twice():
    out = _answer(TIMELINE, [
        ("a", "PL", "signed", D(2024, 7, 8)),
        ("b", "PL", "signed", D(2024, 7, 8)),
        ("b", "LV", "declaration_joined", D(2023, 8, 8)),
        ("b", "LV", "supporter", None),
    ], {"a": D(2024, 7, 9), "b": D(2024, 7, 8)})
    assert [(r["date_start"], r["iso2"], r["status"], r["n_documents"], r["evidence_doc_id"]) for r in out] == [
        (D(2023, 8, 8), "LV", "declaration_joined", 1, "b"),
        (D(2024, 7, 8), "PL", "signed", 2, "b"),
    ]


def _status_of(commitments: list[tuple], published: dict[str, D | None]) -> dict:
    """country_status over a few commitments (iso2, status, date_start, precision, doc_id, sentence_no)."""
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE countries (iso2 VARCHAR, name VARCHAR)")
    con.execute("INSERT INTO countries VALUES ('DE', 'Germany')")
    con.execute("CREATE TABLE documents (doc_id VARCHAR, published_date DATE)")
    con.executemany("INSERT INTO documents VALUES (?, ?)", list(published.items()))
    con.execute("CREATE TABLE commitments (country_iso2 VARCHAR, status VARCHAR, date_start DATE, date_end DATE, "
                "date_precision VARCHAR, evidence VARCHAR, doc_id VARCHAR, sentence_no BIGINT)")
    con.executemany("INSERT INTO commitments VALUES (?, ?, ?, NULL, ?, ?, ?, ?)",
                    [(iso2, status, day, precision, f"{doc_id}:{n}", doc_id, n)
                     for iso2, status, day, precision, doc_id, n in commitments])
    try:
        return {r["iso2"]: r for r in rows(con, COUNTRY_STATUS.sql)}
    finally:
        con.close()


def test_country_status_picks_the_statement_the_annotation_rules_name():
    """Strongest status first; then a date to the day before a month, the earliest date, dated before
    undated, the earliest-published document (unknown publication last), then the sentence."""
    published = {"a": D(2024, 3, 1), "b": D(2024, 2, 1), "c": None, "d": D(2024, 4, 1)}
    status = _status_of([
        ("DE", "negotiating", D(2024, 1, 1), "day", "b", 1),     # weaker than signed, however early
        ("DE", "signed", D(2024, 1, 1), "month", "a", 1),        # to the month: loses to the day
        ("DE", "signed", D(2024, 1, 12), "day", "c", 2),         # to the day, but published unknown
        ("DE", "signed", D(2024, 1, 12), "day", "d", 3),         # same day, published 2024-04-01: wins
        ("DE", "signed", None, None, "b", 4),                    # undated: last
        ("DE", "declaration_joined", None, None, "c", 1),
        ("DE", "declaration_joined", D(2023, 9, 1), "day", "c", 5),
        ("DE", "supporter", D(2023, 7, 1), "day", "b", 2),
        ("PL", "negotiating", None, None, "a", 7),
        ("PL", "negotiating", None, None, "b", 9),               # published earlier than a: wins
        ("FR", "signed", None, None, "b", 1),                    # undated: after a month
        ("FR", "signed", D(2024, 2, 1), "month", "a", 2),
    ], published)
    de = status["DE"]
    assert (de["status"], de["date_start"], de["evidence_doc_id"], de["evidence"]) == ("signed", D(2024, 1, 12), "d", "d:3")
    assert (de["agreement_status"], de["agreement_date"]) == ("signed", D(2024, 1, 12))
    assert (de["declaration_status"], de["declaration_date"]) == ("declaration_joined", D(2023, 9, 1))
    assert (de["n_documents"], de["first_reported"], de["last_reported"]) == (4, D(2024, 2, 1), D(2024, 4, 1))
    assert (status["PL"]["evidence"], status["PL"]["declaration_status"]) == ("b:9", None)
    assert (status["FR"]["date_start"], status["FR"]["evidence"]) == (D(2024, 2, 1), "a:2")
