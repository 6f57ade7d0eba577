"""Releases pushed to a store at an fsspec URL (memory://, a folder) and pulled from it.

What a reader of the store relies on: it follows `latest.json` to a complete release whose files
match its manifest, whatever point a push died at; a push that could not finish is finished by the
next; and a machine that starts empty continues the store's chain instead of starting a new one.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest

from pipelines.lib.download import download_release
from pipelines.lib.release import INDEX, LATEST, latest_release_id, releases_dir
from pipelines.lib.release_store import PushError, Store, StoreError, pull, push, store_latest
from pipelines.lib.verify import MANIFEST, read_manifest, verify_release
from tests.releases.test_build import NOW, build_and_publish

TIMEOUT = 5.0


@pytest.fixture
def store():
    """An empty store in fsspec's in-memory filesystem, removed afterwards."""
    where = Store.at(f"memory://store-{uuid.uuid4().hex}/releases")
    yield where
    if where.fs.exists(where.root):
        where.fs.rm(where.root, recursive=True)


def changed(frames: dict, drop: int = 1) -> dict:
    """The tables with the first `drop` commitments gone: different content, a new release."""
    out = dict(frames)
    out["commitments"] = frames["commitments"].iloc[drop:].reset_index(drop=True)
    return out


def later(hours: int) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


def push_all(outputs: Path, store: Store) -> list[str]:
    return push(releases_dir(outputs), store, lock_timeout_s=TIMEOUT)


def downloaded_latest(store: Store, dest: Path) -> Path:
    """The store's latest release as a reader gets it, checked file by file on the way."""
    return download_release(store.url, dest, retries=0).path


def record_writes(store: Store, monkeypatch, fail_at: int | None = None) -> list[str]:
    """The store paths written, in order; with `fail_at`, that write (1-based) raises as a lost connection would."""
    written = []

    def wrap(method):
        def call(*args, **kwargs):
            path = args[1] if method is original_put else args[0]
            if fail_at is not None and len(written) + 1 == fail_at:
                raise ConnectionError(f"connection reset while writing {path}")
            written.append(path[len(store.root) + 1:])
            return method(*args, **kwargs)
        return call

    original_pipe, original_put = store.fs.pipe_file, store.fs.put_file
    monkeypatch.setattr(store.fs, "pipe_file", wrap(original_pipe))
    monkeypatch.setattr(store.fs, "put_file", wrap(original_put))
    return written


def test_a_push_writes_the_files_then_the_manifest_then_the_pointers(seed_frames, tmp_path, store, monkeypatch):
    release = build_and_publish(seed_frames, tmp_path / "a")
    written = record_writes(store, monkeypatch)
    lines = push_all(tmp_path / "a", store)
    assert lines == [f"pushed release {release.name} to {store.url}"]
    files = sorted(read_manifest(release)["files"])
    assert written == [f"{release.name}/{name}" for name in files] + [f"{release.name}/{MANIFEST}", INDEX, LATEST]
    assert store_latest(store) == release.name
    got = downloaded_latest(store, tmp_path / "download")
    assert got.name == release.name and verify_release(got, json.loads(store.read(LATEST))["manifest_sha256"]) == []
    assert {p.name: p.read_bytes() for p in got.iterdir()} == {p.name: p.read_bytes() for p in release.iterdir()}


def test_a_store_that_holds_the_latest_release_is_not_written_again(seed_frames, tmp_path, store, monkeypatch):
    build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    written = record_writes(store, monkeypatch)
    assert push_all(tmp_path / "a", store) == [] and written == []


def test_a_push_carries_every_release_the_store_lacks_oldest_first(seed_frames, tmp_path, store):
    first = build_and_publish(seed_frames, tmp_path / "a")
    second = build_and_publish(changed(seed_frames), tmp_path / "a", now=later(1))
    assert push_all(tmp_path / "a", store) == [f"pushed release {r.name} to {store.url}" for r in (first, second)]
    index = json.loads(store.read(INDEX))
    assert [e["release_id"] for e in index["releases"]] == [first.name, second.name]
    assert index["latest"] == store_latest(store) == second.name
    assert index == json.loads((releases_dir(tmp_path / "a") / INDEX).read_text())


def _count_writes(seed_frames, tmp_path, store, monkeypatch) -> int:
    build_and_publish(seed_frames, tmp_path / "probe")
    with monkeypatch.context() as patch:
        written = record_writes(store, patch)
        push_all(tmp_path / "probe", store)
    store.fs.rm(store.root, recursive=True)
    return len(written)


def test_a_push_that_dies_at_any_write_leaves_readers_the_previous_release_and_the_next_push_finishes(
        seed_frames, tmp_path, store, monkeypatch):
    first = build_and_publish(seed_frames, tmp_path / "a")
    second = build_and_publish(changed(seed_frames), tmp_path / "a", now=later(1))
    writes = _count_writes(seed_frames, tmp_path, store, monkeypatch)
    assert writes > 10
    for fail_at in range(1, writes + 1):
        push(releases_dir(tmp_path / "a"), store, lock_timeout_s=TIMEOUT)  # both releases
        store.write(json.dumps({"release_id": first.name}).encode(), LATEST)  # back to the first
        store.fs.rm(store.path(second.name), recursive=True)
        with monkeypatch.context() as patch:
            record_writes(store, patch, fail_at=fail_at)
            with pytest.raises(ConnectionError):
                push_all(tmp_path / "a", store)
        reader = downloaded_latest(store, tmp_path / f"reader{fail_at}")
        assert reader.name == first.name and verify_release(reader, None) == [], fail_at
        assert push_all(tmp_path / "a", store) == [f"pushed release {second.name} to {store.url}"], fail_at
        assert downloaded_latest(store, tmp_path / f"after{fail_at}").name == second.name
    index = json.loads(store.read(INDEX))
    assert [e["release_id"] for e in index["releases"]] == [first.name, second.name]


def test_a_push_refuses_when_another_machine_moved_the_store_on(seed_frames, tmp_path, store):
    build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    build_and_publish(changed(seed_frames), tmp_path / "b", now=later(1))  # built without pulling: a new chain
    before = {path: store.fs.cat_file(path) for path in store.fs.find(store.root)}
    with pytest.raises(PushError, match="another machine published it; nothing was pushed"):
        push_all(tmp_path / "b", store)
    assert {path: store.fs.cat_file(path) for path in store.fs.find(store.root)} == before


def test_a_machine_that_starts_empty_pulls_the_stores_latest_and_builds_on_it(seed_frames, tmp_path, store):
    first = build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    b = tmp_path / "b"
    assert pull(releases_dir(b), store, lock_timeout_s=TIMEOUT) == [
        f"pulled release {first.name} from {store.url}: the store's latest, which this folder did not have"]
    assert latest_release_id(b) == first.name
    assert verify_release(releases_dir(b) / first.name) == []
    assert pull(releases_dir(b), store, lock_timeout_s=TIMEOUT) == []
    assert not any((releases_dir(b) / ".staging").iterdir())
    second = build_and_publish(changed(seed_frames), b, now=later(1))
    assert read_manifest(second)["previous_release_id"] == first.name
    assert push_all(b, store) == [f"pushed release {second.name} to {store.url}"]
    index = json.loads(store.read(INDEX))
    assert [e["release_id"] for e in index["releases"]] == [first.name, second.name]
    # The first machine catches up the same way before its next build.
    assert pull(releases_dir(tmp_path / "a"), store, lock_timeout_s=TIMEOUT)
    assert latest_release_id(tmp_path / "a") == second.name


def test_a_pull_refuses_when_this_folders_latest_was_never_pushed_and_the_store_moved_on(seed_frames, tmp_path, store):
    build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    mine = build_and_publish(changed(seed_frames, 2), tmp_path / "b", now=later(1))
    with pytest.raises(StoreError, match=f"this folder's latest, {mine.name}, was never pushed"):
        pull(releases_dir(tmp_path / "b"), store, lock_timeout_s=TIMEOUT)
    assert latest_release_id(tmp_path / "b") == mine.name


def test_a_damaged_file_on_the_store_is_not_pulled(seed_frames, tmp_path, store):
    release = build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    name = "commitments.parquet"
    data = bytearray(store.read(release.name, name))
    data[len(data) // 2] ^= 0xFF
    store.fs.pipe_file(store.path(release.name, name), bytes(data))
    with pytest.raises(StoreError, match=f"could not pull release {release.name}.*{name}: sha256"):
        pull(releases_dir(tmp_path / "b"), store, lock_timeout_s=TIMEOUT)
    assert latest_release_id(tmp_path / "b") is None
    assert not (releases_dir(tmp_path / "b") / release.name).exists()


def test_a_folder_store_is_a_releases_folder_that_verify_accepts(seed_frames, tmp_path):
    first = build_and_publish(seed_frames, tmp_path / "a")
    second = build_and_publish(changed(seed_frames), tmp_path / "a", now=later(1))
    folder = tmp_path / "store"
    push_all(tmp_path / "a", Store.at(str(folder)))
    for release in (first, second):
        assert verify_release(folder / release.name) == []  # checked against the store's own index.json
    assert json.loads((folder / LATEST).read_text())["release_id"] == second.name
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_the_download_command_reads_a_pinned_release_from_the_store(seed_frames, tmp_path, store, capsys):
    from pipelines.cli import main

    first = build_and_publish(seed_frames, tmp_path / "a")
    build_and_publish(changed(seed_frames), tmp_path / "a", now=later(1))
    push_all(tmp_path / "a", store)
    dest = tmp_path / "data"
    assert main(["releases", "download", "--base-url", store.url, "--release", first.name, "--dest", str(dest)]) == 0
    assert main(["releases", "verify", first.name, "--releases-dir", str(dest)]) == 0
    capsys.readouterr()
    assert main(["releases", "download", "--base-url", store.url, "--release", "20990101T000000Z-000000",
                 "--dest", str(dest)]) == 1
    assert f"{store.url}/20990101T000000Z-000000/manifest.json: not found" in capsys.readouterr().err


def test_an_unreadable_pointer_on_the_store_is_named(tmp_path, store):
    store.write(b"{not json", LATEST)
    with pytest.raises(StoreError, match=f"{store.url}/latest.json: not a release pointer"):
        pull(releases_dir(tmp_path), store, lock_timeout_s=TIMEOUT)


def test_the_store_comes_from_the_settings_or_the_environment(monkeypatch, tmp_path):
    from pipelines.resources import REPO_ROOT, GuaranteesSettings

    assert GuaranteesSettings().store is None
    monkeypatch.setenv("GUARANTEES_RELEASE_STORE", "memory://from-env/releases")
    assert GuaranteesSettings().store.url == "memory://from-env/releases"
    assert GuaranteesSettings(release_store=str(tmp_path)).store.root == str(tmp_path)
    assert GuaranteesSettings(release_store="public/releases").store.root == str(REPO_ROOT / "public" / "releases")


def test_a_pull_that_died_before_pointing_at_the_release_is_finished_by_the_next(seed_frames, tmp_path, store,
                                                                                monkeypatch):
    import pipelines.lib.release_store as release_store

    first = build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    b = releases_dir(tmp_path / "b")
    with monkeypatch.context() as patch:
        patch.setattr(release_store, "write_pointers", lambda root, release_id: (_ for _ in ()).throw(
            OSError(28, "No space left on device", str(root / LATEST))))
        with pytest.raises(OSError):
            pull(b, store, lock_timeout_s=TIMEOUT)
    assert (b / first.name / MANIFEST).is_file() and latest_release_id(tmp_path / "b") is None
    assert pull(b, store, lock_timeout_s=TIMEOUT) == [
        f"made release {first.name}, the store's latest, the latest here: a pull had stopped before doing it"]
    assert latest_release_id(tmp_path / "b") == first.name


def test_a_folder_ahead_of_the_store_pulls_nothing(seed_frames, tmp_path, store):
    build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    ahead = build_and_publish(changed(seed_frames), tmp_path / "a", now=later(1))  # its push is still to come
    assert pull(releases_dir(tmp_path / "a"), store, lock_timeout_s=TIMEOUT) == []
    assert latest_release_id(tmp_path / "a") == ahead.name


def test_an_unreadable_index_on_the_store_is_rebuilt_from_its_release_folders(seed_frames, tmp_path, store):
    first = build_and_publish(seed_frames, tmp_path / "a")
    push_all(tmp_path / "a", store)
    store.write(b"<html>not json</html>", INDEX)
    second = build_and_publish(changed(seed_frames), tmp_path / "a", now=later(1))
    push_all(tmp_path / "a", store)
    index = json.loads(store.read(INDEX))
    assert [e["release_id"] for e in index["releases"]] == [first.name, second.name]
    assert index == json.loads((releases_dir(tmp_path / "a") / INDEX).read_text())
