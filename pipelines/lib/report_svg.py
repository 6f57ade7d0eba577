"""The report's two charts as inline SVG, drawn in Python: a timeline of events and a tile map.

SVG written here, rather than a chart library run in the browser, keeps `report.html` one static
file that opens with no network and no script, and makes it byte-identical for the same data
(coordinates are rounded, every list is in a fixed order). Each mark carries its data as
`data-*` attributes and a `<title>` (the hover text), so a test in a real browser can check that
the chart drawn is the release's data.

The tile map's layout is reviewed data, `data/tile_grid.csv` (iso2, row, col and why the tile
sits there): equal squares in roughly geographic places, so that small countries such as Kosovo,
Luxembourg or Montenegro are as visible as large ones.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from html import escape
from pathlib import Path

from pipelines.lib.vocab import AGREEMENT_STATUSES, STATUSES

TILE_GRID = Path(__file__).parent / "data" / "tile_grid.csv"

# One colour per status (ColorBrewer PuOr/BrBG-like, distinguishable in grey scale by lightness).
STATUS_COLOURS = {
    "signed": "#1b7837",
    "negotiating": "#e08214",
    "declaration_founder": "#2c3e8f",
    "declaration_joined": "#5e8fd0",
    "supporter": "#a9c8ec",
}
NO_STATUS_COLOUR = "#e4e4e4"
# Ukraine is the other side of every agreement and the subject of the declaration, not a party to them.
COUNTERPART, COUNTERPART_COLOUR = "UA", "#ffd500"
STATUS_LABELS = {
    "signed": "signed an agreement",
    "negotiating": "negotiating an agreement",
    "declaration_founder": "founded the declaration",
    "declaration_joined": "joined the declaration",
    "supporter": "supports the declaration",
}
assert set(STATUS_COLOURS) == set(STATUSES) == set(STATUS_LABELS)

TIMELINE_WIDTH = 960
_LABEL_WIDTH = 170
_LANE = 26
_MIN_BAR = 12  # px: a span of a day or two stays visible as a bar
_TOP = 28
_TILE = 44
_GAP = 4
# Above this many events the timeline draws one bar per party, status and period instead of one mark per
# event: at 10,000 benchmark documents (62,000 events) a mark per event made report.html 23 MB, which a
# browser opens slowly and nobody can read. The finest period whose bars fit under the cap is used.
MAX_TIMELINE_MARKS = 2000
PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Tile:
    iso2: str
    row: int
    col: int


def load_tile_grid(path: Path = TILE_GRID) -> list[Tile]:
    """The reviewed layout, in file order; one tile per code and per cell (checked by the tests)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [Tile(r["iso2"], int(r["row"]), int(r["col"])) for r in csv.DictReader(fh)]


def text_colour(fill: str) -> str:
    red, green, blue = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if (0.299 * red + 0.587 * green + 0.114 * blue) < 150 else "#1a1a1a"


def _num(value: float) -> str:
    """Coordinates rounded to 0.1 px and written without a trailing .0: stable text for stable bytes."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def tile_map(parties: list[dict], names: dict[str, str], tiles: list[Tile]) -> tuple[str, list[dict]]:
    """The tile map and the parties that have no tile (listed under the map, never dropped).

    `parties` are country_status rows (iso2, name, status, date_start); `names` gives the name of a
    tile that is not a party."""
    by_code = {p["iso2"]: p for p in parties}
    rows = max(t.row for t in tiles) + 1
    cols = max(t.col for t in tiles) + 1
    width, height = cols * (_TILE + _GAP), rows * (_TILE + _GAP)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="tile-map" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-label="Tile map of the parties by current status">']
    for tile in sorted(tiles, key=lambda t: (t.row, t.col)):
        party = by_code.get(tile.iso2)
        status = party["status"] if party else None
        counterpart = tile.iso2 == COUNTERPART and not party
        fill = STATUS_COLOURS[status] if status else COUNTERPART_COLOUR if counterpart else NO_STATUS_COLOUR
        outline = "" if status or counterpart else ' stroke="#c8c8c8"'
        name = (party or {}).get("name") or names.get(tile.iso2, tile.iso2)
        hover = f"{name} ({tile.iso2}): " + (_status_text(party) if party else "the counterpart of every agreement"
                                            if counterpart else "not a party in this release")
        status = status or ("counterpart" if counterpart else None)
        x, y = tile.col * (_TILE + _GAP), tile.row * (_TILE + _GAP)
        out.append(f'<g class="tile" data-iso2="{escape(tile.iso2)}" data-status="{status or "none"}">'
                   f'<title>{escape(hover)}</title>'
                   f'<rect x="{x}" y="{y}" width="{_TILE}" height="{_TILE}" rx="4" fill="{fill}"{outline}/>'
                   f'<text x="{_num(x + _TILE / 2)}" y="{_num(y + _TILE / 2 + 5)}" text-anchor="middle" '
                   f'font-size="14" font-weight="600" fill="{text_colour(fill)}">{escape(tile.iso2)}</text></g>')
    out.append("</svg>")
    placed = {t.iso2 for t in tiles}
    return "".join(out), [p for p in parties if p["iso2"] not in placed]


def _status_text(party: dict) -> str:
    date = party.get("date_start")
    return STATUS_LABELS[party["status"]] + (f", {date.isoformat()}" if date else ", undated")


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def event_count(events: list[dict]) -> int:
    """How many events the rows stand for: a row is one event, or `n_events` of one party and status
    in one month (how the report reads a timeline too long to draw event by event)."""
    return sum(e.get("n_events", 1) for e in events)


def timeline_period(events: list[dict], max_marks: int = MAX_TIMELINE_MARKS) -> str | None:
    """None when every event gets its own mark; otherwise the finest period ("month", "quarter",
    "year") whose groups (party, status, period) number at most `max_marks`, or "year" when none does."""
    if event_count(events) <= max_marks:
        return None
    # Months first (one C-level replace per event), then coarser periods over that small set.
    months = {(e["iso2"], e["status"], e["date_start"].replace(day=1)) for e in events}
    for period in PERIODS:
        if len({(iso2, status, _period_start(month, period)) for iso2, status, month in months}) <= max_marks:
            return period
    return PERIODS[-1]


def timeline(events: list[dict], max_marks: int = MAX_TIMELINE_MARKS) -> str:
    """Every dated event on a time axis, one lane per party (in order of its first event).

    `events` are timeline-view rows (date_start, date_end, iso2, name, status, n_documents,
    evidence). A single day is a mark (a circle for an agreement event, a diamond for a declaration
    event); a span ('in January and February') is a bar over its days. Beyond `max_marks` events,
    one bar per party, status and period (`timeline_period`) stands for all of its events; then
    `events` may also be their sums by party, status and month (`event_count`), which draw the same."""
    if not events:
        return '<p class="empty">No dated event in this release.</p>'
    lanes: list[str] = []
    names: dict[str, str] = {}
    for event in events:  # the view returns them in date order
        if event["iso2"] not in names:
            lanes.append(event["iso2"])
            names[event["iso2"]] = event["name"] or event["iso2"]
    first = min(e["date_start"] for e in events)
    last = max(e["date_end"] or e["date_start"] for e in events)
    period = timeline_period(events, max_marks)
    # a group's bar covers its whole period, which may start before the first event
    start = _period_start(first, period or "month")
    end = _period_end(last, period or "month")
    span_days = (end - start).days
    plot = TIMELINE_WIDTH - _LABEL_WIDTH - 16
    height = _TOP + len(lanes) * _LANE + 8

    def x_of(day: dt.date) -> float:
        return _LABEL_WIDTH + plot * (day - start).days / span_days

    def y_of(iso2: str) -> float:
        return _TOP + lane_of[iso2] * _LANE + _LANE / 2

    lane_of = {iso2: i for i, iso2 in enumerate(lanes)}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {TIMELINE_WIDTH} {height}" '
           f'width="{TIMELINE_WIDTH}" height="{height}" role="img" '
           f'aria-label="Timeline of signings, negotiations and declaration events">']
    out += _month_ticks(start, end, x_of, height)
    for iso2 in lanes:
        y = y_of(iso2)
        out.append(f'<g class="lane" data-iso2="{escape(iso2)}">'
                   f'<line x1="{_LABEL_WIDTH}" x2="{TIMELINE_WIDTH - 16}" y1="{_num(y)}" y2="{_num(y)}" '
                   f'stroke="#eeeeee"/>'
                   f'<text x="{_LABEL_WIDTH - 8}" y="{_num(y + 4)}" text-anchor="end" font-size="12">'
                   f'{escape(names[iso2])}</text></g>')
    if period:
        for group in _groups(events, period):
            out.append(_group_mark(group, period, x_of, y_of(group[0]["iso2"])))
    else:
        for event in events:
            out.append(_event_mark(event, x_of, y_of(event["iso2"])))
    out.append("</svg>")
    return "".join(out)


def _period_start(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def _period_end(day: dt.date, period: str) -> dt.date:
    """The first day after the period that holds `day`."""
    if period == "year":
        return dt.date(day.year + 1, 1, 1)
    start = _period_start(day, period)
    for _ in range(1 if period == "month" else 3):
        start = _next_month(start)
    return start


def _groups(events: list[dict], period: str) -> list[list[dict]]:
    """Events by (party, status, period of date_start), in order of each group's first event."""
    groups: dict[tuple, list[dict]] = {}
    for event in events:
        groups.setdefault((event["iso2"], event["status"], _period_start(event["date_start"], period)), []).append(event)
    return list(groups.values())


def _group_mark(group: list[dict], period: str, x_of, y: float) -> str:
    """One bar over a period for all of one party's events of one status in it; the hover text says
    how many events, their first and last dates and how many documents report them."""
    first, status = group[0], group[0]["status"]
    begin = _period_start(first["date_start"], period)
    end = _period_end(first["date_start"], period)
    last = max(e["date_end"] or e["date_start"] for e in group)
    sources = sum(e["n_documents"] for e in group)
    count = event_count(group)
    hover = (f"{first['name'] or first['iso2']}: {STATUS_LABELS[status]}: {count} event"
             f"{'' if count == 1 else 's'} from {first['date_start'].isoformat()} to {last.isoformat()} "
             f"({sources} report{'' if sources == 1 else 's'})")
    attrs = (f'class="event-group" data-iso2="{escape(first["iso2"])}" data-status="{status}" '
             f'data-period="{period}" data-from="{begin.isoformat()}" data-count="{count}"')
    colour = STATUS_COLOURS[status]
    y += -4 if status in AGREEMENT_STATUSES else 4
    x1, x2 = x_of(begin), x_of(end)
    return (f'<g {attrs}><title>{escape(hover)}</title><rect x="{_num(x1)}" y="{_num(y - 4)}" '
            f'width="{_num(max(x2 - x1, _MIN_BAR))}" height="8" fill="{colour}" fill-opacity="0.7" '
            f'stroke="{colour}"/></g>')


def _month_ticks(start: dt.date, end: dt.date, x_of, height: int) -> list[str]:
    months = []
    day = start
    while day <= end:
        months.append(day)
        day = _next_month(day)
    step = max(1, -(-len(months) // 12))  # at most about 12 labels
    out = []
    for i, month in enumerate(months):
        x = _num(x_of(month))
        out.append(f'<line class="tick" x1="{x}" x2="{x}" y1="{_TOP - 6}" y2="{height - 8}" stroke="#dddddd"/>')
        if i % step == 0 and month < end:
            out.append(f'<text class="tick-label" x="{x}" y="{_TOP - 10}" font-size="11" fill="#555555">'
                       f'{month:%Y-%m}</text>')
    return out


def _event_mark(event: dict, x_of, y: float) -> str:
    """Agreement events sit just above the lane line as circles, declaration events just below as
    diamonds, so that both statuses of one party on one day stay visible."""
    status, day, last = event["status"], event["date_start"], event["date_end"]
    colour = STATUS_COLOURS[status]
    when = day.isoformat() + (f" to {last.isoformat()}" if last else "")
    sources = event["n_documents"]
    hover = (f"{event['name'] or event['iso2']}: {STATUS_LABELS[status]}, {when} "
             f"({sources} source{'' if sources == 1 else 's'}). {event['evidence']}")
    attrs = (f'class="event" data-iso2="{escape(event["iso2"])}" data-status="{status}" '
             f'data-date="{day.isoformat()}"')
    agreement = status in AGREEMENT_STATUSES
    y += -4 if agreement else 4
    if last:
        x1, x2 = x_of(day), x_of(last + dt.timedelta(days=1))
        shape = (f'<rect x="{_num(x1)}" y="{_num(y - 4)}" width="{_num(max(x2 - x1, _MIN_BAR))}" height="8" rx="4" '
                 f'fill="{colour}" fill-opacity="0.45" stroke="{colour}"/>')
    elif agreement:
        shape = f'<circle cx="{_num(x_of(day))}" cy="{_num(y)}" r="5.5" fill="{colour}" stroke="#ffffff"/>'
    else:
        x = x_of(day)
        points = " ".join(f"{_num(px)},{_num(py)}" for px, py in ((x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)))
        shape = f'<polygon points="{points}" fill="{colour}" stroke="#ffffff"/>'
    return f'<g {attrs}><title>{escape(hover)}</title>{shape}</g>'


def legend(tiles: bool = False) -> str:
    """The colour key as HTML; the tile map's adds the tiles that are not parties."""
    keys = [(s, STATUS_COLOURS[s], STATUS_LABELS[s]) for s in STATUSES]
    if tiles:
        keys += [("none", NO_STATUS_COLOUR, "not a party"), ("counterpart", COUNTERPART_COLOUR, "Ukraine")]
    items = "".join(f'<li data-status="{key}"><span class="swatch" style="background:{colour}"></span>'
                    f'{escape(label)}</li>' for key, colour, label in keys)
    return f'<ul class="legend">{items}</ul>'
