"""Date expressions: finding them in text and resolving them to calendar dates.

Finding is pure pattern matching over the text (targeted regular expressions: dateparser is about
100 times slower on this kind of text and mis-spans ranges). Resolving follows the annotation
guidelines (section 4.2): a missing year is the nearest one not after the publication date (on or
after it when the text signals the future); weekdays and relative days count from the publication
date; anaphoric expressions ("the same evening", "a day later") count from the event dated just
before them in the text.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

DATE_KINDS = ("absolute", "yearless", "month", "month_year", "month_span", "year", "weekday",
              "relative_day", "relative_month", "anaphoric")
RESOLUTIONS = ("text", "publication_date", "reference", "unresolved")

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # Polish genitive forms, as in "12 stycznia 2024" (translated and quoted Polish sources).
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7,
    "sierpnia": 8, "września": 9, "wrzesnia": 9, "października": 10, "pazdziernika": 10,
    "listopada": 11, "grudnia": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                "nineteen": 19, "twenty": 20, "thirty": 30,
                "several": None, "few": None, "couple": 2}


@dataclass(frozen=True)
class DateExpr:
    """A date expression found in text, before resolution. Offsets are relative to the scanned text."""

    char_start: int
    char_end: int
    surface: str
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    month_end: int | None = None  # spans: "July 11-12", "in January and February"
    day_end: int | None = None
    weekday: int | None = None
    qualifier: str | None = None  # last | next | this (weekdays, months)
    offset_days: int | None = None  # relative days and anaphora: -1 for "yesterday" / "the day before"
    offset_months: int | None = None  # "a year ago today": -12
    year_offset: int | None = None  # "12 July last year": -1
    future: bool = False  # the context points forward ("will sign on Friday", "later today")


@dataclass(frozen=True)
class ResolvedDate:
    date_start: dt.date | None
    date_end: dt.date | None
    precision: str | None
    resolved_by: str


UNRESOLVED = ResolvedDate(None, None, None, "unresolved")

# ----------------------------------------------------------------------------------- patterns
MONTH_ALT = (r"January|February|March|April|May|June|July|August|September|October|November|December"
              r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
              r"|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|wrze[sś]nia|pa[zź]dziernika|listopada|grudnia")
_DASH = r"\s*(?:-|\u2013|\u2014|to|and)\s*"
_YEAR_REL = r"(?:\s+(?P<yrel>last|this|next)\s+year)"


def _month(g: str) -> str:
    return "(?P<" + g + ">" + MONTH_ALT + ")"


def _day(g: str) -> str:
    return "(?P<" + g + r">[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"


def _year(g: str) -> str:
    return "(?P<" + g + r">(?:19|20)\d\d)"


_YEAR_TAIL = r"(?:,?\s+" + _year("y") + r"\b|" + _YEAR_REL + ")?"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")),
    # Day-first numeric dates, as Polish and German sources write them: 12.01.2024
    ("dotted", re.compile(r"\b(?P<d>0?[1-9]|[12]\d|3[01])\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>(?:19|20)\d{2})\b")),
    ("month_day", re.compile(r"\b" + _month("m") + r"\s+" + _day("d") + "(?:" + _DASH + _day("d2") + r"(?!\d))?"
                             + _YEAR_TAIL + r"(?![\d:])")),
    ("day_month", re.compile(r"\b" + _day("d") + "(?:" + _DASH + _day("d2") + r")?\s+(?:of\s+)?" + _month("m") + r"\b"
                             + _YEAR_TAIL)),
    ("month_year", re.compile(r"\b(?:(?:early|late|mid-?)\s*)?" + _month("m") + r"\s+" + _year("y") + r"\b")),
    ("month_span", re.compile(r"\b(?i:in|during|between|from|since)\s+" + _month("m")
                              + r"\s+(?:and|to|through|until|-|\u2013)\s+" + _month("m2") + r"\b(?:\s+" + _year("y") + r"\b)?")),
    ("month", re.compile(r"\b(?:(?P<q>(?i:last|this|next|in|during|since|until|by|of|early|late|mid|from|the end of"
                         r"|the beginning of|the start of|at the end of|end of))(?:\s+|-))" + _month("m") + r"\b(?!\s+\d)")),
    ("month_possessive", re.compile(r"\b" + _month("m") + r"(?:'s|\u2019s)\b")),
    ("year", re.compile(r"(?<![\d.,$\u20ac\u00a3-])\b(?P<y>(?:19|20)\d{2})\b(?![\d%]|[.,]\d|\s*(?:euros?|dollars?|km|kilometres|troops|soldiers|people|million|billion|tonnes))")),
    ("weekday", re.compile(r"\b(?:(?P<q>(?i:last|next|this|on|early|late|later on|earlier on|by|until|since))\s+)?"
                           r"(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                           r"(?:'s|\u2019s)?(?:\s+(?:morning|afternoon|evening|night))?\b")),
    ("relative_day", re.compile(r"\b(?:(?P<later>later|earlier)\s+)?(?P<r>today|tonight|this (?:morning|afternoon|evening)|yesterday(?:'s|\u2019s)?|last night"
                                r"|tomorrow(?:'s|\u2019s)?|the day before yesterday|the day after tomorrow"
                                r"|(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) (?P<u>days?|weeks?|months?|years?) ago(?: today)?)\b", re.I)),
    ("relative_month", re.compile(r"\b(?P<q>last|this|next) month\b", re.I)),
    ("anaphoric", re.compile(r"\b(?:(?:the|that) (?:very )?same (?:day|evening|morning|afternoon|night)"
                             r"|(?:by|later in|during) the (?:evening|afternoon|night)|(?:later|earlier) (?:that|the same) day"
                             r"|that (?:day|evening|morning|afternoon|night)"
                             r"|(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) (?P<u>days?|weeks?) (?P<dir>later|earlier|afterwards|before|after)"
                             r"|(?:hours|minutes|moments) (?:earlier|later|before|after)"
                             r"|the (?P<nx>next|following|previous|preceding) (?P<nu>day|morning|evening|afternoon|night)"
                             r"|the day (?P<ba>before|after)"
                             r"|(?:on )?the eve of"
                             r"|the very day (?:it|that|the declaration|the document) was (?:unveiled|adopted|issued|announced|published|agreed))\b", re.I)),
]
# "N days before/after" followed by a noun phrase counts from that event, not from the one before.
_RELATIVE_TO_NAMED_EVENT = re.compile(r"\s+(?!it\b|that\b|this\b|then\b)[A-Za-z]", re.I)
_FUTURE_CUES = re.compile(
    r"\b(?:will|would|shall|is due|are due|was due|were due|due to|expected|scheduled|set to|plans? to|planned|"
    r"intends? to|is to|are to|opens on|next|upcoming|later on|later today|tomorrow)\b", re.I)


# Anchored scanning: each pattern runs only in a small window around a word it must contain (a
# month, a weekday, a four-digit number, "yesterday", "later" ...). Trying every pattern at every
# position of the text costs ten times more; this is the approach measured in
# shared/research/extraction_perf.md. Keywords for the case-insensitive patterns are found in the
# lower-cased text with plain alternations, which Python's regex engine scans much faster.
_MONTH_WORD = re.compile(MONTH_ALT)
_ANCHORS: list[tuple[re.Pattern, bool, tuple[str, ...]]] = [
    (_MONTH_WORD, False, ("month_day", "day_month", "month_year", "month_span", "month", "month_possessive")),
    (re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"), False, ("weekday",)),
    (re.compile(r"\d{4}"), False, ("iso", "dotted", "year")),
    (re.compile(r"today|tonight|yesterday|tomorrow|ago|this morning|this afternoon|this evening|last night"), True,
     ("relative_day",)),
    (re.compile(r"month"), True, ("relative_month",)),
    (re.compile(r"same|that (?:day|evening|morning|afternoon|night)|later|earlier|before|after|next|following|previous|"
                r"preceding|eve of|very day|the (?:evening|afternoon|night)|hours|minutes|moments"), True, ("anaphoric",)),
]
_BY_NAME = dict(_PATTERNS)
_BEFORE, _AFTER = 40, 60  # window around an anchor: every expression fits in it
# A part that every match of a pattern contains, as a pattern without assertions: a window where
# it is not found holds no match, and the pattern is not run there. The test is exact (a regex
# search finds any substring of the window in its language) and cheap: unlike the patterns, which
# start with \b, it lets the engine skip ahead to the characters it can start with.
_MONTH_GROUP = "(?:" + MONTH_ALT + ")"
_NEEDED: dict[str, re.Pattern] = {
    "iso": re.compile(r"\d-\d"),
    "dotted": re.compile(r"\d\.\d"),
    "month_day": re.compile(_MONTH_GROUP + r"\s+\d"),
    "day_month": re.compile(r"\d(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_GROUP),
    "month_year": re.compile(r"(?:19|20)\d\d"),
    "month_span": re.compile(_MONTH_GROUP + r"\s+(?:and|to|through|until|-|\u2013)\s+" + _MONTH_GROUP),
    "month_possessive": re.compile(r"'s|\u2019s"),
}


def _candidate_matches(text: str, skip_by_needed: bool = True):
    """(pattern name, match) for every expression, each found once; `skip_by_needed=False` runs
    every pattern in every window of its anchor (for tests)."""
    lower = text.lower()
    if len(lower) != len(text):  # a few characters change length when lower-cased: scan everything
        for name, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                yield name, m
        return
    seen: set[tuple[str, int, int]] = set()
    for anchor, on_lower, names in _ANCHORS:
        for hit in anchor.finditer(lower if on_lower else text):
            lo, hi = max(0, hit.start() - _BEFORE), min(len(text), hit.end() + _AFTER)
            for name in names:
                needed = _NEEDED.get(name)
                if skip_by_needed and needed is not None and not needed.search(text, lo, hi):
                    continue
                for m in _BY_NAME[name].finditer(text, lo, hi):
                    key = (name, m.start(), m.end())
                    if key not in seen:
                        seen.add(key)
                        yield name, m


def find_dates(text: str) -> list[DateExpr]:
    """All date expressions in `text`, non-overlapping, longest first, in text order."""
    found: list[DateExpr] = []
    for name, m in _candidate_matches(text):
        expr = _build(name, m)
        if expr is not None and name == "anaphoric" and m.group().lower().endswith(("before", "after")) \
                and _RELATIVE_TO_NAMED_EVENT.match(text, m.end()):
            expr = replace(expr, offset_days=None)  # "ten days before Tusk's trip": dated from the trip
        if expr is not None:
            found.append(expr)
    found.sort(key=lambda e: (e.char_start, -(e.char_end - e.char_start)))
    kept: list[DateExpr] = []
    for expr in found:
        if kept and expr.char_start < kept[-1].char_end:
            continue
        future = _future_context(text, expr)
        kept.append(expr if future == expr.future else replace(expr, future=future))  # replace() is slow
    return kept


def _future_context(text: str, expr: DateExpr) -> bool:
    """Does the clause before the expression (or the expression itself) point forward in time?

    Only expressions counted from the publication date can point forward; an anaphor ("on the
    eve of", "a day later") counts from an event the text has already dated.
    """
    if expr.kind in ("anaphoric", "absolute", "month_year", "year"):
        return False
    if expr.qualifier == "next" or (expr.offset_days or 0) > 0 and expr.kind == "relative_day":
        return True
    clause_start = max(text.rfind(sep, 0, expr.char_start) for sep in (". ", "; ", "\n", ", while", ", but"))
    window = text[max(0, clause_start, expr.char_start - 80):expr.char_end]
    return bool(_FUTURE_CUES.search(window))


def _month(token: str | None) -> int | None:
    return MONTHS[token.rstrip(".").lower()] if token else None


def _number(token: str) -> int | None:
    return int(token) if token.isdigit() else NUMBER_WORDS.get(token.lower())


def _build(name: str, m: re.Match) -> DateExpr | None:
    g = m.groupdict()
    base = dict(char_start=m.start(), char_end=m.end(), surface=m.group())
    if name in ("iso", "dotted"):
        return _checked(DateExpr(kind="absolute", year=int(g["y"]), month=int(g["m"]), day=int(g["d"]), **base))
    if name in ("month_day", "day_month"):
        month, day = _month(g["m"]), int(g["d"])
        day_end = int(g["d2"]) if g.get("d2") else None
        if day_end is not None and day_end <= day:
            return None
        year = int(g["y"]) if g.get("y") else None
        year_offset = {"last": -1, "this": 0, "next": 1}.get(g.get("yrel") or "")
        kind = "absolute" if year else "yearless"
        return _checked(DateExpr(kind=kind, year=year, month=month, day=day, day_end=day_end,
                                 year_offset=year_offset, **base))
    if name == "month_year":
        return DateExpr(kind="month_year", year=int(g["y"]), month=_month(g["m"]), **base)
    if name == "month_span":
        m1, m2 = _month(g["m"]), _month(g["m2"])
        year = int(g["y"]) if g.get("y") else None
        return DateExpr(kind="month_span", year=year, month=m1, month_end=m2, **base)
    if name in ("month", "month_possessive"):
        if g["m"] == "May" and not g.get("q"):
            return None  # "May" alone is as likely the modal verb
        q = (g.get("q") or "").lower()
        qualifier = q if q in ("last", "this", "next") else None
        return DateExpr(kind="month", month=_month(g["m"]), qualifier=qualifier, **base)
    if name == "year":
        return DateExpr(kind="year", year=int(g["y"]), **base)
    if name == "weekday":
        q = (g.get("q") or "").lower()
        qualifier = {"last": "last", "next": "next", "this": "this"}.get(q)
        return DateExpr(kind="weekday", weekday=WEEKDAYS[g["w"].lower()], qualifier=qualifier,
                        future=q in ("later on", "next"), **base)
    if name == "relative_day":
        unit = (g.get("u") or "").lower()
        if unit.startswith(("month", "year")):
            n = _number(g["n"])
            months = None if n is None else -n * (12 if unit.startswith("year") else 1)
            return DateExpr(kind="relative_day", offset_months=months, **base)
        return DateExpr(kind="relative_day", offset_days=_relative_offset(g), **base)
    if name == "relative_month":
        return DateExpr(kind="relative_month", offset_months={"last": -1, "this": 0, "next": 1}[g["q"].lower()], **base)
    if name == "anaphoric":
        return DateExpr(kind="anaphoric", offset_days=_anaphor_offset(m.group().lower(), g), **base)
    raise ValueError(name)


def _checked(expr: DateExpr) -> DateExpr | None:
    """Drop impossible days ("February 31") instead of guessing."""
    limit = 29 if expr.month == 2 else calendar.monthrange(2001, expr.month)[1]
    if expr.day > limit or (expr.day_end or 0) > limit:
        return None
    if expr.year and expr.month == 2 and expr.day == 29 and not calendar.isleap(expr.year):
        return None
    return expr


def _relative_offset(g: dict) -> int | None:
    r = g["r"].lower()
    if r.startswith(("today", "tonight", "this ")):
        return 0
    if r.startswith("yesterday") or r == "last night":
        return -1
    if r.startswith("tomorrow"):
        return 1
    if r == "the day before yesterday":
        return -2
    if r == "the day after tomorrow":
        return 2
    n = _number(g["n"])
    if n is None:
        return None
    return -n * (7 if g["u"].lower().startswith("week") else 1)


def _anaphor_offset(surface: str, g: dict) -> int | None:
    if g.get("n"):
        n = _number(g["n"])
        if n is None:
            return None
        n *= 7 if g["u"].lower().startswith("week") else 1
        return -n if g["dir"].lower() in ("earlier", "before") else n
    if g.get("nx"):
        return 1 if g["nx"].lower() in ("next", "following") else -1
    if g.get("ba"):
        return -1 if g["ba"].lower() == "before" else 1
    if "eve of" in surface:
        return -1
    return 0


# ----------------------------------------------------------------------------------- resolution
def resolve(expr: DateExpr, published: dt.date | None, reference: dt.date | None = None) -> ResolvedDate:
    """Turn an expression into dates, given the publication date and the preceding event's date."""
    kind = expr.kind
    if kind == "absolute":
        return _days(expr.year, expr.month, expr.day, expr.day_end, "text")
    if kind == "month_year":
        return _month_span(expr.year, expr.month, expr.year, expr.month, "text")
    if kind == "year":
        return ResolvedDate(dt.date(expr.year, 1, 1), dt.date(expr.year, 12, 31), "year", "text")
    if kind == "month_span" and expr.year:
        return _month_span(expr.year, expr.month, expr.year, expr.month_end, "text")
    if kind == "anaphoric":
        if reference is None or expr.offset_days is None:
            return UNRESOLVED
        day = reference + dt.timedelta(days=expr.offset_days)
        return ResolvedDate(day, day, "day", "reference")
    if published is None:
        return UNRESOLVED
    return _resolve_against(expr, published)


def _resolve_against(expr: DateExpr, published: dt.date) -> ResolvedDate:
    kind = expr.kind
    if kind == "yearless":
        if expr.year_offset is not None:
            year = published.year + expr.year_offset
        else:
            year = _nearest_year(published, expr.month, expr.day, expr.future)
        return _days(year, expr.month, expr.day, expr.day_end, "publication_date")
    if kind in ("month", "month_span"):
        year = _month_year(expr, published)
        end_year = year if (expr.month_end or expr.month) >= expr.month else year + 1
        return _month_span(year, expr.month, end_year, expr.month_end or expr.month, "publication_date")
    if kind == "weekday":
        day = _weekday(expr, published)
        return ResolvedDate(day, day, "day", "publication_date")
    if kind == "relative_month":
        first = shift(published.replace(day=1), months=expr.offset_months)
        return _month_span(first.year, first.month, first.year, first.month, "publication_date")
    if kind == "relative_day":
        day = shift(published, days=expr.offset_days, months=expr.offset_months)
        if day is None:
            return UNRESOLVED
        return ResolvedDate(day, day, "day", "publication_date")
    return UNRESOLVED


def shift(day: dt.date, days: int | None = None, months: int | None = None) -> dt.date | None:
    """`day` moved by whole days or calendar months (the day of month clamped: Mar 31 - 1 month = Feb 29)."""
    if days is not None:
        return day + dt.timedelta(days=days)
    if months is None:
        return None
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _days(year: int, month: int, day: int, day_end: int | None, how: str) -> ResolvedDate:
    try:
        start = dt.date(year, month, day)
        end = dt.date(year, month, day_end) if day_end else start
    except ValueError:
        return UNRESOLVED
    return ResolvedDate(start, end, "day", how)


def _month_span(y1: int, m1: int, y2: int, m2: int, how: str) -> ResolvedDate:
    last = calendar.monthrange(y2, m2)[1]
    return ResolvedDate(dt.date(y1, m1, 1), dt.date(y2, m2, last), "month", how)


def _nearest_year(published: dt.date, month: int, day: int, future: bool) -> int:
    """Year of the nearest (month, day) not after `published`, or on/after it when `future`."""
    year = published.year
    if month == 2 and day == 29:
        candidates = [y for y in range(year - 4, year + 5) if calendar.isleap(y)]
    else:
        candidates = [year - 1, year, year + 1]
    dates = [dt.date(y, month, day) for y in candidates]
    if future:
        return min(d for d in dates if d >= published).year
    return max(d for d in dates if d <= published).year


def _month_year(expr: DateExpr, published: dt.date) -> int:
    """Year of a bare month: 'last July' / 'in June' is the latest such month not after publication."""
    year = published.year
    if expr.qualifier == "last":
        return year if expr.month < published.month else year - 1
    if expr.qualifier == "this":
        return year
    if expr.qualifier == "next" or expr.future:
        return year if expr.month >= published.month else year + 1
    return year if expr.month <= published.month else year - 1


def _weekday(expr: DateExpr, published: dt.date) -> dt.date:
    """'On Friday' in a past statement: the latest Friday on or before publication; 'last Friday':
    strictly before; 'next Friday' or a future context: the nearest on or after (strictly after for 'next')."""
    delta_back = (published.weekday() - expr.weekday) % 7
    delta_fwd = (expr.weekday - published.weekday()) % 7
    if expr.qualifier == "next":
        return published + dt.timedelta(days=delta_fwd or 7)
    if expr.future and expr.qualifier != "last":
        return published + dt.timedelta(days=delta_fwd)
    if expr.qualifier == "last":
        return published - dt.timedelta(days=delta_back or 7)
    return published - dt.timedelta(days=delta_back)
