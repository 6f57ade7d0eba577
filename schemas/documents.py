"""The `documents` table: one row per seed document that was read."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series

from pipelines.lib.vocab import EARLIEST_EVENT_DATE, LATEST_DATE
from schemas._base import DOC_ID_PATTERN, PROSE, Text


class Documents(pa.DataFrameModel):
    """One row per seed document that was read and decoded; unreadable files are in rejected_documents."""

    doc_id: Series[Text] = pa.Field(str_matches=DOC_ID_PATTERN, description="Stable id: the first 16 hex digits of the SHA-256 of the file's bytes.")
    source_path: Series[Text] = pa.Field(description="Path of the file relative to the seeds folder, with '/' separators.")
    title: Series[Text] = pa.Field(description="The document's first non-empty line.")
    published_date: Series[pandas_engine.Date] = pa.Field(nullable=True, ge=EARLIEST_EVENT_DATE, le=LATEST_DATE, description="Publication date: from the sidecar when it gives one, otherwise inferred from the text; null when the text gives no anchor.")
    published_date_inferred: Series[bool] = pa.Field(description="True when published_date was inferred from the text rather than read from a sidecar.")
    published_date_method: Series[Text] = pa.Field(description="How published_date was obtained: 'sidecar', or the inference rule that fixed it.")
    language: Series[Text] = pa.Field(str_matches=r"^[a-z]{2,3}$", description="ISO 639 language code of the text, from the sidecar or detected.")
    source_url: Series[Text] = pa.Field(nullable=True, description="Where the document was published, from the sidecar; null when unknown.")
    sha256: Series[Text] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes, hex.")
    encoding: Series[Text] = pa.Field(description="Encoding the bytes were decoded from (utf-8, utf-8-sig, utf-16, cp1251, ...).")
    n_bytes: Series[int] = pa.Field(ge=1, description="Size of the file in bytes.")
    n_chars: Series[int] = pa.Field(ge=1, description="Length of the decoded text in characters (line endings normalised to LF).")
    text: Series[Text] = pa.Field(metadata=PROSE, description="The decoded text that every char_start/char_end offset in this release indexes.")

    @pa.dataframe_check(error="n_chars must equal the length of text")
    def n_chars_matches_text(cls, df: pd.DataFrame) -> Series[bool]:
        return df["text"].str.len() == df["n_chars"]

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id"]
        description = "One row per seed document that was read and decoded."
