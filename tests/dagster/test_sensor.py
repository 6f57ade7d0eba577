"""The seeds sensor against a temporary folder: new, changed, unchanged and deleted documents."""
import os
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets.ingest import seed_files
from pipelines.automation import seeds_sensor
from pipelines.resources import FrameIOManager, GuaranteesSettings


class Folder:
    """A seeds folder, the sensor's cursor between ticks, and the pipeline's view of the folder."""

    def __init__(self, tmp_path: Path):
        self.seeds = tmp_path / "seeds"
        self.seeds.mkdir()
        self.outputs = tmp_path / "outputs"
        self.settings = GuaranteesSettings(seeds_dir=str(self.seeds), outputs_dir=str(self.outputs))
        self.cursor: str | None = None

    def write(self, name: str, text: str) -> None:
        path = self.seeds / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)  # long before any scan: the stat memo trusts it

    def tick(self, cursor: str | None | type = ...):
        """Evaluate the sensor once (with the kept cursor, or the one given); keep its new cursor."""
        context = dg.build_sensor_context(cursor=self.cursor if cursor is ... else cursor,
                                          resources={"settings": self.settings})
        result = seeds_sensor(context)
        if isinstance(result, dg.SensorResult) and result.cursor is not None:
            self.cursor = result.cursor
        return result

    def ingest(self) -> None:
        """What the requested run does first: read the folder (and record what it read)."""
        with dg.DagsterInstance.ephemeral() as instance:
            result = dg.materialize([seed_files], instance=instance,
                                    resources={"settings": self.settings,
                                               "io_manager": FrameIOManager(outputs_dir=str(self.outputs))})
        assert result.success


def requested(result) -> dg.RunRequest:
    assert isinstance(result, dg.SensorResult), result
    (request,) = result.run_requests
    return request


def skipped(result) -> str:
    reason = result.skip_reason if isinstance(result, dg.SensorResult) else result
    assert isinstance(reason, dg.SkipReason), result
    return reason.skip_message


@pytest.fixture
def folder(tmp_path) -> Folder:
    return Folder(tmp_path)


def test_an_empty_or_missing_folder_requests_nothing(folder, tmp_path):
    assert "as the last run read it" in skipped(folder.tick())
    folder.settings = GuaranteesSettings(seeds_dir=str(tmp_path / "missing"), outputs_dir=str(folder.outputs))
    assert "does not exist" in skipped(folder.tick())


def test_new_changed_unchanged_and_deleted_documents(folder):
    folder.write("a.txt", "Poland signed.")
    folder.write("b.txt", "Britain is negotiating.")
    first = requested(folder.tick())
    assert first.tags["guarantees/changes"] == "2 new, 0 changed, 0 deleted"
    assert first.run_key.endswith(first.tags["guarantees/seeds_digest"])

    # Until the run has read the folder, the same state is not requested twice.
    assert "already requested" in skipped(folder.tick())
    folder.ingest()
    assert "as the last run read it" in skipped(folder.tick())

    os.utime(folder.seeds / "a.txt")  # touched, same bytes
    assert "as the last run read it" in skipped(folder.tick())

    folder.write("b.txt", "Britain signed.")
    changed = requested(folder.tick())
    assert changed.tags["guarantees/changes"] == "0 new, 1 changed, 0 deleted"
    assert changed.run_key != first.run_key
    folder.ingest()

    (folder.seeds / "a.txt").unlink()
    deleted = requested(folder.tick())
    assert deleted.tags["guarantees/changes"] == "0 new, 0 changed, 1 deleted"
    folder.ingest()

    folder.write("b.txt.meta.json", '{"published": "2024-01-12"}')
    assert requested(folder.tick()).tags["guarantees/changes"] == "0 new, 1 changed, 0 deleted"


def test_an_edit_back_to_an_earlier_version_runs_again(folder):
    folder.write("a.txt", "Poland signed.")
    first = requested(folder.tick())
    folder.ingest()
    folder.write("a.txt", "Poland is negotiating.")
    requested(folder.tick())
    folder.ingest()
    folder.write("a.txt", "Poland signed.")
    again = requested(folder.tick())
    assert again.tags["guarantees/seeds_digest"] == first.tags["guarantees/seeds_digest"]
    assert again.run_key != first.run_key  # a reused run key would be dropped by Dagster


def test_a_tick_evaluated_twice_gives_the_same_run_key(folder):
    folder.write("a.txt", "Poland signed.")
    before = folder.cursor
    assert requested(folder.tick(before)).run_key == requested(folder.tick(before)).run_key
