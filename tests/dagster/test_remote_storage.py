"""The whole graph with the seeds folder, the extraction cache and the intermediate frames at
fsspec URLs (memory://), and the same release as with local folders; releases pushed to a release
store at a URL and pulled from it by another machine."""
import json
import uuid
from pathlib import Path

import dagster as dg
from upath import UPath

from pipelines.definitions import defs
from pipelines.lib import storage
from pipelines.resources import FrameIOManager, GuaranteesSettings
from tests.dagster.test_pipeline import latest, release_rows
from tests.releases.conftest import add_poland_signing


def _run(settings: GuaranteesSettings, io_manager: FrameIOManager):
    with dg.instance_for_test() as instance:
        return defs.resolve_job_def("publish_job").execute_in_process(
            instance=instance, raise_on_error=False, resources={"settings": settings, "io_manager": io_manager})


def upload(folder: Path, target: UPath) -> None:
    """Copy a local folder's files to a URL."""
    for path in folder.rglob("*"):
        if path.is_file():
            (target / path.relative_to(folder).as_posix()).parent.mkdir(parents=True, exist_ok=True)
            (target / path.relative_to(folder).as_posix()).write_bytes(path.read_bytes())


def test_seeds_cache_and_frames_at_urls_publish_what_local_folders_publish(seeds_dir, tmp_path):
    remote = UPath(f"memory://guarantees-{uuid.uuid4().hex}")
    try:
        upload(seeds_dir, remote / "seeds")
        outputs = tmp_path / "remote_outputs"
        settings = GuaranteesSettings(seeds_dir=str(remote / "seeds"), outputs_dir=str(outputs),
                                      cache_dir=str(remote / "cache"))
        result = _run(settings, FrameIOManager(outputs_dir=str(outputs), intermediate_dir=str(remote / "intermediate")))
        assert result.success
        assert (remote / "cache" / "extract").is_dir() and (remote / "intermediate" / "documents.parquet").exists()
        assert not (outputs / "intermediate").exists() and not (outputs / "cache" / "extract").exists()

        local = tmp_path / "local_outputs"
        assert _run(GuaranteesSettings(seeds_dir=str(seeds_dir), outputs_dir=str(local)),
                    FrameIOManager(outputs_dir=str(local))).success
        remote_rows, local_rows = release_rows(outputs), release_rows(local)
        assert remote_rows == local_rows and remote_rows["documents"]
    finally:
        storage.remove_tree(remote)


def _store_run(seeds: Path, outputs: Path, store: str):
    settings = GuaranteesSettings(seeds_dir=str(seeds), outputs_dir=str(outputs), release_store=store)
    return _run(settings, FrameIOManager(outputs_dir=str(outputs)))


def _failure_text(result) -> str:
    failure = next(event for event in result.all_events if event.is_step_failure)
    return failure.step_failure_data.user_failure_data.description


def test_two_machines_continue_one_chain_of_releases_through_a_release_store(seeds_dir, tmp_path):
    store = f"memory://store-{uuid.uuid4().hex}/releases"
    try:
        first, second = tmp_path / "first_machine", tmp_path / "second_machine"
        assert _store_run(seeds_dir, first, store).success
        published = latest(first).name
        assert json.loads(UPath(store, "latest.json").read_text())["release_id"] == published

        add_poland_signing(seeds_dir)
        assert _store_run(seeds_dir, second, store).success  # starts empty: pulls, then builds on it
        follower = latest(second).name
        manifest = json.loads((second / "releases" / follower / "manifest.json").read_text())
        assert follower != published and manifest["previous_release_id"] == published
        assert json.loads(UPath(store, "latest.json").read_text())["release_id"] == follower

        result = _store_run(seeds_dir, first, store)  # the same seeds: the first machine catches up, no change
        assert result.success and latest(first).name == follower
        assert result.asset_materializations_for_node("release")[0].metadata["outcome"].value == "no change"
    finally:
        storage.remove_tree(UPath(store))


def test_a_failed_push_fails_the_run_and_the_next_run_pushes_the_release(seeds_dir, tmp_path, monkeypatch):
    store = f"memory://store-{uuid.uuid4().hex}/releases"
    outputs = tmp_path / "outputs"
    try:
        fs = UPath(store).fs
        with monkeypatch.context() as patch:
            patch.setattr(fs, "pipe_file", lambda path, data, **kw: (_ for _ in ()).throw(
                ConnectionResetError(104, "Connection reset by peer", path)))
            result = _store_run(seeds_dir, outputs, store)
        assert not result.success
        release_id = latest(outputs).name
        assert f"release {release_id} is published in {outputs / 'releases'}, but pushing it" in _failure_text(result)
        assert "Connection reset by peer" in _failure_text(result)
        assert not UPath(store, "latest.json").exists()

        result = _store_run(seeds_dir, outputs, store)
        assert result.success and latest(outputs).name == release_id
        assert json.loads(UPath(store, "latest.json").read_text())["release_id"] == release_id
        assert result.asset_materializations_for_node("release")[0].metadata["pushed"].value == [
            f"pushed release {release_id} to {store}"]
    finally:
        storage.remove_tree(UPath(store))


def test_guarantees_run_names_the_release_store_and_what_it_pushed(seeds_dir, tmp_path, monkeypatch, capsys):
    import argparse

    from pipelines.commands import run as run_command

    store = f"memory://store-{uuid.uuid4().hex}/releases"
    monkeypatch.setenv("GUARANTEES_RELEASE_STORE", store)
    args = argparse.Namespace(seeds_dir=str(seeds_dir), outputs_dir=str(tmp_path / "outputs"), quiet=True)
    try:
        assert run_command.run(args) == 0
        assert f"  store: {store} (pushed 1 release(s))" in capsys.readouterr().out.splitlines()
        assert run_command.run(args) == 0
        assert f"  store: {store} (it already holds this release)" in capsys.readouterr().out.splitlines()
    finally:
        storage.remove_tree(UPath(store))


def test_a_release_store_that_cannot_be_opened_fails_the_run_naming_it(seeds_dir, tmp_path):
    outputs = tmp_path / "outputs"
    result = _store_run(seeds_dir, outputs, "nosuchprotocol://bucket/releases")
    assert not result.success
    text = _failure_text(result)
    assert "GUARANTEES_RELEASE_STORE='nosuchprotocol://bucket/releases' cannot be opened" in text
    assert "nosuchprotocol" in text.split("cannot be opened:")[1]
    assert not (outputs / "releases" / "latest.json").exists()
