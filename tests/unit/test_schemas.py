"""Each published schema rejects a bad frame; the failure cases name the column and the check."""
import datetime as dt

import pandas as pd
import pytest

from pipelines.lib import tables
from pipelines.lib.corpus import EXTRACTED_TABLES
from schemas import TABLES

DOC = "0123456789abcdef"


def good_rows():
    text = "Title\nSpain signed."
    return {
        "documents": [dict(doc_id=DOC, source_path="a.txt", title="Title", published_date=dt.date(2024, 5, 28),
                           published_date_inferred=False, published_date_method="sidecar", language="en",
                           source_url=None, sha256="0" * 64, encoding="utf-8", n_bytes=len(text), n_chars=len(text),
                           text=text)],
        "sentences": [dict(doc_id=DOC, sentence_no=2, char_start=6, char_end=19, text="Spain signed.", kind="paragraph",
                           line_no=2)],
        "country_mentions": [dict(doc_id=DOC, sentence_no=2, char_start=6, char_end=11, surface="Spain", iso2="ES",
                                  method="name")],
        "date_mentions": [dict(doc_id=DOC, sentence_no=2, char_start=6, char_end=12, surface="May 28", kind="yearless",
                               date_start=dt.date(2024, 5, 28), date_end=dt.date(2024, 5, 28), precision="day",
                               resolved_by="publication_date")],
        "people": [dict(doc_id=DOC, canonical_name="Pedro Sánchez", variants=["Sánchez"], role=None, country_iso2="ES",
                        n_mentions=1, first_char_start=0)],
        "commitments": [dict(doc_id=DOC, country_iso2="ES", status="signed", date_start=dt.date(2024, 5, 27), date_end=None,
                             date_precision="day", evidence="Spain signed.", sentence_no=2, trigger="signed")],
        "unresolved_names": [dict(doc_id=DOC, surface="Republic of Foo", n_mentions=1, first_char_start=0,
                                  reason="unresolved", best_candidate=None)],
        "rejected_documents": [dict(source_path="b.bin", sha256=None, reason="binary", detail="NUL bytes")],
    }


def frame(table, **changes):
    rows = [dict(r, **changes) for r in good_rows()[table]]
    return tables.to_frame(table, rows)


@pytest.mark.parametrize("table", list(good_rows()))
def test_good_frames_pass(table):
    _, report = tables.validate(table, frame(table))
    assert report.ok, report.summary()


@pytest.mark.parametrize("table,changes,column,check_part", [
    ("documents", {"doc_id": "XYZ"}, "doc_id", "str_matches"),
    ("documents", {"n_chars": 3}, None, "n_chars"),
    ("documents", {"published_date": dt.date(1700, 1, 1)}, "published_date", "greater_than_or_equal_to"),
    ("sentences", {"char_end": 3}, None, "char_end"),
    ("sentences", {"kind": "poem"}, "kind", "isin"),
    ("country_mentions", {"iso2": "QQ"}, "iso2", "isin"),
    ("country_mentions", {"surface": "Spai"}, None, "surface"),
    ("date_mentions", {"date_end": dt.date(2024, 5, 1)}, None, "date_end"),
    ("people", {"variants": []}, "variants", "variants"),
    ("commitments", {"status": "maybe"}, "status", "isin"),
    ("commitments", {"country_iso2": "XX"}, "country_iso2", "isin"),
    ("commitments", {"date_start": None, "date_end": dt.date(2024, 5, 1)}, None, "date_end"),
    ("rejected_documents", {"reason": "bored"}, "reason", "isin"),
])
def test_bad_frames_fail_on_the_right_check(table, changes, column, check_part):
    _, report = tables.validate(table, frame(table, **changes))
    cases = report.failure_cases
    assert not report.ok
    if column is None:
        assert cases["check"].str.contains(check_part).any(), cases
    else:
        hit = cases[(cases["column"] == column) & cases["check"].str.contains(check_part)]
        assert len(hit) >= 1, cases


def test_strict_columns_and_key_uniqueness():
    extra = frame("sentences").assign(extra=1)
    assert (tables.validate("sentences", extra)[1].failure_cases["check"] == "column_in_schema").any()
    dup = pd.concat([frame("commitments"), frame("commitments")], ignore_index=True)
    assert tables.validate("commitments", dup)[1].failure_cases["check"].str.contains("unique").any()


def test_every_field_has_a_description():
    for name, model in TABLES.items():
        schema = model.to_schema()
        assert schema.description, name
        for column, spec in schema.columns.items():
            assert spec.description, f"{name}.{column}"


def test_arrow_schema_covers_every_table():
    for name in TABLES:
        assert tables.arrow_schema(name).names == tables.columns(name)


@pytest.mark.parametrize("table", EXTRACTED_TABLES)
def test_models_of_extracted_tables_check_row_by_row(table):
    """The extraction step validates only the rows of new documents (the cache keeps a verdict
    for the others, `tables.validate_part`). That is sound only while every rule of these models
    decides each row on its own, the unique key aside (checked over the whole table): a rule over
    several rows belongs in the cross-table checks, or `validate_part` must learn it."""
    schema = TABLES[table].to_schema()
    rows = pd.concat([frame(table)] * 3, ignore_index=True)
    results = [(check, check(rows)) for check in schema.checks]
    results += [(check, check(rows, column=name)) for name, column in schema.columns.items() for check in column.checks]
    assert results, "no rule at all: the test reads nothing"
    for check, result in results:
        assert isinstance(result.check_output, (pd.Series, pd.DataFrame)), f"{table}: {check} is not row by row"
        assert result.check_output.index.equals(result.checked_object.index), f"{table}: {check} is not row by row"


def test_validating_part_of_a_table_checks_those_rows_and_the_keys_of_all():
    good = frame("sentences")
    other = frame("sentences", sentence_no=3)
    whole = pd.concat([good, other], ignore_index=True)
    assert tables.validate_part("sentences", whole, other)[1].ok

    bad = frame("sentences", sentence_no=3, kind="poem")
    cases = tables.validate_part("sentences", pd.concat([good, bad], ignore_index=True), bad)[1].failure_cases
    assert list(cases["check"].str.contains("isin")) == [True]

    again = pd.concat([good, good], ignore_index=True)  # a new row with the key of a verified one
    for unverified in (good, again):  # and the same when both rows are new: each duplicate once
        report = tables.validate_part("sentences", again, unverified)[1]
        assert not report.ok
        assert set(report.failure_cases["check"]) == {"multiple_fields_uniqueness"}
        assert sorted(zip(report.failure_cases["column"], report.failure_cases["index"])) == [
            ("doc_id", "0"), ("doc_id", "1"), ("sentence_no", "0"), ("sentence_no", "1")]
