"""The `unresolved_names` table: country-like strings the normaliser could not resolve."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas._base import Text, doc_id_field


class UnresolvedNames(pa.DataFrameModel):
    """A string in the text that looks like a country name but is not exactly one current country."""

    doc_id: Series[Text] = doc_id_field()
    surface: Series[Text] = pa.Field(description="The string as written.")
    n_mentions: Series[int] = pa.Field(ge=1, description="How often the string occurs in the document.")
    first_char_start: Series[int] = pa.Field(ge=0, description="Offset in documents.text of its first occurrence.")
    reason: Series[Text] = pa.Field(description="Why it did not resolve (the normaliser's method and reason, e.g. 'deny: group').")
    best_candidate: Series[Text] = pa.Field(nullable=True, description="Closest country code the normaliser considered, if any.")

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "surface"]
        description = "Country-like strings that did not resolve to exactly one current country, for review."
