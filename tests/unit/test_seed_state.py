"""The seeds folder by content hash: what counts as new, changed and deleted, and what is re-read."""
import os
from pathlib import Path

import pytest

from pipelines.lib import seed_state
from pipelines.lib.seed_state import diff, load, save, scan


def _write(path: Path, text: str, mtime_ns: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


OLD = 1_600_000_000_000_000_000  # a modification time long before any scan


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    _write(seeds / "a.txt", "Alpha", OLD)
    _write(seeds / "b.txt", "Bravo", OLD)
    _write(seeds / "b.txt.meta.json", '{"published": "2024-01-12"}', OLD)
    _write(seeds / "sub" / "c.txt", "Charlie", OLD)
    _write(seeds / ".hidden.txt", "ignored", OLD)
    _write(seeds / ".git" / "x.txt", "ignored", OLD)
    return seeds


def test_scan_lists_documents_with_their_sidecars(folder):
    state = scan(folder)
    assert sorted(state.entries) == ["a.txt", "b.txt", "sub/c.txt"]
    assert state.entries["b.txt"].sidecar_sha256 is not None
    assert state.entries["a.txt"].sidecar_sha256 is None


def test_scan_names_the_documents_whose_file_or_sidecar_is_a_link(folder, tmp_path):
    """`seeds.read_seeds` reads those again whatever their hashes: where a link points is checked
    on every read."""
    _write(tmp_path / "elsewhere" / "d.txt", "Delta", OLD)
    os.symlink(tmp_path / "elsewhere" / "d.txt", folder / "d.txt")
    _write(tmp_path / "elsewhere" / "a.meta.json", '{"published": "2024-01-12"}', OLD)
    os.symlink(tmp_path / "elsewhere" / "a.meta.json", folder / "sub" / "c.txt.meta.json")
    state = scan(folder)
    assert state.links == {"d.txt", "sub/c.txt"}
    assert state.entries["d.txt"].sha256 is not None and state.entries["sub/c.txt"].sidecar_sha256 is not None
    assert load(_saved(state, tmp_path)).links == frozenset()  # a scan's own finding, not saved


def _saved(state, tmp_path: Path) -> Path:
    save(state, tmp_path / "state.parquet")
    return tmp_path / "state.parquet"


def test_diff_names_new_changed_and_deleted_documents(folder):
    before = scan(folder)
    _write(folder / "a.txt", "Alpha, edited")
    (folder / "sub" / "c.txt").unlink()
    _write(folder / "d.txt", "Delta")
    changes = diff(before, scan(folder, before))
    assert [e.path for e in changes.added] == ["d.txt"]
    assert [e.path for e in changes.changed] == ["a.txt"]
    assert changes.deleted == ["sub/c.txt"]
    assert changes.summary() == "1 new, 1 changed, 1 deleted"


def test_a_new_sidecar_changes_its_document(folder):
    before = scan(folder)
    _write(folder / "a.txt.meta.json", '{"language": "en"}')
    changes = diff(before, scan(folder, before))
    assert [e.path for e in changes.changed] == ["a.txt"] and not changes.added


def test_touching_a_file_is_not_a_change(folder):
    before = scan(folder)
    os.utime(folder / "a.txt", ns=(OLD + 10**9, OLD + 10**9))
    after = scan(folder, before)
    assert not diff(before, after) and after.digest == before.digest


def test_unchanged_files_are_not_read_again(folder, monkeypatch):
    before = scan(folder)
    read = []
    real = seed_state._sha256
    monkeypatch.setattr(seed_state, "_sha256", lambda p: read.append(p.name) or real(p))
    _write(folder / "a.txt", "Alpha, edited")
    scan(folder, before)
    assert read == ["a.txt"]


def test_a_file_modified_just_before_the_scan_is_read_again(folder, monkeypatch):
    """Same size and mtime may hide a second edit within one clock tick: re-read recent files."""
    _write(folder / "a.txt", "Alpha")  # mtime = now
    before = scan(folder)
    read = []
    real = seed_state._sha256
    monkeypatch.setattr(seed_state, "_sha256", lambda p: read.append(p.name) or real(p))
    scan(folder, before)
    assert read == ["a.txt"]


def test_digest_depends_on_content_not_on_times(folder, tmp_path):
    state = scan(folder)
    copy = tmp_path / "copy"
    for path, entry in state.entries.items():
        _write(copy / path, (folder / path).read_text())
    _write(copy / "b.txt.meta.json", (folder / "b.txt.meta.json").read_text())
    assert scan(copy).digest == state.digest
    _write(copy / "a.txt", "Alpha!")
    assert scan(copy).digest != state.digest


def test_save_and_load_round_trip(folder, tmp_path):
    state = scan(folder)
    path = tmp_path / "cache" / "state.parquet"
    save(state, path)
    assert load(path) == state
    assert load(tmp_path / "missing.parquet") is None
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    assert load(tmp_path / "broken.parquet") is None


def test_a_state_of_another_folder_is_not_reused(folder, tmp_path, monkeypatch):
    before = scan(folder)
    moved = seed_state.SeedState(str(tmp_path / "elsewhere"), before.scanned_at_ns, before.entries)
    read = []
    real = seed_state._sha256
    monkeypatch.setattr(seed_state, "_sha256", lambda p: read.append(p.name) or real(p))
    scan(folder, moved)
    assert len(read) == 4  # three documents and one sidecar
