"""The build refuses ambiguous inputs instead of choosing silently."""
import pytest

from pipelines.countries import build


def _row(alias, iso2, kind="cldr", lang="xx"):
    return build._row(alias, iso2, kind, lang, True, "test")


def test_a_key_that_maps_to_two_countries_fails_the_build():
    rows = [_row("Congo", "CG"), _row("the Congo", "CD"), _row("Niger", "NE")]
    problems = build.collisions(rows, [])
    assert len(problems) == 1 and "'congo'" in problems[0] and "CD" in problems[0] and "CG" in problems[0]


def test_a_key_that_is_both_an_alias_and_a_deny_entry_fails_the_build():
    problems = build.collisions([_row("Georgia", "GE")], [{"alias": "GEORGIA", "reason": "us_state"}])
    assert len(problems) == 1 and problems[0].startswith("deny 'GEORGIA'")


def test_one_country_under_many_spellings_is_fine():
    assert build.collisions([_row("Korea, Rep.", "KR"), _row("Republic of Korea", "KR")], []) == []


def test_build_raises_with_the_list_of_collisions(monkeypatch):
    real = build.read_csv

    def with_bad_override(name):
        rows = real(name)
        if name == "overrides.csv":
            rows.append({"alias": "Niger", "iso2": "NG", "kind": "variant", "lang": "en",
                         "action": "add", "prose": "", "source": "test"})
        return rows

    pytest.importorskip("pycountry")
    pytest.importorskip("babel")
    monkeypatch.setattr(build, "read_csv", with_bad_override)
    with pytest.raises(build.BuildError, match="key 'niger'"):
        build.build()


def test_overrides_that_drop_nothing_or_name_unknown_codes_fail():
    rows = [_row("Brasilia", "BR")]
    drop = {"alias": "Brazylia", "iso2": "BR", "kind": "cldr", "lang": "fi", "action": "drop",
            "prose": "", "source": "test"}
    with pytest.raises(build.BuildError, match="no source generates"):
        build.override_aliases([drop], rows, {"BR"})
    with pytest.raises(build.BuildError, match="unknown codes"):
        build.override_aliases([{**drop, "iso2": "QQ"}], rows, {"BR"})
    assert build.override_aliases([{**drop, "alias": "Brasilia"}], rows, {"BR"}) == []
