"""Building blocks shared by the table models: the span columns and common checks.

A span is a piece of a document's text: which document, which sentence, and 0-based half-open
character offsets into the decoded document text (`documents.text`).
"""
from __future__ import annotations

from typing import Annotated

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

DOC_ID_PATTERN = r"^[0-9a-f]{16}$"

# Text columns are Arrow-backed strings (pandas "string[pyarrow]", missing = pd.NA). pandera checks a
# plain `str` column by calling isinstance on every value and the frame keeps one Python object per
# value; here the dtype check is one comparison, the value checks run in Arrow, and a column is one
# buffer. At 10,000 documents that made a validation pass of all tables about 3x faster and the
# frames about half the memory. The published Parquet and DuckDB type is the same `string`.
Text = Annotated[pd.StringDtype, "pyarrow", pd.NA]

# Field metadata marking a column of running text (a document, a sentence): the DuckDB file stores
# it with zstd (`release_db`), which DuckDB applies only when a column asks for it; its own choice
# for such text is FSST. At 10,000 documents zstd made the file 28 MB instead of 90 MB, as fast to
# build and to scan. Short strings keep DuckDB's choice (a dictionary), which filters and joins
# read faster than zstd.
PROSE = {"prose": True}


def doc_id_field(description: str = "Document id: the first 16 hex digits of the document's SHA-256.") -> pa.Field:
    return pa.Field(str_matches=DOC_ID_PATTERN, description=description,
                    metadata={"references": "documents.doc_id"})


class SpanModel(pa.DataFrameModel):
    """Columns locating a piece of text: document, sentence and character offsets."""

    doc_id: Series[Text] = doc_id_field()
    sentence_no: Series[int] = pa.Field(ge=1, description="1-based number of the sentence in the document that holds the span.")
    char_start: Series[int] = pa.Field(ge=0, description="0-based offset of the span's first character in documents.text.")
    char_end: Series[int] = pa.Field(ge=1, description="0-based offset just past the span's last character (half-open, as in Python slicing).")

    @pa.dataframe_check(error="char_end must be greater than char_start")
    def span_not_empty(cls, df: pd.DataFrame) -> Series[bool]:
        return df["char_end"] > df["char_start"]
