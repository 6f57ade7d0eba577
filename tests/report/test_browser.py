"""report.html in a real browser: headless Chromium (Debian's package) lays it out, we look.

`make test` installs chromium and chromium-driver where they are missing (as root, with apt-get);
where they cannot be installed the test is skipped, except under CI, where it fails.
"""
from __future__ import annotations

import json
import os
import struct

import pytest

from pipelines.lib import report, report_svg
from tests.report import webdriver

WIDTH = 1280


@pytest.fixture(scope="module")
def browser():
    if not webdriver.available():
        message = f"{webdriver.CHROMIUM} or {webdriver.CHROMEDRIVER} missing: `make test` installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with webdriver.Browser(WIDTH, 900) as b:
        yield b


# Everything the assertions need, measured in the page by the browser's own layout.
MEASURE = """
const box = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
const svgBox = el => { const b = el.getBBox(); return [b.width, b.height]; };
const table = document.getElementById('party-table');
const rows = [...table.querySelectorAll('tbody tr')];
const timeline = document.querySelector('svg.timeline');
const tiles = [...document.querySelectorAll('svg.tile-map g.tile')];
return {
  resources: performance.getEntriesByType('resource').map(e => e.name),
  table: box(table),
  rows: rows.map(r => ({iso2: r.dataset.iso2, status: r.dataset.status, size: box(r),
                        sources: r.cells[5].textContent})),
  timeline: box(timeline),
  events: [...timeline.querySelectorAll('g.event')].map(g => ({
      iso2: g.dataset.iso2, status: g.dataset.status, date: g.dataset.date, size: svgBox(g),
      inside: (() => { const a = g.getBoundingClientRect(), b = timeline.getBoundingClientRect();
                       return a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom; })()})),
  map: box(document.querySelector('svg.tile-map')),
  tiles: tiles.map(g => ({iso2: g.dataset.iso2, status: g.dataset.status, size: svgBox(g),
                          fill: g.querySelector('rect').getAttribute('fill')})),
  counts: Object.fromEntries([...document.querySelectorAll('#row-counts tr[data-table]')]
                             .map(r => [r.dataset.table, r.cells[1].textContent])),
  height: document.documentElement.scrollHeight,
};
"""


def test_the_report_renders_the_release_in_chromium(browser, current, db, tmp_path):
    browser.open((current / report.REPORT).as_uri())
    page = browser.run(MEASURE)

    assert page["resources"] == []  # nothing fetched: no network, no other file
    parties = {r["iso2"]: r for r in db(current, "SELECT iso2, status, n_documents FROM country_status")}
    assert page["table"][0] > 900 and page["table"][1] > 30 * len(parties)
    assert {r["iso2"]: (r["status"], int(r["sources"])) for r in page["rows"]} == \
        {iso2: (p["status"], p["n_documents"]) for iso2, p in parties.items()}
    assert all(r["size"][1] > 20 for r in page["rows"])

    events = db(current, "SELECT iso2, status, date_start FROM timeline")
    assert page["timeline"][0] >= report_svg.TIMELINE_WIDTH and page["timeline"][1] > 20 * 10
    assert sorted((e["iso2"], e["status"], e["date"]) for e in page["events"]) == \
        sorted((e["iso2"], e["status"], e["date_start"].isoformat()) for e in events)
    assert all(e["size"][0] >= 8 and e["size"][1] >= 8 and e["inside"] for e in page["events"])

    tiles = {t["iso2"]: t for t in page["tiles"]}
    assert page["map"][0] > 600 and all(t["size"][0] >= 40 for t in tiles.values())
    assert tiles["XK"]["status"] == parties["XK"]["status"] == "supporter"
    assert tiles["XK"]["fill"] == report_svg.STATUS_COLOURS["supporter"]
    assert {iso2: tiles[iso2]["status"] for iso2 in parties} == {iso2: p["status"] for iso2, p in parties.items()}

    manifest = json.loads((current / "manifest.json").read_text())
    assert {k: int(v.replace(",", "")) for k, v in page["counts"].items()} == \
        {name: info["rows"] for name, info in manifest["tables"].items()}

    # Evidence is hidden until its excerpt is clicked, then the whole sentence shows.
    state = ("const d = document.querySelector('#party-table tr[data-iso2=XK] details'); "
             "const q = d.querySelector('blockquote'); "
             "return [d.open, q.checkVisibility(), d.getBoundingClientRect().height, q.innerText]")
    closed = browser.run(state)
    browser.click("#party-table tr[data-iso2=XK] summary")
    opened = browser.run(state)
    assert closed[:2] == [False, False] and opened[:2] == [True, True]
    assert opened[2] > closed[2] + 40 and "partially recognized Kosovo" in opened[3]

    browser.resize(WIDTH, min(page["height"] + 200, 16000))
    shot = browser.screenshot(tmp_path / "report.png")
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width == WIDTH and height >= page["height"] * 0.9
    assert shot.stat().st_size > 100_000  # a page of tables and charts, not a blank canvas
    print(f"screenshot: {shot}")
