"""Ingest: read the seed files and the reference tables."""

import hashlib
import json

import dagster as dg
import pandas as pd

from pipelines import checks, countries
from pipelines.assets._metadata import failure, markdown_table
from pipelines.lib import seed_state, tables
from pipelines.lib.fingerprint import pipeline_version
from pipelines.lib.seeds import SeedReadResult, load_record, read_seeds, save_record
from pipelines.resources import GuaranteesSettings

SEEDS_STATE_FILE = "seeds_state.parquet"
SEEDS_RECORD_FILE = "seed_documents.parquet"


def seeds_state_path(settings: GuaranteesSettings):
    """The seeds folder as the pipeline last read it, by content hash: the sensor's baseline."""
    return settings.state_path / SEEDS_STATE_FILE


def inputs_fingerprint(settings: GuaranteesSettings, seeds_digest: str) -> str:
    """Everything a run's result depends on: the seeds, the code and data, and the settings.
    Two runs with the same fingerprint publish the same content."""
    values = {"seeds": seeds_digest, "code": pipeline_version(), "seeds_dir": str(settings.seeds_location),
              "outputs_dir": str(settings.outputs_path), "max_document_bytes": settings.max_document_bytes,
              "max_line_chars": settings.max_line_chars, "max_unresolved_share": settings.unresolved_threshold}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


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
    """Read every file of the seeds folder; bad files become rows of rejected_documents, never a crash.

    The folder's content hashes are recorded first (before reading), so that a file edited while
    the run reads it looks changed to the sensor afterwards rather than silently processed."""
    seeds, state_path = settings.sync_seeds(), seeds_state_path(settings)
    if not seeds.is_dir():
        raise FileNotFoundError(f"seeds folder {settings.seeds_location} does not exist or is not a folder")
    record_path, limits = settings.state_path / SEEDS_RECORD_FILE, settings.read_limits
    state = seed_state.scan(seeds, seed_state.load(state_path))
    result = read_seeds(seeds, limits, state=state, known=load_record(record_path, seeds, limits))
    seed_state.save(state, state_path)
    save_record(record_path, seeds, limits, result.documents)
    context.log.info(f"{len(result.documents)} document(s), {result.reused} of them unchanged since the last read "
                     f"(not read again), {len(result.rejected)} rejection(s)")
    for rejection in result.rejected:
        context.log.warning(f"rejected {rejection.source_path}: {rejection.reason}: {rejection.detail}")
    raw = pd.DataFrame(result.documents_as_rows(), columns=result.RAW_COLUMNS)
    yield dg.Output(raw, "raw_documents", metadata={**raw_metadata(raw, settings, state),
                                                    "documents_not_reread": result.reused})
    yield from _checked("rejected_documents", tables.to_frame("rejected_documents", result.rejected_as_rows()))


def raw_metadata(raw: pd.DataFrame, settings: GuaranteesSettings, state: seed_state.SeedState) -> dict:
    """raw_documents is internal (no pandera model): its columns are described here instead."""
    schema = dg.TableSchema(columns=[dg.TableColumn(name, str(raw[name].dtype), description=_RAW_COLUMNS[name])
                                     for name in SeedReadResult.RAW_COLUMNS])
    return {
        "dagster/row_count": len(raw),
        "dagster/column_schema": schema,
        "preview": dg.MetadataValue.md(markdown_table(raw.drop(columns=["text"]).head(5))),
        "seeds_dir": dg.MetadataValue.path(str(settings.seeds_location)),
        "seeds_digest": state.digest[:16],
        "inputs_fingerprint": inputs_fingerprint(settings, state.digest),
    }


_RAW_COLUMNS = {
    "doc_id": "Document id: the first 16 hex digits of sha256.",
    "source_path": "Path relative to the seeds folder.",
    "sha256": "SHA-256 of the file's bytes.",
    "encoding": "Encoding the bytes were decoded from.",
    "n_bytes": "Size of the file in bytes.",
    "text": "Decoded text, line endings normalised to LF; empty (null) for a document unchanged since the last read.",
    "sidecar_published": "Publication date from the .meta.json sidecar, if any.",
    "sidecar_source_url": "Source URL from the sidecar, if any.",
    "sidecar_language": "Language code from the sidecar, if any.",
}


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
