"""report.html: in every release, listed in the manifest, reproducible, offline, and showing the release's data."""
from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd

from pipelines.lib import report, report_svg
from pipelines.lib.release_audit import AuditLimits
from pipelines.lib.tables import ValidationReport
from pipelines.lib.verify import check_files, sha256_file
from schemas import TABLES
from tests.report.page import parse

D = dt.date


def _page(release):
    return parse((release / report.REPORT).read_text(encoding="utf-8"))


def test_every_release_has_the_report_listed_in_its_manifest(releases):
    for release in (releases.previous, releases.current):
        manifest = json.loads((release / "manifest.json").read_text())
        entry = manifest["files"][report.REPORT]
        assert entry["sha256"] == sha256_file(release / report.REPORT)
        assert entry["bytes"] == (release / report.REPORT).stat().st_size
        assert check_files(release, manifest) == []


def test_the_same_release_content_gives_the_same_bytes(current):
    """Rendering the published release again reproduces the published page byte for byte: nothing on it
    depends on when or where it was drawn."""
    manifest = json.loads((current / "manifest.json").read_text())
    again = report.render(report.load(current, manifest), stages={}, limits=AuditLimits())
    assert again.encode("utf-8") == (current / report.REPORT).read_bytes()


def test_the_page_loads_nothing_from_anywhere(current):
    html = (current / report.REPORT).read_text(encoding="utf-8")
    page = parse(html)
    assert not page.find_all("script") and not page.find_all("link") and not page.find_all("img")
    for node in page.iter():
        for name in ("src", "href", "xlink:href", "action", "data"):
            value = node.attrs.get(name, "")
            assert not re.match(r"^(https?:)?//", value), (node.tag, name, value)
    style = page.find_all("style")[0].text
    assert "url(" not in style and "@import" not in style


def test_the_headline_table_is_the_country_status_view(current, db):
    parties = {r["iso2"]: r for r in db(current, "SELECT * FROM country_status")}
    rows = _page(current).by_id("party-table").find_all("tr", data_iso2=True)
    assert {r.attrs["data-iso2"]: r.attrs["data-status"] for r in rows} == \
        {iso2: p["status"] for iso2, p in parties.items()}
    kosovo = next(r for r in rows if r.attrs["data-iso2"] == "XK")
    assert "Kosovo" in kosovo.text and "partially recognized Kosovo" in kosovo.find_all("blockquote")[0].text
    netherlands = next(r for r in rows if r.attrs["data-iso2"] == "NL")
    cells = netherlands.find_all("td")
    assert "2024-03-01" in cells[2].text and cells[5].text == str(parties["NL"]["n_documents"]) == "4"
    # strongest status first: every signed party comes before every supporter
    order = [r.attrs["data-status"] for r in rows]
    assert order.index("supporter") > max(i for i, s in enumerate(order) if s == "signed")


def test_the_charts_draw_the_timeline_view_and_every_party_on_the_tile_map(current, db):
    page = _page(current)
    events = db(current, "SELECT iso2, status, date_start FROM timeline")
    marks = page.find_all("g", class_="event")
    assert sorted((m.attrs["data-iso2"], m.attrs["data-status"], m.attrs["data-date"]) for m in marks) == \
        sorted((e["iso2"], e["status"], e["date_start"].isoformat()) for e in events)
    tiles = {t.attrs["data-iso2"]: t.attrs["data-status"] for t in page.find_all("g", class_="tile")}
    parties = {r["iso2"]: r["status"] for r in db(current, "SELECT iso2, status FROM country_status")}
    assert tiles["XK"] == "supporter" and tiles["PL"] == "negotiating" and tiles["RU"] == "none"
    assert tiles["UA"] == "counterpart"  # Ukraine is the other side, never shown as "not a party"
    assert {iso2: tiles[iso2] for iso2 in parties} == parties  # every party has its tile, in its colour
    assert page.find_all(id="untiled") == []


def test_row_counts_and_validation_summary_match_the_manifest(current):
    manifest = json.loads((current / "manifest.json").read_text())
    page = _page(current)
    counts = {r.attrs["data-table"]: int(r.find_all("td")[1].text.replace(",", ""))
              for r in page.by_id("row-counts").find_all("tr", data_table=True)}
    assert counts == {name: info["rows"] for name, info in manifest["tables"].items()}
    checks = {r.attrs["data-table"]: r for r in page.by_id("validation-table").find_all("tr", data_table=True)}
    assert set(checks) == set(TABLES) and all(r.attrs["data-failures"] == "0" for r in checks.values())
    documents = checks["documents"].find_all("td")
    assert [documents[1].text, documents[2].text] == ["8", "1"]  # 1 seed document, then 7 more
    assert "1.0%" in page.by_id("unresolved-share").text  # 2 unresolved occurrences, 191 resolved mentions


def test_the_changes_since_the_previous_release_name_status_changes(releases):
    changes = _page(releases.current).by_id("changes")
    lines = [li.text for li in changes.find_all("li")]
    # the seed has Germany in talks; the Berlin document has it sign on 16 February
    assert any(line.startswith("DE: negotiating -> signed") for line in lines), lines
    assert any(line.startswith("CY: supporter -> declaration_joined, 2023-11-02") for line in lines), lines
    assert releases.previous.name in changes.text
    first = _page(releases.previous).by_id("changes")
    assert "First release" in first.text and not first.find_all("ul", class_="status-changes")


def test_unresolved_names_and_rejected_documents_are_listed_for_review(releases):
    review = _page(releases.current).by_id("review")
    unresolved = [r.find_all("td")[0].text for r in review.by_id("unresolved").find_all("tr")[1:]]
    assert sorted(unresolved) == ["Germnay", "Republic of Elbonia"]
    rejected = review.by_id("rejected").find_all("tr")[1:]
    assert [(r.find_all("td")[0].text, r.find_all("td")[1].text) for r in rejected] == [("empty.txt", "empty")]
    before = _page(releases.previous).by_id("review")
    assert "None" in before.by_id("unresolved").text and "None" in before.by_id("rejected").text


def test_a_failure_in_the_audit_shows_in_the_validation_summary(current):
    """The summary is drawn from what the audit reports, not written as 'passed' whatever happened."""
    manifest = json.loads((current / "manifest.json").read_text())
    cases = pd.DataFrame([{"schema_context": "Dataset", "column": "rows", "check": "rows >= 500",
                           "failure_case": "89 rows", "index": None}])
    html = report.render(report.load(current, manifest), stages={"dataset": [ValidationReport("commitments", cases)]},
                         limits=AuditLimits())
    rows = {r.attrs["data-table"]: r for r in parse(html).by_id("validation-table").find_all("tr", data_table=True)}
    assert rows["commitments"].attrs["data-failures"] == "1" and "1 failures" in rows["commitments"].text
    assert rows["documents"].attrs["data-failures"] == "0"


def test_a_party_without_a_tile_is_listed_under_the_map():
    parties = [{"iso2": "BR", "name": "Brazil", "status": "supporter", "date_start": None},
               {"iso2": "XK", "name": "Kosovo", "status": "signed", "date_start": None}]
    svg, untiled = report_svg.tile_map(parties, {}, report_svg.load_tile_grid())
    assert [p["iso2"] for p in untiled] == ["BR"]
    tiles = {t.attrs["data-iso2"]: t for t in parse(svg).find_all("g", class_="tile")}
    assert "BR" not in tiles and tiles["XK"].attrs["data-status"] == "signed"
    assert tiles["XK"].find_all("rect")[0].attrs["fill"] == report_svg.STATUS_COLOURS["signed"]


def test_the_tile_grid_is_one_tile_per_country_and_cell_with_kosovo():
    tiles = report_svg.load_tile_grid()
    codes = [t.iso2 for t in tiles]
    countries = set(pd.read_csv(report_svg.TILE_GRID.parents[2] / "countries" / "data" / "countries.csv",
                                keep_default_na=False)["iso2"])
    assert len(codes) == len(set(codes)) and len({(t.row, t.col) for t in tiles}) == len(tiles)
    assert set(codes) - countries == {"EU"} and "XK" in codes
    rows = pd.read_csv(report_svg.TILE_GRID)
    assert rows["source"].str.len().min() > 20  # every placement says why


def test_a_span_is_a_bar_and_a_day_a_mark_on_its_party_lane():
    events = [
        {"date_start": D(2024, 1, 1), "date_end": D(2024, 2, 29), "iso2": "DE", "name": "Germany", "status": "signed",
         "n_documents": 1, "evidence": "in January and February"},
        {"date_start": D(2024, 2, 16), "date_end": None, "iso2": "DE", "name": "Germany", "status": "signed",
         "n_documents": 2, "evidence": "signed in Berlin"},
        {"date_start": D(2024, 1, 22), "date_end": None, "iso2": "PL", "name": "Poland", "status": "declaration_joined",
         "n_documents": 1, "evidence": "Poland had joined"},
    ]
    svg = parse(report_svg.timeline(events))
    assert [lane.attrs["data-iso2"] for lane in svg.find_all("g", class_="lane")] == ["DE", "PL"]
    marks = svg.find_all("g", class_="event")
    kinds = [(m.attrs["data-iso2"], [n.tag for n in m.children if n.tag != "title"]) for m in marks]
    assert kinds == [("DE", ["rect"]), ("DE", ["circle"]), ("PL", ["polygon"])]
    bar = marks[0].find_all("rect")[0]
    day = float(marks[1].find_all("circle")[0].attrs["cx"])
    assert float(bar.attrs["x"]) < day < float(bar.attrs["x"]) + float(bar.attrs["width"])
    assert "2 sources" in marks[1].find_all("title")[0].text
    assert report_svg.timeline([]).startswith('<p class="empty">')


def test_beyond_the_mark_cap_the_timeline_draws_one_bar_per_party_status_and_period():
    """A large corpus has tens of thousands of events: one mark each made the page 23 MB at 10,000
    documents. Past the cap, each bar stands for one party's events of one status in the finest period
    that fits, and the bars together account for every event."""
    def event(iso2, status, day, n=1):
        return {"date_start": day, "date_end": None, "iso2": iso2, "name": iso2, "status": status,
                "n_documents": n, "evidence": "x"}
    events = [event("DE", "signed", D(2024, 1, 5)), event("DE", "signed", D(2024, 1, 20), n=3),
              event("DE", "negotiating", D(2024, 1, 9)), event("PL", "signed", D(2024, 2, 2)),
              event("DE", "signed", D(2024, 4, 1))]
    assert report_svg.timeline_period(events, max_marks=5) is None
    assert report_svg.timeline_period(events, max_marks=4) == "month"
    assert report_svg.timeline_period(events, max_marks=3) == "year"  # quarters: still 4 groups
    svg = parse(report_svg.timeline(events, max_marks=4))
    assert svg.find_all("g", class_="event") == []
    bars = [(g.attrs["data-iso2"], g.attrs["data-status"], g.attrs["data-from"], int(g.attrs["data-count"]))
            for g in svg.find_all("g", class_="event-group")]
    assert bars == [("DE", "signed", "2024-01-01", 2), ("DE", "negotiating", "2024-01-01", 1),
                    ("PL", "signed", "2024-02-01", 1), ("DE", "signed", "2024-04-01", 1)]
    hover = svg.find_all("g", class_="event-group")[0].find_all("title")[0].text
    assert "2 events from 2024-01-05 to 2024-01-20 (4 reports)" in hover
    years = parse(report_svg.timeline(events, max_marks=3)).find_all("g", class_="event-group")
    assert sum(int(g.attrs["data-count"]) for g in years) == len(events) and len(years) == 3
    spread = [event("DE", "signed", D(2024, m, 1)) for m in (1, 2, 7)]
    assert report_svg.timeline_period(spread, max_marks=2) == "quarter"
    assert [int(g.attrs["data-count"]) for g in parse(report_svg.timeline(spread, max_marks=2))
            .find_all("g", class_="event-group")] == [2, 1]


def test_past_the_mark_cap_the_page_reads_month_sums_that_draw_the_same_timeline(current, db, monkeypatch):
    """Past the cap the page reads the timeline summed by party, status and month, not one row per
    event (62,000 rows at 10,000 documents); the bars drawn from the sums are the bars the events give."""
    events = db(current, "SELECT * FROM timeline")
    monkeypatch.setattr(report_svg, "MAX_TIMELINE_MARKS", 5)
    sums = report.load(current, json.loads((current / "manifest.json").read_text())).events
    assert len(events) > 5 and len(sums) < len(events) and report_svg.event_count(sums) == len(events)
    for cap in (5, 8):
        drawn = report_svg.timeline(sums, max_marks=cap)
        assert "event-group" in drawn and drawn == report_svg.timeline(events, max_marks=cap)


def test_the_timeline_stays_small_whatever_the_number_of_events():
    statuses = ["signed", "negotiating", "declaration_joined", "supporter"]
    events = [{"date_start": D(2022, 1, 1) + dt.timedelta(days=i % 1400), "date_end": None, "iso2": f"C{i % 60}",
               "name": None, "status": statuses[i % 4], "n_documents": 1, "evidence": "e" * 200}
              for i in range(20_000)]
    events.sort(key=lambda e: e["date_start"])
    svg = report_svg.timeline(events)
    marks = parse(svg).find_all("g", class_="event-group")
    assert len(marks) <= report_svg.MAX_TIMELINE_MARKS and sum(int(g.attrs["data-count"]) for g in marks) == 20_000
    assert len(svg) < 1_000_000  # one mark per event would be about 6 MB here
