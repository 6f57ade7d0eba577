"""Schema of the `countries` reference table (pipelines/countries/data/countries.csv)."""
import pandera.pandas as pa
from pandera.typing import Series

from schemas._base import Text

RECOGNITION = ("un_member", "un_observer", "partially_recognised", "non_self_governing",
               "associated_state", "territory")


class Countries(pa.DataFrameModel):
    iso2: Series[Text] = pa.Field(str_matches=r"^[A-Z]{2}$", unique=True,
                                 description="ISO 3166-1 alpha-2 code; XK for Kosovo (user-assigned, in common use).")
    iso3: Series[Text] = pa.Field(str_matches=r"^[A-Z]{3}$", unique=True,
                                 description="ISO 3166-1 alpha-3 code; XKX for Kosovo.")
    numeric: Series[Text] = pa.Field(str_matches=r"^[0-9]{3}$", nullable=True,
                                    description="ISO 3166-1 numeric code as a 3-digit string; null for Kosovo, which has none.")
    name: Series[Text] = pa.Field(str_length={"min_value": 1},
                                 description="Short English name as in ISO 3166-1 (pycountry), e.g. 'Korea, Republic of'.")
    official_name: Series[Text] = pa.Field(str_length={"min_value": 1},
                                          description="Official English name; the short name where ISO gives none.")
    recognition: Series[Text] = pa.Field(isin=RECOGNITION,
                                        description="Status: un_member, un_observer (Holy See, Palestine), partially_recognised "
                                                    "(Kosovo, Taiwan), non_self_governing (UN list, incl. Western Sahara), "
                                                    "associated_state (Cook Islands, Niue) or territory.")
    source: Series[Text] = pa.Field(str_length={"min_value": 1},
                                   description="Where the row and its status come from.")

    class Config:
        strict = True
        coerce = True
        unique = ["iso2"]
        description = "One row per ISO 3166-1 country or territory plus Kosovo: codes, names and recognition status."
