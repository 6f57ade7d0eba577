"""The `date_mentions` table: date expressions in the text, resolved to calendar dates."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series

from pipelines.lib.dates import DATE_KINDS, RESOLUTIONS
from pipelines.lib.vocab import EARLIEST_MENTIONED_DATE, LATEST_DATE, PRECISIONS
from schemas._base import SpanModel, Text


class DateMentions(SpanModel):
    """A date expression ("January 12", "July 11-12", "on Friday", "a day later") and the dates it denotes."""

    surface: Series[Text] = pa.Field(description="The expression as written: documents.text[char_start:char_end].")
    kind: Series[Text] = pa.Field(isin=list(DATE_KINDS), description="Form of the expression: " + ", ".join(DATE_KINDS) + ".")
    date_start: Series[pandas_engine.Date] = pa.Field(nullable=True, ge=EARLIEST_MENTIONED_DATE, le=LATEST_DATE, description="First day the expression denotes; null when it cannot be resolved.")
    date_end: Series[pandas_engine.Date] = pa.Field(nullable=True, ge=EARLIEST_MENTIONED_DATE, le=LATEST_DATE, description="Last day the expression denotes (equal to date_start for a single day).")
    precision: Series[Text] = pa.Field(nullable=True, isin=list(PRECISIONS), description="How precisely the date is known: day, month or year; null when unresolved.")
    resolved_by: Series[Text] = pa.Field(isin=list(RESOLUTIONS), description="What fixed the date: " + ", ".join(RESOLUTIONS) + ".")

    @pa.dataframe_check(error="date_end must not be before date_start, and both are null or both set")
    def ordered_dates(cls, df: pd.DataFrame) -> Series[bool]:
        both = df["date_start"].notna() & df["date_end"].notna()
        neither = df["date_start"].isna() & df["date_end"].isna()
        return neither | (both & (pd.to_datetime(df["date_end"]) >= pd.to_datetime(df["date_start"])))

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "char_start"]
        description = "Date expressions found in the text, with the calendar dates they resolve to."
