"""verify names every file whose size or sha256 differs, and the CLI around releases."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.lib.verify import sha256_file, verify_release


@pytest.fixture
def releases(seed_release, tmp_path) -> Path:
    """A private copy of the seed run's releases folder (release, latest.json, index.json)."""
    target = tmp_path / "releases"
    shutil.copytree(seed_release.parent, target)
    return target


def flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main(["releases", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_intact_release_verifies(releases, seed_release, capsys):
    assert verify_release(releases / seed_release.name) == []
    code, out, err = cli(capsys, "verify", "--releases-dir", str(releases))
    assert code == 0 and out.strip() == f"ok: {seed_release.name}: 17 files match manifest.json" and err == ""


def test_every_tampered_file_is_named(releases, seed_release, capsys):
    folder = releases / seed_release.name
    manifest = json.loads((folder / "manifest.json").read_text())
    flip_a_bit(folder / "commitments.parquet")
    with open(folder / "guarantees.duckdb", "r+b") as fh:
        fh.truncate(1000)
    (folder / "people.parquet").unlink()
    (folder / "notes.txt").write_text("added by hand")
    problems = verify_release(folder)
    expected_sha = manifest["files"]["commitments.parquet"]["sha256"]
    assert problems == [
        f"commitments.parquet: sha256 {sha256_file(folder / 'commitments.parquet')}, manifest says {expected_sha}",
        f"guarantees.duckdb: 1000 bytes, manifest says {manifest['files']['guarantees.duckdb']['bytes']}",
        "people.parquet: missing",
        "notes.txt: not in the manifest",
    ]
    code, out, err = cli(capsys, "verify", seed_release.name, "--releases-dir", str(releases))
    assert code == 1 and out == ""
    for name in ("commitments.parquet", "guarantees.duckdb", "people.parquet", "notes.txt"):
        assert f"{seed_release.name}: {name}: " in err
    assert err.strip().splitlines()[-1] == "error: 1 release(s) failed verification"


def test_a_manifest_edited_to_match_a_tampered_file_is_caught_by_the_index(releases, seed_release):
    folder = releases / seed_release.name
    flip_a_bit(folder / "commitments.parquet")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["commitments.parquet"]["sha256"] = sha256_file(folder / "commitments.parquet")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    [problem] = verify_release(folder)
    assert problem.startswith("manifest.json: sha256 ") and "the releases index says" in problem


def test_list_show_and_diff(releases, seed_release, capsys):
    code, out, _ = cli(capsys, "list", "--releases-dir", str(releases))
    assert code == 0 and seed_release.name in out and out.rstrip().endswith("latest")
    code, out, _ = cli(capsys, "show", "latest", "--releases-dir", str(releases))
    assert code == 0 and out.startswith(f"release {seed_release.name} (latest)")
    assert "commitments" in out and "first release" in out
    code, out, _ = cli(capsys, "diff", seed_release.name, "latest", "--releases-dir", str(releases))
    assert code == 0 and "no status changes" in out and "commitments" in out
    code, out, _ = cli(capsys, "diff", seed_release.name, "latest", "--json", "--releases-dir", str(releases))
    assert json.loads(out)["tables"]["commitments"]["changed"] == 0


def test_unknown_releases_are_one_clear_error(releases, tmp_path, capsys):
    code, _, err = cli(capsys, "show", "20240101T000000Z-abcdef", "--releases-dir", str(releases))
    assert code == 1 and err.strip() == f"error: no release '20240101T000000Z-abcdef' in {releases}"
    code, _, err = cli(capsys, "verify", "--releases-dir", str(tmp_path / "empty"))
    assert code == 1 and "no release has been published" in err
