import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.lib.dates import find_dates, resolve

PUB = dt.date(2024, 5, 15)  # a Wednesday


def one(text, published=PUB, reference=None):
    exprs = find_dates(text)
    assert len(exprs) == 1, exprs
    e = exprs[0]
    assert text[e.char_start:e.char_end] == e.surface
    r = resolve(e, published, reference)
    return e, r


@pytest.mark.parametrize("text,start,end,precision", [
    ("Spain signed on 27 May 2024.", "2024-05-27", "2024-05-27", "day"),
    ("The talks began on 2024-03-04.", "2024-03-04", "2024-03-04", "day"),
    ("It was agreed on March 4.", "2024-03-04", "2024-03-04", "day"),            # yearless: nearest not after
    ("It was agreed on September 9.", "2023-09-09", "2023-09-09", "day"),        # later month -> previous year
    ("The summit ran on June 3-4 last year.", "2023-06-03", "2023-06-04", "day"),
    ("The leaders met on 8-9 April.", "2024-04-08", "2024-04-09", "day"),
    ("The ministers met in March 2023.", "2023-03-01", "2023-03-31", "month"),
    ("Both deals were reached in February and March.", "2024-02-01", "2024-03-31", "month"),
    ("It was concluded in January.", "2024-01-01", "2024-01-31", "month"),
    ("Talks opened last June.", "2023-06-01", "2023-06-30", "month"),
    ("Oslo signed on Monday.", "2024-05-13", "2024-05-13", "day"),
    ("Oslo signed last Wednesday.", "2024-05-08", "2024-05-08", "day"),
    ("Oslo signed yesterday.", "2024-05-14", "2024-05-14", "day"),
    ("Oslo signed a week ago today.", "2024-05-08", "2024-05-08", "day"),
    ("Oslo signed two days ago.", "2024-05-13", "2024-05-13", "day"),
    ("Podpisano 12 stycznia 2024 w Kijowie.", "2024-01-12", "2024-01-12", "day"),
])
def test_resolution_against_the_publication_date(text, start, end, precision):
    _, r = one(text)
    assert (r.date_start.isoformat(), r.date_end.isoformat(), r.precision) == (start, end, precision)


def test_future_context_moves_a_yearless_date_forward():
    _, r = one("The agreement will be signed on April 2.")
    assert r.date_start == dt.date(2025, 4, 2)


def test_future_weekday_is_on_or_after_publication():
    _, r = one("The leaders are due to sign on Friday.")
    assert r.date_start == dt.date(2024, 5, 17)


@pytest.mark.parametrize("text,offset", [("The same evening, Oslo followed.", 0), ("A day later, Oslo followed.", 1),
                                         ("Hours earlier, Oslo had signed.", 0), ("Two days later Oslo signed.", 2),
                                         ("On the eve of the summit, Oslo signed.", -1)])
def test_anaphora_count_from_the_preceding_event(text, offset):
    ref = dt.date(2024, 5, 10)
    e, r = one(text, reference=ref)
    assert e.kind == "anaphoric" and r.date_start == ref + dt.timedelta(days=offset) and r.resolved_by == "reference"


def test_days_before_a_named_event_are_not_counted_from_the_previous_date():
    exprs = find_dates("It was signed on May 2, ten days before the summit.")
    anaphor = [e for e in exprs if e.kind == "anaphoric"][0]
    assert resolve(anaphor, PUB, dt.date(2024, 5, 2)).date_start is None


def test_may_as_a_verb_is_not_a_date_and_impossible_days_are_dropped():
    assert find_dates("Ukraine may sign soon.") == []
    assert find_dates("It happened on February 31.") == []


def test_a_year_alone_has_year_precision():
    _, r = one("The aid package for 2025 is large.")
    assert (r.date_start, r.date_end, r.precision) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year")


def test_money_is_not_a_year():
    assert find_dates("It costs 2024 euros and 1999.5 tonnes.") == []


# --- the parts a date pattern needs let windows skip it; they must never change what is found ---

def test_needed_parts_skip_no_candidate_on_real_texts():
    from pipelines.lib.dates import _candidate_matches
    from tests.unit.test_commitments import corpus_texts

    for text in corpus_texts():
        fast = [(name, m.span()) for name, m in _candidate_matches(text)]
        assert fast == [(name, m.span()) for name, m in _candidate_matches(text, skip_by_needed=False)], text[:80]


def _needed_parts():
    from pipelines.lib.dates import _BY_NAME, _NEEDED

    return [pytest.param(_BY_NAME[name], needed, id=name) for name, needed in _NEEDED.items()]


def check_every_match_contains(pattern, needed):
    """On strings generated from `pattern` itself, every match holds a substring `needed` finds."""
    @given(st.from_regex(pattern, alphabet=st.characters(min_codepoint=32, max_codepoint=0x2020)))
    @settings(max_examples=300, deadline=None, database=None)
    def check(text):
        for m in pattern.finditer(text):
            assert needed.search(text, m.start(), m.end()), m.group()

    check()


@pytest.mark.parametrize("pattern,needed", _needed_parts())
def test_every_match_of_a_date_pattern_contains_its_needed_part(pattern, needed):
    """So that a pattern changed without its part fails here."""
    check_every_match_contains(pattern, needed)
