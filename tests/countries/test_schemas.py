"""The schemas reject bad frames; assertions are on failure_cases rows, not message text."""
import pandas as pd
import pandera.errors
import pytest

from pipelines.countries import alias_rows, country_rows
from schemas import Countries, CountryAliases


def _failures(model, frame):
    with pytest.raises(pandera.errors.SchemaErrors) as err:
        model.validate(frame, lazy=True)
    return err.value.failure_cases


def test_countries_schema_rejects_bad_codes_duplicates_and_statuses():
    df = pd.DataFrame(country_rows()[:5])
    df.loc[0, "iso2"] = "xx1"
    df.loc[1, "recognition"] = "maybe"
    df.loc[2, "numeric"] = "12"
    df = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    fc = _failures(Countries, df)
    assert "xx1" in set(fc[fc["column"] == "iso2"]["failure_case"])
    assert "maybe" in set(fc[fc["column"] == "recognition"]["failure_case"])
    assert "12" in set(fc[fc["column"] == "numeric"]["failure_case"])
    assert (fc["check"].astype(str).str.contains("unique|field_uniqueness")).any()


def test_countries_schema_is_strict():
    df = pd.DataFrame(country_rows()[:3]).assign(extra=1)
    fc = _failures(Countries, df)
    assert "extra" in set(fc["failure_case"].astype(str))


def test_alias_schema_rejects_unknown_kind_empty_alias_and_duplicate_rows():
    df = pd.DataFrame(alias_rows()[:4])
    df.loc[0, "kind"] = "guess"
    df.loc[1, "alias"] = ""
    df = pd.concat([df, df.iloc[[2]]], ignore_index=True)
    fc = _failures(CountryAliases, df)
    assert "guess" in set(fc[fc["column"] == "kind"]["failure_case"])
    assert "" in set(fc[fc["column"] == "alias"]["failure_case"])
    assert len(fc[fc["check"].astype(str).str.contains("unique|multiple_fields_uniqueness")]) >= 1


def test_every_field_is_described_and_the_foreign_key_is_marked():
    for model in (Countries, CountryAliases):
        schema = model.to_schema()
        assert schema.description
        assert all(col.description for col in schema.columns.values())
    assert CountryAliases.to_schema().columns["iso2"].metadata == {"references": "countries.iso2"}
