import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.lib.mentions import find_country_mentions


def codes(text, excluded=()):
    return [(m.surface, m.iso2, m.method) for m in find_country_mentions(text, excluded=list(excluded))]


@pytest.mark.parametrize("text,expected", [
    ("Talks with the USA and Great Britain resumed.", [("USA", "US", "name"), ("Great Britain", "GB", "name")]),
    ("Czechia and the Czech Republic are one.", [("Czechia", "CZ", "name"), ("Czech Republic", "CZ", "name")]),
    ("Türkiye, formerly Turkey, and Holland.", [("Türkiye", "TR", "name"), ("Turkey", "TR", "name"), ("Holland", "NL", "name")]),
    ("the partially recognised Republic of Kosovo", [("Republic of Kosovo", "XK", "name")]),
    ("A rally in Scotland and Wales.", [("Scotland", "GB", "name"), ("Wales", "GB", "name")]),
])
def test_names_and_aliases(text, expected):
    assert codes(text) == expected


def test_demonyms_and_combining_forms():
    got = codes("The Danish minister backed a Czech-led plan and a Franco-Ukrainian deal.")
    assert [(s, c) for s, c, _ in got] == [("Danish", "DK"), ("Czech", "CZ"), ("Franco", "FR"), ("Ukrainian", "UA")]
    assert codes("Franco visited.") == []  # a combining form only counts before a hyphen


def test_capitals_count_only_as_actors():
    assert [c for _, c, _ in codes("Madrid has signed, and Lisbon said it would follow.")] == ["ES", "PT"]
    assert codes("The talks in Madrid ended; she flew to Lisbon.") == []
    assert [c for _, c, _ in codes("Oslo and Stockholm agree on a plan.")] == ["NO", "SE"]
    assert [c for _, c, m in codes("The Kremlin said nothing.")] == ["RU"]


def test_places_that_contain_country_names_are_blocked():
    assert codes("He studied in Atlanta, Georgia, and toured South America and New Mexico.") == []
    assert [c for _, c, _ in codes("Tbilisi, Georgia hosted it.")] == ["GE"]


def test_language_names_are_not_countries():
    assert codes("The text was published in French.") == []
    assert [c for _, c, _ in codes("It pays for French military aid.")] == ["FR"]


def test_spans_inside_person_names_are_skipped():
    text = "Prime Minister Luís Montenegro met Montenegro's president."
    start = text.index("Luís")
    got = codes(text, excluded=[(start, start + len("Luís Montenegro"))])
    assert [(s, c) for s, c, _ in got] == [("Montenegro", "ME")]


def test_eu_is_a_party_not_a_country_code():
    assert [c for _, c, _ in codes("The European Union and the EU's Council agreed.")] == ["EU", "EU"]


def test_capitals_as_counterparts():
    assert [c for _, c, _ in codes("Talks with Vilnius resumed; an agreement between Riga and Tallinn exists.")] == ["LT", "LV", "EE"]


def test_a_country_first_name_inside_a_person_span_is_skipped():
    text = "Party leader Jordan Bardella spoke."
    start = text.index("Jordan")
    assert codes(text, excluded=[(start, start + len("Jordan Bardella"))]) == []


def test_a_capital_coordinated_with_a_place_is_a_place():
    assert codes("Supporters in Berlin and Paris say the aid is locked in.") == []


def test_names_in_other_languages_that_collide_with_given_names_are_not_scanned():
    assert codes("Dania and Hana met Toho executives; Kosova and Niemcy agreed.") == [("Kosova", "XK", "name"),
                                                                                   ("Niemcy", "DE", "name")]


def test_seats_of_government_count_unless_they_are_places():
    assert [c for _, c, _ in codes("It was a strong signal to the Kremlin.")] == ["RU"]
    assert codes("The talks were held in the Kremlin.") == []


def test_a_capital_as_subject_of_a_relative_clause():
    assert [c for _, c, _ in codes("Berlin, which signed its own agreement, offered help.")] == ["DE"]


def test_a_language_compound_is_not_a_country():
    assert codes("the English-language service of the government") == []
    assert [c for _, c, _ in codes("Russian-speaking residents and Russian troops")] == ["RU"]


def test_a_country_inside_a_company_name_is_not_a_mention():
    assert codes("a loan from Bank of Cyprus and flights by Air Serbia") == []


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=12),
       st.integers(0, 70), st.integers(0, 20))
def test_enclosing_spans_are_found_by_binary_search_as_by_testing_each(spans, start, length):
    from pipelines.lib.mentions import _Enclosing

    spans = [(a, a + n) for a, n in spans]
    end = start + length
    assert _Enclosing(spans)(start, end) == any(a <= start and end <= b for a, b in spans)
