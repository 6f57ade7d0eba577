"""`report.html`: one static page that shows a release to people who will not open a database.

It is written into the staging folder from the staged files themselves (the Parquet tables read
through the same view SQL as `guarantees.duckdb`, and `changes.json`), so the page shows exactly
what the release holds: where each party stands with the evidence, a timeline and a tile map,
the changes since the previous release, row counts, the validation summary, and what needs a
reviewer's eye (unresolved names, rejected documents).

The page opens with no network and runs no script: the charts are SVG drawn in Python
(`report_svg.py`), hover text is `title`, and evidence expands with `<details>`. The same release
content gives the same bytes: the only times on the page are the ones the manifest records
(release id and `created_at`), and every list has a fixed order.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

import duckdb

from pipelines.lib import fsio, report_svg, tables
from pipelines.lib.content_hash import quote_ident, sql_literal
from pipelines.lib.datapackage import PACKAGE_TITLE
from pipelines.lib.release import CHANGES, README
from pipelines.lib.release_audit import AuditLimits
from pipelines.lib.tables import ValidationReport
from pipelines.lib.views import COUNTRY_STATUS, TIMELINE, TIMELINE_ORDER
from pipelines.lib.vocab import STATUSES
from schemas import TABLES

REPORT = "report.html"
DICTIONARY = README
SHOWN_REVIEW_ROWS = 500  # unresolved names / rejected documents listed in full up to this many
_EXCERPT = 90
_STAGE_NAMES = {"validation": "pandera schemas", "dataset": "dataset assertions", "links": "links between tables"}
# Past the timeline's mark cap the page draws one bar per party, status and period, never an event:
# the events are then read summed by party, status and month (the finest period), each sum standing
# for its `n_events` events from `date_start` (the first) to `date_end` (the last day of any), in
# the order of each sum's first event. One Python dict per event cost 1 s at 10,000 documents.
_TIMELINE_MONTHS = f"""
SELECT iso2, any_value(name) AS name, status, min(date_start) AS date_start,
       max(coalesce(date_end, date_start)) AS date_end, count(*) AS n_events, sum(n_documents) AS n_documents
FROM (SELECT *, row_number() OVER (ORDER BY {TIMELINE_ORDER}) AS position FROM timeline)
GROUP BY iso2, status, date_trunc('month', date_start)
ORDER BY min(position)"""


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows, read from a staged or published release folder."""
    head: dict  # release_id, created_at, schema_version, code_version, previous_release_id
    parties: list[dict]  # country_status rows
    events: list[dict]  # timeline rows; past the mark cap, sums by party, status and month (n_events each)
    rows: dict[str, int]  # table -> rows in its Parquet file
    changes: dict  # changes.json
    unresolved: list[dict]
    rejected: list[dict]
    documents: dict[str, dict]  # doc_id -> doc_id, title, published_date, source_path
    country_names: dict[str, str]
    unresolved_occurrences: int
    resolved_mentions: int


def write(folder: Path, head: dict, *, stages: dict[str, list[ValidationReport]],
                 limits: AuditLimits) -> Path:
    """Render the release in `folder` (its Parquet files and changes.json) into `folder/report.html`."""
    path = Path(folder) / REPORT
    fsio.write_text(path, render(load(Path(folder), head), stages=stages, limits=limits), durable=True)
    return path


def load(folder: Path, head: dict) -> ReportData:
    """Read what the page shows: the two views run over the Parquet files, and the review tables."""
    con = duckdb.connect(":memory:")
    try:
        for name in TABLES:
            con.execute(f"CREATE VIEW {quote_ident(name)} AS SELECT * FROM "
                        f"read_parquet({sql_literal(str(folder / f'{name}.parquet'))})")
        parties = _records(con, COUNTRY_STATUS.sql)
        con.execute(f"CREATE VIEW timeline AS {TIMELINE.sql}")
        n_events = con.execute("SELECT count(*) FROM timeline").fetchone()[0]
        events = _records(con, TIMELINE.sql if n_events <= report_svg.MAX_TIMELINE_MARKS else _TIMELINE_MONTHS)
        rows = {name: con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone()[0] for name in TABLES}
        unresolved = _records(con, "SELECT surface, n_mentions, reason, best_candidate, doc_id FROM unresolved_names "
                                   "ORDER BY n_mentions DESC, surface, doc_id")
        rejected = _records(con, "SELECT source_path, reason, detail FROM rejected_documents ORDER BY source_path")
        documents = {d["doc_id"]: d for d in _records(
            con, "SELECT doc_id, title, published_date, source_path FROM documents ORDER BY doc_id")}
        names = dict(con.execute("SELECT iso2, name FROM countries ORDER BY iso2").fetchall())
        occurrences = con.execute("SELECT coalesce(sum(n_mentions), 0) FROM unresolved_names").fetchone()[0]
    finally:
        con.close()
    changes = json.loads((folder / CHANGES).read_text(encoding="utf-8"))
    return ReportData(head, parties, events, rows, changes, unresolved, rejected, documents, names,
                      int(occurrences), rows["country_mentions"])


def _records(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def render(data: ReportData, *, stages: dict[str, list[ValidationReport]], limits: AuditLimits) -> str:
    """The whole page as text."""
    head = data.head
    title = f"{PACKAGE_TITLE}: release {head['release_id']}"
    tile_svg, untiled = report_svg.tile_map(data.parties, data.country_names, report_svg.load_tile_grid())
    grouped = report_svg.timeline_period(data.events)  # None: one mark per event
    body = [
        f"<header><h1>{escape(title)}</h1>{_release_facts(head)}{_headline_counts(data.parties)}</header>",
        _nav(),
        _section("parties", "Where each party stands", _party_table(data)),
        _section("timeline", "Timeline of signings, talks and declaration events", _timeline(data.events, grouped)),
        _section("map", "Map of current status",
                 "<p>One equal tile per country, placed roughly where it lies (Europe in the middle, the Americas "
                 "to the west, Asia-Pacific to the east); the colour is the party's current status.</p>"
                 + report_svg.legend(tiles=True) + f'<div class="chart">{tile_svg}</div>' + _untiled(untiled)),
        _section("changes", "Changes since the previous release", _changes(data.changes)),
        _section("tables", "Tables", _row_counts(data)),
        _section("validation", "Validation", _validation(data, stages, limits)),
        _section("review", "For review", _review(data)),
        _section("sources", "Sources cited on this page", _sources(data, grouped)),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _timeline(events: list[dict], period: str | None) -> str:
    if period is None:
        lead = ("<p>Every dated event, one line per party: circles above the line are bilateral-agreement events, "
                "diamonds below it are G7-declaration events, and a bar is an event the text dates only to a span "
                "(\"in January and February\"). Hover over a mark for its date, sources and evidence.</p>")
    else:
        lead = (f"<p>{report_svg.event_count(events):,} dated events, too many to draw one by one: each bar is one party's events of "
                f"one status in one {period}, bilateral-agreement events above the party's line and G7-declaration "
                f"events below it. Hover over a bar for the number of events, their first and last dates and the "
                f"number of reports; every event is a row of the <code>timeline</code> view in "
                f"<code>guarantees.duckdb</code>.</p>")
    return lead + report_svg.legend() + f'<div class="chart">{report_svg.timeline(events)}</div>'


def _section(anchor: str, heading: str, content: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(heading)}</h2>\n{content}\n</section>'


def _nav() -> str:
    links = [("parties", "Parties"), ("timeline", "Timeline"), ("map", "Map"), ("changes", "Changes"),
             ("tables", "Tables"), ("validation", "Validation"), ("review", "For review"), ("sources", "Sources")]
    return "<nav>" + " · ".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _release_facts(head: dict) -> str:
    previous = head.get("previous_release_id")
    facts = [("release", head["release_id"]), ("created", head["created_at"]),
             ("schema version", head["schema_version"]), ("code version", head["code_version"]),
             ("previous release", previous or "none (first release)")]
    items = "".join(f"<dt>{escape(k)}</dt><dd><code>{escape(str(v))}</code></dd>" for k, v in facts)
    return (f'<dl class="facts">{items}</dl><p>Files: <a href="{DICTIONARY}">data dictionary (README.md)</a>, '
            '<a href="CHANGELOG.md">CHANGELOG.md</a>, <a href="manifest.json">manifest.json</a>, '
            '<a href="guarantees.duckdb">guarantees.duckdb</a>; check them with <code>python verify.py</code>.</p>')


def _headline_counts(parties: list[dict]) -> str:
    counts = {s: sum(1 for p in parties if p["status"] == s) for s in STATUSES}
    chips = "".join(f'<li data-status="{s}"><span class="swatch" style="background:{report_svg.STATUS_COLOURS[s]}">'
                    f'</span><strong>{counts[s]}</strong> {escape(report_svg.STATUS_LABELS[s])}</li>'
                    for s in STATUSES)
    return (f'<p class="lead"><strong id="n-parties">{len(parties)}</strong> part{"y" if len(parties) == 1 else "ies"} '
            f'(countries and the EU) named in commitments; by current status:</p><ul class="chips">{chips}</ul>')


def _date(value) -> str:
    return value.isoformat() if value is not None else ""


def _status_cell(status: str | None) -> str:
    if not status:
        return '<td class="none">none</td>'
    return (f'<td><span class="status" style="background:{report_svg.STATUS_COLOURS[status]};color:'
            f'{report_svg.text_colour(report_svg.STATUS_COLOURS[status])}">{escape(status)}</span></td>')


def _party_table(data: ReportData) -> str:
    order = {s: i for i, s in enumerate(STATUSES)}
    parties = sorted(data.parties, key=lambda p: (order[p["status"]], p["name"] or p["iso2"]))
    head = ("<tr><th>party</th><th>current status</th><th>date</th><th>bilateral agreement</th>"
            "<th>G7 declaration</th><th>sources</th><th>first / last reported</th><th>evidence</th></tr>")
    lines = []
    for p in parties:
        lines.append(
            f'<tr data-iso2="{escape(p["iso2"])}" data-status="{p["status"]}">'
            f'<td><strong>{escape(p["name"] or p["iso2"])}</strong> <code>{escape(p["iso2"])}</code></td>'
            f'{_status_cell(p["status"])}<td class="date">{_when(p["date_start"], p["date_end"])}</td>'
            f'<td>{_family(p["agreement_status"], p["agreement_date"])}</td>'
            f'<td>{_family(p["declaration_status"], p["declaration_date"])}</td>'
            f'<td class="num">{p["n_documents"]}</td>'
            f'<td class="date">{_date(p["first_reported"])}<br>{_date(p["last_reported"])}</td>'
            f'<td class="evidence-cell">{_evidence(p["evidence"], p["evidence_doc_id"], data.documents)}</td></tr>')
    note = ("<p>The current status is the strongest any document asserts (signed &gt; negotiating &gt; declaration "
            "founder &gt; joined &gt; supporter), dated by the earliest date any document gives for it; "
            "<em>sources</em> counts the documents that report on the party. Click an excerpt for the whole "
            "sentence and its document. The same table is the <code>country_status</code> view in "
            "<code>guarantees.duckdb</code>.</p>")
    return note + f'<table id="party-table"><thead>{head}</thead><tbody>{"".join(lines)}</tbody></table>'


def _when(start, end) -> str:
    if start is None:
        return '<span class="none">undated</span>'
    return _date(start) + (f"<br><small>to {_date(end)}</small>" if end else "")


def _family(status: str | None, date) -> str:
    if not status:
        return '<span class="none">none reported</span>'
    return escape(status) + (f"<br><small>{_date(date)}</small>" if date else "<br><small>undated</small>")


def _evidence(sentence: str, doc_id: str, documents: dict[str, dict]) -> str:
    excerpt = sentence if len(sentence) <= _EXCERPT else sentence[:_EXCERPT].rsplit(" ", 1)[0] + " …"
    doc = documents.get(doc_id, {})
    source = (f'<a href="#doc-{escape(doc_id)}">{escape(doc.get("title") or doc_id)}</a>'
              f'{", published " + _date(doc.get("published_date")) if doc.get("published_date") else ""}')
    return (f'<details class="evidence"><summary title="{escape(sentence)}">{escape(excerpt)}</summary>'
            f'<blockquote>{escape(sentence)}</blockquote><p class="from">from {source}</p></details>')


def _untiled(parties: list[dict]) -> str:
    if not parties:
        return '<p class="note">Every party has a tile.</p>'
    items = ", ".join(f'<span data-iso2="{escape(p["iso2"])}">{escape(p["name"] or p["iso2"])} '
                      f'({escape(p["status"])})</span>' for p in parties)
    return f'<p class="note" id="untiled">Parties without a tile in the layout: {items}.</p>'


def _changes(changes: dict) -> str:
    previous = changes.get("previous_release_id")
    if not previous:
        intro = "<p>First release: every row is new, so no party's status changed.</p>"
    else:
        intro = f"<p>Compared with release <code>{escape(previous)}</code>.</p>"
        lines = changes.get("status_changes", [])
        if lines:
            families = [("agreement", "Bilateral security agreements"), ("declaration", "G7 Joint Declaration")]
            for family, title in families:
                mine = [c for c in lines if c["family"] == family]
                if mine:
                    items = "".join(f'<li data-iso2="{escape(c["iso2"])}">{escape(c["text"])} '
                                    f'({escape(c["name"] or c["iso2"])})</li>' for c in mine)
                    intro += f"<h3>{title}</h3><ul class=\"status-changes\">{items}</ul>"
        else:
            intro += "<p>No party's status changed.</p>"
    head = ("<tr><th>table</th><th>rows before</th><th>rows after</th><th>added</th><th>removed</th>"
            "<th>changed</th></tr>")
    body = []
    for name, info in changes.get("tables", {}).items():
        cells = "".join(f'<td class="num">{"n/a" if info.get(k) is None else f"{info[k]:,}"}</td>'
                        for k in ("added", "removed", "changed"))
        body.append(f'<tr data-table="{escape(name)}"><td>{escape(name)}</td><td class="num">{info["rows_before"]:,}'
                    f'</td><td class="num">{info["rows_after"]:,}</td>{cells}</tr>')
    return (intro + f'<table id="changes-table"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
            '<p>Rows are compared by primary key; <code>changes.json</code> lists the keys and '
            '<a href="CHANGELOG.md">CHANGELOG.md</a> every release so far.</p>')


def _row_counts(data: ReportData) -> str:
    body = "".join(f'<tr data-table="{escape(name)}"><td><code>{escape(name)}.parquet</code></td>'
                   f'<td class="num">{data.rows[name]:,}</td>'
                   f'<td>{escape(TABLES[name].to_schema().description or "")}</td></tr>' for name in TABLES)
    return (f'<p>Every column is described in the <a href="{DICTIONARY}">data dictionary</a> '
            '(generated from the schemas).</p>'
            f'<table id="row-counts"><thead><tr><th>table</th><th>rows</th><th>one row per</th></tr></thead>'
            f'<tbody>{body}</tbody></table>')


def _failures_by_table(stages: dict[str, list[ValidationReport]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for stage, reports in stages.items():
        for report in reports:
            out[(stage, report.table)] = out.get((stage, report.table), 0) + len(report.failure_cases)
    return out


def _validation(data: ReportData, stages: dict[str, list[ValidationReport]], limits: AuditLimits) -> str:
    failures = _failures_by_table(stages)
    before = {n: i.get("rows_before") for n, i in data.changes.get("tables", {}).items()}
    has_previous = bool(data.changes.get("previous_release_id"))
    body = []
    for name in TABLES:
        schema = TABLES[name].to_schema()
        rules = sum(len(c.checks) for c in schema.columns.values()) + len(schema.checks)
        n, old = data.rows[name], before.get(name) if has_previous else None
        change = "" if old is None else (f"{(n - old) / old:+.0%}" if old else "new")
        failed = sum(failures.get((stage, name), 0) for stage in _STAGE_NAMES)
        body.append(
            f'<tr data-table="{escape(name)}" data-failures="{failed}"><td>{escape(name)}</td>'
            f'<td class="num">{n:,}</td><td class="num">{"" if old is None else f"{old:,}"}</td>'
            f'<td class="num">{change}</td><td class="num">{limits.min_rows.get(name, 0)}</td>'
            f'<td class="num">{limits.max_shrink.get(name, 1.0):.0%}</td>'
            f'<td>{len(schema.columns)} columns, {rules} value rules, key '
            f'{escape(", ".join(tables.primary_key(name)))}</td>'
            f'<td class="{"ok" if not failed else "failed"}">{"passed" if not failed else f"{failed} failures"}</td></tr>')
    stage_items = "".join(
        f'<li data-stage="{stage}">{escape(label)}: '
        f'{sum(len(r.failure_cases) for r in stages.get(stage, []))} failure(s)</li>'
        for stage, label in _STAGE_NAMES.items())
    share = data.unresolved_occurrences / max(1, data.unresolved_occurrences + data.resolved_mentions)
    return (
        "<p>Before this release was published, every table was validated against its pandera schema, the links "
        "between tables were checked (every row's document exists, spans lie inside the text and match it, "
        "evidence is the sentence it cites, every mentioned code is a country), and the dataset assertions held "
        "(a minimum number of rows, and no table losing more than its allowed share of the previous release's "
        "rows). Then every file, this page included, was re-opened and checked against the manifest.</p>"
        f'<ul id="stages">{stage_items}</ul>'
        '<table id="validation-table"><thead><tr><th>table</th><th>rows</th><th>previous</th><th>change</th>'
        '<th>minimum rows</th><th>may lose</th><th>schema</th><th>result</th></tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table>'
        f'<p id="unresolved-share">Unresolved country-like names: {data.unresolved_occurrences:,} occurrence(s) '
        f'against {data.resolved_mentions:,} resolved country mentions ({share:.1%}).</p>')


def _review(data: ReportData) -> str:
    parts = [f'<h3>Unresolved names ({len(data.unresolved):,})</h3>']
    if data.unresolved:
        rows = "".join(f'<tr><td>{escape(u["surface"])}</td><td class="num">{u["n_mentions"]}</td>'
                       f'<td>{escape(u["reason"])}</td><td>{escape(u["best_candidate"] or "")}</td>'
                       f'<td><a href="#doc-{escape(u["doc_id"])}">{escape(u["doc_id"])}</a></td></tr>'
                       for u in data.unresolved[:SHOWN_REVIEW_ROWS])
        parts.append('<p>Strings that look like a country name but did not resolve to exactly one country.</p>'
                     '<table id="unresolved"><thead><tr><th>as written</th><th>times</th><th>reason</th>'
                     f'<th>closest country</th><th>document</th></tr></thead><tbody>{rows}</tbody></table>'
                     + _more(len(data.unresolved), "unresolved_names.parquet"))
    else:
        parts.append('<p id="unresolved">None: every country-like name resolved.</p>')
    parts.append(f'<h3>Rejected documents ({len(data.rejected):,})</h3>')
    if data.rejected:
        rows = "".join(f'<tr><td><code>{escape(r["source_path"])}</code></td><td>{escape(r["reason"])}</td>'
                       f'<td>{escape(r["detail"])}</td></tr>' for r in data.rejected[:SHOWN_REVIEW_ROWS])
        parts.append('<p>Files in the seeds folder that were not read as documents (or whose sidecar was '
                     'ignored).</p><table id="rejected"><thead><tr><th>file</th><th>reason</th><th>detail</th></tr>'
                     f'</thead><tbody>{rows}</tbody></table>' + _more(len(data.rejected), "rejected_documents.parquet"))
    else:
        parts.append('<p id="rejected">None: every file in the seeds folder was read.</p>')
    return "".join(parts)


def _more(total: int, file: str) -> str:
    hidden = total - SHOWN_REVIEW_ROWS
    return f'<p class="note">… and {hidden:,} more in <code>{file}</code>.</p>' if hidden > 0 else ""


def _sources(data: ReportData, grouped: str | None) -> str:
    drawn = [] if grouped else data.events  # grouped bars cite nothing
    cited = sorted({p["evidence_doc_id"] for p in data.parties} | {e["evidence_doc_id"] for e in drawn}
                   | {u["doc_id"] for u in data.unresolved[:SHOWN_REVIEW_ROWS]})
    items = []
    for doc_id in cited:
        doc = data.documents.get(doc_id, {})
        items.append(f'<li id="doc-{escape(doc_id)}"><strong>{escape(doc.get("title") or "(untitled)")}</strong> '
                     f'<small>published {_date(doc.get("published_date")) or "unknown"} · <code>'
                     f'{escape(doc.get("source_path") or "")}</code> · doc_id <code>{escape(doc_id)}</code></small></li>')
    return (f'<p>{len(cited):,} of the release\'s {data.rows["documents"]:,} documents are cited above; '
            f'all of them are in <code>documents.parquet</code>.</p><ol class="sources">{"".join(items)}</ol>')


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;margin:0 auto;max-width:1180px;
padding:0 24px 48px}
header h1{font-size:24px;margin:24px 0 8px}
h2{font-size:19px;border-bottom:2px solid #e4e4e4;padding-bottom:4px;margin-top:36px}
h3{font-size:16px;margin:18px 0 6px}
nav{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #eee;z-index:1}
nav a{color:#2c3e8f;text-decoration:none}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0;font-size:13px}
dl.facts dt{color:#555}dl.facts dd{margin:0}
.lead{margin:12px 0 4px}
ul.chips,ul.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:6px 16px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin:8px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f6f6f6;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.status{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12.5px;white-space:nowrap}
.none,small{color:#666}
td.date{white-space:nowrap}
td.evidence-cell{min-width:280px}
details.evidence summary{cursor:pointer;color:#333}
details.evidence blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #5e8fd0;background:#f7f9fd}
details.evidence .from{margin:0;font-size:12.5px;color:#555}
.chart{overflow-x:auto}
.chart svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
td.ok{color:#1b7837;font-weight:600}td.failed{color:#b2182b;font-weight:600}
.note{color:#555;font-size:13px}
ol.sources li{margin:4px 0}
code{font-size:12.5px}
"""
