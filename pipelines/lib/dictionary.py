"""The release's `README.md`: what the files are, how to check them, and a data dictionary.

Rendered from the Frictionless descriptor (itself generated from the pandera models) and from the
view definitions, so the dictionary says exactly what the schema says.
"""
from __future__ import annotations

import json

from pipelines.lib.datapackage import row_rules
from pipelines.lib.views import VIEWS

FILES = {
    "<table>.parquet": "one Parquet file (zstd) per table; the same inputs and code give byte-identical files",
    "guarantees.duckdb": "a DuckDB database with every table, column comments and the views below; its bytes "
                         "differ between identical builds, its content does not (see the content hashes)",
    "manifest.json": "sha256 and size of every other file, rows and content hash of every table, schema and code "
                     "versions, the previous release; written last",
    "datapackage.json": "a Frictionless Data Package descriptor: types, descriptions, constraints, keys",
    "changes.json": "rows added, removed and changed per table (by primary key) and status changes, against the "
                    "previous release",
    "CHANGELOG.md": "the same changes in words, for every release so far",
    "verify.py": "checks every file against the manifest with the Python standard library only",
    "report.html": "one static page for people: where each party stands with its evidence, a timeline, a tile map, "
                   "the changes, row counts, the validation summary and what needs review; opens with no network",
    "README.md": "this file",
}


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _constraint_text(field: dict) -> str:
    c = dict(field.get("constraints", {}))
    c.pop("required", None)
    parts = []
    if "enum" in c:
        values = c.pop("enum")
        parts.append("one of " + ", ".join(f"`{v}`" for v in values) if len(values) <= 12
                     else f"one of {len(values)} codes (see datapackage.json)")
    parts += [f"{k} {json.dumps(v, ensure_ascii=False)}" for k, v in c.items()]
    return "; ".join(parts)


def render(package: dict, manifest: dict) -> str:
    lines = [
        f"# {package['title']}: release {manifest['release_id']}",
        "",
        package["description"],
        "",
        f"- release: `{manifest['release_id']}` (created {manifest['created_at']})",
        f"- schema version: `{manifest['schema_version']}` (semver: a major bump for any removed, renamed or retyped column)",
        f"- previous release: `{manifest['previous_release_id']}`" if manifest.get("previous_release_id")
        else "- previous release: none (first release)",
        f"- code version: `{manifest['code_version']}`",
        "",
        "## Files",
        "",
        *[f"- `{name}`: {text}" for name, text in FILES.items()],
        "",
        "## Checking the files",
        "",
        "Run `python verify.py` in this folder: it names every file whose size or sha256 differs from",
        "`manifest.json` and exits non-zero. Parquet and DuckDB readers do not detect most flipped bits;",
        "the checksums do.",
        "",
        "## Tables",
        "",
    ]
    for resource in package["resources"]:
        schema = resource["schema"]
        lines += [f"### {resource['name']}", "", resource["description"], "",
                  f"{resource['rows']:,} row{'' if resource['rows'] == 1 else 's'} in `{resource['path']}`. Primary key: "
                  + ", ".join(f"`{k}`" for k in schema["primaryKey"]) + ".", ""]
        lines += ["| column | type | required | description | constraints |", "|---|---|---|---|---|"]
        for field in schema["fields"]:
            kind = field["type"] + (f" of {field['arrayItem']['type']}" if field["type"] == "array" else "")
            required = "yes" if field.get("constraints", {}).get("required") else "no"
            lines.append(f"| `{field['name']}` | {kind} | {required} | {_cell(field['description'])} | "
                         f"{_cell(_constraint_text(field))} |")
        for fk in schema.get("foreignKeys", []):
            lines.append("")
            lines.append(f"`{fk['fields'][0]}` references `{fk['reference']['resource']}.{fk['reference']['fields'][0]}`.")
        rules = row_rules(resource["name"])
        if rules:
            lines += ["", "Rules: " + "; ".join(rules) + "."]
        lines.append("")
    lines += ["## Views in guarantees.duckdb", ""]
    for view in VIEWS.values():
        lines += [f"### {view.name}", "", view.description, "", "| column | description |", "|---|---|"]
        lines += [f"| `{name}` | {_cell(text)} |" for name, text in view.columns.items()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
