"""Extract: sentences, country mentions, dates, people and commitments from the decoded documents."""

import dagster as dg
import pandas as pd

from pipelines.assets._metadata import table_metadata, validated
from pipelines.lib import tables
from pipelines.lib.corpus import EXTRACTED_TABLES, extract_corpus
from pipelines.lib.seeds import raw_document_from_row

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
)
def extracted_tables(context: dg.AssetExecutionContext, raw_documents: pd.DataFrame):
    """Run the extraction core over every document and validate each table it produces."""
    documents = [raw_document_from_row(row) for row in raw_documents.to_dict("records")]
    rows = extract_corpus(documents)
    context.log.info(f"extracted {len(documents)} document(s)")
    for name in EXTRACTED_TABLES:
        frame = validated(name, tables.to_frame(name, rows[name]))
        yield dg.Output(frame, name, metadata=table_metadata(name, frame))
