import datetime as dt

import pytest

from pipelines.lib.documents import RawDocument
from pipelines.lib.extract import extract_document


def published(body: str):
    text = "Headline\n" + body
    doc = extract_document(RawDocument("t.txt", "0" * 64, text, "utf-8", len(text))).document
    return doc["published_date"], doc["published_date_method"]


def test_weekday_of_a_calendar_dated_signing_gives_the_next_day():
    # Sweden signed on Friday 31 May 2024 (event calendar): the article is dated the day after.
    assert published("Sweden signed a security agreement with Ukraine on Friday.") == (dt.date(2024, 6, 1), "calendar_weekday_plus_one")


def test_yesterday_with_a_calendar_dated_signing_is_exact():
    assert published("Spain signed a security agreement with Ukraine yesterday.")[0] == dt.date(2024, 5, 28)


def test_latest_dated_event_plus_one_day():
    assert published("On 3 March 2025 the ministers met. Two days later the talks ended.")[0] == dt.date(2025, 3, 6)


def test_relation_to_a_dated_event_moves_the_anchor():
    got = published("A missile hit the building exactly two years earlier, on 4 May 2022. On Saturday leaders came.")
    assert got[0] == dt.date(2024, 5, 5)


def test_year_and_yearless_dates_without_calendar_events():
    assert published("The aid for 2023 is large. The ministers met on October 3.")[0] == dt.date(2023, 10, 4)


def test_no_anchor_gives_no_date():
    assert published("Nothing here is dated.") == (None, "unknown")


def test_a_full_date_is_background_and_yearless_dates_are_recent():
    got = published("The declaration was adopted on 12 July 2023. Malta announced its accession on 4 October.")
    assert got[0] == dt.date(2023, 10, 5)


def test_a_year_ago_today_with_a_calendar_dated_signing():
    assert published("Britain signed its security agreement a year ago today.")[0] == dt.date(2025, 1, 12)


def test_a_relative_day_next_to_the_full_date_it_denotes():
    assert published("A week ago today, on 2 November 2023, Malta joined the declaration.")[0] == dt.date(2023, 11, 9)


def test_list_items_take_dates_from_the_line_introducing_them():
    got = published("Three agreements were concluded in Stockholm on Friday:\n1. Sweden;\n2. Norway;\n3. Iceland.")
    assert got == (dt.date(2024, 6, 1), "calendar_weekday_plus_one")


def test_a_full_date_with_its_weekday_is_the_news():
    got = published("The minister said on Tuesday, 11 June 2024, that Berlin had signed on 16 February.")
    assert got[0] == dt.date(2024, 6, 12)


def test_a_date_the_text_states_as_its_own():
    assert published("Malta signed on 3 June 2024. This list was compiled on 9 June 2024.") == (
        dt.date(2024, 6, 9), "stated_in_text")


def test_a_relative_day_of_an_event_the_text_dates_elsewhere():
    body = ("Bulgaria decided yesterday to join the declaration.\n\n"
            "Country    Position    Date\n"
            "Bulgaria   joined      22 Aug 2023\n"
            "Greece     joined      20 Aug 2023\n")
    assert published(body) == (dt.date(2023, 8, 23), "relative_day_of_dated_event")


def test_a_wire_dateline_states_the_date():
    body = ("LONDON, July 19 (Reuters) - The Czech Republic signed a security agreement on Thursday.\n"
            "Aid in 2024 will match last year's.\n")
    assert published(body) == (dt.date(2024, 7, 19), "stated_in_text")


def test_last_weekday_does_not_move_the_publication_past_the_latest_event():
    body = ("The latest agreement, Poland's, was signed in Warsaw on 8 July 2024.\n"
            "Keir Starmer took office last Friday.\n")
    assert published(body)[0] == dt.date(2024, 7, 9)


def test_weeks_counted_from_the_declaration():
    body = ("Six weeks after the Group of Seven promised Ukraine security commitments, more countries join.\n"
            "Latvia decided on August 8 to join the declaration.\n")
    assert published(body) == (dt.date(2023, 8, 23), "counted_from_declaration")


def test_today_with_its_weekday_moves_to_that_weekday():
    body = ("The minister spoke to us today, Wednesday.\n"
            "On Friday, 31 May, Sweden signed its security agreement in Stockholm.\n")
    assert published(body)[0] == dt.date(2024, 6, 5)


def test_days_counted_after_a_yearless_date():
    body = ("Italy signed its security agreement in Kyiv on 24 February.\n"
            "On Tuesday, thirteen days after hosting a summit in Tirana on 28 February, Albania opened talks.\n")
    assert published(body)[0] == dt.date(2024, 3, 13)


@pytest.mark.parametrize("pattern,needed", [("_AFTER_DECLARATION", "_SINCE_DECLARATION_TEST"),
                                            ("_RELATION_BEFORE_DATE", "_UNIT_OF_TIME")])
def test_every_match_of_a_relation_pattern_contains_the_part_tested_first(pattern, needed):
    """The cheap test must find something in every string the costly pattern matches."""
    from pipelines.lib import pubdate
    from tests.unit.test_dates import check_every_match_contains

    check_every_match_contains(getattr(pubdate, pattern), getattr(pubdate, needed))
