"""The committed tables: complete, sourced, consistent with the key function and the build."""
import subprocess
import sys

import pandas as pd
import pytest

from pipelines.countries import alias_rows, country_rows, deny_rows, key, text_aliases


def test_countries_cover_iso_3166_and_kosovo():
    rows = {r["iso2"]: r for r in country_rows()}
    assert len(rows) == 250
    assert rows["XK"]["iso3"] == "XKX" and rows["XK"]["numeric"] is None
    assert rows["XK"]["recognition"] == "partially_recognised"
    assert rows["TW"]["recognition"] == "partially_recognised"
    assert rows["PS"]["recognition"] == "un_observer"
    assert rows["EH"]["recognition"] == "non_self_governing"
    assert sum(r["recognition"] == "un_member" for r in rows.values()) == 193


def test_every_row_has_a_source():
    for rows in (country_rows(), alias_rows(), deny_rows()):
        assert all(r["source"].strip() for r in rows)


def test_alias_keys_are_the_key_of_the_alias():
    stale = [(r["alias"], r["key"]) for r in alias_rows() if r["key"] != key(r["alias"])]
    assert not stale[:10]


def test_no_key_maps_to_two_countries_or_to_a_country_and_a_deny_entry():
    by_key = {}
    for r in alias_rows():
        by_key.setdefault(r["key"], set()).add(r["iso2"])
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {}
    assert [d["alias"] for d in deny_rows() if d["key"] in by_key] == []


def test_alias_codes_exist_in_countries():
    codes = {r["iso2"] for r in country_rows()}
    assert {r["iso2"] for r in alias_rows()} <= codes
    assert {d["parent"] for d in deny_rows() if d["parent"]} <= codes


def test_every_country_has_a_name_in_english_polish_ukrainian_and_russian():
    have = {(r["iso2"], r["lang"]) for r in alias_rows()}
    for c in country_rows():
        for lang in ("en", "pl", "uk", "ru"):
            assert (c["iso2"], lang) in have, (c["iso2"], lang)


def test_text_aliases_keep_case_and_leave_out_unsafe_codes():
    forms = {(t.text, t.iso2) for t in text_aliases()}
    assert ("United Kingdom", "GB") in forms and ("UK", "GB") in forms and ("US", "US") in forms
    assert ("Niemcy", "DE") in forms and ("Kosova", "XK") in forms
    assert ("IT", "IT") not in forms and ("CAN", "CA") not in forms
    assert ("IT", "IT") in {(t.text, t.iso2) for t in text_aliases(prose_only=False)}
    denied = {t.text: t for t in text_aliases(include_denied=True) if t.iso2 is None}
    assert denied["England"].parent == "GB" and denied["England"].reason == "uk_constituent_country"


@pytest.mark.slow
def test_committed_tables_are_what_the_build_writes():
    pytest.importorskip("pycountry")
    pytest.importorskip("babel")
    done = subprocess.run([sys.executable, "-m", "pipelines.countries.build", "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_schemas_accept_the_committed_tables():
    from schemas import Countries, CountryAliases

    Countries.validate(pd.DataFrame(country_rows()), lazy=True)
    CountryAliases.validate(pd.DataFrame(alias_rows()), lazy=True)
