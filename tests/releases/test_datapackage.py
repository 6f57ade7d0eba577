"""datapackage.json and the README data dictionary are generated from the schemas and describe the files."""
from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq

from pipelines.lib.datapackage import constraints, table_schema
from pipelines.lib.views import VIEWS
from schemas import TABLES


def test_every_table_is_a_resource_matching_its_parquet_file(seed_release):
    package = json.loads((seed_release / "datapackage.json").read_text())
    manifest = json.loads((seed_release / "manifest.json").read_text())
    assert package["id"] == manifest["release_id"] and package["version"] == manifest["schema_version"]
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    types = {"string": "string", "int64": "integer", "date32[day]": "date", "bool": "boolean",
             "list<element: string>": "array"}
    for resource in package["resources"]:
        path = seed_release / resource["path"]
        assert resource["hash"] == "sha256:" + manifest["files"][resource["path"]]["sha256"]
        assert resource["bytes"] == path.stat().st_size
        assert resource["rows"] == pq.ParquetFile(path).metadata.num_rows
        arrow = pq.read_schema(path)
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == arrow.names
        for field in fields:
            assert field["type"] == types[str(arrow.field(field["name"]).type)], (resource["name"], field["name"])
            assert field["description"]
            assert field.get("constraints", {}).get("required", False) == (not arrow.field(field["name"]).nullable)


def test_keys_and_constraints_come_from_the_models():
    commitments = table_schema("commitments")
    assert commitments["primaryKey"] == ["doc_id", "country_iso2", "status"]
    assert {"fields": ["doc_id"], "reference": {"resource": "documents", "fields": ["doc_id"]}} in \
        commitments["foreignKeys"]
    by_name = {f["name"]: f for f in commitments["fields"]}
    assert by_name["status"]["constraints"]["enum"] == sorted(
        ["signed", "negotiating", "declaration_founder", "declaration_joined", "supporter"])
    assert by_name["date_start"]["constraints"] == {"minimum": "1991-08-24", "maximum": "2099-12-31"}
    assert by_name["doc_id"]["constraints"]["pattern"] == "[0-9a-f]{16}"
    people = {f["name"]: f for f in table_schema("people")["fields"]}
    assert people["variants"]["type"] == "array" and people["variants"]["arrayItem"] == {"type": "string"}
    assert constraints(TABLES["countries"].to_schema().columns["iso2"])["unique"] is True


def test_the_dictionary_documents_every_column_and_view(seed_release):
    readme = (seed_release / "README.md").read_text()
    for name, model in TABLES.items():
        assert f"### {name}" in readme
        for column, spec in model.to_schema().columns.items():
            assert f"| `{column}` |" in readme and spec.description.replace("|", "\\|") in readme, (name, column)
    for view in VIEWS.values():
        assert f"### {view.name}" in readme and view.description in readme
    assert "Rules: date_end needs a date_start and must not be before it." in readme


def test_the_shipped_verify_script_runs_with_the_standard_library_only(seed_release, tmp_path):
    import shutil

    copy = tmp_path / seed_release.name
    shutil.copytree(seed_release, copy)
    ok = subprocess.run([sys.executable, "-I", "-S", str(copy / "verify.py")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "matches its manifest" in ok.stdout
    (copy / "people.parquet").write_bytes(b"not parquet")
    bad = subprocess.run([sys.executable, "-I", "-S", str(copy / "verify.py")], capture_output=True, text=True)
    assert bad.returncode == 1 and "people.parquet: 11 bytes, manifest says" in bad.stderr
