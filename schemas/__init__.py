"""pandera schemas of the published tables, one module per table.

`TABLES` is the published contract: table name -> model, in the order tables are written and
documented. The DuckDB column comments, the release's data dictionary and the docs are generated
from these models.

`SCHEMA_VERSION` is semver: MAJOR for a removed, renamed or retyped column (or table, or key),
MINOR for an added one. `snapshot.json` records the published shape of each version; after a
bump, `python -m pipelines.lib.schema_version --write` records the new one, and a test fails when
the models and the snapshot disagree or a bump is too small (pipelines/lib/schema_version.py).
"""
from schemas.commitments import Commitments
from schemas.countries import Countries
from schemas.country_aliases import CountryAliases
from schemas.country_mentions import CountryMentions
from schemas.date_mentions import DateMentions
from schemas.documents import Documents
from schemas.people import People
from schemas.rejected_documents import RejectedDocuments
from schemas.sentences import Sentences
from schemas.unresolved_names import UnresolvedNames

SCHEMA_VERSION = "1.0.0"

TABLES = {
    "documents": Documents,
    "sentences": Sentences,
    "countries": Countries,
    "country_aliases": CountryAliases,
    "country_mentions": CountryMentions,
    "date_mentions": DateMentions,
    "people": People,
    "commitments": Commitments,
    "unresolved_names": UnresolvedNames,
    "rejected_documents": RejectedDocuments,
}

__all__ = ["SCHEMA_VERSION", "TABLES", *(m.__name__ for m in TABLES.values())]
