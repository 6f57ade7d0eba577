"""Extract: sentences, country mentions, dates, people and commitments from the decoded documents.

Only documents that are new or changed since the last run are extracted; the others come from the
extraction cache (`pipelines/lib/doc_cache.py`), so a run after one new document costs about as
much as a run over one document. The documents to extract are spread over a pool of worker
processes inside this step (`settings.workers`); the other steps are light and run in the
in-process executor.
"""

from functools import partial

import dagster as dg
import pandas as pd

from pipelines import checks
from pipelines.assets._metadata import failure, free_memory, markdown_table
from pipelines.lib import tables
from pipelines.lib.batches import batch_caches
from pipelines.lib.corpus import EXTRACTED_TABLES, CorpusReport, incremental_extraction
from pipelines.lib.fingerprint import checks_version
from pipelines.lib.seeds import SeedChanged, load_text, raw_document_from_row
from pipelines.resources import GuaranteesSettings

# Longest list of documents shown per category in a run's metadata (the counts are always exact).
LISTED_DOCUMENTS = 200

_DESCRIPTIONS = {
    "documents": "One row per seed document: id, path, title, publication date (sidecar or inferred), text.",
    "sentences": "Every sentence with exact character offsets into documents.text.",
    "country_mentions": "Every reference to a country, normalised to ISO 3166-1 alpha-2 (Kosovo = XK).",
    "date_mentions": "Date expressions resolved to calendar dates (years inferred from the publication date).",
    "people": "Named persons per document, name variants joined.",
    "commitments": "Party, status, date and evidence sentence, after the supersession rules.",
    "unresolved_names": "Country-like strings that did not resolve to exactly one country.",
}


@dg.multi_asset(
    group_name="extract",
    outs={name: dg.AssetOut(description=_DESCRIPTIONS[name], kinds={"parquet"}) for name in EXTRACTED_TABLES},
    check_specs=[s for name in EXTRACTED_TABLES for s in checks.table_specs(name)] + checks.CROSS_TABLE_SPECS,
    deps=["extraction_batches"],  # adopted when present (`batches.py`), never required
)
def extracted_tables(context: dg.AssetExecutionContext, settings: GuaranteesSettings, raw_documents: pd.DataFrame,
                     countries: pd.DataFrame):
    """Extract every new or changed document, reuse the cached rows of the others (taking in those
    that document batches extracted on other machines), validate each table and run its checks.
    The `documents` output's metadata lists what was processed, reused, adopted and dropped; an
    invalid table fails the step with every failure case and is not stored."""
    free_memory(context)
    seeds, limits = settings.seeds_path, settings.read_limits
    frames, invalid = {}, []
    try:  # the list is the callee's alone, so the texts are freed once extracted
        with incremental_extraction([raw_document_from_row(row) for row in raw_documents.to_dict("records")],
                                    settings.cache_path / "extract", workers=settings.workers,
                                    load=partial(load_text, seeds, limits=limits),
                                    adopt_from=batch_caches(settings.cache_path)) as extracted:
            report = extracted.report
            context.log.info(f"extracted {len(report.processed)} document(s), reused {len(report.reused)} "
                             f"({report.adopted} from document batches), dropped {len(report.dropped)} "
                             f"(extractor {report.extractor_version})")
            for line in report.skipped_batches:
                context.log.warning(f"document batch not adopted, its documents extracted here: {line}")
            # The links between the tables, on the rows of new cache segments only; the release
            # audit trusts the token for the rest, as the segments' verdicts do.
            version = checks_version()
            links = extracted.links_token(version)
            if links is None:
                context.log.warning("the links between the new documents' rows failed a check; "
                                    "the release audit checks every row and reports them")
            # One table at a time, read from the cache, validated, stored and dropped; only the
            # columns the cross-table checks read are kept. Rows of cache segments that passed
            # these models before are not validated again (their keys are: `tables.validate_part`),
            # and then the table is stored from Arrow without becoming a frame.
            for name in EXTRACTED_TABLES:
                extra = corpus_metadata(report, settings) if name == "documents" else None
                unverified = extracted.unverified(name, version)
                read = extracted.table(name)  # before content_hash: the read completes the sums
                frame, validation = yield from checks.checked_table(
                    name, read if unverified is not None else tables.from_arrow(read), extra_metadata=extra,
                    content_hash=extracted.content_hash(name), links=links,
                    unverified=None if unverified is None else tables.from_arrow(unverified))
                if name in checks.CROSS_CHECKED_COLUMNS:
                    frames[name] = tables.column_frame(frame, checks.CROSS_CHECKED_COLUMNS[name])
                del frame, read, unverified
                if not validation.ok:
                    invalid.append(validation)
            if not invalid and links is not None:
                extracted.record_verdict(version)
    except SeedChanged as exc:
        raise dg.Failure(description=str(exc)) from None
    context.log.info(f"read the tables back from the cache in {report.seconds['read']:.2f} s")
    yield from checks.cross_table_results(frames, countries, settings.unresolved_threshold)
    if invalid:
        raise failure(invalid, "extracted tables failed validation")


def corpus_metadata(report: CorpusReport, settings: GuaranteesSettings) -> dict:
    """Which documents this run extracted (and why), reused from the cache, and dropped."""
    return {
        "documents_processed": len(report.processed),
        "documents_reused": len(report.reused),
        "documents_dropped": len(report.dropped),
        "documents_adopted": report.adopted,
        "processed": dg.MetadataValue.md(_listing(report.processed)),
        "reused": dg.MetadataValue.md(_listing(report.reused)),
        "dropped": dg.MetadataValue.md(_listing(report.dropped)),
        "extractor_version": report.extractor_version,
        "cache": dg.MetadataValue.path(str(settings.cache_path / "extract" / report.extractor_version)),
        "cache_segments": report.cache.segments,
        "seconds": dg.MetadataValue.json({k: round(v, 4) for k, v in report.seconds.items()}),
    }


def _listing(rows: list[dict]) -> str:
    text = markdown_table(pd.DataFrame(rows[:LISTED_DOCUMENTS]))
    if len(rows) > LISTED_DOCUMENTS:
        text += f"\n\n… and {len(rows) - LISTED_DOCUMENTS:,} more"
    return text
