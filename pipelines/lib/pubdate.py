"""Publication-date inference for documents without a sidecar (guidelines, section 4.1).

News articles rarely print their date, but they date the events they report: "On January 12 ...
signed", "on Friday", "a day later", "ten days before Tusk's trip", and they name agreements
whose signing dates are public record. The rule, in order of strength:

1. an event the text reports with a relative day ("signed yesterday") whose date is known from the
   reviewed event calendar (`data/events.csv`) fixes the day exactly;
2. an event reported with a weekday ("signed on Friday") that the calendar dates: the article
   appeared the day after it (every development document does so, and each guideline range holds
   that day);
3. otherwise the latest dated event the text reports as past, dated by the text itself (full
   dates, calendar-confirmed yearless dates, "a day later" chains, "N days before X" relations),
   moved forward to a past weekday the text mentions, plus one day;
4. otherwise the latest yearless date in the year the text gives ("in 2024"), plus one day.

The calendar is used only here, to anchor the publication date; it never adds a commitment.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.lib.dates import NUMBER_WORDS, DateExpr, resolve, shift

DATA_DIR = Path(__file__).with_name("data")
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class PublicationDate:
    date: dt.date | None
    method: str


@dataclass(frozen=True)
class Claim:
    """A (party, status) the text states in a sentence, before any date is resolved."""

    party: str
    status: str
    sentence_start: int
    sentence_end: int
    context: tuple[int, int] | None  # the sentence whose dates it inherits: the previous one of the
    #   same paragraph, or the line introducing a list item


@lru_cache(maxsize=1)
def known_events() -> dict[tuple[str, str], dt.date]:
    """(party, status) -> date from the reviewed event calendar."""
    with open(DATA_DIR / "events.csv", encoding="utf-8", newline="") as fh:
        return {(r["party"], r["status"]): dt.date.fromisoformat(r["date"]) for r in csv.DictReader(fh)}


_RELATION_BEFORE_DATE = re.compile(
    r"\b(?P<n>\w+) (?P<u>days?|weeks?|months?|years?) (?:(?:earlier|before|ago|previously),?\s+(?:on\s+)?"
    # "On Tuesday, thirteen days after hosting the summit in Tirana on 28 February"
    r"|after\b[^.;]{0,80}?\bon\s+)$", re.I)
# The part every match of _RELATION_BEFORE_DATE contains (its unit), which starts with a space:
# most windows before a date lack it and are spared the pattern, which tries its leading \w+ at
# every word. tests/unit/test_pubdate.py checks it against strings the pattern matches.
_UNIT_OF_TIME = re.compile(r" (?:days?|weeks?|months?|years?) ", re.I)
_RELATION_AFTER_DATE = re.compile(
    r"^[^.;]{0,100}?,\s+(?P<n>\w+) (?P<u>days?|weeks?) (?P<dir>before|after) (?!it\b|that\b|this\b|then\b)[A-Za-z]", re.I)


def infer_published(text: str, exprs: list[DateExpr], claims: list[Claim],
                    events: dict[tuple[str, str], dt.date] | None = None) -> PublicationDate:
    found = _infer(text, exprs, claims, events)
    weekday = _todays_weekday(text, exprs)
    if found.date is None or weekday is None or found.method in ("stated_in_text", "relative_day_of_dated_event"):
        return found
    # "spoke to us in Kyiv today, Wednesday": the first such weekday on or after what the events give
    return PublicationDate(found.date + dt.timedelta(days=(weekday - found.date.weekday()) % 7),
                           found.method + "_on_todays_weekday")


def _todays_weekday(text: str, exprs: list[DateExpr]) -> int | None:
    """The weekday the text gives for 'today' ("today, Wednesday,"), if any."""
    for today, other in zip(exprs, exprs[1:]):
        if (today.kind == "relative_day" and today.offset_days == 0 and other.kind == "weekday"
                and other.qualifier is None and _APPOSITION.match(text[today.char_end:other.char_start])):
            return other.weekday
    return None


def _infer(text: str, exprs: list[DateExpr], claims: list[Claim],
           events: dict[tuple[str, str], dt.date] | None) -> PublicationDate:
    events = (known_events() if events is None else events) | _text_events(exprs, claims)
    stated = _stated(text, exprs)
    if stated is not None:
        return PublicationDate(stated, "stated_in_text")
    exact, weekday_days, anchored = _calendar_anchors(exprs, claims, events)
    exact += _apposed(text, exprs)
    if exact:
        return PublicationDate(Counter(exact).most_common(1)[0][0], "relative_day_of_dated_event")
    news_dated = any(expr.kind != "absolute" for expr, _ in anchored) or _weekday_dated(text, exprs)
    anchored += [(e, dt.date(e.year, e.month, e.day)) for e in exprs if e.kind == "absolute"]
    if anchored and not news_dated:
        anchored += _yearless_after_background(exprs, max(day for _, day in anchored))
    hard = [day for e, day in anchored if not e.future] + _relation_dates(text, anchored + _in_year_of(exprs, anchored))
    counted = _after_the_declaration(text, events)
    if counted and max(counted) > max(hard + weekday_days, default=dt.date.min):
        # "Six weeks after the Group of Seven promised ...": the article's own time
        return PublicationDate(max(counted), "counted_from_declaration")
    if weekday_days:
        day = max(weekday_days) + DAY
        floor = max(hard, default=day)
        return PublicationDate(max(day, floor + DAY), "calendar_weekday_plus_one")
    if hard:
        latest = max(hard)
        latest = max([latest] + _chained(exprs, latest))
        return PublicationDate(_past_weekday_after(exprs, latest) + DAY, "latest_event_plus_one")
    year = _current_year(exprs)
    if year is None:
        return PublicationDate(None, "unknown")
    year_end = dt.date(year, 12, 31)
    past = [r.date_end for e in exprs if e.kind == "yearless" and not e.future
            for r in [resolve(e, year_end)] if r.date_end]
    if not past:
        return PublicationDate(None, "unknown")
    latest = max(past)
    return PublicationDate(_past_weekday_after(exprs, latest) + DAY, "latest_yearless_plus_one")


_APPOSITION = re.compile(r"^\s*(?:,|\(|\u2013|\u2014|-)?\s*(?:on|in)?\s*$")


_STATED = re.compile(r"\b(?:compiled|published|written|updated|filed|posted|dated|correct|accurate)\s+(?:on|as of|as at)\s*$"
                     r"|\bas (?:of|at)\s*$", re.I)


# A wire dateline: "LONDON, July 19 (Reuters) -", "KYIV, 1 March (AFP) -".
_DATELINE = re.compile(r"^[A-Z][A-Z .'\u2019-]{1,40},\s+(?=\S[^()\n]{2,20}\((?:Reuters|AP|AFP|dpa|Bloomberg|UNIAN|Ukrinform|PAP)\))",
                       re.M)


def _stated(text: str, exprs: list[DateExpr]) -> dt.date | None:
    """'This timeline was compiled on 15 July 2024', 'as of 1 May 2024', a wire dateline: the text
    states its date (a dateline's year is the latest year the text names)."""
    for expr in exprs:
        if expr.kind == "absolute" and _STATED.search(text, max(0, expr.char_start - 30), expr.char_start):
            return dt.date(expr.year, expr.month, expr.day)
    for m in _DATELINE.finditer(text):
        expr = next((e for e in exprs if e.char_start == m.end()), None)
        if expr is not None and expr.kind == "absolute":
            return dt.date(expr.year, expr.month, expr.day)
        year = _current_year(exprs)
        if expr is not None and expr.kind == "yearless" and year is not None:
            try:
                return dt.date(year, expr.month, expr.day)
            except ValueError:
                return None
    return None


def _weekday_dated(text: str, exprs: list[DateExpr]) -> bool:
    """'said on Tuesday, 11 June 2024': a full date given with its weekday is the news, not background."""
    return any(a.kind == "weekday" and b.kind == "absolute" and _APPOSITION.match(text[a.char_end:b.char_start])
               for a, b in zip(exprs, exprs[1:]))


def _apposed(text: str, exprs: list[DateExpr]) -> list[dt.date]:
    """'A week ago today, on 2 November 2023': a relative day next to the full date it denotes
    gives the publication date exactly."""
    out = []
    for rel, other in zip(exprs, exprs[1:]):
        if rel.kind != "relative_day" or other.kind != "absolute" or rel.offset_days is None:
            continue
        if _APPOSITION.match(text[rel.char_end:other.char_start]):
            out.append(dt.date(other.year, other.month, other.day) - dt.timedelta(days=rel.offset_days))
    return out


def _yearless_after_background(exprs: list[DateExpr], background: dt.date) -> list[tuple[DateExpr, dt.date]]:
    """Without a calendar anchor on a date written without its year, a full date such as
    '12 July 2023' is usually background (writers
    add the year when it is not the current one); dates written without a year are the recent
    events, so each takes its first occurrence after the background date."""
    out = []
    for expr in exprs:
        if expr.kind != "yearless" or expr.future or expr.year_offset is not None:
            continue
        for year in (background.year, background.year + 1):
            try:
                day = dt.date(year, expr.month, expr.day_end or expr.day)
            except ValueError:
                continue
            if day > background:
                out.append((expr, day))
                break
    return out


def _text_events(exprs: list[DateExpr], claims: list[Claim]) -> dict[tuple[str, str], dt.date]:
    """(party, status) -> date where the text itself dates the event with one full date in the
    claim's own sentence or table row ("Bulgaria | joined | 22 Aug 2023"): the text's own calendar,
    which then dates "decided yesterday to join" elsewhere in the text like the reviewed one does."""
    out: dict[tuple[str, str], set[dt.date]] = {}
    for claim in claims:
        own = [e for e in exprs if claim.sentence_start <= e.char_start < claim.sentence_end]
        full = [e for e in own if e.kind == "absolute" and e.day is not None and not e.day_end]
        if len(own) == 1 and len(full) == 1:
            out.setdefault((claim.party, claim.status), set()).add(dt.date(full[0].year, full[0].month, full[0].day))
    return {key: next(iter(days)) for key, days in out.items() if len(days) == 1}


def _calendar_anchors(exprs, claims, events):
    """Dates the event calendar attaches to the text's own date expressions."""
    exact: list[dt.date] = []
    weekday_days: list[dt.date] = []
    hard: list[tuple[DateExpr, dt.date]] = []
    for claim in claims:
        known = events.get((claim.party, claim.status))
        if known is None:
            continue
        for expr in _claim_exprs(exprs, claim):
            if expr.future:
                continue
            if expr.kind == "relative_day" and (expr.offset_days is not None or expr.offset_months is not None):
                days = -expr.offset_days if expr.offset_days is not None else None
                months = -expr.offset_months if expr.offset_months is not None else None
                exact.append(shift(known, days=days, months=months))
            elif expr.kind == "weekday" and expr.weekday == known.weekday():
                weekday_days.append(known)
                hard.append((expr, known))
            elif expr.kind in ("yearless", "absolute") and _same_day(expr, known):
                hard.append((expr, known))
    return exact, weekday_days, hard


def _claim_exprs(exprs: list[DateExpr], claim: Claim) -> list[DateExpr]:
    own = [e for e in exprs if claim.sentence_start <= e.char_start < claim.sentence_end]
    if own or claim.context is None:
        return own
    start, end = claim.context
    return [e for e in exprs if start <= e.char_start < end]


def _same_day(expr: DateExpr, known: dt.date) -> bool:
    if expr.year is not None and expr.year != known.year:
        return False
    if expr.year_offset is not None:
        return False if expr.month != known.month else expr.day <= known.day <= (expr.day_end or expr.day)
    return expr.month == known.month and expr.day <= known.day <= (expr.day_end or expr.day)


def _relation_dates(text: str, anchored: list[tuple[DateExpr, dt.date]]) -> list[dt.date]:
    """Events dated by a relation to a dated expression: 'two years earlier, on 1 March 2022' dates
    the event being reported (1 March 2024); 'January 12, ..., ten days before Tusk's trip' dates
    the trip (January 22)."""
    out = []
    for expr, day in anchored:
        window = text[max(0, expr.char_start - 120):expr.char_start]
        before = _RELATION_BEFORE_DATE.search(window) if _UNIT_OF_TIME.search(window) else None
        if before:
            out.append(_shift(day, before.group("n"), before.group("u"), +1))
        after = _RELATION_AFTER_DATE.match(text[expr.char_end:expr.char_end + 160])
        if after:
            sign = +1 if after.group("dir").lower() == "before" else -1
            out.append(_shift(day, after.group("n"), after.group("u"), sign))
    return [d for d in out if d is not None]


# "Six weeks after the Group of Seven promised Ukraine ...": a time counted from the declaration.
_SINCE_DECLARATION = (r" (?:after|since) (?:the )?(?:G7|G-7|Group of Seven|Joint Declaration|"
                      r"Vilnius (?:declaration|summit|pledge))\b")
_AFTER_DECLARATION = re.compile(r"\b(?P<n>\w+) (?P<u>days?|weeks?|months?)" + _SINCE_DECLARATION, re.I)
# The part every match contains, which starts with a space: searching for it first spares the
# texts without it (nearly all) the full scan, which tries the leading \w+ at every word.
_SINCE_DECLARATION_TEST = re.compile(_SINCE_DECLARATION, re.I)


def _after_the_declaration(text: str, events: dict[tuple[str, str], dt.date]) -> list[dt.date]:
    adopted = [day for (_, status), day in events.items() if status == "declaration_founder"]
    if not adopted or not _SINCE_DECLARATION_TEST.search(text):
        return []
    out = [_shift(min(adopted), m.group("n"), m.group("u"), +1) for m in _AFTER_DECLARATION.finditer(text)]
    return [d for d in out if d is not None]


def _in_year_of(exprs: list[DateExpr], anchored: list[tuple[DateExpr, dt.date]]) -> list[tuple[DateExpr, dt.date]]:
    """Yearless dates in the year of the latest anchored one, for relations ("thirteen days after
    hosting the summit on 28 February")."""
    if not anchored:
        return []
    year = max(day for _, day in anchored).year
    out = []
    for expr in exprs:
        if expr.kind == "yearless" and not expr.future and expr.year_offset is None and expr.day:
            try:
                out.append((expr, dt.date(year, expr.month, expr.day)))
            except ValueError:
                pass
    return out


def _chained(exprs: list[DateExpr], anchor: dt.date) -> list[dt.date]:
    """Dates that follow from the anchor in text order: 'a day later', 'ten days before X'."""
    out = []
    reference = None
    for expr in exprs:
        resolved = resolve(expr, anchor, reference)
        if expr.kind in ("absolute", "yearless", "weekday", "anaphoric") and resolved.precision == "day":
            reference = resolved.date_start
            if expr.kind == "anaphoric" and not expr.future and resolved.date_start >= anchor:
                out.append(resolved.date_start)
    return out


def _shift(day: dt.date, number: str, unit: str, sign: int) -> dt.date | None:
    n = int(number) if number.isdigit() else NUMBER_WORDS.get(number.lower())
    if not n:
        return None
    unit = unit.lower()
    if unit.startswith("day"):
        return day + sign * dt.timedelta(days=n)
    if unit.startswith("week"):
        return day + sign * dt.timedelta(days=7 * n)
    if unit.startswith("month"):
        month = day.month - 1 + sign * n
        year, month = day.year + month // 12, month % 12 + 1
        return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    try:
        return day.replace(year=day.year + sign * n)
    except ValueError:
        return day.replace(year=day.year + sign * n, day=28)


def _past_weekday_after(exprs: list[DateExpr], latest: dt.date) -> dt.date:
    """A past weekday the text mentions ('on Monday') that falls on or after the latest event.
    'Last Friday' does not move it: it names a day before the publication's week, which the day
    after the latest event already has."""
    days = [latest + dt.timedelta(days=(e.weekday - latest.weekday()) % 7)
            for e in exprs if e.kind == "weekday" and not e.future and e.qualifier not in ("next", "last")]
    return max([latest] + days)


def _current_year(exprs: list[DateExpr]) -> int | None:
    years = [e.year for e in exprs if e.kind == "year"]
    if years:
        return max(years)
    years = [e.year for e in exprs if e.kind in ("absolute", "month_year") and e.year]
    return max(years) if years else None
