"""Ingest: read the seed files and the reference tables."""

import dagster as dg
import pandas as pd

from pipelines import countries
from pipelines.assets._metadata import table_metadata, validated
from pipelines.lib import tables
from pipelines.lib.seeds import read_seeds
from pipelines.resources import GuaranteesSettings


@dg.multi_asset(
    group_name="ingest",
    outs={
        "raw_documents": dg.AssetOut(description="Decoded seed documents with their sidecar metadata (internal; "
                                                 "published through `documents`).", kinds={"parquet"}),
        "rejected_documents": dg.AssetOut(description="Seed files that could not be read as documents, and sidecars "
                                                      "that were ignored, with the reason.", kinds={"parquet"}),
    },
)
def seed_files(context: dg.AssetExecutionContext, settings: GuaranteesSettings):
    """Read every file of the seeds folder; bad files become rows of rejected_documents, never a crash."""
    result = read_seeds(settings.seeds_path, settings.read_limits)
    for rejection in result.rejected:
        context.log.warning(f"rejected {rejection.source_path}: {rejection.reason}: {rejection.detail}")
    raw = pd.DataFrame(result.documents_as_rows(), columns=result.RAW_COLUMNS)
    rejected = validated("rejected_documents", tables.to_frame("rejected_documents", result.rejected_as_rows()))
    yield dg.Output(raw, "raw_documents", metadata={"dagster/row_count": len(raw),
                                                    "seeds_dir": dg.MetadataValue.path(str(settings.seeds_path))})
    yield dg.Output(rejected, "rejected_documents", metadata=table_metadata("rejected_documents", rejected))


@dg.asset(name="countries", group_name="ingest", kinds={"parquet"})
def countries_reference() -> dg.Output[pd.DataFrame]:
    """Every ISO 3166-1 country plus Kosovo (XK/XKX, partially recognised), from the committed reference data."""
    frame = validated("countries", tables.to_frame("countries", countries.country_rows()))
    return dg.Output(frame, metadata=table_metadata("countries", frame))


@dg.asset(name="country_aliases", group_name="ingest", kinds={"parquet"})
def country_aliases_reference() -> dg.Output[pd.DataFrame]:
    """Every known way of writing a country name, with its normalised key and source."""
    frame = validated("country_aliases", tables.to_frame("country_aliases", countries.alias_rows()))
    return dg.Output(frame, metadata=table_metadata("country_aliases", frame))
