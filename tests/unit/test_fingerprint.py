"""Code fingerprints: they follow imports and data files, and nothing else."""
from pathlib import Path

import pytest

from pipelines.lib.fingerprint import REPO_ROOT, fingerprint, import_closure


def _files(module: str) -> set[str]:
    return {p.relative_to(REPO_ROOT).as_posix() for p in import_closure(module)[0]}


def test_the_extractor_closure_holds_what_extraction_imports_and_not_the_rest():
    files = _files("pipelines.lib.extract")
    assert {"pipelines/lib/extract.py", "pipelines/lib/mentions.py", "pipelines/lib/dates.py",
            "pipelines/countries/resolver.py", "pipelines/lib/documents.py"} <= files
    assert not files & {"pipelines/lib/release.py", "pipelines/lib/doc_cache.py", "pipelines/definitions.py"}
    assert {"ahocorasick_rs"} <= import_closure("pipelines.lib.extract")[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    lib = tmp_path / "pipelines" / "lib"
    (lib / "data").mkdir(parents=True)
    (tmp_path / "pipelines" / "__init__.py").write_text("")
    (lib / "__init__.py").write_text("")
    (lib / "top.py").write_text("import json\nfrom . import helper\n\ndef f():\n    from pipelines.lib.inner import g\n")
    (lib / "helper.py").write_text("X = 1\n")
    (lib / "inner.py").write_text("from pipelines.lib import (\n    helper,\n)\n")
    (lib / "unrelated.py").write_text("Y = 2\n")
    (lib / "data" / "table.csv").write_text("a,b\n")
    return tmp_path


def test_closure_follows_relative_parenthesised_and_function_level_imports(project):
    files, third_party = import_closure("pipelines.lib.top", project)
    assert {p.name for p in files} == {"__init__.py", "top.py", "helper.py", "inner.py"}
    assert third_party == set()  # json is in the standard library


@pytest.mark.parametrize("edit, changes", [
    ("pipelines/lib/helper.py", True),
    ("pipelines/lib/inner.py", True),
    ("pipelines/lib/data/table.csv", True),
    ("pipelines/lib/unrelated.py", False),
])
def test_fingerprint_changes_exactly_when_a_dependency_changes(project, edit, changes):
    before = fingerprint(("pipelines.lib.top",), project)
    with open(project / edit, "a") as fh:
        fh.write("# edited\n")
    assert (fingerprint(("pipelines.lib.top",), project) != before) is changes
