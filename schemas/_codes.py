"""Code lists the models check against, read from the committed reference data."""
from __future__ import annotations

from functools import lru_cache

from pipelines.lib.vocab import EU_CODE


@lru_cache(maxsize=1)
def country_codes() -> list[str]:
    """Every ISO 3166-1 alpha-2 code in the `countries` reference table, Kosovo's XK included."""
    from pipelines.countries import country_rows

    return sorted(row["iso2"] for row in country_rows())


def party_codes() -> list[str]:
    """Codes a commitment's party may take: a country or the European Union."""
    return country_codes() + [EU_CODE]
