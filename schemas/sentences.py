"""The `sentences` table: every sentence of every document, with exact offsets."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipelines.lib.sentences import KINDS
from schemas._base import PROSE, SpanModel, Text


class Sentences(SpanModel):
    """Sentences (and titles, list items, table rows) with offsets into documents.text."""

    text: Series[Text] = pa.Field(str_length={"min_value": 1}, metadata=PROSE, description="The sentence: exactly documents.text[char_start:char_end].")
    kind: Series[Text] = pa.Field(isin=list(KINDS), description="What the line is: title, subtitle, heading, paragraph, list_item (bullet removed) or table_row.")
    line_no: Series[int] = pa.Field(ge=1, description="1-based line of the document; sentences of one paragraph share it.")

    @pa.dataframe_check(error="text length must equal char_end - char_start")
    def text_matches_offsets(cls, df: pd.DataFrame) -> Series[bool]:
        return df["text"].str.len() == df["char_end"] - df["char_start"]

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "sentence_no"]
        description = "Every sentence of every document, with 0-based half-open offsets into documents.text."
