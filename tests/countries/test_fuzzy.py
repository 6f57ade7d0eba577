"""The fuzzy fallback: edit budget, margin over the runner-up, and the guards around it."""
import pytest

from pipelines.countries import resolve, to_iso2
from pipelines.countries.fuzzy import edit_budget


@pytest.mark.parametrize("name, code", [
    ("Phillipines", "PH"), ("Untied Kingdom", "GB"), ("Azerbajan", "AZ"), ("Swizerland", "CH"),
    ("Newzealand", "NZ"), ("Southafrica", "ZA"), ("Lithunia", "LT"), ("Urkaine", "UA"),
])
def test_misspellings_within_the_budget_resolve(name, code):
    r = resolve(name)
    assert (r.iso2, r.method) == (code, "fuzzy"), r
    assert 0 < r.score <= 100  # 100: only spaces differ ("Newzealand")


def test_budget_grows_with_length_and_short_names_get_none():
    assert [edit_budget(n) for n in (3, 4, 5, 9, 10, 15, 16)] == [0, 0, 1, 1, 2, 2, 3]
    assert to_iso2("Irag") is None  # 4 letters: Iraq or Iran? no guess


def test_a_tie_between_two_countries_is_no_answer():
    r = resolve("Austrlia")  # one edit from Austria and from Australia
    assert r.iso2 is None and "tie" in r.reason


def test_generic_words_do_not_count_towards_the_budget():
    assert to_iso2("Republic of Rwandaa") == "RW"
    assert to_iso2("Kingdom of Swazilund") != "TH"


def test_demonyms_plurals_and_people_are_not_matched():
    for name in ["Israeli", "Kenyan", "the Koreas", "Chad Smith", "Jordan Bardella", "Roman"]:
        assert to_iso2(name) is None, resolve(name)


def test_misspelt_non_countries_are_denied_not_matched():
    r = resolve("Nothern Ireland")
    assert (r.iso2, r.method, r.parent) == (None, "deny", "GB")
    assert to_iso2("Scotand") is None


def test_fuzzy_answers_are_memoised():
    first = resolve("Belgum")
    assert resolve("Belgum") is first
