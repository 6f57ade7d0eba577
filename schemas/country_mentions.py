"""The `country_mentions` table: every reference to a country in the text, normalised to ISO 3166."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipelines.lib.mentions import MENTION_METHODS
from schemas._base import SpanModel, Text
from schemas._codes import country_codes


class CountryMentions(SpanModel):
    """A country referred to by name, alias, demonym or capital used as an actor."""

    surface: Series[Text] = pa.Field(description="The text as written: documents.text[char_start:char_end].")
    iso2: Series[Text] = pa.Field(isin=country_codes(), description="ISO 3166-1 alpha-2 code of the country (XK for Kosovo).",
                                 metadata={"references": "countries.iso2"})
    method: Series[Text] = pa.Field(isin=list(MENTION_METHODS), description="How the mention was recognised: " + ", ".join(MENTION_METHODS) + ".")

    @pa.dataframe_check(error="surface length must equal char_end - char_start")
    def surface_matches_offsets(cls, df: pd.DataFrame) -> Series[bool]:
        return df["surface"].str.len() == df["char_end"] - df["char_start"]

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "char_start"]
        description = "Every reference to a country in the documents, normalised to ISO 3166-1 alpha-2."
