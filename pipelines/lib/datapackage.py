"""`datapackage.json`: a Frictionless Data Package descriptor generated from the pandera models.

Types, descriptions, constraints, primary and foreign keys all come from `schemas/` (through
`tables.arrow_schema` for the types), so the descriptor cannot drift from the tables it describes;
file sizes and sha256 come from the files just written. The release's data dictionary
(`dictionary.py`) is rendered from the same field descriptors.
"""
from __future__ import annotations

import datetime as dt

import pyarrow as pa

from pipelines.lib import tables
from schemas import SCHEMA_VERSION, TABLES

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
PACKAGE_NAME = "guarantees"
PACKAGE_TITLE = "Security guarantees for Ukraine"
PACKAGE_DESCRIPTION = ("Which countries signed, are negotiating, founded, joined or support the bilateral security "
                       "agreements with Ukraine under the G7 Joint Declaration of Support for Ukraine, with dates, "
                       "people and the sentence that says so, extracted from news documents.")


def field_type(arrow_type: pa.DataType) -> dict:
    """Table Schema type of an Arrow type."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return {"type": "string"}
    if pa.types.is_integer(arrow_type):
        return {"type": "integer"}
    if pa.types.is_floating(arrow_type):
        return {"type": "number"}
    if pa.types.is_boolean(arrow_type):
        return {"type": "boolean"}
    if pa.types.is_date(arrow_type):
        return {"type": "date"}
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return {"type": "array", "arrayItem": field_type(arrow_type.value_type)}
    raise ValueError(f"no Table Schema type for Arrow type {arrow_type}")


def _value(v):
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


def _pattern(regex: str) -> str:
    """Table Schema patterns match the whole value, so pandera's ^...$ anchors are dropped."""
    return regex[1:-1] if regex.startswith("^") and regex.endswith("$") else regex


def constraints(column) -> dict:
    """Table Schema constraints of one pandera column."""
    out = {}
    if not column.nullable:
        out["required"] = True
    if column.unique:
        out["unique"] = True
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            out["enum"] = sorted(_value(v) for v in stats["allowed_values"])
        elif check.name == "str_matches":
            out["pattern"] = _pattern(str(stats["pattern"]))
        elif check.name == "greater_than_or_equal_to":
            out["minimum"] = _value(stats["min_value"])
        elif check.name == "less_than_or_equal_to":
            out["maximum"] = _value(stats["max_value"])
        elif check.name == "greater_than":
            out["exclusiveMinimum"] = _value(stats["min_value"])
        elif check.name == "less_than":
            out["exclusiveMaximum"] = _value(stats["max_value"])
        elif check.name == "in_range":
            out["minimum"], out["maximum"] = _value(stats["min_value"]), _value(stats["max_value"])
        elif check.name == "str_length":
            if stats.get("min_value") is not None:
                out["minLength"] = stats["min_value"]
            if stats.get("max_value") is not None:
                out["maxLength"] = stats["max_value"]
    return out


def row_rules(table: str) -> list[str]:
    """Checks no Table Schema constraint expresses (across columns, or custom), in words."""
    schema = TABLES[table].to_schema()
    rules = [c.error for c in schema.checks if c.error]
    for name, column in schema.columns.items():
        rules += [f"{name}: {c.error}" for c in column.checks if c.error and c.name not in _BUILTIN_CHECKS]
    return rules


_BUILTIN_CHECKS = {"isin", "str_matches", "greater_than_or_equal_to", "less_than_or_equal_to", "greater_than",
                   "less_than", "in_range", "str_length"}


def table_schema(table: str) -> dict:
    """The Table Schema of one published table."""
    columns = TABLES[table].to_schema().columns
    fields = []
    foreign_keys = []
    for arrow_field in tables.arrow_schema(table):
        column = columns[arrow_field.name]
        field = {"name": arrow_field.name, **field_type(arrow_field.type), "description": column.description or ""}
        checks = constraints(column)
        if checks:
            field["constraints"] = checks
        fields.append(field)
        reference = (column.metadata or {}).get("references")
        if reference:
            resource, _, target = reference.partition(".")
            foreign_keys.append({"fields": [arrow_field.name], "reference": {"resource": resource, "fields": [target]}})
    schema = {"fields": fields, "primaryKey": tables.primary_key(table)}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def descriptor(release_id: str, created_at: str, files: dict[str, dict], rows: dict[str, int]) -> dict:
    """The whole package: one resource per table, with its file's size, sha256 and row count."""
    resources = []
    for name, model in TABLES.items():
        path = f"{name}.parquet"
        resources.append({
            "name": name,
            "type": "table",
            "path": path,
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "bytes": files[path]["bytes"],
            "hash": f"sha256:{files[path]['sha256']}",
            "description": model.to_schema().description or "",
            "rows": rows[name],
            "schema": table_schema(name),
        })
    return {
        "$schema": PROFILE,
        "name": PACKAGE_NAME,
        "id": release_id,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "version": SCHEMA_VERSION,
        "created": created_at,
        "resources": resources,
    }
