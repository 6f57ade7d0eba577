"""Schema of the `country_aliases` table (pipelines/countries/data/aliases.tsv)."""
import pandera.pandas as pa
from pandera.typing import Series

from schemas._base import Text

# Kinds written by the build from standard sources, generated romanisations, and reviewed overrides.
STANDARD_KINDS = ("name", "official_name", "common_name", "alpha2", "alpha3", "numeric", "cldr")
TRANSLIT_KINDS = ("translit_kmu2010", "translit_uk_phonetic", "translit_bgn_pcgn", "translit_icao9303",
                  "translit_ru_press")
OVERRIDE_KINDS = ("short", "abbreviation", "dataset_style", "historical", "variant", "designation",
                  "endonym", "exonym")
KINDS = STANDARD_KINDS + TRANSLIT_KINDS + OVERRIDE_KINDS


class CountryAliases(pa.DataFrameModel):
    alias: Series[Text] = pa.Field(str_length={"min_value": 1},
                                  description="The name as written in its source, case and diacritics preserved.")
    key: Series[Text] = pa.Field(str_length={"min_value": 1},
                                description="Lookup key: pipelines.countries.key(alias) (folded, abbreviations canonical, words sorted).")
    iso2: Series[Text] = pa.Field(str_matches=r"^[A-Z]{2}$", metadata={"references": "countries.iso2"},
                                 description="The country the alias denotes (ISO 3166-1 alpha-2, XK for Kosovo).")
    kind: Series[Text] = pa.Field(isin=KINDS,
                                 description="What the alias is: an ISO/CLDR name or code, a generated romanisation "
                                             "(translit_<system>) or a reviewed override (short, abbreviation, dataset_style, ...).")
    lang: Series[Text] = pa.Field(nullable=True,
                                 description="Language (BCP 47, e.g. 'pl', 'uk-Latn') of the alias; null for codes.")
    prose: Series[bool] = pa.Field(description="True when the alias is safe to match case-sensitively in running prose "
                                               "(false for codes such as 'IT' or 'CAN').")
    source: Series[Text] = pa.Field(str_length={"min_value": 1},
                                   description="Where the alias comes from (dataset and version, or the override's reference).")

    class Config:
        strict = True
        coerce = True
        unique = ["alias", "iso2", "lang"]
        description = "Every known way of writing a country name or code, with its key and source."
