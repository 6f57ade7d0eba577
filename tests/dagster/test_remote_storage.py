"""The whole graph with the seeds folder, the extraction cache and the intermediate frames at
fsspec URLs (memory://), and the same release as with local folders."""
import json
import uuid
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
from upath import UPath

from pipelines.definitions import defs
from pipelines.lib import storage
from pipelines.resources import FrameIOManager, GuaranteesSettings


def _run(settings: GuaranteesSettings, io_manager: FrameIOManager):
    with dg.instance_for_test() as instance:
        return defs.resolve_job_def("publish_job").execute_in_process(
            instance=instance, raise_on_error=False, resources={"settings": settings, "io_manager": io_manager})


def _release_rows(outputs: Path) -> dict[str, list[dict]]:
    release_id = json.loads((outputs / "releases" / "latest.json").read_text())["release_id"]
    folder = outputs / "releases" / release_id
    return {p.stem: pq.read_table(p).to_pylist() for p in sorted(folder.glob("*.parquet"))}


def test_seeds_cache_and_frames_at_urls_publish_what_local_folders_publish(seeds_dir, tmp_path):
    remote = UPath(f"memory://guarantees-{uuid.uuid4().hex}")
    try:
        for path in seeds_dir.rglob("*"):
            if path.is_file():
                (remote / "seeds" / path.relative_to(seeds_dir).as_posix()).parent.mkdir(parents=True, exist_ok=True)
                (remote / "seeds" / path.relative_to(seeds_dir).as_posix()).write_bytes(path.read_bytes())
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
        remote_rows, local_rows = _release_rows(outputs), _release_rows(local)
        assert remote_rows == local_rows and remote_rows["documents"]
    finally:
        storage.remove_tree(remote)
