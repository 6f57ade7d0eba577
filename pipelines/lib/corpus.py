"""Extraction over a whole corpus: one `extract_document` call per document, rows gathered per table."""
from __future__ import annotations

from typing import Iterable

from pipelines.lib.documents import RawDocument
from pipelines.lib.extract import DocumentExtraction, extract_document

EXTRACTED_TABLES = ("documents", "sentences", "country_mentions", "date_mentions", "people", "commitments",
                    "unresolved_names")


def gather(extractions: Iterable[DocumentExtraction]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {t: [] for t in EXTRACTED_TABLES}
    for ex in extractions:
        rows["documents"].append(ex.document)
        for table in EXTRACTED_TABLES[1:]:
            rows[table].extend(getattr(ex, table))
    return rows


def extract_corpus(documents: Iterable[RawDocument]) -> dict[str, list[dict]]:
    """Rows of every extracted table for the given documents, in document order."""
    return gather(extract_document(doc) for doc in documents)
