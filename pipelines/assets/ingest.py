"""Ingest: read the seed files and the reference tables."""

import dagster as dg
import pandas as pd

from pipelines import checks, countries
from pipelines.assets._metadata import failure
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
    check_specs=checks.table_specs("rejected_documents"),
)
def seed_files(context: dg.AssetExecutionContext, settings: GuaranteesSettings):
    """Read every file of the seeds folder; bad files become rows of rejected_documents, never a crash."""
    result = read_seeds(settings.seeds_path, settings.read_limits)
    for rejection in result.rejected:
        context.log.warning(f"rejected {rejection.source_path}: {rejection.reason}: {rejection.detail}")
    raw = pd.DataFrame(result.documents_as_rows(), columns=result.RAW_COLUMNS)
    yield dg.Output(raw, "raw_documents", metadata={"dagster/row_count": len(raw),
                                                    "seeds_dir": dg.MetadataValue.path(str(settings.seeds_path))})
    yield from _checked("rejected_documents", tables.to_frame("rejected_documents", result.rejected_as_rows()))


def _checked(table: str, frame: pd.DataFrame, output_name: str | None = None):
    """Yield the table and its checks; fail the step, listing every failure, when it is invalid."""
    _, report = yield from checks.checked_table(table, frame, output_name)
    if not report.ok:
        raise failure([report], f"{table} failed validation")


@dg.asset(name="countries", group_name="ingest", kinds={"parquet"}, check_specs=checks.table_specs("countries"))
def countries_reference():
    """Every ISO 3166-1 country plus Kosovo (XK/XKX, partially recognised), from the committed reference data."""
    yield from _checked("countries", tables.to_frame("countries", countries.country_rows()), "result")


@dg.asset(name="country_aliases", group_name="ingest", kinds={"parquet"},
          check_specs=checks.table_specs("country_aliases"))
def country_aliases_reference():
    """Every known way of writing a country name, with its normalised key and source."""
    yield from _checked("country_aliases", tables.to_frame("country_aliases", countries.alias_rows()), "result")
