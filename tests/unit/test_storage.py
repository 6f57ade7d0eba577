"""fsspec locations: the cache, the intermediate frames and the seeds folder on local disk and in memory://."""
import uuid

import pandas as pd
import pyarrow as pa
import pytest
from upath import UPath

from pipelines.lib import storage
from pipelines.lib.corpus import extract_incremental
from tests.unit.test_doc_cache import as_rows, calls, variant  # noqa: F401 (calls is a fixture)


@pytest.fixture
def memory_root():
    root = UPath(f"memory://guarantees-test-{uuid.uuid4().hex}")
    root.mkdir(parents=True, exist_ok=True)
    yield root
    storage.remove_tree(root)


@pytest.fixture(params=["local", "memory"])
def root(request, tmp_path, memory_root):
    return tmp_path if request.param == "local" else memory_root


def test_locations_are_paths_when_local_and_upaths_otherwise(tmp_path):
    assert storage.location(str(tmp_path)) == tmp_path and storage.is_local(storage.location(str(tmp_path)))
    assert storage.location(f"file://{tmp_path}") == tmp_path
    remote = storage.location("memory://bucket/cache")
    assert isinstance(remote, UPath) and not storage.is_local(remote)


def test_parquet_is_replaced_whole_and_read_back(root):
    path = root / "t.parquet"
    storage.write_parquet(pa.table({"a": [1, 2]}), path)
    storage.write_parquet(pa.table({"a": [3]}), path)
    assert storage.read_parquet(path).column("a").to_pylist() == [3]
    assert sorted(p.name for p in root.iterdir()) == ["t.parquet"]  # no temporary file left


def test_the_extraction_cache_works_on_any_filesystem(root, tmp_path, calls):
    docs = [variant(i) for i in range(3)]
    first = extract_incremental(docs, root / "cache", version="v")
    calls.clear()
    second = extract_incremental(docs + [variant(3)], root / "cache", version="v")
    assert calls == [variant(3).source_path]
    assert as_rows(second)["documents"][:3] == as_rows(first)["documents"]
    local = extract_incremental(docs + [variant(3)], tmp_path / "reference", version="v")
    assert as_rows(second) == as_rows(local)


def test_a_remote_seeds_folder_is_mirrored_downloading_only_what_changed(memory_root, tmp_path, monkeypatch):
    seeds = memory_root / "seeds"
    (seeds / "sub").mkdir(parents=True, exist_ok=True)
    (seeds / "a.txt").write_text("A")
    (seeds / "sub" / "b.txt").write_text("B")
    (seeds / "b.txt.meta.json").write_text("{}")
    target = tmp_path / "mirror"
    assert storage.mirror(seeds, target) == target
    assert {p.relative_to(target).as_posix(): p.read_text() for p in target.rglob("*") if p.is_file()
            and p.name != storage.MIRROR_STATE} == {"a.txt": "A", "sub/b.txt": "B", "b.txt.meta.json": "{}"}

    fetched = []
    real = seeds.fs.cat_file
    monkeypatch.setattr(seeds.fs, "cat_file", lambda path, *a, **k: fetched.append(path) or real(path, *a, **k))
    (seeds / "a.txt").write_text("A, edited")
    (seeds / "sub" / "b.txt").unlink()
    storage.mirror(seeds, target)
    assert [f.rsplit("/", 1)[-1] for f in fetched] == ["a.txt"]
    assert (target / "a.txt").read_text() == "A, edited" and not (target / "sub" / "b.txt").exists()


def test_a_mirror_of_some_files_downloads_those_and_keeps_the_rest(memory_root, tmp_path):
    seeds = memory_root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for name in ("a.txt", "b.txt", "c.txt"):
        (seeds / name).write_text(name.upper())
    target = tmp_path / "mirror"
    storage.mirror(seeds, target, only=["a.txt"])
    assert sorted(p.name for p in target.iterdir() if p.name != storage.MIRROR_STATE) == ["a.txt"]
    (seeds / "a.txt").unlink()
    storage.mirror(seeds, target, only=["a.txt", "b.txt"])  # a.txt is gone from the source: gone here too
    assert sorted(p.name for p in target.iterdir() if p.name != storage.MIRROR_STATE) == ["b.txt"]
    storage.mirror(seeds, target, only=["c.txt"])  # b.txt stays, and a full mirror later knows it
    assert (target / "b.txt").read_text() == "B.TXT" and (target / "c.txt").read_text() == "C.TXT"
    storage.mirror(seeds, target)
    assert sorted(p.name for p in target.iterdir() if p.name != storage.MIRROR_STATE) == ["b.txt", "c.txt"]


def test_an_input_that_names_its_columns_reads_only_those(tmp_path):
    import dagster as dg

    from pipelines.resources import FrameIOManager

    manager = FrameIOManager(intermediate_dir=str(tmp_path))
    manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey("t")),
                          pd.DataFrame({"a": [1, 2], "text": ["long", "texts"]}))
    loaded = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("t"),
                                                       definition_metadata={"columns": ["a"]}))
    pd.testing.assert_frame_equal(loaded, pd.DataFrame({"a": [1, 2]}))


def test_the_io_manager_keeps_frames_and_dicts_at_a_url(memory_root):
    import dagster as dg

    from pipelines.resources import FrameIOManager

    manager = FrameIOManager(intermediate_dir=str(memory_root / "intermediate"))
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey("t")), frame)
    loaded = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("t")))
    pd.testing.assert_frame_equal(loaded, frame)
    manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey("t")), {"k": 1})
    assert manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("t"))) == {"k": 1}
    assert [p.name for p in (memory_root / "intermediate").iterdir()] == ["t.json"]


def test_the_io_manager_keeps_arrow_backed_text_columns_as_they_were(memory_root):
    """Validated tables hold their text as "string[pyarrow]"; a frame read back must be the frame written,
    dtypes included, or the next step would convert every value again."""
    import dagster as dg

    from pipelines.resources import FrameIOManager

    manager = FrameIOManager(intermediate_dir=str(memory_root / "intermediate"))
    frame = pd.DataFrame({"a": pd.array(["x", None], dtype="string[pyarrow]"), "b": ["y", None], "c": [1, 2]})
    manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey("t")), frame)
    loaded = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("t")))
    pd.testing.assert_frame_equal(loaded, frame)


def _output(manager, frame, metadata):
    import dagster as dg

    # output_metadata: what a step's `Output(metadata=...)` gives the IO manager
    manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey("t"), output_metadata=metadata), frame)


def test_the_io_manager_stores_a_verdict_only_for_a_frame_a_step_validated(root):
    """A verdict lets the release audit skip validating a table again: it must exist only for
    what a step validated, and go when the frame is stored again without one."""
    import dagster as dg

    from pipelines.lib import verdicts
    from pipelines.lib.fingerprint import validator_version
    from pipelines.resources import FrameIOManager

    where = root / "intermediate"
    manager = FrameIOManager(intermediate_dir=str(where))
    frame = pd.DataFrame({"a": [1, 2]})
    _output(manager, frame, {verdicts.METADATA_KEY: dg.MetadataValue.text(validator_version())})
    loader = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("t"), definition_metadata={"deferred": True}))
    assert loader.verdict is None  # known only once the bytes are read
    pd.testing.assert_frame_equal(loader(), frame)
    assert verdicts.holds(loader.verdict, "t")

    _output(manager, frame, {})  # stored again by a step that did not validate it
    assert not (where / f"t{verdicts.SUFFIX}").exists()
    loader = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("t"), definition_metadata={"deferred": True}))
    pd.testing.assert_frame_equal(loader(), frame)
    assert loader.verdict is None


def test_the_io_manager_stores_a_validated_published_table_as_its_release_file(root, tmp_path):
    """So that the release audit can publish the stored bytes themselves: rows in key order, the
    release's schema and Parquet settings, and a verdict naming that form."""
    import dagster as dg

    from pipelines.lib import release, tables, verdicts
    from pipelines.lib.fingerprint import validator_version
    from pipelines.resources import FrameIOManager

    manager = FrameIOManager(intermediate_dir=str(root / "intermediate"))
    frame = pd.DataFrame({column: [f"b {column}", f"a {column}"] for column in tables.columns("rejected_documents")})
    metadata = {verdicts.METADATA_KEY: dg.MetadataValue.text(validator_version())}
    manager.handle_output(dg.build_output_context(asset_key=dg.AssetKey("rejected_documents"),
                                                  output_metadata=metadata), frame)
    release.write_table_file(tables.to_arrow("rejected_documents", frame), "rejected_documents", tmp_path / "r.parquet")
    assert (root / "intermediate" / "rejected_documents.parquet").read_bytes() == (tmp_path / "r.parquet").read_bytes()

    loader = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("rejected_documents"),
                                                       definition_metadata={"deferred": True}))
    data, verdict = loader.read()
    assert data == (tmp_path / "r.parquet").read_bytes() and verdict.form == release.table_file_form()
    loaded = loader()
    assert loaded["source_path"].tolist() == ["a source_path", "b source_path"]
    assert loaded["reason"].dtype == pd.StringDtype("pyarrow")
    assert verdicts.holds(loader.verdict, "rejected_documents")
    eager = manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("rejected_documents")))
    pd.testing.assert_frame_equal(eager, loaded)
