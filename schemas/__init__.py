"""pandera schemas of the published tables, one module per table."""
from schemas.countries import Countries
from schemas.country_aliases import CountryAliases

__all__ = ["Countries", "CountryAliases"]
