"""The `commitments` table: who committed to what, when, according to which sentence."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.typing import Series

from pipelines.lib.vocab import EARLIEST_EVENT_DATE, LATEST_DATE, PRECISIONS, STATUSES
from schemas._base import PROSE, Text, doc_id_field
from schemas._codes import party_codes


class Commitments(pa.DataFrameModel):
    """A (party, status) pair a document asserts, with its date and evidence sentence."""

    doc_id: Series[Text] = doc_id_field()
    country_iso2: Series[Text] = pa.Field(isin=party_codes(), description="The party: an ISO 3166-1 alpha-2 code (XK for Kosovo) or EU for the European Union.")
    status: Series[Text] = pa.Field(isin=list(STATUSES), description="signed | negotiating (bilateral security agreement); declaration_founder | declaration_joined | supporter (G7 Joint Declaration). Strongest per family, as at publication.")
    date_start: Series[pandas_engine.Date] = pa.Field(nullable=True, ge=EARLIEST_EVENT_DATE, le=LATEST_DATE, description="Date of the event (signing, talks, founding, joining, statement); first day of a span; null when the text does not date it.")
    date_end: Series[pandas_engine.Date] = pa.Field(nullable=True, ge=EARLIEST_EVENT_DATE, le=LATEST_DATE, description="Last day when the text gives a span ('July 11-12', 'in January'); null for a single day.")
    date_precision: Series[Text] = pa.Field(nullable=True, isin=list(PRECISIONS), description="day or month; null when undated.")
    evidence: Series[Text] = pa.Field(str_length={"min_value": 1}, metadata=PROSE, description="The sentence (or title, list item, table row) that states the commitment, exactly as in sentences.text.")
    sentence_no: Series[int] = pa.Field(ge=1, description="The evidence sentence's number in the document (sentences.sentence_no).")
    trigger: Series[Text] = pa.Field(description="The words in the evidence that state the status ('signed', 'in talks with', 'joined').")

    @pa.dataframe_check(error="date_end needs a date_start and must not be before it")
    def ordered_dates(cls, df: pd.DataFrame) -> Series[bool]:
        no_end = df["date_end"].isna()
        has_start = df["date_start"].notna()
        return no_end | (has_start & (pd.to_datetime(df["date_end"]) >= pd.to_datetime(df["date_start"])))

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "country_iso2", "status"]
        description = "Commitments (party, status) per document, with date and evidence, after the supersession rules."
