"""Views in `guarantees.duckdb` for the questions people ask of the data.

Each view is plain SQL over the published tables (unqualified names), so the same text serves
inside the release's database, over a release's Parquet files (the changelog compares
`country_status` between two releases that way), and in a reader's own session. Column
descriptions live here, next to the SQL, and become `COMMENT ON COLUMN`; a test checks that the
declared columns are exactly the columns the SQL returns.

Status strength follows the annotation rules: `signed` supersedes `negotiating`, and
`declaration_founder` > `declaration_joined` > `supporter`; across documents the strongest status
a document asserts wins, and its date is the earliest date any document gives for it.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.lib.vocab import AGREEMENT_STATUSES, EU_CODE, STATUSES

EU_NAME = "European Union"


@dataclass(frozen=True)
class View:
    name: str
    description: str
    columns: dict[str, str]  # column -> description, in the order the SQL returns them
    sql: str


def _sql_list(values) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


_STRENGTH = f"list_position({_sql_list(STATUSES)}, c.status)"
_FAMILY = f"CASE WHEN c.status IN ({', '.join(repr(s) for s in AGREEMENT_STATUSES)}) THEN 'agreement' ELSE 'declaration' END"
_PARTY_NAME = f"coalesce(k.name, CASE WHEN p.iso2 = '{EU_CODE}' THEN '{EU_NAME}' END)"
# Which statement of a party's gives its status: the strongest; among equally strong ones a dated one,
# a day before a month ("concluded in January and February" must not move a signing known to the
# day), the earliest date, then the earliest published (unknown publication dates last), then
# document and sentence. As one value that arg_min compares field by field, each nullable part
# after a flag that puts its nulls last: a hash aggregate, faster than sorting every party's rows.
_PICK_KEY = ("{" f"'strength': {_STRENGTH}, 'undated': c.date_start IS NULL, "
             "'not_to_the_day': coalesce(c.date_precision, '') <> 'day', "
             "'day': coalesce(c.date_start, DATE '0001-01-01'), 'unpublished': d.published_date IS NULL, "
             "'published': coalesce(d.published_date, DATE '0001-01-01'), 'doc_id': c.doc_id, "
             "'sentence_no': c.sentence_no" "}")

COUNTRY_STATUS = View(
    name="country_status",
    description="One row per party (country or EU) named in commitments: its current status across all documents, "
                "the date and evidence of that status, and how many documents report on it.",
    columns={
        "iso2": "The party: ISO 3166-1 alpha-2 code (XK for Kosovo) or EU.",
        "name": "The party's short name (countries.name; 'European Union' for EU).",
        "status": "Strongest status any document asserts: signed > negotiating > declaration_founder > "
                  "declaration_joined > supporter.",
        "date_start": "Date of that status's event: the earliest a document gives to the day, else the earliest month; "
                      "null when no document dates it.",
        "date_end": "Last day of that event when the text gives a span; null otherwise.",
        "evidence": "The sentence stating that status (commitments.evidence) from the document that dates it earliest.",
        "evidence_doc_id": "The document the evidence comes from (documents.doc_id).",
        "agreement_status": "Strongest bilateral-agreement status (signed or negotiating); null when none is reported.",
        "agreement_date": "Date of that agreement status's event; null when undated or none.",
        "declaration_status": "Strongest G7 Joint Declaration status (declaration_founder, declaration_joined or "
                              "supporter); null when none is reported.",
        "declaration_date": "Date of that declaration status's event; null when undated or none.",
        "n_documents": "Number of documents with at least one commitment of this party.",
        "first_reported": "Earliest publication date among those documents.",
        "last_reported": "Latest publication date among those documents.",
    },
    sql=f"""
WITH events AS (
    SELECT c.country_iso2 AS iso2, c.status, c.date_start, c.date_end, c.evidence, c.doc_id,
           d.published_date, {_FAMILY} AS family, {_PICK_KEY} AS pick_key
    FROM commitments AS c LEFT JOIN documents AS d USING (doc_id)
),
picked AS (
    SELECT iso2,
           arg_min({{'status': status, 'date_start': date_start, 'date_end': date_end, 'evidence': evidence,
                     'doc_id': doc_id}}, pick_key) AS pick,
           arg_min({{'status': status, 'date_start': date_start}}, pick_key) FILTER (WHERE family = 'agreement')
               AS agreement,
           arg_min({{'status': status, 'date_start': date_start}}, pick_key) FILTER (WHERE family = 'declaration')
               AS declaration,
           count(DISTINCT doc_id) AS n_documents,
           min(published_date) AS first_reported,
           max(published_date) AS last_reported
    FROM events
    GROUP BY iso2
),
parties AS (
    SELECT iso2, pick.status, pick.date_start, pick.date_end, pick.evidence, pick.doc_id AS evidence_doc_id,
           agreement.status AS agreement_status, agreement.date_start AS agreement_date,
           declaration.status AS declaration_status, declaration.date_start AS declaration_date,
           n_documents, first_reported, last_reported
    FROM picked
)
SELECT p.iso2, {_PARTY_NAME} AS name, p.status, p.date_start, p.date_end, p.evidence, p.evidence_doc_id,
       p.agreement_status, p.agreement_date, p.declaration_status, p.declaration_date,
       p.n_documents, p.first_reported, p.last_reported
FROM parties AS p LEFT JOIN countries AS k USING (iso2)
ORDER BY p.iso2
""",
)

# The timeline's row order, over its own columns (the report numbers events in this order too).
TIMELINE_ORDER = f"date_start, date_end NULLS FIRST, iso2, list_position({_sql_list(STATUSES)}, status)"

TIMELINE = View(
    name="timeline",
    description="Every dated event (a party's signing, talks, founding, joining or statement of support) in date "
                "order, one row per event however many documents report it.",
    columns={
        "date_start": "Date of the event; the first day when the text gives a span.",
        "date_end": "Last day when the text gives a span; null for a single day.",
        "date_precision": "day or month.",
        "iso2": "The party: ISO 3166-1 alpha-2 code (XK for Kosovo) or EU.",
        "name": "The party's short name (countries.name; 'European Union' for EU).",
        "status": "What happened: signed, negotiating, declaration_founder, declaration_joined or supporter.",
        "n_documents": "Number of documents that report this event with this date.",
        "evidence": "The sentence stating it, from the earliest-published document that reports it.",
        "evidence_doc_id": "The document the evidence comes from (documents.doc_id).",
    },
    sql=f"""
WITH events AS (
    SELECT c.date_start, c.date_end, c.date_precision, c.country_iso2 AS iso2, c.status, c.evidence, c.doc_id,
           c.sentence_no, d.published_date
    FROM commitments AS c LEFT JOIN documents AS d USING (doc_id)
    WHERE c.date_start IS NOT NULL
),
ranked AS (
    SELECT *,
           count(DISTINCT doc_id) OVER (PARTITION BY date_start, date_end, date_precision, iso2, status) AS n_documents,
           row_number() OVER (PARTITION BY date_start, date_end, date_precision, iso2, status
                              ORDER BY published_date NULLS LAST, doc_id, sentence_no) AS pick
    FROM events
)
SELECT p.date_start, p.date_end, p.date_precision, p.iso2, {_PARTY_NAME} AS name, p.status, p.n_documents,
       p.evidence, p.doc_id AS evidence_doc_id
FROM ranked AS p LEFT JOIN countries AS k USING (iso2)
WHERE p.pick = 1
ORDER BY {TIMELINE_ORDER}
""",
)

VIEWS = {view.name: view for view in (COUNTRY_STATUS, TIMELINE)}
