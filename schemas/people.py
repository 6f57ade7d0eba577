"""The `people` table: named persons per document, name variants joined."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._base import Text, doc_id_field
from schemas._codes import country_codes


class People(pa.DataFrameModel):
    """A named natural person mentioned in a document, with every surface form the text uses."""

    doc_id: Series[Text] = doc_id_field()
    canonical_name: Series[Text] = pa.Field(str_length={"min_value": 2}, description="Standard English-language form of the name, with native diacritics where known.")
    variants: Series[object] = pa.Field(description="Every form of the name the text uses (full and surname-only, without possessive 's), sorted.",
                                        metadata={"arrow_type": "list<string>"})
    role: Series[Text] = pa.Field(nullable=True, description="Role at the time of the document as the text gives it ('Prime Minister of Denmark'); null when the text gives none.")
    country_iso2: Series[Text] = pa.Field(nullable=True, isin=country_codes(), description="Country the text ties the person to (by demonym or possessive); null when none.",
                                         metadata={"references": "countries.iso2"})
    n_mentions: Series[int] = pa.Field(ge=1, description="How many times the person is named in the document.")
    first_char_start: Series[int] = pa.Field(ge=0, description="Offset in documents.text of the person's first mention.")

    @pa.check("variants", element_wise=True, error="variants must be a non-empty list of strings")
    def variants_are_strings(cls, value) -> bool:
        return hasattr(value, "__len__") and len(value) > 0 and all(isinstance(v, str) and v for v in value)

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "canonical_name"]
        description = "Named persons per document; the variants of one person's name are joined into one row."
