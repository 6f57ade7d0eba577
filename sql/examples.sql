-- Ten questions analysts ask of a release, answered in SQL.
--
-- Run them in DuckDB against a release's database, e.g.
--   duckdb -readonly outputs/releases/<release_id>/guarantees.duckdb < sql/examples.sql
-- or one at a time after `ATTACH '.../guarantees.duckdb' AS g (READ_ONLY); USE g;`.
-- Every query uses only the published tables and the views `country_status` and `timeline`
-- (see the release's README.md for every column). The tests (tests/report/test_examples.py) run
-- each one against a release built from the seed and the dev documents and check its answer.
-- Each query starts with a `-- name:` line; the lines after it say what it answers and how.

-- name: signed_in_2024_by_month
-- Which parties signed a bilateral security agreement in 2024, by month?
-- A document may date a signing only to a span ("in January and February"); the exact day given
-- by any document wins, and the span's first month is used only when no document gives a day.
WITH signing AS (
    SELECT country_iso2 AS iso2,
           coalesce(min(date_start) FILTER (WHERE date_precision = 'day'), min(date_start)) AS signed_on
    FROM commitments
    WHERE status = 'signed' AND date_start IS NOT NULL
    GROUP BY country_iso2
)
SELECT strftime(s.signed_on, '%Y-%m') AS month,
       count(*) AS n_parties,
       list(s.iso2 ORDER BY s.iso2) AS parties,
       list(coalesce(k.name, s.iso2) ORDER BY s.iso2) AS names
FROM signing AS s LEFT JOIN countries AS k USING (iso2)
WHERE year(s.signed_on) = 2024
GROUP BY month
ORDER BY month;

-- name: still_negotiating
-- Who is still negotiating? Parties whose strongest bilateral-agreement status across all
-- documents is `negotiating` (none of them reports a signature), with the latest report.
SELECT iso2, name, agreement_date AS talks_reported_on, n_documents, last_reported, evidence
FROM country_status
WHERE agreement_status = 'negotiating'
ORDER BY iso2;

-- name: declaration_without_agreement
-- Which parties founded or joined the G7 Joint Declaration but have no signed bilateral agreement
-- (yet)? `agreement_status` says whether talks are at least reported.
SELECT iso2, name, declaration_status, declaration_date, agreement_status
FROM country_status
WHERE declaration_status IN ('declaration_founder', 'declaration_joined')
  AND agreement_status IS DISTINCT FROM 'signed'
ORDER BY iso2;

-- name: kosovo_mentions
-- Where do the documents mention Kosovo? Every mention of XK, with its sentence and its document.
SELECT m.doc_id, d.title, d.published_date, m.sentence_no, m.surface, m.method, s.text AS sentence
FROM country_mentions AS m
JOIN sentences AS s USING (doc_id, sentence_no)
JOIN documents AS d USING (doc_id)
WHERE m.iso2 = 'XK'
ORDER BY d.published_date, m.doc_id, m.char_start;

-- name: agreements_so_far_by_month
-- How many bilateral agreements had been signed by the end of each month? The news counts them
-- ("the seventh leader to do so", "Latvia is the ninth country"): this is the same running count.
WITH signing AS (
    SELECT country_iso2,
           coalesce(min(date_start) FILTER (WHERE date_precision = 'day'), min(date_start)) AS signed_on
    FROM commitments
    WHERE status = 'signed' AND date_start IS NOT NULL
    GROUP BY country_iso2
),
per_month AS (
    SELECT strftime(signed_on, '%Y-%m') AS month, count(*) AS signed_that_month
    FROM signing GROUP BY month
)
SELECT month, signed_that_month,
       CAST(sum(signed_that_month) OVER (ORDER BY month) AS BIGINT) AS signed_so_far
FROM per_month
ORDER BY month;

-- name: founders_and_their_agreements
-- Did every founder of the G7 Joint Declaration go on to sign a bilateral agreement, and when
-- (the exact day when a document gives one)? A founder with no signature has signed_on null.
WITH signing AS (
    SELECT country_iso2 AS iso2,
           coalesce(min(date_start) FILTER (WHERE date_precision = 'day'), min(date_start)) AS signed_on
    FROM commitments
    WHERE status = 'signed'
    GROUP BY country_iso2
)
SELECT f.iso2, f.name, f.declaration_date AS founded_on, s.signed_on
FROM country_status AS f LEFT JOIN signing AS s USING (iso2)
WHERE f.declaration_status = 'declaration_founder'
ORDER BY s.signed_on NULLS LAST, f.iso2;

-- name: declaration_joiners_and_supporters
-- When did the other parties join or first state their support for the declaration? Every dated
-- event of the timeline for the statuses below founder, in date order.
SELECT date_start, iso2, name, status, n_documents, evidence
FROM timeline
WHERE status IN ('declaration_joined', 'supporter')
ORDER BY date_start, iso2, status;

-- name: leaders_at_signings
-- Which of a party's own people does each report of a dated signing name (the leaders who signed,
-- and whoever else of that country the article mentions)?
SELECT c.country_iso2 AS iso2, c.date_start AS signed_on,
       list(DISTINCT p.canonical_name ORDER BY p.canonical_name) AS people,
       count(DISTINCT c.doc_id) AS n_documents
FROM commitments AS c
JOIN people AS p ON p.doc_id = c.doc_id AND p.country_iso2 = c.country_iso2
WHERE c.status = 'signed' AND c.date_precision = 'day'
GROUP BY c.country_iso2, c.date_start
ORDER BY signed_on, iso2;

-- name: mentioned_but_not_parties
-- Which countries do the documents mention that are not parties to anything (Russia, Ukraine
-- itself, and states named in passing)? The first sentence that names each one.
WITH parties AS (SELECT DISTINCT country_iso2 AS iso2 FROM commitments),
first_mention AS (
    SELECT m.iso2, m.doc_id, m.sentence_no,
           count(*) OVER (PARTITION BY m.iso2) AS n_mentions,
           row_number() OVER (PARTITION BY m.iso2 ORDER BY d.published_date, m.doc_id, m.char_start) AS pick
    FROM country_mentions AS m JOIN documents AS d USING (doc_id)
    WHERE m.iso2 NOT IN (SELECT iso2 FROM parties)
)
SELECT f.iso2, k.name, f.n_mentions, s.text AS first_sentence
FROM first_mention AS f
JOIN countries AS k USING (iso2)
JOIN sentences AS s USING (doc_id, sentence_no)
WHERE f.pick = 1
ORDER BY f.iso2;

-- name: party_history
-- How did one party's status evolve from report to report? Poland, document by document in
-- publication order, with the sentence each status rests on. Change the code to follow another.
SELECT d.published_date, d.title, c.status, c.date_start, c.evidence
FROM commitments AS c JOIN documents AS d USING (doc_id)
WHERE c.country_iso2 = 'PL'
ORDER BY d.published_date, c.doc_id, c.status;
