"""Metadata shown in the Dagster UI for every table asset: row count, schema, a preview."""

import dagster as dg
import pandas as pd
import pyarrow as pa

from pipelines.lib import tables
from pipelines.lib.memory import release_free_memory
from pipelines.lib.tables import ValidationReport
from schemas import TABLES

PREVIEW_ROWS = 5
PREVIEW_CHARS = 80


def column_schema(table: str) -> dg.TableSchema:
    """The table's columns, types and descriptions, taken from its pandera model."""
    arrow = tables.arrow_schema(table)
    return dg.TableSchema(columns=[
        dg.TableColumn(name=f.name, type=str(f.type), description=f.metadata[b"description"].decode(),
                       constraints=dg.TableColumnConstraints(nullable=f.nullable))
        for f in arrow])


def table_metadata(table: str, frame: pd.DataFrame | pa.Table) -> dict:
    head = tables.from_arrow(frame.slice(0, PREVIEW_ROWS)) if isinstance(frame, pa.Table) else frame.head(PREVIEW_ROWS)
    return {
        "dagster/row_count": len(frame),
        "dagster/column_schema": column_schema(table),
        "preview": dg.MetadataValue.md(markdown_table(head)),
        "description": TABLES[table].to_schema().description or "",
    }


def markdown_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_no rows_"
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [_cell(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "…"


def failure(reports: list[ValidationReport], what: str) -> dg.Failure:
    """A run failure whose description names the cause in one line and whose metadata lists every case."""
    cases = pd.concat([r.failure_cases.assign(table=r.table) for r in reports], ignore_index=True)
    first = "; ".join(r.summary() for r in reports)
    return dg.Failure(description=f"{what}: {first}",
                      metadata={"failure_cases": dg.MetadataValue.md(markdown_table(cases.head(200))),
                                "n_failures": len(cases)})


def free_memory(context: dg.AssetExecutionContext) -> None:
    """At the start of a heavy step: give back what earlier steps of this process freed (see
    `pipelines.lib.memory`), and say how much in the run's log."""
    before, after = release_free_memory()
    if before is not None and after is not None:
        context.log.debug(f"returned {before - after:.0f} MB of freed memory to the OS "
                          f"(resident {before:.0f} -> {after:.0f} MB)")
