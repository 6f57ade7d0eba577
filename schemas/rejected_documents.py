"""The `rejected_documents` table: seed files that did not become documents, and why."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from pipelines.lib.vocab import REJECTION_REASONS
from schemas._base import Text


class RejectedDocuments(pa.DataFrameModel):
    """Files in the seeds folder that were not read as documents (or sidecars that were ignored)."""

    source_path: Series[Text] = pa.Field(description="Path of the file relative to the seeds folder.")
    sha256: Series[Text] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes; null when the bytes were not read.")
    reason: Series[Text] = pa.Field(isin=list(REJECTION_REASONS), description="Reason code: " + ", ".join(REJECTION_REASONS) + ".")
    detail: Series[Text] = pa.Field(description="What exactly was wrong, in words.")

    class Config:
        strict = True
        coerce = True
        unique = ["source_path"]
        description = "Seed files that were not read as documents, and sidecars that were ignored, with the reason."
